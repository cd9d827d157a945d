"""The command cache never lets a stale state decide: two services share one store, as two API
workers do, and each acts on a case the other changed since it last looked."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.commands import Extend, Transfer
from domain.errors import DomainError
from gateways.settings import Settings
from gateways.wiring import build_service
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, TOWN_2, World, official, refusal


def test_an_act_the_stale_cached_state_would_allow_is_refused_on_the_fresh_state(
    world: World, store_settings: Settings
) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(2)
    world.act(case_id, TOWN_1, "accept", path="6")  # this service caches: no extension yet
    other = build_service(store_settings, world.clock)
    try:
        world.on(3)
        other.perform(
            case_id, official(TOWN_1), Extend(days=20, reason="案情复杂", approved_by="镇长")
        )
    finally:
        other.close()
    world.on(4)

    # On the cached state 15 more days fit the 30-day limit; the store refuses that save
    # (its version moved on) and on the fresh state 20 + 15 days are over the limit.
    with pytest.raises(DomainError) as refused:
        world.act(case_id, TOWN_1, "extend", days=15, reason="补充调查", approved_by="镇长")

    assert refusal(refused) == "EXTENSION_OVER_LIMIT"
    assert [x["days"] for x in world.case(case_id).extensions] == [20]


def test_a_refusal_reached_on_a_stale_cached_state_is_checked_again_on_a_fresh_read(
    world: World, store_settings: Settings
) -> None:
    world.on(0)
    case_id = world.register()
    world.act(case_id, COUNTY_BUREAU, "urge", target_unit_id=COUNTY_BUREAU, reason="尽快转送")
    other = build_service(store_settings, world.clock)
    try:
        world.on(1)
        other.perform(case_id, official(COUNTY_BUREAU), Transfer(to_unit_id=TOWN_2))
    finally:
        other.close()
    world.on(2)
    # The cache still shows the county bureau holding the case, so town 2 would be refused
    # NOT_HOLDER; the fresh read shows the transfer, and the acceptance is recorded.
    case = world.act(case_id, TOWN_2, "accept", path="6")
    assert case.accepted_by == TOWN_2


def test_a_case_taken_from_the_cache_is_a_private_copy(world: World) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(2)
    world.act(case_id, TOWN_1, "accept", path="6")
    cache = world.service.store.cache

    taken = cache.take(case_id)
    assert taken is not None
    assert vars(taken) == vars(world.case(case_id))
    taken.receipts[-1]["unit_id"] = "elsewhere"
    taken.extensions.append({"days": 30})

    again = cache.take(case_id)
    assert again is not None
    assert again.receipts[-1]["unit_id"] == TOWN_1
    assert again.extensions == []


def test_on_postgresql_the_group_commit_knows_the_last_version_of_each_case(
    world: World, store_settings: Settings
) -> None:
    """What lets a stale save be refused before a shared write (gateways.persistence.group_commit)."""
    versions = world.service.store.commits.versions
    if not store_settings.uses_postgres:
        assert versions is None  # one process writes a SQLite file: nothing to check
        return
    assert versions is not None
    case_id = world.transferred(to=TOWN_1, day=1)
    unknown = uuid4()

    assert versions([case_id, unknown]) == {case_id: world.case(case_id).version}
