"""重复信访 (Art.19, 36): the system proposes earlier cases of the same petitioner; the registrar
links one or none; only a link to a matter accepted or being handled, brought within its
period to a superior of the unit handling it, is declined there."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import DomainError
from tests.scenario_support import (
    CITY_BUREAU,
    COUNTY_BUREAU,
    COUNTY_HRSS,
    TOWN_1,
    World,
    refusal,
)


def open_at_township(world: World) -> object:
    """Registered by the county bureau on day 0, transferred to township 1 on day 1, accepted
    on path 6 on day 2: the answer is due on day 62."""
    return world.accepted(by=TOWN_1, day=2)


def test_the_same_matter_at_a_superior_within_its_period_is_declined_and_linked(
    world: World,
) -> None:
    original = open_at_township(world)
    world.on(20)

    repeat = world.registered(by=COUNTY_BUREAU, same_matter_as=original).case

    assert (repeat.repeat_of, repeat.repeat_relation) == (str(original), "repeat")
    assert repeat.conclusion == "declined" and "第十九条" in (repeat.decline_reason or "")
    assert str(repeat.id) in world.case(original).repeats


def test_the_same_matter_at_the_handling_unit_itself_is_a_follow_up_not_a_decline(
    world: World,
) -> None:
    original = open_at_township(world)
    world.on(20)

    again = world.registered(by=TOWN_1, channel="visit", same_matter_as=original).case

    assert (again.repeat_of, again.repeat_relation) == (str(original), "follow_up")
    assert not again.concluded and again.declined_at is None


def test_the_same_matter_at_a_lower_unit_is_a_follow_up(world: World) -> None:
    world.on(0)
    original = world.register()
    world.on(1)
    world.act(original, COUNTY_BUREAU, "transfer", to_unit_id=COUNTY_HRSS)
    world.on(5)

    again = world.registered(by=TOWN_1, same_matter_as=original).case

    assert again.repeat_relation == "follow_up" and not again.concluded


def test_a_stalled_matter_taken_one_tier_up_is_accepted_there(world: World) -> None:
    """Art.19 bars the superior only within the period: the answer was due on day 62 and never
    came; on day 70 the county bureau registers, transfers and may urge."""
    original = open_at_township(world)
    world.on(70)

    again = world.registered(by=COUNTY_BUREAU, same_matter_as=original).case

    assert (again.repeat_of, again.repeat_relation) == (str(original), "after_period")
    assert not again.concluded
    world.on(71)
    moved = world.act(again.id, COUNTY_BUREAU, "transfer", to_unit_id=COUNTY_HRSS)
    assert moved.holder_unit_id == COUNTY_HRSS
    urged = world.act(original, COUNTY_BUREAU, "urge", target_unit_id=TOWN_1, reason="超期未办结")
    assert urged.urges[-1]["target_unit_id"] == TOWN_1


def test_a_stalled_transfer_also_opens_the_superior(world: World) -> None:
    """Not accepted past its 15 days: the township's period has run out (Art.23)."""
    original = world.transferred(to=TOWN_1, day=1)
    world.on(20)

    again = world.registered(by=CITY_BUREAU, same_matter_as=original).case

    assert again.repeat_relation == "after_period" and not again.concluded


def test_nothing_is_declined_unless_the_registrar_links_it(world: World) -> None:
    """A different matter of the same kind, same township, same petitioner, while the first is
    open: registered, with the first proposed and the reason it looks alike."""
    original = open_at_township(world)
    world.on(20)

    registered = world.registered(
        by=COUNTY_BUREAU, subject="宅基地审批迟迟未办理", content="申请宅基地两年未获审批。"
    )

    assert registered.case.repeat_of is None and not registered.case.concluded
    (candidate,) = registered.candidates
    assert candidate.case.id == original
    assert candidate.reasons == ("same_petitioner", "same_matter_kind", "same_area")
    assert candidate.relation == "repeat"  # what linking it would do here


def test_the_same_petitioner_about_something_unrelated_is_not_proposed(world: World) -> None:
    open_at_township(world)
    world.on(20)

    registered = world.registered(matter_kind="wage_arrears", subject="工资被拖欠")

    assert registered.candidates == ()


def test_linking_an_unknown_case_is_not_found(world: World) -> None:
    world.on(0)
    top = world.top()
    with pytest.raises(DomainError) as excinfo:
        world.register(same_matter_as=uuid4())

    assert refusal(excinfo) == "CASE_NOT_FOUND"
    assert world.top() == top


# ------------------------------------------------ repeat detection never leaks (Art.30, 46)
def accusation_by_the_petitioner(world: World) -> object:
    world.on(0)
    return world.register(
        category="accusation",
        accused_unit_id=TOWN_1,
        matter_kind="land_compensation",
        subject="检举街道干部截留征地补偿款",
    )


def test_an_accused_unit_is_never_proposed_the_accusation_about_it(world: World) -> None:
    accusation_by_the_petitioner(world)
    world.on(3)

    registered = world.registered(by=TOWN_1, channel="visit")

    assert registered.candidates == ()
    assert registered.case.repeat_of is None and not registered.case.concluded


def test_an_accused_unit_cannot_link_to_the_accusation_about_it(world: World) -> None:
    accusation = accusation_by_the_petitioner(world)
    world.on(3)

    with pytest.raises(DomainError) as excinfo:
        world.register(by=TOWN_1, channel="visit", same_matter_as=accusation)

    assert refusal(excinfo) == "CASE_NOT_FOUND"  # as if it did not exist


def test_a_bureau_that_may_see_the_accusation_is_proposed_it(world: World) -> None:
    accusation = accusation_by_the_petitioner(world)
    world.on(3)

    registered = world.registered(by=COUNTY_BUREAU, subject="再次检举街道干部截留征地补偿款")

    assert [c.case.id for c in registered.candidates] == [accusation]
