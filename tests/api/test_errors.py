"""Every refusal has its status and the same JSON shape, and none of them records anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.errors import MESSAGES
from gateways.settings import Settings
from gateways.tokens import issue_token
from tests.api.conftest import API, Api, register_body
from tests.scenario_support import (
    BASIS,
    CITY_BUREAU,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
)


def refusal(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


# ------------------------------------------------------------------ 401
def test_no_token_is_401_unauthenticated(api: Api) -> None:
    response = api.client.post(API, json=register_body())
    body = refusal(response, 401, "UNAUTHENTICATED")
    assert body["message"] == "未提供身份令牌，请先登录"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_token_signed_with_another_secret_is_401_token_invalid(api: Api) -> None:
    forged = issue_token(
        Settings(jwt_secret="another-secret-of-the-same-length-or-more"),
        "x",
        "伪造",
        COUNTY_BUREAU,
        ["admin"],
        "33",
    )
    response = api.client.post(
        API, json=register_body(), headers={"Authorization": f"Bearer {forged}"}
    )
    refusal(response, 401, "TOKEN_INVALID")


def test_garbage_in_the_bearer_header_is_401_token_invalid(api: Api) -> None:
    response = api.client.get(f"{API}/{uuid4()}", headers={"Authorization": "Bearer abc.def"})
    refusal(response, 401, "TOKEN_INVALID")


def test_an_expired_token_is_401_token_expired(api: Api) -> None:
    old = issue_token(
        api.settings,
        "o",
        "王五",
        COUNTY_BUREAU,
        ["bureau"],
        "330106",
        hours=1,
        now=datetime.now(UTC) - timedelta(hours=3),
    )
    response = api.client.get(f"{API}/{uuid4()}", headers={"Authorization": f"Bearer {old}"})
    refusal(response, 401, "TOKEN_EXPIRED")


def test_a_token_naming_an_unknown_unit_is_401(api: Api) -> None:
    token = issue_token(api.settings, "o", "王五", "no-such-unit", ["bureau"], "330106")
    response = api.client.get(f"{API}/{uuid4()}", headers={"Authorization": f"Bearer {token}"})
    body = refusal(response, 401, "TOKEN_INVALID")
    assert "单位" in str(body["message"])


# ------------------------------------------------------------------ 403
def test_a_handler_may_not_urge_403_role_required(api: Api) -> None:
    case_id = api.registered()["id"]
    top = api.position()
    response = api.act(case_id, TOWN_1, "urge", target_unit_id=TOWN_1, reason="督办")
    body = refusal(response, 403, "ROLE_REQUIRED")
    assert body["message"] == MESSAGES["ROLE_REQUIRED"]
    assert api.position() == top


def test_a_case_outside_the_callers_area_is_404_like_an_unknown_case(api: Api) -> None:
    case_id = api.registered()["id"]  # village 1 of township 1
    response = api.get(f"{API}/{case_id}", TOWN_2)
    refusal(response, 404, "CASE_NOT_FOUND")
    response = api.act(case_id, TOWN_2, "accept", path="6")
    refusal(response, 404, "CASE_NOT_FOUND")


def test_registering_units_needs_an_administrator(api: Api) -> None:
    unit = {
        "unit_id": "330106003-gov",
        "name": "西湖区某街道办事处",
        "kind": "government",
        "division_code": "330106003000",
        "superior_id": COUNTY_GOV,
    }
    response = api.client.post("/api/v1/units", json=unit, headers=api.auth(COUNTY_BUREAU))
    refusal(response, 403, "ROLE_REQUIRED")


# ------------------------------------------------------------------ 404
def test_an_unknown_case_is_404(api: Api) -> None:
    response = api.get(f"{API}/{uuid4()}", COUNTY_BUREAU)
    refusal(response, 404, "CASE_NOT_FOUND")
    response = api.act(str(uuid4()), COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    refusal(response, 404, "CASE_NOT_FOUND")


def test_an_unknown_act_is_404(api: Api) -> None:
    case_id = api.registered()["id"]
    response = api.act(case_id, COUNTY_BUREAU, "approve")
    refusal(response, 404, "UNKNOWN_ACTION")


def test_an_accusation_is_hidden_from_the_accused_unit_as_404(api: Api) -> None:
    case_id = api.registered(
        category="accusation",
        division_code=VILLAGE_2_CODE,
        accused_unit_id=TOWN_2,
        accused_persons=["赵某"],
    )["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI)
    top = api.position()
    for path in (f"{API}/{case_id}", f"{API}/{case_id}/history", f"{API}/{case_id}/chain"):
        refusal(api.get(path, TOWN_2), 404, "CASE_NOT_FOUND")
    refusal(api.act(case_id, TOWN_2, "accept"), 404, "CASE_NOT_FOUND")
    # Art.46: the accused unit's attempts to read the case and its history are recorded for
    # discipline inspection (AccusationReadRefused); the chain check and the act record nothing.
    assert api.position() == top + 2
    refused = list(api.world.service.store.events.get(UUID(case_id)))[-2:]
    assert [type(e).__name__ for e in refused] == ["AccusationReadRefused"] * 2
    # The discipline inspection handling it does see it.
    assert api.get(f"{API}/{case_id}", COUNTY_DI).json()["accused_persons"] == ["赵某"]


# ------------------------------------------------------------------ 409
def test_accepting_twice_is_409_already_accepted(api: Api) -> None:
    case_id = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(2)
    api.done(case_id, TOWN_1, "accept", path="6")
    top = api.position()
    body = refusal(api.act(case_id, TOWN_1, "accept", path="6"), 409, "ALREADY_ACCEPTED")
    assert body["message"] == MESSAGES["ALREADY_ACCEPTED"]
    assert api.position() == top


def test_a_review_asked_too_late_is_409_with_the_last_day(api: Api) -> None:
    case_id = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(2)
    api.done(case_id, TOWN_1, "accept", path="6")
    api.on(10)
    api.done(
        case_id,
        TOWN_1,
        "answer",
        outcome="not_supported",
        opinion="不予支持。",
        facts=FACTS,
        basis=BASIS,
    )
    api.on(14)
    api.done(case_id, TOWN_1, "serve")
    api.on(45)  # the 30th day after service, day 44, is a Wednesday: nothing rolls forward
    body = refusal(api.act(case_id, CITY_BUREAU, "review-request"), 409, "REVIEW_WINDOW_EXPIRED")
    assert body["details"] == {
        "served_on": api.day(14).isoformat(),
        "last_day": api.day(44).isoformat(),
    }


# ------------------------------------------------------------------ 422
def test_a_malformed_body_is_422_validation_failed_with_field_paths(api: Api) -> None:
    top = api.position()
    body = register_body(channel="pigeon", petitioners=[{"name": 5}], people_count="many")
    del body["subject"]
    response = api.client.post(API, json=body, headers=api.auth(COUNTY_BUREAU))
    answer = refusal(response, 422, "VALIDATION_FAILED")
    assert answer["message"] == "请求参数格式错误"
    fields = {d["field"] for d in answer["details"]}  # type: ignore[attr-defined]
    assert {
        "body.channel",
        "body.subject",
        "body.petitioners.0.name",
        "body.people_count",
    } <= fields
    # Each field's refusal is in Chinese, for the form to show beside the field.
    by_field = {d["field"]: d["message"] for d in answer["details"]}  # type: ignore[attr-defined]
    assert by_field["body.subject"] == "必填项"
    assert by_field["body.people_count"] == "应为整数"
    assert by_field["body.channel"].startswith("应为以下之一：")
    assert "pigeon" not in response.text  # input is not echoed back
    assert api.position() == top


def test_an_unknown_field_is_422(api: Api) -> None:
    case_id = api.registered()["id"]
    response = api.act(case_id, COUNTY_BUREAU, "transfer", to_unit="typo")
    answer = refusal(response, 422, "VALIDATION_FAILED")
    fields = {d["field"] for d in answer["details"]}  # type: ignore[attr-defined]
    assert fields == {"body.to_unit_id", "body.to_unit"}


def test_a_naive_occurred_at_is_422(api: Api) -> None:
    case_id = api.registered()["id"]
    response = api.act(
        case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1, occurred_at="2026-03-02T12:00:00"
    )
    refusal(response, 422, "VALIDATION_FAILED")


def test_an_occurred_at_in_the_future_is_422_malformed_not_409(api: Api) -> None:
    case_id = api.registered()["id"]
    top = api.position()
    response = api.act(
        case_id,
        COUNTY_BUREAU,
        "transfer",
        to_unit_id=TOWN_1,
        occurred_at="2099-03-02T12:00:00+08:00",
    )
    refusal(response, 422, "OCCURRED_IN_FUTURE")
    assert api.position() == top


def test_a_domain_refusal_of_input_is_422_with_its_own_code(api: Api) -> None:
    case_id = api.registered()["id"]
    response = api.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id="nowhere")
    refusal(response, 422, "UNKNOWN_UNIT")


@pytest.mark.parametrize("case_id", ["not-a-uuid", "123"])
def test_a_malformed_case_id_is_422(api: Api, case_id: str) -> None:
    refusal(api.get(f"{API}/{case_id}", COUNTY_BUREAU), 422, "VALIDATION_FAILED")
