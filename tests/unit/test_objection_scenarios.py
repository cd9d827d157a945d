"""Scenario 16 (domain.md §8): 5 working days to object, and the bureau decides (Art.23, 24)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.case.state import Stage
from domain.errors import DomainError
from tests.scenario_support import (
    COUNTY_BUREAU,
    COUNTY_GOV,
    COUNTY_HRSS,
    TOWN_1,
    TOWN_2,
    World,
    refusal,
)

FRIDAY = date(2026, 7, 3)
NEXT_FRIDAY = date(2026, 7, 10)
MONDAY_AFTER = date(2026, 7, 13)


def transferred_on_friday(world: World) -> object:
    world.on(date(2026, 7, 1))
    case_id = world.register()
    world.on(FRIDAY)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    return case_id


def objected_next_friday(world: World) -> object:
    case_id = transferred_on_friday(world)
    world.on(NEXT_FRIDAY)
    world.act(case_id, TOWN_1, "object", reason="该事项属于区人力社保局职责")
    return case_id


def test_objection_on_the_next_friday_is_within_5_working_days(world: World) -> None:
    case_id = objected_next_friday(world)

    case = world.case(case_id)
    assert case.stage == Stage.OBJECTION_PENDING
    assert world.status(case_id, "objection").status == "used"


def test_objection_on_the_monday_after_is_out_of_time(world: World) -> None:
    case_id = transferred_on_friday(world)
    world.on(MONDAY_AFTER)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "object", reason="不属于本单位职责")

    assert refusal(excinfo) == "OBJECTION_WINDOW_EXPIRED"
    assert excinfo.value.details["last_day"] == NEXT_FRIDAY.isoformat()


def test_objection_window_closes_after_the_fifth_working_day(world: World) -> None:
    case_id = transferred_on_friday(world)

    assert world.status(case_id, "objection", on=NEXT_FRIDAY).status == "open"
    assert world.status(case_id, "objection", on=MONDAY_AFTER).status == "closed"


def test_the_objecting_unit_keeps_the_materials_until_the_bureau_agrees(world: World) -> None:
    case_id = objected_next_friday(world)

    case = world.case(case_id)
    assert case.holder_unit_id == TOWN_1
    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    assert refusal(excinfo) == "NOT_HOLDER"
    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "accept", path="6")
    assert refusal(excinfo) == "OBJECTION_PENDING"


def test_materials_go_back_to_the_bureau_once_it_agrees(world: World) -> None:
    case_id = objected_next_friday(world)
    world.on(MONDAY_AFTER)

    case = world.act(case_id, COUNTY_BUREAU, "objection-decision", agreed=True)

    assert case.holder_unit_id == COUNTY_BUREAU
    assert case.stage == Stage.REGISTERED
    again = world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=COUNTY_HRSS)
    assert again.holder_unit_id == COUNTY_HRSS


def test_when_the_bureau_disagrees_the_unit_must_handle_the_matter(world: World) -> None:
    case_id = objected_next_friday(world)
    world.on(MONDAY_AFTER)

    case = world.act(case_id, COUNTY_BUREAU, "objection-decision", agreed=False)

    assert case.holder_unit_id == TOWN_1
    assert case.stage == Stage.AWAITING_ACCEPTANCE
    accepted = world.act(case_id, TOWN_1, "accept", path="6")
    assert accepted.accepted_by == TOWN_1


def test_the_common_superior_may_name_the_competent_unit(world: World) -> None:
    case_id = objected_next_friday(world)
    world.on(MONDAY_AFTER)

    case = world.act(
        case_id, COUNTY_GOV, "objection-decision", agreed=True, competent_unit_id=COUNTY_HRSS
    )

    assert case.holder_unit_id == COUNTY_HRSS


def test_a_unit_that_is_neither_the_bureau_nor_the_common_superior_cannot_decide(
    world: World,
) -> None:
    case_id = objected_next_friday(world)
    world.on(MONDAY_AFTER)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_HRSS, "objection-decision", agreed=True)

    assert refusal(excinfo) == "OBJECTION_WRONG_DECIDER"


# ------------------------------------------------------ an objection is a right (Art.23)
def test_the_days_the_bureau_takes_to_decide_do_not_count_against_the_objecting_unit(
    world: World,
) -> None:
    """Transferred on day 1, objected on day 3, the bureau refuses the objection on day 10:
    the township's 15 days to give written notice of acceptance run on from where they stood,
    so its last day is day 23, not day 16."""
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(3)
    world.act(case_id, TOWN_1, "object", reason="该事项属于区人力社保局职责")
    world.on(10)
    world.act(case_id, COUNTY_BUREAU, "objection-decision", agreed=False, note="属于街道职责")
    world.on(20)
    world.act(case_id, TOWN_1, "accept", path="6")

    accept = world.status(case_id, "accept")
    assert (accept.deadline.unit_id, accept.deadline.due) == (TOWN_1, world.day(23))
    assert accept.status == "met"


def test_a_case_returned_after_an_agreed_objection_gets_a_new_15_day_transfer_duty(
    world: World,
) -> None:
    """Art.22, 23: the bureau agrees on day 7 and the materials come back; it has 15 days from
    then to transfer again. Transferring on day 23 is a day late, and the late duty is the
    bureau's (an Art.43 fault in the trail); the objecting unit owes nothing."""
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(3)
    world.act(case_id, TOWN_1, "object", reason="该事项属于区人力社保局职责")
    world.on(7)
    world.act(case_id, COUNTY_BUREAU, "objection-decision", agreed=True)
    assert world.case(case_id).holder_unit_id == COUNTY_BUREAU

    running = [s for s in world.statuses(case_id, on=20) if s.deadline.step == "transfer"]
    assert [(s.deadline.start, s.deadline.due, s.status) for s in running][-1] == (
        world.day(7),
        world.day(22),
        "running",
    )
    world.on(23)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=COUNTY_HRSS)

    transfers = [s for s in world.statuses(case_id, on=30) if s.deadline.step == "transfer"]
    again = transfers[-1]
    assert (again.deadline.unit_id, again.status, again.days_late) == (COUNTY_BUREAU, "missed", 1)
    town = next(s for s in world.statuses(case_id, on=30) if s.deadline.unit_id == TOWN_1)
    assert town.status in ("met", "used")


# With the State Council's calendar (on by default): 调休 Saturdays count, holidays do not.
def transferred_on(world: World, day: date) -> object:
    world.on(day - timedelta(days=1))
    case_id = world.register()
    world.on(day)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    return case_id


def test_a_saturday_worked_in_exchange_counts_as_one_of_the_5_working_days(
    world: World,
) -> None:
    # Received Friday 8 May 2026; Saturday 9 May is worked in exchange for the Labour Day
    # holiday: 9, 11, 12, 13 and 14 May are the 5 working days (Art.23).
    case_id = transferred_on(world, date(2026, 5, 8))
    world.on(date(2026, 5, 15))

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "object", reason="不属于本单位职责")

    assert refusal(excinfo) == "OBJECTION_WINDOW_EXPIRED"
    assert excinfo.value.details["last_day"] == "2026-05-14"


def test_an_objection_on_the_fifth_working_day_after_a_worked_saturday_is_valid(
    world: World,
) -> None:
    case_id = transferred_on(world, date(2026, 5, 8))
    world.on(date(2026, 5, 14))

    case = world.act(case_id, TOWN_1, "object", reason="不属于本单位职责")

    assert case.stage == Stage.OBJECTION_PENDING


def test_the_objection_window_does_not_run_over_the_national_day_holiday(world: World) -> None:
    # Received Thursday 24 September 2026: Mid-Autumn (25-27 September) and National Day
    # (1-7 October) are not counted: 28, 29, 30 September, 8 and 9 October.
    case_id = transferred_on(world, date(2026, 9, 24))

    assert world.status(case_id, "objection").deadline.due == date(2026, 10, 9)
    assert world.status(case_id, "objection", on=date(2026, 10, 9)).status == "open"
    assert world.status(case_id, "objection", on=date(2026, 10, 10)).status == "closed"
