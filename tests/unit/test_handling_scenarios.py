"""Scenarios 1-5 (domain.md §8): transfer, acceptance, extension and answer, on time or late."""

from __future__ import annotations

import pytest

from domain.case_events import Urged
from domain.errors import DomainError
from tests.scenario_support import (
    BASIS,
    COUNTY_BUREAU,
    COUNTY_HRSS,
    FACTS,
    TOWN_1,
    World,
    official,
    refusal,
)


# ---------------------------------------------------------------- scenario 1
def test_letter_transferred_accepted_and_answered_in_time_is_on_time_everywhere(
    world: World,
) -> None:
    # Registered on day 1, a Tuesday: each act below falls on the last day of its period, and
    # each of those days (days 16, 31 and 91) is a working day, so none rolls forward.
    world.on(1)
    case_id = world.register()
    world.on(1 + 15)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(16 + 15)
    world.act(case_id, TOWN_1, "accept", path="6")
    world.on(31 + 60)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="补偿款差额将于月内补发。",
        facts=FACTS,
        basis=BASIS,
    )
    world.act(case_id, TOWN_1, "serve")  # given when served (Art.32, 35)

    statuses = {s.deadline.step: s for s in world.statuses(case_id, on=200)}
    assert statuses["transfer"].status == "met"
    assert statuses["transfer"].deadline.due == world.day(16)
    assert statuses["accept"].status == "met"
    assert statuses["accept"].deadline.due == world.day(31)
    assert statuses["answer"].status == "met"
    assert statuses["answer"].deadline.due == world.day(91)


# ---------------------------------------------------------------- scenario 2
def test_transfer_on_day_15_is_on_time(world: World) -> None:
    case_id = world.transferred(day=15)

    assert world.status(case_id, "transfer").status == "met"


def test_transfer_on_day_16_is_late_and_names_the_bureau(world: World) -> None:
    case_id = world.transferred(day=16)

    transfer = world.status(case_id, "transfer")
    assert transfer.status == "missed"
    assert transfer.days_late == 1
    assert transfer.deadline.unit_id == COUNTY_BUREAU


def test_untransferred_letter_is_overdue_for_the_bureau_after_day_15(world: World) -> None:
    world.on(0)
    case_id = world.register()

    assert world.status(case_id, "transfer", on=15).status == "running"
    overdue = world.status(case_id, "transfer", on=16)
    assert (overdue.status, overdue.warning_level) == ("missed", "overdue")
    assert overdue.deadline.unit_id == COUNTY_BUREAU


# ---------------------------------------------------------------- scenario 3
def test_acceptance_notice_15_days_after_transfer_is_on_time(world: World) -> None:
    case_id = world.transferred(day=1)
    world.on(16)
    world.act(case_id, TOWN_1, "accept", path="6")

    assert world.status(case_id, "accept").status == "met"


def test_acceptance_notice_on_day_16_after_transfer_is_late_for_the_unit(world: World) -> None:
    case_id = world.transferred(day=1)
    world.on(17)
    world.act(case_id, TOWN_1, "accept", path="6")

    accept = world.status(case_id, "accept")
    assert (accept.status, accept.days_late) == ("missed", 1)
    assert accept.deadline.unit_id == TOWN_1


def test_bureau_may_urge_the_unit_that_is_late_to_accept(world: World) -> None:
    case_id = world.transferred(day=1)
    world.on(17)

    case = world.act(
        case_id, COUNTY_BUREAU, "urge", target_unit_id=TOWN_1, reason="逾期未出具受理告知书"
    )

    assert case.urges[-1]["target_unit_id"] == TOWN_1
    assert case.urges[-1]["by_unit_id"] == COUNTY_BUREAU
    last = world.service.history(case_id, official(COUNTY_BUREAU))[-1]
    assert isinstance(last, Urged)


def test_a_unit_not_involved_cannot_be_urged(world: World) -> None:
    case_id = world.transferred(day=1)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, "urge", target_unit_id=COUNTY_HRSS, reason="督办")

    assert refusal(excinfo) == "URGE_TARGET_NOT_INVOLVED"


# ---------------------------------------------------------------- scenario 4
def test_extension_of_30_days_on_day_55_makes_an_answer_on_day_89_on_time(world: World) -> None:
    case_id = world.accepted(day=2)  # acceptance is day A = 2
    world.on(2 + 55)
    world.act(case_id, TOWN_1, "extend", days=30, reason="案情复杂", approved_by="街道主任")
    world.on(2 + 89)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="explained",
        opinion="政策依据已当面解释。",
        facts=FACTS,
        basis=BASIS,
    )
    world.act(case_id, TOWN_1, "serve")  # given when served (Art.32, 35)

    answer = world.status(case_id, "answer")
    assert answer.status == "met"
    assert answer.deadline.due == world.day(2 + 90)


def test_without_extension_an_answer_on_day_61_is_late(world: World) -> None:
    case_id = world.accepted(day=10)  # the 60th day, day 70, is Monday 11 May
    world.on(10 + 61)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="explained",
        opinion="政策依据已当面解释。",
        facts=FACTS,
        basis=BASIS,
    )

    answer = world.status(case_id, "answer")
    assert (answer.status, answer.days_late) == ("missed", 1)
    assert answer.deadline.unit_id == TOWN_1


def test_second_extension_beyond_30_days_in_total_is_refused(world: World) -> None:
    case_id = world.accepted(day=2)
    world.on(30)
    world.act(case_id, TOWN_1, "extend", days=20, reason="案情复杂", approved_by="街道主任")

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "extend", days=11, reason="仍需调查", approved_by="街道主任")

    assert refusal(excinfo) == "EXTENSION_OVER_LIMIT"
    assert world.case(case_id).extension_days == 20


def test_extension_of_31_days_is_refused(world: World) -> None:
    case_id = world.accepted(day=2)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "extend", days=31, reason="案情复杂", approved_by="街道主任")

    assert refusal(excinfo) == "EXTENSION_OVER_LIMIT"


def test_extension_after_day_60_is_refused(world: World) -> None:
    case_id = world.accepted(day=10)  # the 60th day, day 70, is Monday 11 May
    world.on(10 + 61)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "extend", days=10, reason="案情复杂", approved_by="街道主任")

    assert refusal(excinfo) == "EXTENSION_AFTER_DEADLINE"


def test_extension_on_day_60_is_still_in_time(world: World) -> None:
    case_id = world.accepted(day=10)  # the 60th day, day 70, is Monday 11 May
    world.on(10 + 60)

    case = world.act(case_id, TOWN_1, "extend", days=10, reason="案情复杂", approved_by="主任")

    assert case.extension_days == 10


def test_path_4_matter_cannot_be_accepted_so_never_extended(world: World) -> None:
    case_id = world.transferred(day=1)
    world.on(2)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "accept", path="4")

    assert refusal(excinfo) == "CHANNEL_PATH_NOT_ACCEPTED"
    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "extend", days=10, reason="案情复杂", approved_by="主任")
    assert refusal(excinfo) == "NOT_ACCEPTED"


def test_extension_on_path_5_is_refused(world: World) -> None:
    case_id = world.accepted(day=2, path="5")

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "extend", days=10, reason="案情复杂", approved_by="主任")

    assert refusal(excinfo) == "EXTENSION_NOT_PATH_6"


# ---------------------------------------------------------------- scenario 5
def test_answer_before_acceptance_is_refused(world: World) -> None:
    case_id = world.transferred(day=1)

    with pytest.raises(DomainError) as excinfo:
        world.act(
            case_id,
            TOWN_1,
            "answer",
            outcome="supported",
            opinion="予以支持。",
            facts=FACTS,
            basis=BASIS,
        )

    assert refusal(excinfo) == "NOT_ACCEPTED"


def test_second_acceptance_is_refused(world: World) -> None:
    case_id = world.accepted(day=2)
    world.on(3)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "accept", path="6")

    assert refusal(excinfo) == "ALREADY_ACCEPTED"


def test_the_petitioner_tracks_and_evaluates_with_the_serial_number_and_query_code(
    world: World,
) -> None:
    world.on(0)
    registered = world.registered()
    case_id, serial = registered.case.id, registered.case.serial_number
    world.on(1)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(2)
    world.act(case_id, TOWN_1, "accept", path="6")
    world.on(20)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="补偿款差额将于月内补发。",
        facts=FACTS,
        basis=BASIS,
    )

    tracked = world.service.track(serial, registered.query_code)
    evaluated = world.service.evaluate_by_petitioner(serial, registered.query_code, "satisfied")

    assert tracked.id == case_id
    assert evaluated.evaluation is not None
    assert evaluated.evaluation["satisfaction"] == "satisfied"
