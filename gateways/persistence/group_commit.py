"""Group commit: the saves of concurrent commands share one transaction.

The store commits one transaction at a time (on PostgreSQL under a table lock, so positions
commit in order); commands waiting at the same moment are written together. ``save`` blocks:
an uncontended save commits on the caller's thread, and when others queue behind it a
committer thread writes them in batches; ``submit`` never blocks (a future the committer thread
resolves), for a command decided on an event loop. All-or-nothing stays per command: a refused batch is
written again in halves down to the command that conflicted, and where the store can say the
last version of each case in one query (``versions``), stale saves are refused before the
write. Why and the figures: docs/decisions/0001-group-commit.md.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError

Record = Callable[[ProcessingEvent[Any]], list[Any]]
# aggregate ids → the last version the store holds of each (ids it does not know: absent)
Versions = Callable[[Collection[Any]], dict[Any, int]]

MAX_BATCH = 200  # events per shared transaction: bounds the lock hold and a retry's cost


class _Pending:
    """One command's events, waiting for their commit."""

    __slots__ = ("events", "future")

    def __init__(self, events: Sequence[Any]) -> None:
        self.events = list(events)
        self.future: Future[list[Any]] = Future()


class GroupCommit:
    """Saves aggregates' pending events, committing concurrent saves together."""

    def __init__(
        self, record: Record, max_batch: int = MAX_BATCH, versions: Versions | None = None
    ) -> None:
        self._record = record
        self._max_batch = max_batch
        self.versions = versions
        self._lock = threading.Lock()
        self._wanted = threading.Condition(self._lock)
        self._queue: deque[_Pending] = deque()
        self._busy = False  # someone is writing; the queue is empty whenever this is False
        self._handed = False  # ... and that someone is the committer thread
        self._closed = False
        self._committer: threading.Thread | None = None
        self.batches = 0  # transactions written (for tests and the bench)
        self.saves = 0  # saves served
        self.refused_early = 0  # saves refused by the version check, before any write

    def save(self, *aggregates: Any) -> list[Any]:
        """Store the aggregates' pending events; returns their recordings, as
        ``Application.save`` does, or raises what storing them alone would have raised."""
        pending = _Pending([e for a in aggregates for e in a.collect_events()])
        with self._lock:
            self._queue.append(pending)
            lead = not self._busy
            self._busy = True
        if lead:
            self._commit_own()
        return pending.future.result()

    def submit(self, *aggregates: Any) -> Future[list[Any]]:
        """Queue the aggregates' pending events for the committer thread; the future holds
        what ``save`` would have returned or raised."""
        pending = _Pending([e for a in aggregates for e in a.collect_events()])
        with self._lock:
            self._queue.append(pending)
            if not self._busy:
                self._busy = True
                self._hand_over()
        return pending.future

    def close(self) -> None:
        """Stop the committer thread once what is queued is written."""
        with self._lock:
            self._closed = True
            self._wanted.notify()
            committer = self._committer
        if committer is not None:
            committer.join(10)

    def _commit_own(self) -> None:
        """The caller found nobody writing: its own save is first in the queue; write it and
        anything that joined it, then hand what queued meanwhile to the committer thread."""
        with self._lock:
            batch = self._take()
        try:
            self._commit(batch)
        finally:
            with self._lock:
                if self._queue:
                    self._hand_over()
                else:
                    self._busy = False

    def _hand_over(self) -> None:
        """(Lock held.) The committer thread takes the lead."""
        self._handed = True
        if self._committer is None:
            self._committer = threading.Thread(
                target=self._serve, name="xinfang-group-commit", daemon=True
            )
            self._committer.start()
        self._wanted.notify()

    def _serve(self) -> None:
        while True:
            with self._lock:
                while not self._handed and not self._closed:
                    self._wanted.wait()
                if not self._handed:
                    self._committer = None
                    return
                batch = self._take()
            try:
                self._commit(batch)
            finally:
                with self._lock:
                    if not self._queue:
                        self._busy = self._handed = False

    def _take(self) -> list[_Pending]:
        batch: list[_Pending] = []
        size = 0
        while self._queue and (not batch or size + len(self._queue[0].events) <= self._max_batch):
            item = self._queue.popleft()
            batch.append(item)
            size += len(item.events)
        return batch

    def _commit(self, batch: list[_Pending], checked: bool = False) -> None:
        if not checked and len(batch) > 1 and self.versions is not None:
            batch = self._without_stale(batch, self.versions)
            if not batch:
                return
        self.batches += 1
        self.saves += len(batch)
        try:
            recordings = self._write([e for item in batch for e in item.events])
        except IntegrityError as refused:
            if len(batch) == 1:
                batch[0].future.set_exception(refused)
                return
            # Find who conflicted by halving: the halves without a conflict commit whole, so
            # one stale command among n costs about 2·log2(n) transactions, not n.
            middle = len(batch) // 2
            self.saves -= len(batch)
            self._commit(batch[:middle], checked=True)
            self._commit(batch[middle:], checked=True)
            return
        except BaseException as error:
            for item in batch:
                item.future.set_exception(error)
            return
        by_event = {id(r.domain_event): r for r in recordings}
        for item in batch:
            item.future.set_result([by_event[id(e)] for e in item.events if id(e) in by_event])

    def _without_stale(self, batch: list[_Pending], versions: Versions) -> list[_Pending]:
        """The commands of ``batch`` whose versions are free; the others are refused now."""
        ids = {e.originator_id for item in batch for e in item.events}
        try:
            stored = versions(ids)
        except Exception:
            return batch  # no check: the write itself tells
        taken: set[tuple[Any, int]] = set()
        kept = []
        for item in batch:
            keys = {(e.originator_id, e.originator_version) for e in item.events}
            if keys & taken or any(stored.get(i, 0) >= v for i, v in keys):
                self.refused_early += 1
                item.future.set_exception(
                    IntegrityError("a version of this aggregate is already recorded")
                )
                continue
            taken |= keys
            kept.append(item)
        return kept

    def _write(self, events: list[Any]) -> list[Any]:
        processing: ProcessingEvent[Any] = ProcessingEvent()
        # These are domain events already: ``collect_events`` would check each against a
        # runtime Protocol first (2% of the committer thread's time, for nothing).
        processing.events.extend(events)
        return self._record(processing)
