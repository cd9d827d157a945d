"""Scenarios 6-9 and 17 (domain.md §8): review, recheck, and no re-acceptance after a recheck."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.case.state import Stage
from domain.case_events import NotReaccepted
from domain.errors import DomainError
from domain.units import UnitKind, UnitRecord
from tests.scenario_support import (
    BASIS,
    CITY_GOV,
    COUNTY_BUREAU,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_1_CODE,
    VILLAGE_1,
    World,
    official,
    refusal,
)


# ---------------------------------------------------------------- scenario 6
def opinion_served_on_6_july(world: World) -> object:
    """A path-6 opinion issued by town 1 on 2026-07-01 and served on 2026-07-06."""
    world.on(date(2026, 6, 1))
    case_id = world.register()
    world.on(date(2026, 6, 2))
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(date(2026, 6, 3))
    world.act(case_id, TOWN_1, "accept", path="6")
    world.on(date(2026, 7, 1))
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="not_supported",
        opinion="补偿已足额发放。",
        facts=FACTS,
        basis=BASIS,
    )
    world.on(date(2026, 7, 6))
    world.act(case_id, TOWN_1, "serve")
    return case_id


def test_review_request_on_day_30_after_service_goes_to_the_answering_units_superior(
    world: World,
) -> None:
    case_id = opinion_served_on_6_july(world)
    world.on(date(2026, 8, 5))

    case = world.act(case_id, COUNTY_BUREAU, "review-request")

    assert case.reviewing_unit_id == COUNTY_GOV
    assert case.stage == Stage.REVIEWING
    assert world.status(case_id, "review_request").status == "used"


def test_review_request_on_day_31_after_service_is_out_of_time(world: World) -> None:
    case_id = opinion_served_on_6_july(world)
    world.on(date(2026, 8, 6))

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "review-request")

    assert refusal(excinfo) == "REVIEW_WINDOW_EXPIRED"
    assert excinfo.value.details["last_day"] == "2026-08-05"


def test_review_window_counts_from_service_not_from_the_opinion(world: World) -> None:
    case_id = opinion_served_on_6_july(world)

    window = world.status(case_id, "review_request", on=date(2026, 8, 5))
    assert (window.status, window.deadline.due) == ("open", date(2026, 8, 5))
    assert world.status(case_id, "review_request", on=date(2026, 8, 6)).status == "closed"


def test_the_answering_units_superior_decides_the_review(world: World) -> None:
    case_id = world.under_review()
    world.on(20)

    case = world.act(case_id, COUNTY_GOV, "review", outcome="supported", opinion="撤销原意见。")

    assert case.review_outcome == "supported"
    assert world.status(case_id, "review").status == "met"


# ---------------------------------------------------------------- scenario 7
def test_review_of_a_routed_litigation_matter_is_refused(world: World) -> None:
    world.on(0)
    case_id = world.register()
    world.on(1)
    world.act(case_id, COUNTY_BUREAU, "route", channel="political_legal")

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "review-request")

    assert refusal(excinfo) == "REVIEW_NOT_PATH_6"


def test_review_of_a_path_5_reply_is_refused(world: World) -> None:
    case_id = world.accepted(path="5")
    world.on(10)
    world.act(case_id, TOWN_1, "answer", outcome="performed", opinion="已依法履行职责。")
    world.on(11)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "review-request")

    assert refusal(excinfo) == "REVIEW_NOT_PATH_6"


# ---------------------------------------------------------------- scenario 8
def test_recheck_without_a_prior_review_is_refused(world: World) -> None:
    case_id = world.answered()
    world.on(12)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "recheck-request")

    assert refusal(excinfo) == "RECHECK_WITHOUT_REVIEW"


def test_recheck_decided_by_the_reviewing_unit_itself_is_refused(world: World) -> None:
    case_id = world.under_recheck()
    world.on(25)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_GOV, "recheck", outcome="not_supported", opinion="维持。")

    assert refusal(excinfo) == "RECHECK_WRONG_UNIT"


def test_recheck_goes_to_the_reviewing_units_superior(world: World) -> None:
    case_id = world.under_recheck()

    assert world.case(case_id).rechecking_unit_id == CITY_GOV


@pytest.mark.parametrize("decider", [CITY_GOV, TOWN_1, COUNTY_BUREAU])
def test_review_decided_by_a_unit_that_is_not_the_answering_units_superior_is_refused(
    world: World, decider: str
) -> None:
    case_id = world.under_review()
    world.on(15)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, official(decider, "handler"), "review", outcome="supported", opinion="x")

    assert refusal(excinfo) == "REVIEW_WRONG_UNIT"


def test_a_village_committee_cannot_decide_a_review(world: World) -> None:
    case_id = world.under_review()
    world.on(15)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, VILLAGE_1, "review", outcome="supported", opinion="予以支持。")

    assert refusal(excinfo) == "VILLAGE_CANNOT_REVIEW"


def test_a_village_committee_is_never_recorded_as_a_superior(world: World) -> None:
    group = UnitRecord("group", "村民小组", UnitKind.GOVERNMENT, "330106001001", VILLAGE_1)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.service.register_units([group])

    assert refusal(excinfo) == "SUPERIOR_IS_VILLAGE"
    assert world.top() == top


def test_a_case_answered_by_a_village_is_reviewed_by_its_township(world: World) -> None:
    case_id = world.answered(by=VILLAGE_1)
    world.on(12)

    case = world.act(case_id, COUNTY_BUREAU, "review-request")

    assert case.reviewing_unit_id == TOWN_1


# ---------------------------------------------------------------- scenario 9
def test_same_facts_after_a_recheck_are_registered_linked_and_not_reaccepted(
    world: World,
) -> None:
    original = world.rechecked()
    world.on(40)

    registered = world.registered(division_code=TOWN_1_CODE, same_matter_as=original)

    repeat = registered.case
    assert registered.created
    assert repeat.repeat_of == str(original)
    assert repeat.concluded and repeat.conclusion == "not_reaccepted"
    assert isinstance(world.service.history(repeat.id, official(COUNTY_BUREAU))[-1], NotReaccepted)
    assert str(repeat.id) in world.case(original).repeats


def test_new_facts_after_a_recheck_open_a_new_matter(world: World) -> None:
    original = world.rechecked()
    world.on(40)

    proposed = world.registered(new_facts=True)
    repeat = proposed.case

    assert repeat.repeat_of is None
    assert not repeat.concluded
    assert repeat.stage == Stage.REGISTERED
    # Proposed as the same matter, but with new facts linking it would not close it.
    assert [(c.case.id, c.relation) for c in proposed.candidates] == [(original, "follow_up")]


def test_another_matter_of_the_same_petitioner_is_not_a_repeat(world: World) -> None:
    world.rechecked()
    world.on(40)

    other = world.registered(matter_kind="wage_arrears").case

    assert other.repeat_of is None
    assert not other.concluded


def test_after_a_recheck_nothing_but_evaluation_supervision_and_care(world: World) -> None:
    case_id = world.rechecked()
    world.on(31)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "review-request")
    assert refusal(excinfo) == "CASE_FINAL_AFTER_RECHECK"

    world.act(case_id, COUNTY_BUREAU, "urge", target_unit_id=TOWN_1, reason="落实复核意见")
    case = world.act(case_id, COUNTY_BUREAU, "evaluate", satisfaction="basically_satisfied")
    assert case.evaluation is not None


# --------------------------------------------------------------- scenario 17
def test_a_12_day_hearing_in_a_recheck_makes_an_opinion_on_day_40_on_time(world: World) -> None:
    # Recheck request: day R = 25, a Friday, so that R + 42 (Friday 8 May) is a working day
    # and the last day does not roll forward past the Labour Day holiday.
    case_id = world.under_recheck(day=25)
    world.on(25 + 17)
    world.act(
        case_id,
        CITY_GOV,
        "hearing",
        started_on=world.day(25 + 5),
        ended_on=world.day(25 + 16),
        note="复核听证",
    )
    world.on(25 + 40)
    world.act(case_id, CITY_GOV, "recheck", outcome="not_supported", opinion="复核维持。")

    recheck = world.status(case_id, "recheck")
    assert recheck.status == "met"
    assert recheck.deadline.due == world.day(25 + 42)


def test_without_a_hearing_a_recheck_opinion_on_day_31_is_late(world: World) -> None:
    case_id = world.under_recheck(day=22)
    world.on(22 + 31)
    world.act(case_id, CITY_GOV, "recheck", outcome="not_supported", opinion="复核维持。")

    recheck = world.status(case_id, "recheck")
    assert (recheck.status, recheck.days_late) == ("missed", 1)
    assert recheck.deadline.unit_id == CITY_GOV


def test_a_hearing_while_handling_does_not_move_the_answer_deadline(world: World) -> None:
    case_id = world.accepted(day=10)  # day 70, the 60th day, is Monday 11 May: a working day
    due_before = world.status(case_id, "answer").deadline.due
    world.on(20)
    world.act(
        case_id, TOWN_1, "hearing", started_on=world.day(11), ended_on=world.day(19), note="听证"
    )

    assert (
        world.status(case_id, "answer").deadline.due
        == due_before
        == world.day(10) + timedelta(days=60)
    )


def test_a_hearing_dated_before_the_recheck_request_does_not_stretch_the_recheck(
    world: World,
) -> None:
    case_id = world.under_recheck(day=22)
    world.on(22 + 5)
    due = world.status(case_id, "recheck").deadline.due

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, CITY_GOV, "hearing", started_on=world.day(0), ended_on=world.day(22 + 3))

    assert refusal(excinfo) == "HEARING_OUTSIDE_STAGE"
    assert world.status(case_id, "recheck").deadline.due == due


def test_a_hearing_cannot_be_recorded_before_it_has_ended(world: World) -> None:
    case_id = world.under_recheck(day=22)
    world.on(22 + 5)

    with pytest.raises(DomainError) as excinfo:
        world.act(
            case_id, CITY_GOV, "hearing", started_on=world.day(22 + 2), ended_on=world.day(22 + 60)
        )

    assert refusal(excinfo) == "HEARING_OUTSIDE_STAGE"


def test_the_same_hearing_days_are_not_discounted_twice(world: World) -> None:
    case_id = world.under_recheck(day=25)  # R + 42 is a working day (see above)
    world.on(25 + 17)
    hearing = {"started_on": world.day(25 + 5), "ended_on": world.day(25 + 16)}
    world.act(case_id, CITY_GOV, "hearing", **hearing)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, CITY_GOV, "hearing", **hearing)

    assert refusal(excinfo) == "HEARING_OUTSIDE_STAGE"
    assert world.status(case_id, "recheck").deadline.due == world.day(25 + 42)
