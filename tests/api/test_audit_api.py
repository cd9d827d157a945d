"""问责轨迹 over HTTP with real tokens: a case's trail, the search over faults, who may read
them, and that opening an accusation's trail is recorded and shown.

The story is that of ``tests/integration/trail_support.story``; the projections are caught up
by a runner over the app's own view database before each read. Day 40 is 2026-04-11.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from gateways.wiring import build_view_database
from tests.api.conftest import Api
from tests.integration.projection_support import runner
from tests.integration.trail_support import LI, ZHAO, story
from tests.scenario_support import CITY_DI, COUNTY_BUREAU, COUNTY_DI, TOWN_1, TOWN_2, official

CASES = "/api/v1/audit/cases"
FAULTS = "/api/v1/audit/faults"


def catch_up(api: Api) -> None:
    db = build_view_database(api.settings)
    try:
        runner(api.world, db).catch_up()
    finally:
        db.close()


@pytest.fixture
def told(api: Api) -> dict[str, Any]:
    cases = story(api.world)
    catch_up(api)
    return {k: str(v) for k, v in cases.items()}


def test_the_trail_of_a_late_transfer_names_the_bureau_and_art43(
    api: Api, told: dict[str, Any]
) -> None:
    response = api.get(f"{CASES}/{told['s2']}", COUNTY_DI)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["today"] == "2026-04-11"
    assert [e["label"] for e in body["timeline"]] == ["登记", "转送", "受理"]
    [fault] = body["faults"]
    assert (fault["fault"], fault["unit_id"], fault["days_late"]) == ("art43", COUNTY_BUREAU, 1)
    assert fault["official_id"] == official(COUNTY_BUREAU).official_id
    assert fault["fault_label"].startswith("第四十三条") and len(fault["event_ids"]) == 2
    assert (fault["article"], fault["paragraph"], fault["citation"]) == (
        "第四十三条",
        None,
        "第四十三条",
    )
    assert fault["fact"] == "收到信访事项后未在15日内转送、交办"
    assert fault["duty_article"] == "第二十二条"


def test_the_search_filters_by_unit_official_fault_and_period(
    api: Api, told: dict[str, Any]
) -> None:
    names = {v: k for k, v in told.items()}

    def keys(**params: Any) -> list[str]:
        response = api.get(FAULTS, COUNTY_DI, **params)
        assert response.status_code == 200, response.text
        return [names[i["case_id"]] for i in response.json()["items"]]

    assert keys() == ["acc", "s2", "s3", "acc", "rev", "s4"]
    assert keys(unit_id=TOWN_1) == ["rev"]
    assert keys(official_id=LI.official_id) == []  # objecting in time is no fault
    assert keys(official_id=ZHAO.official_id) == ["acc"]
    assert keys(fault="art43") == ["s2", "acc", "s4"]
    assert keys(**{"from": "2026-03-18", "to": "2026-03-20"}) == ["s2", "s3", "acc"]
    assert keys(division="330106002") == ["acc", "s3", "acc"]
    page = api.get(FAULTS, COUNTY_DI, limit=2, offset=2).json()
    assert page["total"] == 6 and len(page["items"]) == 2
    assert page["counts"] == {"art42": 0, "art43": 3, "art44": 1, "art45": 1, "art46": 1}
    # Each fault names its article, item and fact.
    every = api.get(FAULTS, COUNTY_DI).json()["items"]
    assert [(i["citation"], i["source"]) for i in every] == [
        ("第四十六条第（七）项", "mark"),
        ("第四十三条", "duty"),
        ("第四十四条第（三）项", "duty"),
        ("第四十三条", "duty"),
        ("第四十五条第（二）项", "mark"),
        ("第四十三条", "duty"),
    ]
    assert every[2]["fact"] == "收到转送、交办的信访事项后未在15日内书面告知受理"


def test_a_non_inspector_is_refused(api: Api, told: dict[str, Any]) -> None:
    for path in (f"{CASES}/{told['s2']}", FAULTS):
        refused = api.get(path, COUNTY_BUREAU)
        assert refused.status_code == 403 and refused.json()["code"] == "ROLE_REQUIRED"
    assert api.get(FAULTS).status_code == 401


def test_an_inspector_outside_the_jurisdiction_is_refused(api: Api, told: dict[str, Any]) -> None:
    town_1 = api.auth(TOWN_1, "inspector")
    outside = api.client.get(f"{CASES}/{told['s3']}", headers=town_1)
    assert outside.status_code == 404 and outside.json()["code"] == "CASE_NOT_FOUND"
    wider = api.client.get(FAULTS, params={"division": "330106"}, headers=town_1)
    assert wider.status_code == 403
    county = api.get(FAULTS, COUNTY_DI, division="3301")
    assert county.status_code == 403 and county.json()["message"]


def test_the_accused_unit_never_sees_the_accusation(api: Api, told: dict[str, Any]) -> None:
    accused = api.auth(TOWN_2, "inspector")
    hidden = api.client.get(f"{CASES}/{told['acc']}", headers=accused)
    assert hidden.status_code == 404 and hidden.json()["code"] == "CASE_NOT_FOUND"
    listed = api.client.get(FAULTS, headers=accused).json()
    assert [i["case_id"] for i in listed["items"]] == [told["s3"]]
    assert "举报" not in repr(listed)


def test_reading_an_accusations_trail_is_recorded_and_shown(api: Api, told: dict[str, Any]) -> None:
    api.on(41, hour=15)
    first = api.get(f"{CASES}/{told['acc']}", COUNTY_DI)
    # Until now, only the accused township's refused attempt (day 6).
    assert first.status_code == 200
    assert [r["official_id"] for r in first.json()["reads"]] == [ZHAO.official_id]
    last = list(api.world.service.store.events.get(UUID(told["acc"])))[-1]
    assert type(last).__name__ == "AccusationViewed" and last.actor["unit_id"] == COUNTY_DI
    assert last.purpose == "trail"
    catch_up(api)
    api.on(42, hour=9)
    reads = api.get(f"{CASES}/{told['acc']}", COUNTY_DI).json()["reads"]
    assert [(r["official_id"], r["unit_name"], r["occurred_at"]) for r in reads] == [
        (ZHAO.official_id, "双浦镇人民政府", "2026-03-08T10:00:00+08:00"),
        (official(COUNTY_DI).official_id, "西湖区纪委监委", "2026-04-12T15:00:00+08:00"),
    ]
    # A trail of a case that is no accusation records nothing.
    before = api.position()
    assert api.get(f"{CASES}/{told['s2']}", COUNTY_DI).status_code == 200
    assert api.position() == before


def test_an_accusation_on_a_page_of_faults_is_a_recorded_read(
    api: Api, told: dict[str, Any]
) -> None:
    """domain.md §7: the search shows the accusation's fault (its late routing), so the read
    is recorded with the purpose ``faults``, once per accusation shown; other rows need none."""
    top = api.position()
    page = api.get(FAULTS, COUNTY_DI).json()
    assert told["acc"] in {i["case_id"] for i in page["items"]}
    assert api.position() == top + 1
    last = list(api.world.service.store.events.get(UUID(told["acc"])))[-1]
    assert type(last).__name__ == "AccusationViewed" and last.purpose == "faults"
    assert last.actor["official_id"] == official(COUNTY_DI).official_id
    # The city's inspection sees both accusations (one accuses the county's body): two reads.
    assert api.get(FAULTS, CITY_DI).status_code == 200
    assert api.position() == top + 3
    # A page without accusations records nothing.
    assert api.get(FAULTS, COUNTY_DI, fault="art44").status_code == 200
    assert api.position() == top + 3


def test_bad_input_is_refused_with_422(api: Api, told: dict[str, Any]) -> None:
    assert api.get(f"{CASES}/not-a-uuid", COUNTY_DI).status_code == 422
    bad_fault = api.get(FAULTS, COUNTY_DI, fault="art99")
    assert bad_fault.status_code == 422 and bad_fault.json()["code"] == "FILTER_INVALID"
    backwards = api.get(FAULTS, COUNTY_DI, **{"from": "2026-03-20", "to": "2026-03-01"})
    assert backwards.status_code == 422 and backwards.json()["code"] == "PERIOD_INVALID"
    assert api.get(FAULTS, COUNTY_DI, **{"from": "March"}).status_code == 422
    unknown = api.get(f"{CASES}/00000000-0000-0000-0000-000000000000", COUNTY_DI)
    assert unknown.status_code == 404


def test_the_audit_routes_are_documented(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    faults = spec["paths"]["/api/v1/audit/faults"]["get"]
    assert faults["tags"] == ["问责轨迹 audit"] and "问责" in faults["summary"]
    assert {p["name"] for p in faults["parameters"]} >= {"from", "to", "fault", "official_id"}
    assert "/api/v1/audit/cases/{case_id}" in spec["paths"]
