"""The commands' fast path (``gateways.http.speedups``) answers exactly what the plain routes do.

Each request is sent twice: to the app (where a well-formed command takes the fast path) and to
an app of the same service with ``XINFANG_HTTP_SPEEDUPS`` off, which serves every route the
plain way. Refusals record nothing, so both answers are of the same case in the same state and
must be equal byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel

from gateways.http.app import create_app
from gateways.http.case_schemas import ActedCase, RegisteredCase
from tests.api.conftest import API, Api, checked_client, register_body
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, TOWN_2, forbid_aggregate_reads


@pytest.fixture
def long_way(api: Api) -> Iterator[TestClient]:
    """A client of an app on the same service whose every request takes the plain routes."""
    assert api.settings.http_speedups  # the default
    plain = create_app(
        api.settings.model_copy(update={"http_speedups": False}), service=api.world.service
    )
    with checked_client(plain) as client:
        yield client


def _both(api: Api, long_way: TestClient, path: str, **request: Any) -> tuple[Any, Any]:
    return api.client.post(path, **request), long_way.post(path, **request)


def _same(fast: Any, slow: Any) -> None:
    assert fast.status_code == slow.status_code, (fast.text, slow.text)
    assert fast.content == slow.content
    for header in ("content-type", "www-authenticate", "location"):
        assert fast.headers.get(header) == slow.headers.get(header)


def _serialised_by(model: type[BaseModel], answer: Any) -> None:
    """The answer's bytes are those the plain route's answer model makes of it."""
    again = model.__pydantic_serializer__.to_json(
        model.model_validate_json(answer.content), exclude_unset=True
    )
    assert answer.content == again


def _accepted_case(api: Api) -> str:
    case_id: str = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(2)
    api.done(case_id, TOWN_1, "accept", path="6")
    return case_id


def test_a_well_formed_command_never_reaches_the_routes(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.registered()["id"]
    seen: list[str] = []
    original = APIRouter.__call__

    async def counting(self: APIRouter, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(f"{scope['method']} {scope['path']}")
        await original(self, scope, receive, send)

    monkeypatch.setattr(APIRouter, "__call__", counting)
    api.on(1)
    answer = api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    assert answer["holder_unit_id"] == TOWN_1
    other = {"name": "李四", "id_number": "330106198102022345", "phone": "13900000000"}
    assert api.register(petitioners=[other]).status_code == 201
    assert seen == []
    # A malformed one is the plain route's to answer, as is every other route.
    assert api.act(case_id, COUNTY_BUREAU, "transfer", to_unit="typo").status_code == 422
    assert api.get(f"{API}/{case_id}", COUNTY_BUREAU).status_code == 200
    assert seen == [f"POST {API}/{case_id}/transfer", f"GET {API}/{case_id}"]


def test_a_refusal_of_the_rules_is_the_same_409(api: Api, long_way: TestClient) -> None:
    case_id = _accepted_case(api)
    top = api.position()
    fast, slow = _both(
        api, long_way, f"{API}/{case_id}/accept", json={"path": "6"}, headers=api.auth(TOWN_1)
    )
    _same(fast, slow)
    assert fast.status_code == 409 and fast.json()["code"] == "ALREADY_ACCEPTED"
    assert api.position() == top


def test_a_refusal_of_scope_is_the_same_403(api: Api, long_way: TestClient) -> None:
    case_id = _accepted_case(api)
    fast, slow = _both(
        api,
        long_way,
        f"{API}/{case_id}/answer",
        json={"outcome": "supported", "opinion": "予以支持。"},
        headers=api.auth(TOWN_2),
    )
    _same(fast, slow)
    assert fast.status_code in (403, 404)


@pytest.mark.parametrize(
    ("label", "request_of"),
    [
        ("no token", lambda api, case: {"json": {"path": "6"}}),
        (
            "not a bearer token",
            lambda api, case: {"json": {"path": "6"}, "headers": {"Authorization": "Basic eDp5"}},
        ),
        (
            "a forged token",
            lambda api, case: {
                "json": {"path": "6"},
                "headers": {"Authorization": "Bearer abc.def.ghi"},
            },
        ),
        (
            "an unknown field",
            lambda api, case: {"json": {"path": "6", "pth": 1}, "headers": api.auth(TOWN_1)},
        ),
        (
            "not JSON",
            lambda api, case: {
                "content": b"{path: 6",
                "headers": {**api.auth(TOWN_1), "Content-Type": "application/json"},
            },
        ),
        (
            "JSON sent as text",
            lambda api, case: {
                "content": b'{"path": "6"}',
                "headers": {**api.auth(TOWN_1), "Content-Type": "text/plain"},
            },
        ),
        (
            "a JSON array",
            lambda api, case: {"json": [1, 2], "headers": api.auth(TOWN_1)},
        ),
    ],
)
def test_malformed_requests_get_the_plain_routes_answer(
    api: Api, long_way: TestClient, label: str, request_of: Any
) -> None:
    case_id: str = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    top = api.position()
    fast, slow = _both(api, long_way, f"{API}/{case_id}/accept", **request_of(api, case_id))
    _same(fast, slow)
    assert fast.status_code in (401, 422), label
    assert api.position() == top


def test_a_required_body_left_out_and_an_unknown_case_answer_alike(
    api: Api, long_way: TestClient
) -> None:
    case_id = api.registered()["id"]
    fast, slow = _both(api, long_way, f"{API}/{case_id}/transfer", headers=api.auth(COUNTY_BUREAU))
    _same(fast, slow)
    assert fast.status_code == 422
    unknown = f"{API}/{uuid4()}/serve"
    fast, slow = _both(api, long_way, unknown, headers=api.auth(COUNTY_BUREAU))
    _same(fast, slow)
    assert fast.status_code == 404
    fast, slow = _both(api, long_way, f"{API}/not-a-uuid/serve", headers=api.auth(COUNTY_BUREAU))
    _same(fast, slow)
    assert fast.status_code == 422


def test_an_act_answers_alike_both_ways(api: Api, long_way: TestClient) -> None:
    """Two cases registered alike and transferred alike, one each way: the answers differ
    only in what names the case itself."""
    other = {"name": "李四", "id_number": "330106198102022345", "phone": "13900000000"}
    first, second = api.registered()["id"], api.registered(petitioners=[other])["id"]
    api.on(1)
    request = {"json": {"to_unit_id": TOWN_1}, "headers": api.auth(COUNTY_BUREAU)}
    fast = api.client.post(f"{API}/{first}/transfer", **request)
    slow = long_way.post(f"{API}/{second}/transfer", **request)
    assert fast.status_code == slow.status_code == 200, slow.text
    own = {"id", "serial_number", "position", "petitioners", "last_hash"}
    fast_view = {k: v for k, v in fast.json().items() if k not in own}
    slow_view = {k: v for k, v in slow.json().items() if k not in own}
    assert fast_view == slow_view
    assert fast.headers["content-type"] == slow.headers["content-type"]
    assert sorted(fast.headers.keys()) == sorted(slow.headers.keys())
    assert int(fast.headers["content-length"]) == len(fast.content)
    _serialised_by(ActedCase, fast)
    _serialised_by(ActedCase, slow)


def test_a_registration_answers_alike_both_ways(api: Api, long_way: TestClient) -> None:
    other = {"name": "李四", "id_number": "330106198102022345", "phone": "13900000000"}
    headers = api.auth(COUNTY_BUREAU)
    fast = api.client.post(API, json=register_body(), headers=headers)
    slow = long_way.post(API, json=register_body(petitioners=[other]), headers=headers)
    assert fast.status_code == slow.status_code == 201, slow.text
    own = {"id", "serial_number", "position", "petitioners", "last_hash", "query_code"}
    assert {k: v for k, v in fast.json().items() if k not in own} == {
        k: v for k, v in slow.json().items() if k not in own
    }
    assert fast.headers["location"] == f"{API}/{fast.json()['id']}"
    assert slow.headers["location"] == f"{API}/{slow.json()['id']}"
    _serialised_by(RegisteredCase, fast)
    assert sorted(fast.headers.keys()) == sorted(slow.headers.keys())


def test_a_registration_seen_before_and_bad_registrations_answer_alike(
    api: Api, long_way: TestClient
) -> None:
    headers = api.auth(COUNTY_BUREAU)
    first = api.client.post(API, json=register_body(external_id="12345-x"), headers=headers)
    assert first.status_code == 201
    top = api.position()
    again = {"json": register_body(external_id="12345-x"), "headers": headers}
    fast, slow = _both(api, long_way, API, **again)
    _same(fast, slow)
    assert fast.status_code == 200 and fast.json()["id"] == first.json()["id"]
    missing = register_body()
    del missing["subject"]
    for request in (
        {"json": missing, "headers": headers},
        {"json": register_body()},
        {"json": register_body(division_code="99"), "headers": headers},
        {"json": register_body(), "headers": api.auth(TOWN_1, "inspector")},
    ):
        fast, slow = _both(api, long_way, API, **request)
        _same(fast, slow)
        assert fast.status_code in (401, 403, 422), fast.text
    assert api.position() == top


def test_with_two_tokens_the_first_one_acts_both_ways(api: Api, long_way: TestClient) -> None:
    """As Starlette reads headers: the first ``Authorization`` counts (here a handler's,
    who may not urge), whatever follows it."""
    case_id = api.registered()["id"]
    handler, bureau = api.auth(TOWN_1, "handler"), api.auth(COUNTY_BUREAU)
    headers = [
        ("Authorization", handler["Authorization"]),
        ("Authorization", bureau["Authorization"]),
    ]
    path = f"{API}/{case_id}/urge"
    body = {"target_unit_id": TOWN_1, "reason": "督办"}
    fast = api.client.post(path, json=body, headers=headers)
    slow = long_way.post(path, json=body, headers=headers)
    _same(fast, slow)
    assert fast.status_code == 403


def test_an_unexpected_failure_is_a_500_with_its_code_and_is_logged(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    case_id = api.registered()["id"]
    service = api.world.service

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(service, "perform", broken)  # a case not in memory: the plain use case
    monkeypatch.setattr(service, "act_on", broken)  # one in memory: decided on the loop
    path = f"{API}/{case_id}/transfer"
    # As uvicorn does, the client answers for the app's own crash (the test client would
    # raise it instead).
    client = TestClient(api.client.app, raise_server_exceptions=False)
    with caplog.at_level("ERROR", logger="xinfang.http"):
        fast = client.post(path, json={"to_unit_id": TOWN_1}, headers=api.auth(COUNTY_BUREAU))
    assert fast.status_code == 500
    assert fast.json() == {"code": "INTERNAL_ERROR", "message": "系统内部错误，请稍后重试"}
    assert f"POST {path}" in caplog.text and "the disk is on fire" in caplog.text


def test_an_act_on_a_remembered_case_is_decided_without_reading_the_store(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path's reason: the case the last command saved is in memory, so the act needs
    no read and its save is the group commit's; the answer is the plain route's."""
    case_id = api.registered()["id"]
    forbid_aggregate_reads(api.world.service, monkeypatch)
    plain_calls: list[object] = []
    monkeypatch.setattr(api.world.service, "perform", lambda *a, **k: plain_calls.append(a))

    answer = api.client.post(
        f"{API}/{case_id}/transfer", json={"to_unit_id": TOWN_1}, headers=api.auth(COUNTY_BUREAU)
    )

    assert answer.status_code == 200 and answer.json()["holder_unit_id"] == TOWN_1
    assert plain_calls == []
