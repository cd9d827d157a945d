"""Scenario 12 of domain.md §8 end to end over HTTP: an accusation against township X (town 1)
is never routed to X nor to a discipline inspection body without management authority over
it; it goes to the county's (Art.22, 30). X's officials find it in no case, list, ledger,
export, warning, board or trail (Art.30, 46), and every read by the inspectors is recorded
with its purpose (domain.md §7)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from gateways.wiring import build_view_database
from tests.api.conftest import API, Api
from tests.integration.projection_support import runner
from tests.scenario_support import (
    CITY_DI,
    COUNTY_BUREAU,
    COUNTY_DI,
    TOWN_1,
    VILLAGE_1,
    official,
)


def catch_up(api: Api) -> None:
    db = build_view_database(api.settings)
    try:
        runner(api.world, db).catch_up()
    finally:
        db.close()


@pytest.fixture
def accusation(api: Api) -> str:
    """Registered by the county bureau on day 0, routed on day 1 as the directory says."""
    case_id: str = api.registered(
        category="accusation",
        accused_unit_id=TOWN_1,
        accused_persons=["李四"],
        subject="举报街道干部违规发放补偿款",
        matter_kind="official_misconduct",
    )["id"]
    api.on(1)
    for wrong, code in (
        (TOWN_1, "ROUTE_TARGET_WRONG_KIND"),
        (CITY_DI, "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY"),
    ):
        refused = api.act(
            case_id, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=wrong
        )
        assert refused.status_code == 409 and refused.json()["code"] == code
    transfer = api.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    assert transfer.json()["code"] == "ACCUSATION_TO_ACCUSED_UNIT"
    routed = api.done(
        case_id, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )
    assert routed["holder_unit_id"] == COUNTY_DI
    api.on(20)
    api.done(case_id, COUNTY_DI, "accept")  # late for no Art.23 notice: discipline rules
    catch_up(api)
    return case_id


def test_scenario_12_the_accused_township_finds_it_nowhere(api: Api, accusation: str) -> None:
    for unit in (TOWN_1, VILLAGE_1):
        for path in (f"{API}/{accusation}", f"{API}/{accusation}/history"):
            assert api.get(path, unit).status_code == 404
        ledger = api.get(API, unit).json()
        assert accusation not in {i["case_id"] for i in ledger["items"]}
        assert "举报" not in api.get("/api/v1/ledger.csv", unit).text
    as_inspector = api.auth(TOWN_1, "inspector")
    trail = api.client.get(f"/api/v1/audit/cases/{accusation}", headers=as_inspector)
    assert trail.status_code == 404
    faults = api.client.get("/api/v1/audit/faults", headers=as_inspector).json()
    assert accusation not in {i["case_id"] for i in faults["items"]}
    board = api.get("/api/v1/supervision/330106001", TOWN_1).json()
    assert board["registrations"] == 0


def test_scenario_12_no_notice_is_owed_for_it(api: Api, accusation: str) -> None:
    """Accepted 19 days after it was routed: discipline-inspection rules, not Art.23."""
    case = api.get(f"{API}/{accusation}", COUNTY_DI).json()
    assert [d["step"] for d in case["deadlines"]] == ["transfer", "answer"]
    overdue = api.get(API, COUNTY_DI, overdue="true").json()
    assert accusation not in {i["case_id"] for i in overdue["items"]}


def test_scenario_12_every_read_by_the_inspectors_is_recorded(api: Api, accusation: str) -> None:
    api.get(f"{API}/{accusation}", COUNTY_DI)
    api.get(f"{API}/{accusation}/history", COUNTY_DI)
    api.get(API, COUNTY_DI)
    api.get("/api/v1/ledger.csv", COUNTY_DI)
    api.get(f"/api/v1/audit/cases/{accusation}", COUNTY_DI)
    viewed = [
        (e.actor["official_id"], e.purpose)
        for e in api.world.service.store.events.get(UUID(accusation))
        if type(e).__name__ == "AccusationViewed"
    ]
    inspector = official(COUNTY_DI).official_id
    expected: list[Any] = [
        (inspector, purpose) for purpose in ("case", "history", "ledger", "ledger_csv", "trail")
    ]
    assert viewed == expected
