"""A path-6 appeal through every stage, over HTTP only: registered at the county bureau,
transferred to a township, accepted, extended, answered, served, reviewed by the county
government, rechecked by the city government after a hearing, and evaluated."""

from __future__ import annotations

from tests.api.conftest import API, Api
from tests.scenario_support import BASIS, CITY_GOV, COUNTY_BUREAU, COUNTY_GOV, FACTS, TOWN_1


def test_a_path_6_appeal_from_registration_to_recheck(api: Api) -> None:
    api.on(0)
    case_id = api.registered()["id"]

    api.on(1)
    case = api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1, note="请依法处理")
    assert case["stage"] == "awaiting_acceptance"
    assert case["holder_unit_id"] == TOWN_1

    # Accepted on day 7 (Monday 9 March) and the recheck requested on day 84: every last day
    # below is a working day, so none rolls forward past a rest day.
    api.on(7)
    case = api.done(case_id, TOWN_1, "accept", path="6")
    assert case["stage"] == "handling" and case["path"] == "6"
    answer = next(d for d in case["deadlines"] if d["step"] == "answer")
    assert answer["due"] == api.day(67).isoformat() and answer["status"] == "running"

    api.on(50)
    case = api.done(
        case_id, TOWN_1, "extend", days=20, reason="案情复杂", approved_by="街道分管领导"
    )
    answer = next(d for d in case["deadlines"] if d["step"] == "answer")
    assert answer["due"] == api.day(87).isoformat()
    assert case["extensions"][0]["days"] == 20

    api.on(60)
    case = api.done(
        case_id,
        TOWN_1,
        "answer",
        outcome="not_supported",
        opinion="经调查，补偿已足额发放。",
        facts=FACTS,
        basis=BASIS,
    )
    assert case["stage"] == "answered" and case["answer_outcome"] == "not_supported"

    api.on(61)
    case = api.done(case_id, TOWN_1, "serve")
    assert case["served_at"]["answer"].startswith(api.day(61).isoformat())

    api.on(65)
    case = api.done(case_id, COUNTY_BUREAU, "review-request")
    assert case["stage"] == "reviewing" and case["review"]["unit_id"] == COUNTY_GOV

    api.on(80)
    case = api.done(case_id, COUNTY_GOV, "review", outcome="not_supported", opinion="维持。")
    assert case["stage"] == "reviewed"
    api.on(81)
    api.done(case_id, COUNTY_GOV, "serve")

    api.on(84)
    case = api.done(case_id, COUNTY_BUREAU, "recheck-request")
    assert case["stage"] == "rechecking" and case["recheck"]["unit_id"] == CITY_GOV

    api.on(92)
    case = api.done(
        case_id,
        CITY_GOV,
        "hearing",
        started_on=api.day(90).isoformat(),
        ended_on=api.day(91).isoformat(),
        note="公开听证",
    )
    recheck = next(d for d in case["deadlines"] if d["step"] == "recheck")
    assert recheck["due"] == api.day(84 + 30 + 2).isoformat()  # hearing days not counted

    api.on(100)
    case = api.done(case_id, CITY_GOV, "recheck", outcome="not_supported", opinion="复核维持。")
    assert case["stage"] == "concluded" and case["conclusion"] == "rechecked"

    api.on(101)
    case = api.done(case_id, COUNTY_BUREAU, "evaluate", satisfaction="unsatisfied")
    assert case["evaluation"]["satisfaction"] == "unsatisfied"

    history = api.get(f"{API}/{case_id}/history", COUNTY_BUREAU).json()
    assert [e["type"] for e in history] == [
        "Registered",
        "Transferred",
        "Accepted",
        "Extended",
        "Answered",
        "Served",
        "ReviewRequested",
        "Reviewed",
        "Served",
        "RecheckRequested",
        "HearingHeld",
        "Rechecked",
        "Evaluated",
    ]
    assert case["version"] == len(history)


def test_each_answer_carries_the_store_position_of_its_event(api: Api) -> None:
    case_id = api.registered()["id"]
    api.on(1)
    first = api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    assert first["position"] == api.position()
    api.on(2)
    second = api.done(case_id, TOWN_1, "accept", path=6)  # a number is read as the path too
    assert second["position"] > first["position"]
    assert second["path"] == "6"


def test_an_act_records_when_it_happened_as_given(api: Api) -> None:
    case_id = api.registered()["id"]
    api.on(5)
    case = api.done(
        case_id,
        COUNTY_BUREAU,
        "transfer",
        to_unit_id=TOWN_1,
        occurred_at="2026-03-03T16:00:00+08:00",
    )
    assert case["receipts"][-1]["at"] == "2026-03-03T16:00:00+08:00"
    transfer = next(d for d in case["deadlines"] if d["step"] == "transfer")
    assert transfer["status"] == "met" and transfer["done_on"] == api.day(1).isoformat()


def test_a_body_is_optional_for_acts_without_parameters(api: Api) -> None:
    case_id = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(2)
    api.done(case_id, TOWN_1, "accept", path="6")
    api.on(3)
    api.done(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )
    response = api.client.post(f"{API}/{case_id}/serve", headers=api.auth(TOWN_1))
    assert response.status_code == 200, response.text
    assert response.json()["served_at"]["answer"]
