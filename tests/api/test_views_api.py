"""The ledger, the supervision roll-up and the warnings over HTTP, with real tokens.

The story is that of ``tests/integration/projection_support.populate``; the projections are
caught up by a runner over the app's own view database before each read.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from gateways.wiring import build_view_database
from tests.api.conftest import Api
from tests.integration.projection_support import populate, runner
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, TOWN_2, at


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
    # f's transfer period ended on Sunday 22 March, so it runs to the end of Monday 23 March.
    assert body["total"] == 4 and len(body["items"]) == 2 and body["today"] == "2026-03-23"
    assert all(i["warning_level"] == "overdue" for i in body["items"])
    api.on(22)
    body = api.get("/api/v1/petitions", COUNTY_BUREAU, overdue="true", limit=2).json()
    assert body["total"] == 5 and body["today"] == "2026-03-24"
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
    # f's transfer period runs to the end of today, Monday (its 15th day was a Sunday).
    assert now["registrations"] == 8 and now["backlog"] == 4 and now["as_of"] is None
    api.on(22)  # f is late too: town 2 has the most missed duties and ranks first
    now = api.get("/api/v1/supervision/330106", COUNTY_BUREAU).json()
    assert now["backlog"] == 5
    assert [a["division"] for a in now["areas"]] == ["330106002", "330106001"]
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
