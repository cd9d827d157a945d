"""Scenarios 18-20 (domain.md §8): anonymous letters, merged units, the holiday calendar."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from domain.errors import DomainError
from domain.units import UnitKind, UnitRecord
from tests.scenario_support import (
    BASIS,
    COUNTY_BUREAU,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    World,
    official,
    refusal,
)


# --------------------------------------------------------------- scenario 18
def test_an_anonymous_letter_is_never_late_for_an_acceptance_notice(world: World) -> None:
    case_id = world.transferred(day=1, anonymous=True, petitioners=[])
    world.on(40)
    world.act(case_id, TOWN_1, "accept", path="6")

    steps = {s.deadline.step: s.status for s in world.statuses(case_id, on=100)}
    assert "accept" not in steps and "inform" not in steps
    assert steps["transfer"] == "met"


def test_an_anonymous_letter_received_directly_carries_no_duty_to_inform(world: World) -> None:
    world.on(0)
    case_id = world.register(by=TOWN_1, anonymous=True, petitioners=[])

    assert not [s for s in world.statuses(case_id, on=100) if s.deadline.step == "inform"]
    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "inform")
    assert refusal(excinfo) == "INFORM_NOT_REQUIRED"


def test_a_named_letter_received_directly_must_be_answered_with_a_notice_in_15_days(
    world: World,
) -> None:
    world.on(0)
    case_id = world.register(by=TOWN_1)

    inform = world.status(case_id, "inform", on=16)
    assert (inform.status, inform.deadline.unit_id) == ("missed", TOWN_1)


def test_an_anonymous_matter_cannot_be_evaluated(world: World) -> None:
    case_id = world.transferred(day=1, anonymous=True, petitioners=[])
    world.on(2)
    world.act(case_id, TOWN_1, "accept", path="6")
    world.on(5)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="explained",
        opinion="已公开答复。",
        facts=FACTS,
        basis=BASIS,
    )

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "evaluate", satisfaction="satisfied")

    assert refusal(excinfo) == "ANONYMOUS_CANNOT_EVALUATE"


# --------------------------------------------------------------- scenario 19
SUCCESSOR = "330106003-gov"


def merge_town_1(world: World) -> None:
    world.service.register_units(
        [UnitRecord(SUCCESSOR, "转塘新区管委会", UnitKind.GOVERNMENT, "330106003000", COUNTY_GOV)]
    )
    world.service.merge_unit(TOWN_1, SUCCESSOR)


def successor_official() -> object:
    from domain.acts import Actor

    return Actor(
        f"{SUCCESSOR}/official",
        "转塘新区工作人员",
        SUCCESSOR,
        frozenset({"handler", "registrar"}),
        "330106003",
    )


def test_officials_of_a_merged_unit_can_no_longer_act_on_its_cases(world: World) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)
    merge_town_1(world)
    world.on(5)

    with pytest.raises(DomainError) as refused:
        world.act(case_id, TOWN_1, "accept", path="6")

    assert refusal(refused) == "NOT_HOLDER"


def test_the_successor_of_a_merged_unit_accepts_its_pending_case(world: World) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)
    accept_due = world.status(case_id, "accept").deadline.due
    merge_town_1(world)
    world.on(5)

    case = world.act(case_id, successor_official(), "accept", path="6")  # type: ignore[arg-type]

    assert case.accepted_by == SUCCESSOR
    accept = world.status(case_id, "accept")
    assert (accept.status, accept.deadline.due) == ("met", accept_due)


def test_the_successor_answers_within_the_running_deadline_of_the_merged_unit(
    world: World,
) -> None:
    case_id = world.accepted(by=TOWN_1, day=2)
    answer_due = world.status(case_id, "answer").deadline.due
    merge_town_1(world)
    world.on(40)

    case = world.act(
        case_id,
        successor_official(),  # type: ignore[arg-type]
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )
    world.act(case_id, successor_official(), "serve")  # type: ignore[arg-type]

    assert case.answered_by == SUCCESSOR
    answer = world.status(case_id, "answer")
    assert (answer.status, answer.deadline.due) == ("met", answer_due)


def test_a_unit_not_succeeding_the_holder_still_cannot_act(world: World) -> None:
    case_id = world.accepted(by=TOWN_1, day=2)
    merge_town_1(world)
    world.on(10)

    with pytest.raises(DomainError) as excinfo:
        world.act(
            case_id,
            official(TOWN_2),
            "answer",
            outcome="supported",
            opinion="予以支持。",
            facts=FACTS,
            basis=BASIS,
        )

    assert excinfo.value.code in ("NOT_HOLDER", "CASE_NOT_FOUND")


def test_nothing_can_be_transferred_to_a_merged_unit_the_successor_receives_it(
    world: World,
) -> None:
    merge_town_1(world)
    case_id = world.transferred(to=TOWN_1, day=1)

    assert world.case(case_id).holder_unit_id == SUCCESSOR


# --------------------------------------------------------------- scenario 20
# The State Council's holidays and adjusted working days (调休) are on by default: the worlds
# below have no configuration. A period ending on a rest day ends on the next working day
# (Civil Code Art.203, by analogy: domain.md "Counting days").


def holidays_file(tmp_path: Path, **content: object) -> str:
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def test_the_service_counts_with_the_state_councils_calendar_with_no_configuration(
    world: World,
) -> None:
    calendar = world.service.rules.calendar

    assert world.settings is not None and world.settings.holidays_file is None
    assert calendar.roll_forward and calendar.source.startswith("chinese-calendar ")
    assert calendar.years is not None and calendar.years[0] <= 2022 and calendar.years[1] >= 2026
    assert not calendar.is_working_day(date(2026, 10, 1))  # National Day
    assert calendar.is_working_day(date(2026, 10, 10))  # a Saturday worked in exchange


def test_a_deadline_falling_on_a_holiday_moves_to_the_next_working_day(world: World) -> None:
    world.on(date(2026, 9, 16))  # + 15 days = 1 October, National Day (Art.22)
    case_id = world.register()

    transfer = world.status(case_id, "transfer")
    assert transfer.deadline.due == date(2026, 10, 8)  # the first working day after the week
    world.on(date(2026, 10, 8))
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    assert world.status(case_id, "transfer").status == "met"


def test_an_acceptance_notice_due_on_national_day_is_due_after_the_golden_week(
    world: World,
) -> None:
    world.on(date(2026, 9, 15))
    case_id = world.register()
    world.on(date(2026, 9, 16))  # the town receives the transfer: day 15 is 1 October (Art.23)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    assert world.status(case_id, "accept").deadline.due == date(2026, 10, 8)
    assert world.status(case_id, "accept", on=date(2026, 10, 8)).status == "running"
    late = world.status(case_id, "accept", on=date(2026, 10, 9))
    assert (late.status, late.days_late) == ("missed", 1)


def test_a_calendar_day_period_ending_on_a_saturday_ends_on_the_monday(world: World) -> None:
    world.on(date(2026, 3, 13))  # + 15 days = Saturday 28 March
    case_id = world.register()

    transfer = world.status(case_id, "transfer")
    assert transfer.deadline.due == date(2026, 3, 30)
    assert world.status(case_id, "transfer", on=date(2026, 3, 30)).status == "running"
    assert world.status(case_id, "transfer", on=date(2026, 3, 31)).status == "missed"


def test_a_period_ending_on_a_saturday_worked_in_exchange_ends_that_saturday(
    world: World,
) -> None:
    world.on(date(2026, 9, 25))  # + 15 days = Saturday 10 October, a 调休 working day
    case_id = world.register()

    assert world.status(case_id, "transfer").deadline.due == date(2026, 10, 10)


def test_with_roll_forward_switched_off_in_a_holidays_file_the_same_transfer_is_late(
    make_world: Callable[..., World], tmp_path: Path
) -> None:
    world = make_world(holidays_file=holidays_file(tmp_path, roll_forward=False))
    world.on(date(2026, 9, 16))
    case_id = world.register()
    world.on(date(2026, 10, 8))
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    transfer = world.status(case_id, "transfer")
    assert transfer.deadline.due == date(2026, 10, 1)
    assert (transfer.status, transfer.days_late) == ("missed", 7)


def test_objection_days_skip_holidays_and_count_an_exchanged_weekend_workday(
    world: World,
) -> None:
    world.on(date(2026, 9, 29))
    case_id = world.register()
    world.on(date(2026, 9, 30))
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    # 8, 9 October, Saturday 10 October (worked in exchange), 12 and 13 October.
    assert world.status(case_id, "objection").deadline.due == date(2026, 10, 13)
    world.on(date(2026, 10, 13))
    case = world.act(case_id, TOWN_1, "object", reason="不属于本单位职责")
    assert case.objection_pending


def test_a_holidays_file_adds_a_local_rest_day(
    make_world: Callable[..., World], tmp_path: Path
) -> None:
    world = make_world(holidays_file=holidays_file(tmp_path, holidays=["2026-03-17"]))
    world.on(0)  # + 15 days = Tuesday 17 March, made a day off by the file
    case_id = world.register()

    assert world.status(case_id, "transfer").deadline.due == date(2026, 3, 18)
    assert world.service.rules.calendar.is_working_day(date(2026, 10, 10))  # notices still hold


def test_a_holidays_file_overrides_a_day_of_the_notices(
    make_world: Callable[..., World], tmp_path: Path
) -> None:
    # The file makes Saturday 10 October a rest day after all: a period ending then rolls on.
    world = make_world(holidays_file=holidays_file(tmp_path, holidays=["2026-10-10"]))
    world.on(date(2026, 9, 25))
    case_id = world.register()

    assert world.status(case_id, "transfer").deadline.due == date(2026, 10, 12)


def test_a_deadline_counted_past_the_years_the_calendar_covers_carries_a_warning(
    world: World,
) -> None:
    last = world.service.rules.calendar.years[1]  # type: ignore[index]
    world.on(date(last, 12, 24))  # + 15 days: into a year no holiday notice covers yet
    case_id = world.register()

    transfer = world.status(case_id, "transfer").as_dict()
    assert transfer["calendar_warning"] == "CALENDAR_NOT_COVERED"
    assert "节假日安排" in transfer["calendar_warning_message"]


def test_a_deadline_within_the_years_covered_carries_no_warning(world: World) -> None:
    world.on(0)
    case_id = world.register()

    transfer = world.status(case_id, "transfer").as_dict()
    assert (transfer["calendar_warning"], transfer["calendar_warning_message"]) == (None, None)
