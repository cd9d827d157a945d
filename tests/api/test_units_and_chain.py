"""The directory over HTTP (read by any official, changed by administrators), the health
check, and hash-chain verification of one case and of every case an inspector may see."""

from __future__ import annotations

import sqlite3
from uuid import UUID

from gateways.store import connect
from tests.api.conftest import API, Api
from tests.scenario_support import (
    CITY_BUREAU,
    CITY_DI,
    CITY_GOV,
    CITY_POLITICAL_LEGAL,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    COUNTY_HRSS,
    COUNTY_POLITICAL_LEGAL,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
)

UNITS = "/api/v1/units"
NEW_TOWN = {
    "unit_id": "330106003-gov",
    "name": "西湖区某街道办事处",
    "kind": "government",
    "division_code": "330106003000",
    "superior_id": COUNTY_GOV,
}


def test_the_directory_filters_by_division_prefix(api: Api) -> None:
    response = api.get(UNITS, TOWN_1, prefix="330106001")
    assert response.status_code == 200
    assert [u["unit_id"] for u in response.json()] == [TOWN_1, "330106001001-committee"]
    bureaus = api.get(UNITS, TOWN_1, kind="petition_bureau").json()
    assert {u["unit_id"] for u in bureaus} == {"33-bureau", CITY_BUREAU, COUNTY_BUREAU}
    assert api.get(UNITS).status_code == 401


def test_one_unit_and_an_unknown_one(api: Api) -> None:
    unit = api.get(f"{UNITS}/{TOWN_1}", COUNTY_BUREAU).json()
    assert unit["superior_id"] == COUNTY_GOV and unit["tier"] == "township"
    assert unit["jurisdiction"] == "330106001" and unit["active"] is True
    missing = api.get(f"{UNITS}/nowhere", COUNTY_BUREAU)
    assert missing.status_code == 404 and missing.json()["code"] == "UNKNOWN_UNIT"


def test_an_administrator_registers_a_unit_and_merges_it(api: Api) -> None:
    admin = api.auth(COUNTY_BUREAU, "admin")
    created = api.client.post(UNITS, json=NEW_TOWN, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["tier"] == "township"
    assert NEW_TOWN["unit_id"] in api.world.service.directory
    duplicate = api.client.post(UNITS, json=NEW_TOWN, headers=admin)
    assert duplicate.status_code == 422 and duplicate.json()["code"] == "UNIT_EXISTS"

    moved = api.client.post(
        f"{UNITS}/{NEW_TOWN['unit_id']}/superior", json={"superior_id": None}, headers=admin
    )
    assert moved.status_code == 200 and moved.json()["superior_id"] is None

    merged = api.client.post(
        f"{UNITS}/{TOWN_2}/merge", json={"successor_id": NEW_TOWN["unit_id"]}, headers=admin
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["active"] is False
    assert merged.json()["current_unit_id"] == NEW_TOWN["unit_id"]
    refused = api.client.post(
        f"{UNITS}/{TOWN_1}/merge", json={"successor_id": TOWN_1}, headers=admin
    )
    assert refused.status_code == 422 and refused.json()["code"] == "UNIT_INACTIVE"


TAX = {
    "unit_id": "330106-tax",
    "name": "西湖区税务局",
    "kind": "department",
    "division_code": "330106000000",
    "superior_id": COUNTY_GOV,
    "authority_id": CITY_GOV,
}


def test_the_directory_records_who_has_management_authority_over_a_unit(api: Api) -> None:
    """管理权限 (Art.22, 30): recorded with the unit or later, by administrators only; the view
    names the discipline inspection body that receives accusations against the unit."""
    admin = api.auth(COUNTY_BUREAU, "admin")
    created = api.client.post(UNITS, json=TAX, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["authority_id"] == CITY_GOV
    assert created.json()["discipline_inspection_id"] == CITY_DI
    county = api.get(f"{UNITS}/{COUNTY_GOV}", COUNTY_BUREAU).json()
    assert (county["authority_id"], county["discipline_inspection_id"]) == (None, CITY_DI)

    path = f"{UNITS}/330106-tax/authority"
    cleared = api.client.post(path, json={"authority_id": None}, headers=admin)
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["authority_id"], cleared.json()["discipline_inspection_id"]) == (
        None,
        COUNTY_DI,
    )
    assert (
        api.client.post(path, json={"authority_id": CITY_GOV}, headers=admin).json()[
            "discipline_inspection_id"
        ]
        == CITY_DI
    )
    not_admin = api.client.post(path, json={"authority_id": None}, headers=api.auth(COUNTY_BUREAU))
    assert not_admin.status_code == 403
    unknown = api.client.post(path, json={"authority_id": "nowhere"}, headers=admin)
    assert unknown.status_code == 422 and unknown.json()["code"] == "UNKNOWN_UNIT"
    missing = api.client.post(
        f"{UNITS}/nowhere/authority", json={"authority_id": None}, headers=admin
    )
    assert missing.status_code == 404
    assert api.world.service.directory.get("330106-tax").authority_id == CITY_GOV


def test_an_accusation_is_routed_by_the_authority_the_directory_records(api: Api) -> None:
    api.client.post(UNITS, json=TAX, headers=api.auth(COUNTY_BUREAU, "admin"))
    case_id = api.registered(category="accusation", accused_unit_id="330106-tax")["id"]
    api.on(1)

    wrong = api.act(
        case_id, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )
    assert wrong.status_code == 409
    assert wrong.json()["code"] == "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY"
    assert wrong.json()["details"]["expected_unit_id"] == CITY_DI
    routed = api.done(case_id, COUNTY_BUREAU, "route", channel="discipline_inspection")
    assert routed["holder_unit_id"] == CITY_DI


def test_a_litigation_route_goes_to_the_same_tier_political_legal_organ(api: Api) -> None:
    case_id = api.registered(subject="不服法院判决")["id"]
    api.on(1)

    wrong_tier = api.act(
        case_id, COUNTY_BUREAU, "route", channel="political_legal", to_unit_id=CITY_POLITICAL_LEGAL
    )
    assert wrong_tier.status_code == 409 and wrong_tier.json()["code"] == "ROUTE_TARGET_WRONG_TIER"
    wrong_kind = api.act(
        case_id, COUNTY_BUREAU, "route", channel="political_legal", to_unit_id=COUNTY_HRSS
    )
    assert wrong_kind.status_code == 409 and wrong_kind.json()["code"] == "ROUTE_TARGET_WRONG_KIND"
    routed = api.done(
        case_id,
        COUNTY_BUREAU,
        "route",
        channel="political_legal",
        to_unit_id=COUNTY_POLITICAL_LEGAL,
    )
    assert routed["stage"] == "concluded"


def test_health_answers_without_a_token(api: Api) -> None:
    api.registered()
    health = api.client.get("/health").json()
    assert health["status"] == "ok"
    assert health["store"] in ("sqlite", "postgres")
    assert health["position"] == api.position() > 0


def test_a_case_chain_verifies_for_a_unit_that_may_see_it(api: Api) -> None:
    case_id = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    report = api.get(f"{API}/{case_id}/chain", TOWN_1).json()
    assert report["ok"] is True and report["events"] == 2
    assert report["head"] == api.get(f"{API}/{case_id}", TOWN_1).json()["last_hash"]
    assert api.get(f"{API}/{case_id}/chain", TOWN_2).status_code == 404  # existence does not leak


def test_inspectors_verify_every_case_they_may_see(api: Api) -> None:
    first = api.registered()["id"]
    api.registered(petitioners=[{"name": "李四", "id_number": "330106198101011111"}])
    hidden = api.registered(
        category="accusation",
        division_code=VILLAGE_2_CODE,
        accused_unit_id=TOWN_2,
        petitioners=[{"name": "王五", "id_number": "330106198201012222"}],
    )["id"]
    summary = api.get("/api/v1/chain/verify", COUNTY_DI).json()
    assert summary == {"checked": 3, "ok": 3, "broken": [], "truncated": False}
    capped = api.get("/api/v1/chain/verify", COUNTY_DI, limit=2).json()
    assert capped["checked"] == 2 and capped["truncated"] is True
    # An administrator of the accused township does not even learn the accusation exists.
    as_admin = api.client.get("/api/v1/chain/verify", headers=api.auth(TOWN_2, "admin"))
    assert as_admin.json()["checked"] == 2
    assert api.get("/api/v1/chain/verify", COUNTY_BUREAU).status_code == 403

    # Rewrite the registration of the first case: the transfer's link no longer matches.
    api.on(1)
    api.done(first, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    _tamper(api, UUID(first), version=1)
    summary = api.get("/api/v1/chain/verify", COUNTY_DI).json()
    assert summary["checked"] == 3 and summary["ok"] == 2
    assert [(b["case_id"], b["broken_at_version"]) for b in summary["broken"]] == [(first, 2)]
    assert api.get(f"{API}/{hidden}/chain", COUNTY_DI).json()["ok"] is True


def _tamper(api: Api, case_id: UUID, version: int) -> None:
    """Rewrite a stored event behind the application's back, as an intruder with write access
    to the table would."""
    stored = next(
        e
        for e in api.world.service.store.recorder.select_events(case_id)
        if e.originator_version == version
    )
    altered = stored.state.replace("征地补偿款".encode(), "土地补偿款".encode())
    assert altered != stored.state
    if api.settings.database_url:
        with connect(api.settings) as conn:
            conn.execute(
                "UPDATE xinfang_events SET state = %s"
                " WHERE originator_id = %s AND originator_version = %s",
                (altered, case_id, version),
            )
    else:
        with sqlite3.connect(api.settings.sqlite_path) as conn:
            conn.execute(
                "UPDATE stored_events SET state = ?"
                " WHERE originator_id = ? AND originator_version = ?",
                (altered, case_id.hex, version),
            )
