"""The projection runner: exactly once under crashes, resumes on restart, rebuild = incremental.

Every test runs on the SQLite file and on PostgreSQL (``store_settings`` is parametrised).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from domain.access import ReadScope
from domain.units import Directory
from gateways.settings import Settings
from gateways.store import analyze_events
from projections.db import ViewDatabase
from projections.runner import ProjectionRunner
from projections.supervision_query import rollup
from tests.integration.projection_support import dump, later, populate, runner, view_db
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, World, official


class Crash(Exception):
    """The power cut a test injects."""


@pytest.fixture
def db(store_settings: Settings) -> Iterator[ViewDatabase]:
    database = view_db(store_settings)
    yield database
    database.close()


def crash_at(stage: str, occurrence: int) -> object:
    """A fault hook that raises the ``occurrence``-th time the runner reaches ``stage``."""
    seen = {"n": 0}

    def fault(at: str) -> None:
        if at == stage:
            seen["n"] += 1
            if seen["n"] == occurrence:
                raise Crash(at)

    return fault


def clean_build(r: ProjectionRunner) -> dict[str, list[tuple[object, ...]]]:
    for projection in r.projections:
        r.rebuild(projection.name)
    return dump(r.db)


def county_registrations(db: ViewDatabase, directory: Directory, world: World) -> int:
    scope = ReadScope.of(official(COUNTY_BUREAU), directory)
    figures = rollup(db, scope, "330106", directory, today=world.today())
    return int(figures["registrations"])


@pytest.mark.parametrize("stage", ["inside_batch", "between_batches"])
def test_a_crash_neither_loses_nor_doubles_an_event(
    world: World, db: ViewDatabase, stage: str
) -> None:
    populate(world)
    crashing = runner(world, db, batch_size=7)
    crashing.fault = crash_at(stage, 3)  # type: ignore[assignment]
    with pytest.raises(Crash):
        crashing.catch_up()
    # Rows and positions moved together: two whole batches, nothing of the third.
    assert set(crashing.positions().values()) == {crashing.position("ledger")}
    assert crashing.position("ledger") > 0

    restarted = runner(world, db, batch_size=7)
    restarted.catch_up()
    top = world.top()
    assert restarted.positions() == {"ledger": top, "supervision": top, "trail": top}
    resumed = dump(db)
    assert county_registrations(db, world.service.directory, world) == 8
    assert resumed == clean_build(runner(world, db))


def test_a_restarted_runner_resumes_where_it_stopped(world: World, db: ViewDatabase) -> None:
    cases = populate(world)
    first = runner(world, db, batch_size=5)
    first.catch_up()
    stopped_at = first.position("ledger")
    later(world, cases)
    second = runner(world, db, batch_size=5)
    read = second.catch_up()
    # Only what was recorded after the first runner stopped is read again.
    recorded_since = world.service.store.recorder.select_notifications(
        start=stopped_at, limit=10_000, inclusive_of_start=False
    )
    assert read == len(recorded_since) > 0
    assert second.memory.loads > 0  # cases met again were loaded once from the store
    assert dump(db) == clean_build(runner(world, db))


def test_a_rebuilt_projection_equals_the_incrementally_built_one(
    world: World, db: ViewDatabase
) -> None:
    live = runner(world, db, batch_size=3)
    cases = populate(world, after_day=lambda _: live.catch_up())
    later(world, cases)
    live.catch_up()
    incremental = dump(db)
    assert incremental["v_ledger_cases"], "the ledger has rows"
    assert incremental["v_sup_versions"], "the roll-up has versions"
    assert incremental["v_trail_duties"], "the trail has duties"
    rebuilt = runner(world, db, batch_size=1000)
    shown: list[tuple[int, int]] = []
    rebuilt.rebuild("ledger", progress=lambda done, total: shown.append((done, total)))
    rebuilt.rebuild("supervision")
    rebuilt.rebuild("trail")
    assert dump(db) == incremental
    assert shown[0] == (0, world.top()) and shown[-1][0] == shown[-1][1] == world.top()


def test_a_runner_never_applies_what_another_runner_already_applied(
    world: World, db: ViewDatabase
) -> None:
    populate(world)
    other = runner(world, db, batch_size=4)
    mine = runner(world, db, batch_size=4)
    calls = {"n": 0}

    def meanwhile(stage: str) -> None:
        # Another worker gets ahead while this one is about to write its second batch.
        if stage == "between_batches":
            calls["n"] += 1
            if calls["n"] == 2:
                other.catch_up()

    mine.fault = meanwhile  # type: ignore[assignment]
    mine.catch_up()
    top = world.top()
    assert mine.positions() == {"ledger": top, "supervision": top, "trail": top}
    assert county_registrations(db, world.service.directory, world) == 8
    assert dump(db) == clean_build(runner(world, db))


def test_in_process_mode_follows_new_events(world: World, db: ViewDatabase) -> None:
    r = runner(world, db)
    r.start_thread(poll=0.05)
    try:
        world.on(0)
        registered = world.registered()
        assert registered.position is not None
        assert r.wait_for(registered.position, timeout=10)
        rows = db.query(
            "SELECT stage FROM v_ledger_cases WHERE case_id = %s", [str(registered.case.id)]
        )
        assert rows == [{"stage": "registered"}]
        world.on(1)
        world.act(registered.case.id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
        assert r.wait_for(world.top(), timeout=10)
        rows = db.query(
            "SELECT stage, holder_unit_id FROM v_ledger_cases WHERE case_id = %s",
            [str(registered.case.id)],
        )
        assert rows == [{"stage": "awaiting_acceptance", "holder_unit_id": TOWN_1}]
    finally:
        r.stop()


def test_a_worker_beats_only_after_a_catch_up_that_succeeded(
    world: World, db: ViewDatabase
) -> None:
    populate(world)
    r = runner(world, db)
    stop = threading.Event()
    beats: list[dict[str, int]] = []

    def alive() -> None:
        beats.append(r.positions())
        stop.set()

    def broken(stage: str) -> None:
        raise RuntimeError("disk gone")

    r.fault = broken
    failing = threading.Thread(target=r.run_forever, args=(stop, 0.01, alive))
    failing.start()
    failing.join(0.5)
    assert beats == [] and failing.is_alive()  # failing batches: no heartbeat
    r.fault = None
    failing.join(15)

    assert not failing.is_alive()
    assert beats and all(p == world.top() for p in beats[0].values())


class FailingFlush:
    """A projection whose ``n``-th flush sends a statement the database refuses: on PostgreSQL
    the runner learns of it from the writer thread, after it has gone on to the next batch."""

    name = "failing"

    def __init__(self, n: int) -> None:
        self.n = n
        self.flushes = 0

    def create(self, db: ViewDatabase) -> None:
        db.executescript("CREATE TABLE IF NOT EXISTS v_failing (position BIGINT PRIMARY KEY)")

    def clear(self, cur: object) -> None:
        return None

    def handle(self, cur: object, event: object, position: int) -> None:
        return None

    def flush(self, cur: object) -> None:
        self.flushes += 1
        if self.flushes == self.n:
            cur.execute("INSERT INTO v_no_such_table VALUES (1)")  # type: ignore[attr-defined]


def test_a_statement_refused_in_a_later_batch_loses_and_doubles_nothing(
    world: World, db: ViewDatabase
) -> None:
    populate(world)
    failing = FailingFlush(3)
    crashing = ProjectionRunner(
        world.service, db, [*runner(world, db).projections, failing], batch_size=7
    )
    with pytest.raises(Exception, match="v_no_such_table"):
        crashing.catch_up()
    # The third batch was refused whole, with everything folded after it: two batches stand.
    two_batches = world.service.store.recorder.select_notifications(
        start=0, limit=14, inclusive_of_start=False
    )[-1].id
    assert crashing.positions() == dict.fromkeys(
        ("ledger", "supervision", "trail", "failing"), two_batches
    )

    restarted = runner(world, db, batch_size=7)
    restarted.catch_up()
    assert county_registrations(db, world.service.directory, world) == 8
    assert dump(db) == clean_build(runner(world, db))


def test_a_rebuild_builds_again_every_index_it_dropped_to_load(
    world: World, db: ViewDatabase
) -> None:
    if db.dialect != "postgres":
        pytest.skip("secondary indexes are dropped for a rebuild on PostgreSQL only")
    populate(world)
    live = runner(world, db, batch_size=5)
    live.catch_up()
    listed = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'v\\_%' ORDER BY 1"
    before = db.query(listed)
    seen_during: list[int] = []
    live.fault = lambda stage: seen_during.append(len(db.query(listed)))  # type: ignore[assignment]
    for projection in live.projections:
        live.rebuild(projection.name)
    assert db.query(listed) == before
    assert min(seen_during) < len(before)  # they were gone while the rows were loaded
    assert dump(db) == clean_build(runner(world, db))
    # ... and the loaded tables were vacuumed and analysed, for the first query's plan
    loaded = sorted({t for p in live.projections for t in getattr(p, "tables", ())})
    stats = db.query(
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
        " AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL ORDER BY 1",
        [loaded],
    )
    assert loaded and [r["relname"] for r in stats] == loaded


def test_caches_past_their_limit_forget_old_cases_and_the_rows_stay_right(
    world: World, db: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import projections.trail

    monkeypatch.setattr(projections.trail, "KNOWN_LIMIT", 2)
    small = runner(world, db, batch_size=3)
    # The case memory and the ledger's and roll-up's caches hold three cases: one batch's worth
    # (the least a batch needs, since every case of a batch is flushed from memory).
    small.memory.capacity = 3
    cases = populate(world, after_day=lambda _: small.catch_up())
    later(world, cases)
    small.catch_up()
    supervision = small.projection("supervision")
    assert len(supervision._tracks) <= 3  # type: ignore[attr-defined]
    assert small.memory.loads > 0  # cases forgotten were read again when met again
    assert dump(db) == clean_build(runner(world, db))


def test_cases_evicted_from_memory_are_read_again_a_batch_at_a_time(
    world: World, db: ViewDatabase, store_settings: Settings
) -> None:
    # On PostgreSQL in one query on the events table; on SQLite one read each, in process.
    assert (world.service.store.bulk_histories is not None) == store_settings.uses_postgres
    cases = populate(world)
    later(world, cases)
    small = runner(world, db, batch_size=4)
    small.memory.capacity = 4
    calls: list[dict[object, int]] = []
    bulk = world.service.store.histories

    def histories(wanted: dict[object, int]) -> object:
        calls.append(dict(wanted))
        return bulk(wanted)

    class NoSingleReads:
        def get(self, *args: object, **kwargs: object) -> object:
            raise AssertionError("a case was read on its own, not with its batch")

    small.memory._histories = histories  # type: ignore[assignment]
    small.memory._repository = NoSingleReads()
    small.catch_up()
    top = world.service.store.recorder.max_notification_id() or 0
    assert calls and len(calls) <= top // 4 + 1  # at most one read a batch
    assert sum(len(c) for c in calls) == small.memory.loads > 0
    assert dump(db) == clean_build(runner(world, db))


def test_a_runner_far_behind_reads_large_batches_with_the_same_rows(
    world: World, db: ViewDatabase
) -> None:
    cases = populate(world)
    later(world, cases)
    top = world.service.store.recorder.max_notification_id() or 0
    expected = clean_build(runner(world, db))

    def rebuild(catch_up_batch_size: int | None) -> int:
        r = ProjectionRunner(
            world.service,
            db,
            runner(world, db).projections,
            batch_size=2,
            catch_up_batch_size=catch_up_batch_size,
        )
        batches = {"n": 0}

        def count(stage: str) -> None:
            batches["n"] += stage == "between_batches"

        r.fault = count
        r.rebuild("ledger")
        assert dump(db) == expected
        return batches["n"]

    assert rebuild(None) == (top + 1) // 2  # two at a time, as asked
    assert rebuild(top) == 1  # the whole history at once


def test_the_events_table_is_analysed_before_large_batches_are_read(
    world: World, db: ViewDatabase, store_settings: Settings
) -> None:
    populate(world)
    analyze_events(world.service.store.recorder)  # on SQLite: nothing to do, and no error
    if not store_settings.uses_postgres:
        return
    table = world.service.store.recorder.events_table_name
    for _ in range(50):  # the statistics views are refreshed a moment after the command
        rows = db.query("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        if rows and rows[0]["last_analyze"] is not None:
            break
        time.sleep(0.1)
    assert rows and rows[0]["last_analyze"] is not None
