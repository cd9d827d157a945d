"""Scenarios 10-12 (domain.md §8): repeats and level-skipping, representatives, accusations."""

from __future__ import annotations

from typing import Any

import pytest

from domain.acts import SYSTEM
from domain.case_events import AccusationViewed
from domain.commands import Accept
from domain.errors import DomainError, NotFound
from gateways.settings import Settings
from gateways.wiring import build_service
from tests.scenario_support import (
    CITY_BUREAU,
    CITY_DI,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    COUNTY_HRSS,
    PROVINCE_BUREAU,
    TOWN_1,
    TOWN_2,
    VILLAGE_1,
    World,
    forbid_aggregate_reads,
    official,
    refusal,
    registration,
)


# --------------------------------------------------------------- scenario 10
def case_open_at_the_county(world: World) -> object:
    """Registered by the county bureau on day 0, transferred to the county HRSS bureau."""
    return world.transferred(to=COUNTY_HRSS, day=1, matter_kind="social_insurance")


def test_the_same_matter_brought_to_the_city_while_open_at_the_county_is_a_repeat(
    world: World,
) -> None:
    original = case_open_at_the_county(world)
    world.on(5)

    repeat = world.registered(
        by=CITY_BUREAU, channel="visit", matter_kind="social_insurance", same_matter_as=original
    ).case

    assert repeat.repeat_of == str(original)
    assert repeat.concluded and repeat.conclusion == "declined"
    assert repeat.accepted_at is None
    assert str(repeat.id) in world.case(original).repeats


def test_a_visit_one_tier_above_the_handling_unit_is_not_level_skipping(world: World) -> None:
    original = case_open_at_the_county(world)
    world.on(5)

    repeat = world.registered(
        by=CITY_BUREAU, channel="visit", matter_kind="social_insurance", same_matter_as=original
    ).case

    assert repeat.level_skipping is False


def test_the_same_visit_at_the_province_is_level_skipping(world: World) -> None:
    original = case_open_at_the_county(world)
    world.on(5)

    repeat = world.registered(
        by=PROVINCE_BUREAU, channel="visit", matter_kind="social_insurance", same_matter_as=original
    ).case

    assert repeat.level_skipping is True
    assert repeat.repeat_of == str(original)
    assert repeat.conclusion == "declined"


def test_the_open_case_itself_stays_open_with_its_handling_unit(world: World) -> None:
    original = case_open_at_the_county(world)
    world.on(5)
    world.registered(
        by=CITY_BUREAU, channel="visit", matter_kind="social_insurance", same_matter_as=original
    )

    case = world.case(original)
    assert not case.concluded
    assert case.holder_unit_id == COUNTY_HRSS


# --------------------------------------------------------------- scenario 11
def test_a_visit_with_6_representatives_is_refused_and_nothing_is_recorded(world: World) -> None:
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.register(channel="visit", people_count=40, representatives=6)

    assert refusal(excinfo) == "TOO_MANY_REPRESENTATIVES"
    assert world.top() == top


def test_a_visit_with_5_representatives_is_registered_as_collective(world: World) -> None:
    case = world.registered(channel="visit", people_count=40, representatives=5).case

    assert case.representatives == 5
    assert case.collective


def test_a_joint_letter_with_60_signatures_is_registered(world: World) -> None:
    case = world.registered(channel="letter", people_count=60, signatures=60).case

    assert case.signatures == 60
    assert not case.concluded


# --------------------------------------------------------------- scenario 12
def accusation_against_town_1(world: World) -> object:
    world.on(0)
    return world.register(
        category="accusation",
        accused_unit_id=TOWN_1,
        accused_persons=["李四"],
        matter_kind="misconduct",
        subject="反映街道干部违规发放补偿款",
    )


@pytest.mark.parametrize("action", ["transfer", "assign"])
@pytest.mark.parametrize("target", [TOWN_1, VILLAGE_1])
def test_an_accusation_is_never_sent_to_the_accused_unit_or_below_it(
    world: World, action: str, target: str
) -> None:
    case_id = accusation_against_town_1(world)
    world.on(1)
    params = {"due_on": world.day(30)} if action == "assign" else {}

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, COUNTY_BUREAU, action, to_unit_id=target, **params)

    assert refusal(excinfo) == "ACCUSATION_TO_ACCUSED_UNIT"
    assert world.case(case_id).holder_unit_id == COUNTY_BUREAU


def test_an_accusation_goes_to_the_county_discipline_inspection(world: World) -> None:
    case_id = accusation_against_town_1(world)
    world.on(1)

    case = world.act(
        case_id, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )

    assert case.holder_unit_id == COUNTY_DI
    world.on(3)
    accepted = world.act(case_id, COUNTY_DI, "accept")
    assert accepted.accepted_by == COUNTY_DI


@pytest.mark.parametrize("unit", [TOWN_1, VILLAGE_1])
def test_the_accused_units_officials_cannot_learn_the_accusation_exists(
    world: World, unit: str
) -> None:
    case_id = accusation_against_town_1(world)
    top = world.top()
    accused = official(unit)

    with pytest.raises(NotFound):
        world.service.case(case_id, accused)
    with pytest.raises(NotFound):
        world.service.history(case_id, accused)
    with pytest.raises(NotFound):
        world.service.perform(case_id, accused, Accept())
    # Art.46: the two attempts to read are recorded for discipline inspection (the refused
    # act records nothing); the accused unit is told nothing either way.
    assert world.top() == top + 2
    attempts = [e for e in world.service.history(case_id, SYSTEM) if e.actor["unit_id"] == unit]
    assert [type(e).__name__ for e in attempts] == ["AccusationReadRefused"] * 2
    assert [e.purpose for e in attempts] == ["case", "history"]


def test_another_township_sees_no_accusation_outside_its_area(world: World) -> None:
    case_id = accusation_against_town_1(world)

    with pytest.raises(DomainError) as excinfo:
        world.service.case(case_id, official(TOWN_2))

    assert refusal(excinfo) == "CASE_NOT_FOUND"  # outside its area: existence does not leak


def test_reading_an_accusation_is_itself_recorded(world: World) -> None:
    case_id = accusation_against_town_1(world)

    world.service.case(case_id, official(COUNTY_DI))

    last = world.service.history(case_id, SYSTEM)[-1]
    assert isinstance(last, AccusationViewed)
    assert last.actor["unit_id"] == COUNTY_DI


def test_a_list_records_one_read_per_accusation_it_shows_and_none_for_the_system(
    world: World,
) -> None:
    """domain.md §7: the ledger, exports, warnings and trails hand the cases they showed to
    ``record_accusation_reads``; only accusations are recorded, each once, with the purpose."""
    accusation = accusation_against_town_1(world)
    letter = world.register()
    top = world.top()

    world.service.record_accusation_reads(SYSTEM, [accusation, letter], "ledger")
    assert world.top() == top
    world.service.record_accusation_reads(
        official(COUNTY_DI), [accusation, letter, accusation], "ledger_csv"
    )

    assert world.top() == top + 1
    last = world.service.history(accusation, SYSTEM)[-1]
    assert isinstance(last, AccusationViewed) and last.purpose == "ledger_csv"
    assert last.actor["unit_id"] == COUNTY_DI


def test_a_bureau_under_the_accused_government_can_still_route_the_accusation_it_received(
    world: World,
) -> None:
    world.on(0)
    case_id = world.register(
        category="accusation", accused_unit_id=COUNTY_GOV, matter_kind="misconduct"
    )
    world.on(1)

    case = world.act(
        case_id, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=CITY_DI
    )

    assert case.holder_unit_id == CITY_DI
    for unit in (COUNTY_GOV, COUNTY_HRSS, TOWN_1):
        with pytest.raises(NotFound):
            world.service.case(case_id, official(unit))


def test_a_matter_submitted_twice_with_one_external_id_is_registered_once(world: World) -> None:
    first = world.registered(external_id="12345-2026-000001")
    top = world.top()

    again = world.registered(external_id="12345-2026-000001")

    assert first.created and not again.created
    assert again.case.id == first.case.id
    assert world.top() == top


# ------------------------------------------- registration that guesses from memory
def test_a_returning_petitioner_unknown_to_this_worker_is_still_proposed_a_repeat(
    world: World, store_settings: Settings
) -> None:
    """A worker with no file of the petitioner in memory takes them for new; the store refuses
    that guess (their file exists) and the matter is decided again on the stored file, which
    proposes the open case to the registrar."""
    original = case_open_at_the_county(world)
    other = build_service(store_settings, world.clock)  # another worker, or after a restart
    try:
        world.on(5)
        registered = other.register(
            official(CITY_BUREAU),
            registration(channel="visit", matter_kind="social_insurance"),
        )
    finally:
        other.close()

    assert [c.case.id for c in registered.candidates] == [original]
    assert registered.candidates[0].relation == "repeat"
    assert registered.case.repeat_of is None  # proposed, not decided: the registrar links


def test_a_petitioner_file_remembered_before_another_worker_added_to_it_is_read_again(
    world: World, store_settings: Settings
) -> None:
    """This worker remembers the petitioner's file with one land case; another worker files a
    social-insurance case for them since. The same social-insurance matter here is a repeat of
    that case, which the remembered file does not show."""
    world.register()  # land compensation: this worker now remembers the petitioner's file
    other = build_service(store_settings, world.clock)
    try:
        world.on(1)
        elsewhere = other.register(
            official(COUNTY_BUREAU), registration(matter_kind="social_insurance")
        ).case
    finally:
        other.close()
    world.on(2)

    registered = world.registered(matter_kind="social_insurance")

    assert registered.candidates[0].case.id == elsewhere.id


def test_a_new_petitioners_registration_reads_nothing_before_its_save(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why registration guesses: a new petitioner's registration costs one write."""
    forbid_aggregate_reads(world.service, monkeypatch)
    saved: list[str] = []
    save = world.service.store.save

    def spy(*aggregates: Any, **kwargs: Any) -> int | None:
        saved.extend(type(a).__name__ for a in aggregates)
        return save(*aggregates, **kwargs)

    monkeypatch.setattr(world.service.store, "save", spy)

    world.service.register(official(COUNTY_BUREAU), registration())

    assert sorted(saved) == ["Petition", "PetitionerFile", "SerialNumber"]


# ------------------------------------------------ level-skipping and collective visits
def test_level_skipping_is_judged_by_the_competent_units_tier_not_the_division_code(
    world: World,
) -> None:
    """Art.20: a visit goes to the competent unit's tier or one above. A village matter whose
    competent unit is a county department may be brought to the city: not 越级."""
    world.on(0)
    named = world.registered(
        by=CITY_BUREAU, channel="visit", competent_unit_id=COUNTY_HRSS, matter_kind="wages"
    ).case
    at_province = world.registered(
        by=PROVINCE_BUREAU, channel="visit", competent_unit_id=COUNTY_HRSS, matter_kind="pension"
    ).case

    assert named.level_skipping is False
    assert at_province.level_skipping is True


def test_the_first_transfer_to_the_competent_unit_judges_level_skipping_again(
    world: World,
) -> None:
    """Registered at the city before the competent unit was known (a village matter: guessed
    as township business, so 越级); transferred down to the county department that is
    competent, the visit was one tier above it, not 越级."""
    world.on(0)
    case_id = world.register(by=CITY_BUREAU, channel="visit", matter_kind="wages")
    assert world.case(case_id).level_skipping is True
    world.on(1)

    case = world.act(case_id, CITY_BUREAU, "transfer", to_unit_id=COUNTY_HRSS)

    assert case.level_skipping is False


def test_a_collective_visit_naming_no_representatives_is_flagged(world: World) -> None:
    """Art.20: five or more visiting on one matter elect at most 5 representatives; a visit
    that named none is flagged for the receiving unit to ask them to."""
    unnamed = world.registered(channel="visit", people_count=12, representatives=0).case
    named = world.registered(channel="visit", people_count=12, representatives=3).case
    letter = world.registered(channel="letter", people_count=60, signatures=60).case

    assert unnamed.needs_representatives is True
    assert named.needs_representatives is False
    assert letter.needs_representatives is False
