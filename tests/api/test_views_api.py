"""The ledger, the supervision roll-up and the warnings over HTTP, with real tokens.

The story is that of ``tests/integration/projection_support.populate``; the projections are
caught up by a runner over the app's own view database before each read.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import pytest

from gateways.wiring import build_view_database
from tests.api.conftest import Api
from tests.integration.projection_support import populate, runner
from tests.scenario_support import COUNTY_BUREAU, COUNTY_DI, TOWN_1, TOWN_2, at


@pytest.fixture
def story(api: Api) -> dict[str, Any]:
    cases = populate(api.world)
    db = build_view_database(api.settings)
    runner(api.world, db).catch_up()
    db.close()
    api.on(21)
    return cases


def test_the_ledger_lists_and_filters(api: Api, story: dict[str, Any]) -> None:
    everything = api.get("/api/v1/petitions", COUNTY_BUREAU)
    assert everything.status_code == 200, everything.text
    assert everything.json()["total"] == 8
    overdue = api.get("/api/v1/petitions", COUNTY_BUREAU, overdue="true", limit=2)
    body = overdue.json()
    # b, d and h; the accusation e owes no acceptance notice (Art.30), and f's transfer period
    # ended on Sunday 22 March, so it runs to the end of Monday 23 March.
    assert body["total"] == 3 and len(body["items"]) == 2 and body["today"] == "2026-03-23"
    assert all(i["warning_level"] == "overdue" for i in body["items"])
    api.on(22)
    body = api.get("/api/v1/petitions", COUNTY_BUREAU, overdue="true", limit=2).json()
    assert body["total"] == 4 and body["today"] == "2026-03-24"
    api.on(21)
    leader = api.get("/api/v1/petitions", COUNTY_BUREAU, leader_owned="true").json()
    assert [i["case_id"] for i in leader["items"]] == [str(story["c"])]


def test_the_accused_unit_never_sees_the_accusation(api: Api, story: dict[str, Any]) -> None:
    listed = api.get("/api/v1/petitions", TOWN_2).json()
    assert listed["total"] == 3
    assert str(story["e"]) not in {i["case_id"] for i in listed["items"]}
    exported = api.get("/api/v1/ledger.csv", TOWN_2).text
    assert "举报" not in exported
    rollup = api.get("/api/v1/supervision/330106002", TOWN_2).json()
    assert rollup["registrations"] == 2


def test_the_ledger_exports_as_csv_for_excel(api: Api, story: dict[str, Any]) -> None:
    response = api.get("/api/v1/ledger.csv", COUNTY_BUREAU, status="open")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][0] == "信访编号" and len(rows) == 8
    assert "李明" not in response.text


def test_the_supervision_roll_up_now_and_as_of(api: Api, story: dict[str, Any]) -> None:
    now = api.get("/api/v1/supervision/330106", COUNTY_BUREAU).json()
    # f's transfer period runs to the end of today, Monday (its 15th day was a Sunday); the
    # accusation e owes no acceptance notice (Art.30).
    assert now["registrations"] == 8 and now["backlog"] == 3 and now["as_of"] is None
    assert [a["division"] for a in now["areas"]] == ["330106001", "330106002"]
    api.on(22)  # f is late too: the towns are level on missed duties and backlog
    now = api.get("/api/v1/supervision/330106", COUNTY_BUREAU).json()
    assert now["backlog"] == 4
    assert [a["division"] for a in now["areas"]] == ["330106001", "330106002"]
    then = api.get(
        "/api/v1/supervision/330106",
        COUNTY_BUREAU,
        as_of=at(api.world.day(3), 23).isoformat(),
    ).json()
    assert then["registrations"] == 6 and then["today"] == "2026-03-05"
    by_date = api.get("/api/v1/supervision/330106", COUNTY_BUREAU, as_of="2026-03-05").json()
    by_date.pop("as_of"), then.pop("as_of")
    assert by_date == then


def test_the_roll_up_refuses_what_the_caller_may_not_see(api: Api, story: dict[str, Any]) -> None:
    outside = api.get("/api/v1/supervision/330106", TOWN_2)
    assert outside.status_code == 403 and outside.json()["code"] == "OUT_OF_JURISDICTION"
    bad = api.get("/api/v1/supervision/33010", COUNTY_BUREAU)
    assert bad.status_code == 422 and bad.json()["code"] == "DIVISION_PREFIX_INVALID"
    assert api.get("/api/v1/supervision/330106").status_code == 401
    assert api.get("/api/v1/petitions", COUNTY_BUREAU, stage="lost").status_code == 422


def test_warnings_of_the_callers_unit(api: Api, story: dict[str, Any]) -> None:
    api.on(9)
    found = api.get("/api/v1/warnings", TOWN_1, within_days=7).json()
    assert [(i["step"], i["level"], i["days_left"]) for i in found["due_soon"]] == [
        ("accept", "warning", 7)
    ]
    api.on(21)
    late = api.get("/api/v1/warnings", COUNTY_BUREAU, unit_id=TOWN_2, within_days=0).json()
    assert [(i["step"], i["days_overdue"]) for i in late["overdue"]] == [("accept", 5)]
    refused = api.get("/api/v1/warnings", TOWN_2, unit_id=COUNTY_BUREAU)
    assert refused.status_code == 403


# ------------------------------------------- reads of an accusation (domain.md §7)
def catch_up(api: Api) -> None:
    db = build_view_database(api.settings)
    try:
        runner(api.world, db).catch_up()
    finally:
        db.close()


def reads(api: Api, case_id: UUID) -> list[tuple[str, str]]:
    """Who read the accusation, and for what: its ``AccusationViewed`` events in order."""
    return [
        (e.actor["unit_id"], e.purpose)
        for e in api.world.service.store.events.get(case_id)
        if type(e).__name__ == "AccusationViewed"
    ]


def test_each_accusation_a_ledger_page_or_export_shows_is_a_recorded_read(
    api: Api, story: dict[str, Any]
) -> None:
    """Art.30, domain.md §7: an inspector's ledger page and CSV export each record one read
    of the accusation they show, with its purpose; rows that are no accusation record none."""
    top = api.position()
    page = api.get("/api/v1/petitions", COUNTY_DI)
    assert page.status_code == 200 and str(story["e"]) in {
        i["case_id"] for i in page.json()["items"]
    }
    assert api.position() == top + 1
    exported = api.get("/api/v1/ledger.csv", COUNTY_DI)
    assert exported.status_code == 200 and "举报" in exported.text
    assert api.position() == top + 2
    assert reads(api, story["e"]) == [(COUNTY_DI, "ledger"), (COUNTY_DI, "ledger_csv")]
    # A page with no accusation on it records nothing; neither does the accused unit's ledger,
    # which never shows it.
    assert api.get("/api/v1/petitions", COUNTY_DI, category="appeal").status_code == 200
    assert api.get("/api/v1/ledger.csv", TOWN_2).status_code == 200
    assert api.position() == top + 2


def test_an_accusation_on_a_warnings_list_or_a_leader_board_is_a_recorded_read(
    api: Api, story: dict[str, Any]
) -> None:
    """The discipline inspection body accepts the accusation (its answer then falls due) and
    its head owns it (包案): its warnings and the county's board each show it, so each read
    of them is recorded; the accused township's board never shows it."""
    api.done(str(story["e"]), COUNTY_DI, "accept")
    head = api.auth(COUNTY_DI, "leader")
    owned = api.client.post(
        f"/api/v1/petitions/{story['e']}/leader",
        json={"leader_id": "di-head", "leader_name": "林书记", "leader_unit_id": COUNTY_DI},
        headers=head,
    )
    assert owned.status_code == 200, owned.text
    catch_up(api)

    warned = api.get("/api/v1/warnings", COUNTY_DI, within_days=60).json()
    assert [i["case_id"] for i in warned["due_soon"]] == [str(story["e"])]
    board = api.get("/api/v1/supervision/330106", COUNTY_DI).json()
    assert str(story["e"]) in {c["case_id"] for c in board["leader_owned"]["cases"]}
    assert reads(api, story["e"]) == [(COUNTY_DI, "warnings"), (COUNTY_DI, "supervision")]
    top = api.position()
    assert api.get("/api/v1/supervision/330106002", TOWN_2).status_code == 200
    assert api.position() == top
