"""The trail is built exactly once and rebuilds equal: incrementally, from zero, and across a
crash (the story of ``trail_support.story``, on the SQLite file and on PostgreSQL)."""

from __future__ import annotations

import pytest

from gateways.settings import Settings
from projections.db import ViewDatabase
from tests.integration.projection_support import dump, runner, view_db
from tests.integration.trail_support import story
from tests.scenario_support import World


def trail_dump(db: ViewDatabase) -> dict[str, list[tuple[object, ...]]]:
    return {t: rows for t, rows in dump(db).items() if t.startswith("v_trail")}


def test_rebuilding_the_trail_equals_the_incremental_build(
    world: World, store_settings: Settings
) -> None:
    db = view_db(store_settings)
    try:
        live = runner(world, db, batch_size=3)
        story(world, after_day=lambda _: live.catch_up())
        live.catch_up()
        incremental = trail_dump(db)
        assert len(incremental["v_trail_marks"]) == 2 and incremental["v_trail_duties"]
        runner(world, db).rebuild("trail")
        assert trail_dump(db) == incremental
    finally:
        db.close()


class Crash(Exception):
    """The power cut a test injects."""


@pytest.mark.parametrize("stage", ["between_batches", "inside_batch"])
def test_the_trail_is_built_exactly_once_across_a_crash(
    world: World, store_settings: Settings, stage: str
) -> None:
    db = view_db(store_settings)
    try:
        cases = story(world)
        seen = {"n": 0}

        def crash(at: str) -> None:
            if at == stage:
                seen["n"] += 1
                if seen["n"] == 3:
                    raise Crash(at)

        crashing = runner(world, db, batch_size=7)
        crashing.fault = crash  # type: ignore[assignment]
        with pytest.raises(Crash):
            crashing.catch_up()
        assert 0 < crashing.position("trail") < world.top()
        runner(world, db, batch_size=7).catch_up()
        resumed = trail_dump(db)
        events = sum(len(list(world.service.store.events.get(c))) for c in cases.values())
        assert len(resumed["v_trail_events"]) == events
        clean = runner(world, db)
        clean.rebuild("trail")
        assert trail_dump(db) == resumed
    finally:
        db.close()
