"""三项建议 over HTTP: candidates, issuing, answering, the lists and the dashboard section, with
real tokens; and the errors of the contract (401, 403, 404, 409, 422).

Scenario 13 told through the API: a case transferred to town 1 on day 1 and never accepted
(acceptance due on day 16), urged on days 17, 20 and 25. The projections are caught up by a
runner over the app's own view database before each read.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from gateways.wiring import build_view_database
from projections.registry import all_projections
from projections.runner import ProjectionRunner
from tests.api.conftest import Api
from tests.scenario_support import COUNTY_BUREAU, COUNTY_GOV, TOWN_1, TOWN_2

RECS = "/api/v1/recommendations"
Q1 = {"from": "2026-01-01", "to": "2026-03-31"}
SERIOUS = "信访人因久拖不决多次赴省上访，造成不良社会影响。"


def caught_up(api: Api) -> None:
    db = build_view_database(api.settings)
    try:
        ProjectionRunner(api.world.service, db, all_projections()).catch_up()
    finally:
        db.close()


@pytest.fixture
def urged_case(api: Api) -> str:
    api.on(0)
    case_id: str = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    for day in (17, 20, 25):
        api.on(day)
        api.done(case_id, COUNTY_BUREAU, "urge", target_unit_id=TOWN_1, reason="逾期未受理")
    api.on(28)
    caught_up(api)
    return case_id


def candidates(api: Api, by: str = COUNTY_BUREAU, **params: Any) -> Any:
    return api.get(f"{RECS}/candidates", by, **{**Q1, **params})


def issue_body(candidate: dict[str, Any], **extra: Any) -> dict[str, Any]:
    keys = ("kind", "to_unit_id", "grounds", "cited_event_ids", "cited_case_ids")
    body = {k: candidate[k] for k in keys}
    body.update(candidate_key=candidate["candidate_key"])
    body.update(concerned_unit_id=candidate["concerned_unit_id"])
    body.update(extra)
    return body


def post(api: Api, path: str, by: str | None, body: dict[str, Any]) -> Any:
    headers = api.auth(by) if by else {}
    return api.client.post(path, json=body, headers=headers)


def test_the_accountability_candidate_is_issued_once_with_serious_consequences(
    api: Api, urged_case: str
) -> None:
    found = candidates(api)
    assert found.status_code == 200, found.text
    page = found.json()
    assert page["from"] == "2026-01-01" and page["counts"]["accountability"] == 1
    [candidate] = [c for c in page["candidates"] if c["kind"] == "accountability"]
    history = api.get(f"/api/v1/petitions/{urged_case}/history", COUNTY_BUREAU).json()
    urges = [e["id"] for e in history if e["type"] == "Urged"]
    assert candidate["cited_event_ids"] == urges and len(urges) == 3
    assert candidate["to_unit_id"] == COUNTY_GOV and candidate["serious_consequences_required"]

    refused = post(api, RECS, COUNTY_BUREAU, issue_body(candidate))
    assert refused.status_code == 409 and refused.json()["code"] == "SERIOUS_CONSEQUENCES_REQUIRED"
    created = post(api, RECS, COUNTY_BUREAU, issue_body(candidate, serious_consequences=SERIOUS))
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"{RECS}/{body['id']}"
    assert body["created"] is True and body["answer_due_on"] == "2026-04-29"
    assert body["kind_label"] == "追究责任建议" and body["cited_event_ids"] == urges
    again = post(api, RECS, COUNTY_BUREAU, issue_body(candidate, serious_consequences=SERIOUS))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["created"] is False

    caught_up(api)
    assert candidates(api).json()["counts"]["accountability"] == 0
    listed = api.get(RECS, COUNTY_BUREAU).json()
    assert listed["division"] == "330106" and [i["id"] for i in listed["items"]] == [body["id"]]
    assert listed["items"][0]["status"] == "open"


def test_a_recommendation_names_officials_and_goes_only_where_art40_says(api: Api) -> None:
    api.on(20)
    li = {"official_id": "330106001-gov/li", "name": "李科长", "unit_id": TOWN_1}
    body = {
        "kind": "accountability",
        "to_unit_id": COUNTY_GOV,
        "concerned_unit_id": TOWN_1,
        "grounds": "经督办3次，受理期限届满后仍未办理。",
        "serious_consequences": SERIOUS,
        "named_officials": [li],
    }
    created = post(api, RECS, COUNTY_BUREAU, body)
    assert created.status_code == 201, created.text
    assert created.json()["named_officials"] == [li]
    shown = api.get(f"{RECS}/{created.json()['id']}", COUNTY_GOV).json()
    assert shown["named_officials"] == [li]
    stranger = {**li, "unit_id": TOWN_2}
    refused = post(api, RECS, COUNTY_BUREAU, {**body, "named_officials": [stranger]})
    assert refused.status_code == 409 and refused.json()["code"] == "NAMED_OFFICIAL_NOT_OF_UNIT"
    wrong = post(api, RECS, COUNTY_BUREAU, {**body, "to_unit_id": TOWN_2, "named_officials": []})
    assert wrong.status_code == 409 and wrong.json()["code"] == "NOT_MANAGING_AUTHORITY"
    policy = {"kind": "improve_policy", "to_unit_id": COUNTY_GOV, "grounds": "政策问题集中。"}
    city = post(api, RECS, "3301-bureau", policy)
    assert city.status_code == 409 and city.json()["code"] == "POLICY_RECIPIENT_NOT_OWN_TIER"
    assert post(api, RECS, COUNTY_BUREAU, policy).status_code == 201


def test_the_recipient_answers_and_the_dashboard_shows_overdue_answers(api: Api) -> None:
    api.on(20)
    body = {
        "kind": "improve_work",
        "to_unit_id": TOWN_1,
        "grounds": "受理多次逾期，督办后仍未改正。",
    }
    issued = post(api, RECS, COUNTY_BUREAU, body).json()  # answer due on day 50
    caught_up(api)
    api.on(51)
    board = api.get("/api/v1/supervision/330106", COUNTY_BUREAU).json()["recommendations"]
    assert board["overdue"] == 1 and board["overdue_items"][0]["id"] == issued["id"]
    overdue = api.get(RECS, COUNTY_BUREAU, overdue="true").json()
    assert [i["id"] for i in overdue["items"]] == [issued["id"]]
    assert overdue["items"][0]["status_label"] == "逾期未答复"
    assert api.get(f"{RECS}/{issued['id']}", TOWN_1).json()["overdue"] is True

    answer = {"adopted": True, "text": "采纳，已建立受理台账逐件销号。"}
    not_theirs = post(api, f"{RECS}/{issued['id']}/answer", COUNTY_GOV, answer)
    assert not_theirs.status_code == 409
    assert not_theirs.json()["code"] == "NOT_RECOMMENDATION_RECIPIENT"
    answered = post(api, f"{RECS}/{issued['id']}/answer", TOWN_1, answer)
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer"]["adopted"] is True and answered.json()["overdue"] is False
    twice = post(api, f"{RECS}/{issued['id']}/answer", TOWN_1, answer)
    assert twice.status_code == 409 and twice.json()["code"] == "RECOMMENDATION_ALREADY_ANSWERED"
    caught_up(api)
    board = api.get("/api/v1/supervision/330106", COUNTY_BUREAU).json()["recommendations"]
    assert (board["answered"], board["adopted"], board["overdue"]) == (1, 1, 0)
    assert api.get(RECS, COUNTY_BUREAU, overdue="true").json()["items"] == []


def test_no_token_is_401(api: Api) -> None:
    assert api.get(f"{RECS}/candidates", **Q1).status_code == 401
    assert api.get(RECS).status_code == 401
    assert post(api, RECS, None, {"kind": "improve_work"}).status_code == 401


def test_roles_and_jurisdiction_are_403(api: Api) -> None:
    found = candidates(api, TOWN_1)
    assert found.status_code == 403 and found.json()["code"] == "ROLE_REQUIRED"
    outside = candidates(api, division="3301")
    assert outside.status_code == 403 and outside.json()["code"] == "OUT_OF_JURISDICTION"
    body = {"kind": "improve_work", "to_unit_id": TOWN_1, "grounds": "逾期。"}
    assert post(api, RECS, TOWN_2, body).json()["code"] == "ROLE_REQUIRED"
    issued = post(api, RECS, COUNTY_BUREAU, body).json()
    peek = api.get(f"{RECS}/{issued['id']}", TOWN_2)
    assert peek.status_code == 403 and peek.json()["code"] == "OUT_OF_JURISDICTION"
    assert api.get(RECS, TOWN_2, division="330106").status_code == 403


def test_unknown_recommendations_are_404(api: Api) -> None:
    unknown = f"{RECS}/{uuid4()}"
    assert api.get(unknown, COUNTY_BUREAU).json()["code"] == "RECOMMENDATION_NOT_FOUND"
    answer = post(api, f"{unknown}/answer", TOWN_1, {"adopted": False, "text": "不予采纳。"})
    assert answer.status_code == 404
    cites_nothing = {
        "kind": "improve_work",
        "to_unit_id": TOWN_1,
        "grounds": "逾期。",
        "cited_case_ids": [str(uuid4())],
    }
    assert post(api, RECS, COUNTY_BUREAU, cites_nothing).status_code == 404


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "praise", "to_unit_id": TOWN_1, "grounds": "x"}, "VALIDATION_FAILED"),
        ({"kind": "improve_work", "to_unit_id": TOWN_1}, "VALIDATION_FAILED"),
        (
            {"kind": "improve_work", "to_unit_id": TOWN_1, "grounds": "x", "x": 1},
            "VALIDATION_FAILED",
        ),
        (
            {"kind": "improve_work", "to_unit_id": TOWN_1, "grounds": " "},
            "RECOMMENDATION_GROUNDS_REQUIRED",
        ),
        ({"kind": "improve_work", "to_unit_id": "nowhere", "grounds": "x"}, "UNKNOWN_UNIT"),
        (
            {
                "kind": "accountability",
                "to_unit_id": COUNTY_GOV,
                "grounds": "x",
                "serious_consequences": "y",
            },
            "CONCERNED_UNIT_REQUIRED",
        ),
        (
            {
                "kind": "improve_work",
                "to_unit_id": TOWN_1,
                "grounds": "x",
                "occurred_at": "2026-03-02T10:00:00",
            },
            "VALIDATION_FAILED",
        ),
    ],
)
def test_malformed_issues_are_422(api: Api, body: dict[str, Any], code: str) -> None:
    answer = post(api, RECS, COUNTY_BUREAU, body)
    assert answer.status_code == 422 and answer.json()["code"] == code, answer.text


def test_malformed_queries_are_422(api: Api) -> None:
    assert candidates(api, **{"from": "2026-04-01"}).json()["code"] == "PERIOD_INVALID"
    assert candidates(api, to="not-a-day").json()["code"] == "VALIDATION_FAILED"
    assert candidates(api, division="33010").json()["code"] == "DIVISION_PREFIX_INVALID"
    assert api.get(f"{RECS}/not-an-id", COUNTY_BUREAU).status_code == 422
    assert api.get(RECS, COUNTY_BUREAU, overdue="maybe").status_code == 422


def test_the_manual_documents_the_routes(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (RECS, f"{RECS}/candidates", f"{RECS}/{{rec_id}}", f"{RECS}/{{rec_id}}/answer"):
        assert path in paths, path
    issue = paths[RECS]["post"]
    assert issue["tags"] == ["三项建议 recommendations"] and "提出建议" in issue["summary"]
    assert {"201", "200", "409", "422"} <= set(issue["responses"])
    schemas = spec["components"]["schemas"]
    assert schemas["IssueRecommendation"]["examples"][0]["kind"] == "accountability"
    assert "recommendations" in schemas["Rollup"]["properties"]
