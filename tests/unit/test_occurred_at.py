"""When an act happened and when it was recorded: paper records entered later keep their date,
but never go back before the case's previous act, nor into the future."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.acts import SYSTEM
from domain.errors import DomainError
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, World, at, refusal


def test_an_act_entered_later_keeps_the_day_it_happened_and_the_time_it_was_recorded(
    world: World,
) -> None:
    case_id = world.transferred(day=1)
    recorded = world.on(20)

    world.act(case_id, TOWN_1, "accept", path="6", occurred_at=at(world.day(10)))

    accepted = world.service.history(case_id, SYSTEM)[-1]
    assert accepted.occurred_at == at(world.day(10))
    assert accepted.timestamp == recorded
    # Deadlines count from when the act happened, not from when it was typed in.
    assert world.status(case_id, "accept").status == "met"


def test_a_registration_entered_later_counts_from_the_day_the_letter_arrived(
    world: World,
) -> None:
    world.on(30)

    case = world.registered(occurred_at=at(world.day(0))).case

    assert case.received_at == at(world.day(0))
    assert world.status(case.id, "transfer", on=30).status == "missed"


def test_an_act_dated_before_the_previous_act_is_refused(world: World) -> None:
    case_id = world.transferred(day=5)
    world.on(6)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "accept", path="6", occurred_at=at(world.day(4)))

    assert refusal(excinfo) == "OCCURRED_BEFORE_PREVIOUS"
    assert world.top() == top


def test_an_act_on_the_same_instant_as_the_previous_one_is_accepted(world: World) -> None:
    case_id = world.transferred(day=5)
    transferred_at = world.case(case_id).last_occurred_at
    world.on(6)

    case = world.act(case_id, TOWN_1, "accept", path="6", occurred_at=transferred_at)

    assert case.accepted_at == transferred_at


def test_an_act_dated_in_the_future_is_refused(world: World) -> None:
    case_id = world.transferred(day=1)
    now = world.on(2)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "accept", path="6", occurred_at=now + timedelta(hours=1))

    assert refusal(excinfo) == "OCCURRED_IN_FUTURE"
    assert excinfo.value.kind == "invalid"  # malformed (HTTP 422), not a rule refusing (409)


def test_a_registration_dated_in_the_future_is_refused(world: World) -> None:
    now = world.on(0)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.register(occurred_at=now + timedelta(days=1))

    assert refusal(excinfo) == "OCCURRED_IN_FUTURE"
    assert excinfo.value.kind == "invalid"
    assert world.top() == top


def test_a_desk_clock_a_minute_ahead_is_tolerated(world: World) -> None:
    case_id = world.transferred(day=1)
    now = world.on(2)

    case = world.act(case_id, TOWN_1, "accept", path="6", occurred_at=now + timedelta(minutes=1))

    assert case.accepted_at == now + timedelta(minutes=1)


def test_the_recorded_time_is_the_injected_clock(world: World) -> None:
    world.on(0)
    case_id = world.register()
    world.clock.advance(hours=3, minutes=7)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    registered, transferred = world.service.history(case_id, SYSTEM)
    assert registered.timestamp == at(world.day(0))
    assert transferred.timestamp == at(world.day(0)) + timedelta(hours=3, minutes=7)
    assert transferred.occurred_at == transferred.timestamp


def test_the_state_as_of_an_instant_is_what_was_recorded_by_then(world: World) -> None:
    case_id = world.transferred(day=1)
    world.on(3)
    world.act(case_id, TOWN_1, "accept", path="6")

    before = world.service.case(case_id, SYSTEM, as_of=at(world.day(2)))

    assert before.accepted_at is None
    assert before.holder_unit_id == TOWN_1


def test_an_act_just_after_one_stamped_by_a_fast_desk_clock_is_not_refused(world: World) -> None:
    now = world.on(0)
    case_id = world.register(occurred_at=now + timedelta(minutes=3))
    world.clock.advance(minutes=1)

    case = world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    assert case.holder_unit_id == TOWN_1
    assert case.last_occurred_at >= case.received_at
