"""The 信访处理意见书 and what follows it (Art.32, 34, 35): its contents, its service, the
extension's reason, and who may record the petitioner's evaluation."""

from __future__ import annotations

import pytest

from domain.acts import SYSTEM
from domain.errors import DomainError
from tests.scenario_support import (
    BASIS,
    COUNTY_BUREAU,
    FACTS,
    TOWN_1,
    World,
    refusal,
)


def test_an_opinion_without_its_legal_basis_is_refused(world: World) -> None:
    """Art.32: the 信访处理意见书 states the facts, the opinion and its basis."""
    case_id = world.accepted()
    world.on(10)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.act(
            case_id, TOWN_1, "answer", outcome="not_supported", opinion="不予支持。", facts=FACTS
        )

    assert refusal(excinfo) == "ANSWER_BASIS_REQUIRED"
    assert excinfo.value.kind == "invalid"
    assert world.top() == top


def test_an_opinion_carries_its_facts_basis_and_the_right_to_a_review(world: World) -> None:
    """Art.32, 35: the right to ask the answering unit's superior for a review, within 30 days
    of receiving the opinion, is written into every opinion by the system."""
    case_id = world.accepted()
    world.on(10)

    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="not_supported",
        opinion="不予支持。",
        facts=FACTS,
        basis=BASIS,
    )

    answered = world.service.history(case_id, SYSTEM)[-1]
    assert (answered.facts, answered.basis) == (FACTS, BASIS)
    assert "30日内" in answered.review_right and "西湖区人民政府" in answered.review_right


def test_a_reply_on_path_5_needs_no_opinion_document(world: World) -> None:
    case_id = world.accepted(path="5")
    world.on(10)

    case = world.act(case_id, TOWN_1, "answer", outcome="performed", opinion="已依法履行职责。")

    assert case.conclusion == "replied"


def test_an_answer_never_served_keeps_the_handling_deadline_running(world: World) -> None:
    """Art.32, 35: the opinion is given when the petitioner receives it. Accepted on day 10,
    its 60th day is day 70 (Monday 11 May); answered on day 20 but served only on day 75."""
    case_id = world.accepted(day=10)
    world.on(20)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="not_supported",
        opinion="不予支持。",
        facts=FACTS,
        basis=BASIS,
    )

    assert world.status(case_id, "answer", on=40).status == "running"
    assert world.status(case_id, "answer", on=71).status == "missed"
    world.on(75)
    world.act(case_id, TOWN_1, "serve")
    answer = world.status(case_id, "answer", on=80)
    assert (answer.status, answer.days_late, answer.deadline.due) == ("missed", 5, world.day(70))


def test_an_answer_served_in_time_is_on_time(world: World) -> None:
    case_id = world.answered(day=10, served=11)

    answer = world.status(case_id, "answer", on=80)
    assert (answer.status, answer.deadline.done_on) == ("met", world.day(11))


def test_an_extension_records_the_reason_told_to_the_petitioner(world: World) -> None:
    """Art.34: extended with the head's approval, and the petitioner told why."""
    case_id = world.accepted()
    world.on(50)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "extend", days=30, reason="  ", approved_by="街道主任")
    assert refusal(excinfo) == "EXTENSION_REASON_REQUIRED"

    case = world.act(
        case_id, TOWN_1, "extend", days=30, reason="需调取历年征地档案核实", approved_by="街道主任"
    )
    assert case.extensions[-1]["reason"] == "需调取历年征地档案核实"


def test_the_answering_unit_cannot_record_satisfaction_with_its_own_answer(world: World) -> None:
    case_id = world.answered()
    world.on(15)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "evaluate", satisfaction="satisfied")

    assert refusal(excinfo) == "EVALUATION_BY_PETITIONER_ONLY"
    assert world.top() == top


def test_a_bureau_records_the_petitioners_words_on_a_return_visit(world: World) -> None:
    case_id = world.answered()
    world.on(15)

    case = world.act(case_id, COUNTY_BUREAU, "evaluate", satisfaction="basically_satisfied")

    assert case.evaluation is not None
    assert (case.evaluation["satisfaction"], case.evaluation["source"]) == (
        "basically_satisfied",
        "return_visit",
    )


def test_the_petitioner_evaluates_through_the_tracking_channel(world: World) -> None:
    world.on(0)
    registered = world.registered()
    case_id = registered.case.id
    world.on(1)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(2)
    world.act(case_id, TOWN_1, "accept", path="6")
    world.on(10)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )
    world.act(case_id, TOWN_1, "serve")

    case = world.service.evaluate_by_petitioner(
        registered.case.serial_number, registered.query_code, "satisfied"
    )

    assert case.evaluation is not None and case.evaluation["source"] == "petitioner"
