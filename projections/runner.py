"""The projection runner: reads the store's notification log and feeds every read model, exactly once.

Per batch of notifications, ONE transaction writes every projection's rows and the position each
projection has read (table ``v_positions``). A crash anywhere rolls back rows and position
together, so on restart the batch is read again: no event lost, none applied twice. Before
writing, the batch locks and re-reads the positions; if another runner moved them meanwhile, the
batch is dropped and reading resumes from the recorded positions.

A projection (see ``Projection``) needs ``name``, ``create``, ``clear`` and ``handle``. It may
also define these optional hooks, which the runner calls when present:

- ``attach(memory: CaseMemory)``: once, before any event; the runner folds every case event into
  that memory *before* calling ``handle``, so ``memory.case(event.originator_id)`` and
  ``memory.deadlines(...)`` give the case as it stands after the event.
- ``flush(cur)``: at the end of each batch, inside its transaction (write buffered rows with
  ``executemany``).
- ``reset()``: after a batch was rolled back or positions moved: drop in-memory caches and
  buffers, to be rebuilt from the rows.
- ``tables``: the tables it writes. A rebuild drops their secondary indexes while it loads and
  builds them again at the end (PostgreSQL; ``create`` restores any a crash left missing).

Projections never read the clock: queries take ``today``/``as_of`` as parameters.

Why this runner and not the library's ``ProjectionRunner``: see
docs/decisions/0007-home-made-projection-runner.md.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from domain.application import CaseService
from domain.case_events import CaseEvent
from projections.case_memory import CaseMemory
from projections.db import Cursor, ViewDatabase
from projections.write_behind import WriteBehind

log = logging.getLogger("xinfang.projections")

Progress = Callable[[int, int], None]

POSITIONS_DDL = """
CREATE TABLE IF NOT EXISTS v_positions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
)
"""

# Index aggregates (serial numbers, petitioner files) carry nothing a read model shows.
_IGNORED_TOPIC_PREFIXES = ("domain.index:",)


class Projection(Protocol):
    name: str

    def create(self, db: ViewDatabase) -> None: ...

    def clear(self, cur: Cursor) -> None: ...

    def handle(self, cur: Cursor, event: Any, position: int) -> None: ...


# What a runner far behind reads at once (see ``ProjectionRunner.catch_up_batch_size``): a few
# days of a province's events, some tens of megabytes decoded.
CATCH_UP_BATCH = 40_000


class PositionsMoved(Exception):
    """Another runner advanced a projection while this one was reading a batch."""


class ProjectionRunner:
    """Feeds projections from the notification log; one transaction per batch."""

    def __init__(
        self,
        service: CaseService,
        db: ViewDatabase,
        projections: Sequence[Projection],
        batch_size: int = 1000,
        catch_up_batch_size: int | None = None,
    ) -> None:
        self.service = service
        self.db = db
        self.projections = list(projections)
        self.batch_size = batch_size
        # Far behind (a rebuild, a worker started late), batches this large: the events of one
        # case meet in one batch more often, so its rows are written once for them all (0007).
        self.catch_up_batch_size = max(batch_size, catch_up_batch_size or batch_size)
        self.memory = CaseMemory(
            service.store.repository, service.rules, histories=service.store.histories
        )
        # Tests set this to raise at a stage: "between_batches" or "inside_batch".
        self.fault: Callable[[str], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        db.executescript(POSITIONS_DDL)
        for projection in self.projections:
            projection.create(db)
            attach = getattr(projection, "attach", None)
            if attach is not None:
                attach(self.memory)
        with db.transaction() as cur:
            cur.executemany(
                "INSERT INTO v_positions (name, position) VALUES (%s, 0) "
                "ON CONFLICT (name) DO NOTHING",
                [(p.name,) for p in self.projections],
            )

    # ------------------------------------------------------------ positions
    def positions(self) -> dict[str, int]:
        rows = self.db.query("SELECT name, position FROM v_positions")
        found = {str(r["name"]): int(r["position"]) for r in rows}
        return {p.name: found.get(p.name, 0) for p in self.projections}

    def position(self, name: str) -> int:
        return self.positions()[name]

    def projection(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        raise KeyError(name)

    # ------------------------------------------------------------- catch-up
    def catch_up(self, progress: Progress | None = None) -> int:
        """Process every notification up to the store's last one; returns how many were read."""
        with self._lock:
            return self._catch_up(self.projections, progress)

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Clear one projection's rows and position, then read the whole log again for it."""
        projection = self.projection(name)
        with self._lock:
            with self.db.transaction() as cur:
                projection.clear(cur)
                cur.execute("UPDATE v_positions SET position = 0 WHERE name = %s", (name,))
            self._reset([projection])
            # From zero every case starts at its Registered event: no loads from the store.
            self.memory.clear()
            with self.db.bulk_load(getattr(projection, "tables", ())):
                return self._catch_up([projection], progress)

    def _catch_up(self, projections: list[Projection], progress: Progress | None) -> int:
        recorder = self.service.store.recorder
        top = recorder.max_notification_id() or 0
        positions = self._recorded(projections)
        first = start = min(positions.values(), default=top)
        processed = 0
        if progress is not None:
            progress(0, max(0, top - first))
        # More than one batch to read: on PostgreSQL the next batch is folded while the last
        # one is written (``write_behind``). One batch has nothing to overlap with.
        with _no_gc_pauses(), self.db.write_behind(enabled=top - start > self.batch_size) as writer:
            while True:
                try:
                    if start >= top:
                        if writer is not None:
                            writer.sync()  # the last batch committed, or raises why not
                        break
                    self._fault("between_batches")
                    far = top - start > self.batch_size
                    notifications = recorder.select_notifications(
                        start=start,
                        limit=self.catch_up_batch_size if far else self.batch_size,
                        stop=top,
                        inclusive_of_start=False,
                    )
                    if not notifications:
                        start = top
                        continue
                    self._apply(projections, positions, notifications, writer)
                except PositionsMoved:
                    self._reset(projections)
                    positions = self._recorded(projections)
                    start = min(positions.values())
                    continue
                except BaseException:
                    self._reset(projections)
                    raise
                last = notifications[-1].id
                for name in positions:
                    positions[name] = max(positions[name], last)
                processed += len(notifications)
                start = last
                if progress is not None:
                    progress(start - first, top - first)
        return processed

    def _recorded(self, projections: list[Projection]) -> dict[str, int]:
        recorded = self.positions()
        return {p.name: recorded[p.name] for p in projections}

    @contextmanager
    def _batch(self, writer: WriteBehind | None, positions: dict[str, int]) -> Iterator[Cursor]:
        """The batch's transaction, its positions locked and checked first: in place, or
        queued to the writer thread (which raises ``PositionsMoved`` later, if so)."""
        if writer is None:
            with self.db.transaction() as cur:
                self._check_positions(cur, positions)
                yield cur
            return
        expected = dict(positions)
        with writer.batch() as cur:
            writer.submit(lambda: self._check_positions(writer.direct, expected))
            yield cur

    def _apply(
        self,
        projections: list[Projection],
        positions: dict[str, int],
        notifications: Sequence[Any],
        writer: WriteBehind | None = None,
    ) -> None:
        to_domain = self.service.store.mapper.to_domain_event
        events = [
            (n.id, None if n.topic.startswith(_IGNORED_TOPIC_PREFIXES) else to_domain(n))
            for n in notifications
        ]
        self.memory.prefetch(e for _, e in events if isinstance(e, CaseEvent))
        middle = len(notifications) // 2
        with self._batch(writer, positions) as cur:
            for index, (position, event) in enumerate(events):
                if index == middle:
                    self._fault("inside_batch")
                if event is None:
                    continue
                if isinstance(event, CaseEvent):
                    self.memory.apply(event)
                for projection in projections:
                    if positions[projection.name] < position:
                        projection.handle(cur, event, position)
            for projection in projections:
                flush = getattr(projection, "flush", None)
                if flush is not None:
                    flush(cur)
            last = notifications[-1].id
            cur.executemany(
                "UPDATE v_positions SET position = %s WHERE name = %s",
                [(max(positions[p.name], last), p.name) for p in projections],
            )

    def _check_positions(self, cur: Cursor, expected: dict[str, int]) -> None:
        """Lock the positions for this batch and make sure nobody else moved them."""
        names = list(expected)
        marks = ", ".join(["%s"] * len(names))
        lock = " FOR UPDATE" if self.db.dialect == "postgres" else ""
        cur.execute(f"SELECT name, position FROM v_positions WHERE name IN ({marks}){lock}", names)
        found = {str(r["name"]): int(r["position"]) for r in cur.fetchall()}
        if any(found.get(name, 0) != position for name, position in expected.items()):
            raise PositionsMoved()

    def _reset(self, projections: list[Projection]) -> None:
        for projection in projections:
            reset = getattr(projection, "reset", None)
            if reset is not None:
                reset()

    def _fault(self, stage: str) -> None:
        if self.fault is not None:
            self.fault(stage)

    # --------------------------------------------------------------- waiting
    def wait_for(self, position: int, timeout: float = 10.0) -> bool:
        """Block until every projection has read ``position`` (read-your-writes for callers)."""
        deadline = time.monotonic() + timeout
        while True:
            if min(self.positions().values(), default=position) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    # ----------------------------------------------------------- worker loop
    def run_forever(
        self,
        stop: threading.Event,
        poll: float = 0.2,
        alive: Callable[[], None] | None = None,
    ) -> None:
        """Catch up, then poll for new events until ``stop`` is set. Errors are logged and
        retried with a growing pause; the batch that failed was rolled back whole. ``alive``
        is called after every catch-up that succeeded (a worker's heartbeat)."""
        pause = poll
        while not stop.is_set():
            try:
                self.catch_up()
                if alive is not None:
                    alive()
                pause = poll
            except Exception:
                log.exception("projection batch failed; retrying in %.1fs", pause)
                pause = min(pause * 2, 10.0)
            stop.wait(pause)

    def start_thread(self, poll: float = 0.2) -> threading.Thread:
        """In-process mode (the embedded default): a daemon thread running ``run_forever``."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run_forever,
            args=(self._stop, poll),
            name="xinfang-projections",
            daemon=True,
        )
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """No cyclic collection during a catch-up: it would scan the millions of tuples and cases
    a catch-up keeps again and again, and they hold no cycles (refcounting frees them). See
    docs/decisions/0007-home-made-projection-runner.md."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
