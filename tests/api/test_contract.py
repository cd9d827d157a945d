"""Every route answers what ``/openapi.json`` documents, and documents what it answers.

The client of the API tests holds each answer against its route's documented responses
(``tests.api.contract``): an undocumented status, media type or field fails, and so does a
documented field missing where it is required. Here one story calls every documented route,
with its success and with the errors a client meets (no token, a wrong role, an unknown id,
malformed input), and then asks the converse: every route answered, and every property of every
model the answers used was carried by at least one of them.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from gateways.wiring import build_view_database
from projections.registry import all_projections
from projections.runner import ProjectionRunner
from tests.api.conftest import API, Api
from tests.api.contract import Contract
from tests.scenario_support import (
    BASIS,
    CITY_GOV,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
)

ANOTHER = {"name": "李四", "id_number": "330106198102022345", "phone": "13900000000"}
FILLERS = {
    "case_id": str(uuid4()),
    "rec_id": str(uuid4()),
    "unit_id": "no-such-unit",
    "serial_number": "00000000000000000000",
    "division_prefix": "330106",
    "division": "330106",
    "month": "2026-03",
}


def caught_up(api: Api) -> None:
    db = build_view_database(api.settings)
    try:
        ProjectionRunner(api.world.service, db, all_projections()).catch_up()
    finally:
        db.close()


def lifecycle(api: Api) -> dict[str, Any]:
    """A path-6 appeal through answer, service, review, and recheck after a hearing."""
    api.on(0)
    registered = api.registered()
    case_id = registered["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1, note="请依法处理")
    api.on(7)
    api.done(case_id, TOWN_1, "accept", path="6")
    api.on(50)
    api.done(case_id, TOWN_1, "extend", days=20, reason="案情复杂", approved_by="街道分管领导")
    api.on(60)
    opinion = {"outcome": "not_supported", "opinion": "补偿已足额发放。"}
    api.done(case_id, TOWN_1, "answer", facts=FACTS, basis=BASIS, **opinion)
    api.on(61)
    api.done(case_id, TOWN_1, "serve")
    api.on(65)
    api.done(case_id, COUNTY_BUREAU, "review-request")
    api.on(80)
    # The review supports what the answer did not: a fault the act itself shows (Art.45(2)).
    api.done(case_id, COUNTY_GOV, "review", outcome="supported", opinion="予以支持。")
    api.on(81)
    api.done(case_id, COUNTY_GOV, "serve")
    api.on(84)
    api.done(case_id, COUNTY_BUREAU, "recheck-request")
    hearing = {"started_on": api.day(90).isoformat(), "ended_on": api.day(91).isoformat()}
    api.on(92)
    api.done(case_id, CITY_GOV, "hearing", note="公开听证", **hearing)
    api.on(100)
    api.done(case_id, CITY_GOV, "recheck", outcome="not_supported", opinion="复核维持。")
    return registered


def other_acts(api: Api, day: int) -> None:
    """The acts the lifecycle leaves out, from ``day`` on: an objection refused, notice,
    urging, a leader, assignment, routing, declining, a return visit, concluding."""
    api.on(day)
    objected = api.registered(petitioners=[ANOTHER], matter_kind="wages")["id"]
    assigned = api.registered(petitioners=[], anonymous=True, matter_kind="roads")["id"]
    declined = api.registered(petitioners=[], anonymous=True, matter_kind="litigation")["id"]
    concluded = api.registered(petitioners=[ANOTHER], matter_kind="pension")["id"]
    accusation = api.registered(
        category="accusation",
        division_code=VILLAGE_2_CODE,
        accused_unit_id=TOWN_2,
        matter_kind="official_misconduct",
    )["id"]
    api.done(accusation, COUNTY_BUREAU, "route", channel="discipline_inspection")
    api.done(declined, COUNTY_BUREAU, "decline", reason="已进入诉讼程序", path="1")
    due = api.day(day + 40).isoformat()
    direct = api.registered(TOWN_1, petitioners=[ANOTHER], matter_kind="housing")["id"]
    api.done(direct, TOWN_1, "inform", method="written")
    api.done(assigned, COUNTY_BUREAU, "assign", to_unit_id=TOWN_1, due_on=due)
    api.on(day + 1)
    api.done(objected, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.done(concluded, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    api.on(day + 2)
    api.done(objected, TOWN_1, "object", reason="不属于本单位职责")
    api.done(concluded, TOWN_2, "accept", path="6")
    opinion = {"outcome": "supported", "opinion": "予以支持。", "facts": FACTS, "basis": BASIS}
    api.done(concluded, TOWN_2, "answer", **opinion)
    api.done(concluded, TOWN_2, "serve")
    api.done(concluded, COUNTY_BUREAU, "evaluate", satisfaction="satisfied")
    api.on(day + 4)
    api.done(objected, COUNTY_BUREAU, "objection-decision", agreed=False, note="仍由街道办理")
    api.done(objected, COUNTY_BUREAU, "urge", target_unit_id=TOWN_1, reason="抓紧办理")
    leader = {
        "leader_id": f"{COUNTY_GOV}/wang",
        "leader_name": "王书记",
        "leader_unit_id": COUNTY_GOV,
    }
    owned = api.client.post(
        f"{API}/{objected}/leader", json=leader, headers=api.auth(COUNTY_GOV, "leader")
    )
    assert owned.status_code == 200, owned.text
    api.on(day + 45)
    api.done(concluded, TOWN_2, "conclude")


def test_every_route_answers_as_it_documents(api: Api) -> None:
    contract: Contract = api.client.contract  # type: ignore[attr-defined]
    first = lifecycle(api)
    again = api.registered()  # the same petitioner's matter: the first is proposed
    assert again["candidates"]
    assert api.register(external_id="12345-2026-1").status_code == 201
    assert api.register(external_id="12345-2026-1").status_code == 200
    other_acts(api, 102)
    read_cases_and_tracking(api, first)
    change_units(api)
    recommend(api)
    api.on(190)  # the unanswered recommendation is overdue
    caught_up(api)
    read_projections(api, first["id"])
    sweep_errors(api)

    documented = {
        (method.upper(), path)
        for path, operations in contract.document["paths"].items()
        for method in operations
    }
    succeeded = {(method, path) for method, path, status in contract.answered if status < 300}
    assert sorted(documented - succeeded) == []
    assert contract.unreturned(contract.answer_models()) == {}
    # Errors are documented as the error body, never as FastAPI's own validation answer.
    assert "HTTPValidationError" not in json.dumps(contract.document["paths"])


def read_cases_and_tracking(api: Api, case: dict[str, Any]) -> None:
    bureau, client = api.auth(COUNTY_BUREAU), api.client
    for path in (f"{API}/{case['id']}", f"{API}/{case['id']}/history", f"{API}/{case['id']}/chain"):
        assert client.get(path, headers=bureau).status_code == 200, path
    assert client.get("/api/v1/chain/verify", headers=api.auth(COUNTY_DI)).status_code == 200
    tracking = f"/api/v1/tracking/{case['serial_number']}"
    assert client.get(tracking, params={"code": case["query_code"]}).status_code == 200
    evaluation = {"code": case["query_code"], "satisfaction": "satisfied"}
    assert client.post(f"{tracking}/evaluate", json=evaluation).status_code == 200
    assert client.get("/health").status_code == 200


def change_units(api: Api) -> None:
    units, client, admin = "/api/v1/units", api.client, api.auth(COUNTY_BUREAU, "admin")
    assert client.get(units, headers=admin).status_code == 200
    assert client.get(f"{units}/{TOWN_1}", headers=admin).status_code == 200
    unit = {
        "unit_id": "330106003-gov",
        "name": "某街道办事处",
        "kind": "government",
        "division_code": "330106003000",
        "superior_id": COUNTY_GOV,
    }
    assert client.post(units, json=unit, headers=admin).status_code == 201
    new = f"{units}/330106003-gov"
    for path, body in (
        (f"{new}/superior", {"superior_id": COUNTY_GOV}),
        (f"{new}/authority", {"authority_id": None}),
        (f"{new}/merge", {"successor_id": TOWN_1}),
    ):
        assert client.post(path, json=body, headers=admin).status_code == 200, path


def recommend(api: Api) -> None:
    """One accountability recommendation issued (twice) and answered; one left unanswered."""
    recs, client, bureau = "/api/v1/recommendations", api.client, api.auth(COUNTY_BUREAU)
    caught_up(api)
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    found = client.get(f"{recs}/candidates", params=period, headers=bureau)
    assert found.status_code == 200, found.text
    recommendation = {
        "kind": "accountability",
        "to_unit_id": COUNTY_GOV,
        "concerned_unit_id": TOWN_1,
        "grounds": "经督办，受理期限届满后仍未办理。",
        "serious_consequences": "信访人多次赴省上访，造成不良社会影响。",
        "named_officials": [{"official_id": f"{TOWN_1}/li", "name": "李科长", "unit_id": TOWN_1}],
        "candidate_key": "contract-1",
    }
    issued = client.post(recs, json=recommendation, headers=bureau)
    assert issued.status_code == 201, issued.text
    assert client.post(recs, json=recommendation, headers=bureau).status_code == 200
    rec = f"{recs}/{issued.json()['id']}"
    answer = {"adopted": True, "text": "采纳。"}
    answered = client.post(f"{rec}/answer", json=answer, headers=api.auth(COUNTY_GOV))
    assert answered.status_code == 200, answered.text
    assert client.get(rec, headers=bureau).status_code == 200
    work = {"kind": "improve_work", "to_unit_id": TOWN_1, "grounds": "受理多次逾期。"}
    assert client.post(recs, json=work, headers=bureau).status_code == 201


def read_projections(api: Api, case_id: str) -> None:
    client, bureau = api.client, api.auth(COUNTY_BUREAU)
    for path, params in (
        (API, {}),
        ("/api/v1/ledger.csv", {}),
        ("/api/v1/supervision/330106", {}),
        ("/api/v1/warnings", {"within_days": 60}),
        ("/api/v1/figures", {"from": "2026-03-01", "to": "2026-08-31"}),
        ("/api/v1/bulletins/330106/2026-07", {"format": "json"}),
        ("/api/v1/bulletins/330106/2026-07", {}),
        ("/api/v1/recommendations", {}),
    ):
        answer = client.get(path, params=params, headers=bureau)
        assert answer.status_code == 200, (path, answer.text)
    inspector = api.auth(COUNTY_DI)
    for path in (f"/api/v1/audit/cases/{case_id}", "/api/v1/audit/faults"):
        assert client.get(path, headers=inspector).status_code == 200, path


def sweep_errors(api: Api) -> None:
    """Every documented route asked without a token, with a body that is not its own, and for
    unknown ids: each answer is held to the documented contract by the client."""
    contract: Contract = api.client.contract  # type: ignore[attr-defined]
    for path, operations in contract.document["paths"].items():
        filled = path.format(**{k: v for k, v in FILLERS.items() if "{" + k + "}" in path})
        for method in operations:
            api.client.request(method.upper(), filled)
            headers = api.auth(COUNTY_BUREAU, "admin")
            if method == "post":
                api.client.request("POST", filled, json={"no_such_field": 1}, headers=headers)
            else:
                api.client.request("GET", filled, headers=headers)
            if "{case_id}" in path or "{rec_id}" in path:
                wrong = path.replace("{case_id}", "not-an-id").replace("{rec_id}", "not-an-id")
                api.client.request(method.upper(), wrong.format(**FILLERS), headers=headers)
