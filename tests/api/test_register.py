"""Registering over HTTP: 201 with the case and a query code; an external id seen before
answers 200 with the same case and records nothing."""

from __future__ import annotations

from tests.api.conftest import API, Api
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, TOWN_2, VILLAGE_1_CODE, VILLAGE_2_CODE


def test_a_new_matter_is_registered_with_201_the_case_and_a_query_code(api: Api) -> None:
    before = api.position()
    response = api.register()
    assert response.status_code == 201
    case = response.json()
    assert response.headers["location"] == f"{API}/{case['id']}"
    assert case["created"] is True
    assert len(case["query_code"]) == 8 and case["query_code"].isdigit()
    assert case["position"] > before
    assert case["stage"] == "registered"
    assert case["division_code"] == VILLAGE_1_CODE
    assert (case["matter_kind"], case["matter_label"]) == ("land_compensation", "征地补偿")
    assert case["serial_number"].startswith("33010620260302")
    assert case["holder_unit_id"] == COUNTY_BUREAU
    assert case["version"] == 1
    assert [d["step"] for d in case["deadlines"]] == ["transfer"]
    assert case["deadlines"][0]["due"] == api.day(15).isoformat()
    # The registering unit handles the case: it sees the petitioner unmasked.
    assert case["petitioners"][0]["name"] == "张三丰"


def test_the_same_external_id_returns_the_existing_case_with_200(api: Api) -> None:
    first = api.registered(external_id="12345-2026-0001")
    top = api.position()
    again = api.register(external_id="12345-2026-0001", subject="另一个标题")
    assert again.status_code == 200
    body = again.json()
    assert body["id"] == first["id"]
    assert body["created"] is False
    assert "query_code" not in body
    assert body["subject"] == first["subject"]
    assert api.position() == top  # nothing recorded


def test_registration_flags_a_collective_visit(api: Api) -> None:
    case = api.registered(channel="visit", people_count=8, representatives=3)
    assert case["flags"]["collective"] is True
    assert case["people_count"] == 8


def test_an_anonymous_letter_needs_no_petitioner(api: Api) -> None:
    case = api.registered(anonymous=True, petitioners=[])
    assert case["flags"]["anonymous"] is True
    assert case["petitioners"] == []


def test_occurred_at_is_kept_apart_from_the_recording_time(api: Api) -> None:
    api.on(3)
    case = api.registered(occurred_at="2026-03-02T09:00:00+08:00")
    assert case["received_at"] == "2026-03-02T09:00:00+08:00"
    history = api.get(f"{API}/{case['id']}/history", COUNTY_BUREAU).json()
    assert history[0]["occurred_at"] == "2026-03-02T09:00:00+08:00"
    assert history[0]["recorded_at"].startswith("2026-03-05T10:00:00")


def test_the_register_body_is_documented_with_an_example(api: Api) -> None:
    assert api.client.get("/docs").status_code == 200
    spec = api.client.get("/openapi.json").json()
    schema = spec["components"]["schemas"]["RegisterPetition"]
    example = schema["examples"][0]
    assert example["channel"] == "letter" and example["petitioners"][0]["name"]
    operation = spec["paths"][API]["post"]
    assert {"201", "200", "401", "403", "409", "422"} <= set(operation["responses"])
    error = operation["responses"]["409"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("/ErrorBody")


def test_every_act_has_a_route_with_an_example_body(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for action in ("transfer", "accept", "answer", "review-request", "objection-decision"):
        operation = spec["paths"][f"{API}/{{case_id}}/{action}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]
        ref = ref.get("$ref") or next(s["$ref"] for s in ref["anyOf"] if "$ref" in s)
        assert schemas[ref.rsplit("/", 1)[-1]]["examples"], action
        assert {"401", "403", "404", "409", "422"} <= set(operation["responses"])


def test_a_known_external_id_does_not_reveal_a_case_outside_the_callers_jurisdiction(
    api: Api,
) -> None:
    first = api.registered(by=TOWN_2, external_id="web-2026-0042", division_code=VILLAGE_2_CODE)
    again = api.register(by=TOWN_1, external_id="web-2026-0042", division_code=VILLAGE_2_CODE)
    # Answered as a fresh external id would be: a new case of its own, nothing of the other.
    assert again.status_code == 201, again.text
    assert again.json()["id"] != first["id"]
    retry = api.register(by=TOWN_1, external_id="web-2026-0042", division_code=VILLAGE_2_CODE)
    assert (retry.status_code, retry.json()["id"]) == (200, again.json()["id"])
