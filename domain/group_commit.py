"""Group commit: the saves of concurrent commands share one transaction.

The store commits one application's inserts one at a time (PostgreSQL: an EXCLUSIVE table lock
held through the commit, so that positions commit in order for the projections and the relay).
With one transaction per command, concurrent commands queue on that lock, and a thread that
holds it while waiting for the GIL makes all the others wait too: throughput stops at the
commit rate and latency grows with the queue. Here the commands waiting at the same moment are
written together: the first caller to arrive commits everything queued behind it in one
transaction, then hands the lead to the next waiting caller. An uncontended save costs one lock
and nothing else; under load, one commit serves many commands.

All-or-nothing stays per command: if a shared transaction is refused (a conflicting version,
i.e. ``IntegrityError``), the batch is written again in halves, down to single commands where
the conflict is, so only the command that conflicted fails, exactly as it would have alone.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError

Record = Callable[[ProcessingEvent[Any]], list[Any]]

MAX_BATCH = 200  # events per shared transaction: bounds the lock hold and a retry's cost


class _Pending:
    """One command's events, waiting for their commit."""

    __slots__ = ("error", "events", "lead", "recordings", "wake")

    def __init__(self, events: Sequence[Any]) -> None:
        self.events = list(events)
        self.recordings: list[Any] | None = None
        self.error: BaseException | None = None
        self.lead = False
        self.wake = threading.Event()

    @property
    def done(self) -> bool:
        return self.recordings is not None or self.error is not None


class GroupCommit:
    """Saves aggregates' pending events, committing concurrent saves together."""

    def __init__(self, record: Record, max_batch: int = MAX_BATCH) -> None:
        self._record = record
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: deque[_Pending] = deque()
        self._busy = False
        self.batches = 0  # transactions written (for tests and the bench)
        self.saves = 0  # saves served

    def save(self, *aggregates: Any) -> list[Any]:
        """Store the aggregates' pending events; returns their recordings, as
        ``Application.save`` does, or raises what storing them alone would have raised."""
        events = [e for a in aggregates for e in a.collect_events()]
        pending = _Pending(events)
        with self._lock:
            self._queue.append(pending)
            if not self._busy:
                self._busy = True
                pending.lead = True
        while not pending.lead and not pending.done:
            pending.wake.wait()
            pending.wake.clear()
        if not pending.done:
            self._lead()
        if pending.error is not None:
            raise pending.error
        assert pending.recordings is not None
        return pending.recordings

    def _lead(self) -> None:
        """Write what is queued, then pass the lead to the first caller still waiting."""
        with self._lock:
            batch = self._take()
        try:
            self._commit(batch)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                if successor is None:
                    self._busy = False
                else:
                    successor.lead = True
            for item in batch:
                item.wake.set()
            if successor is not None:
                successor.wake.set()

    def _take(self) -> list[_Pending]:
        batch: list[_Pending] = []
        size = 0
        while self._queue and (not batch or size + len(self._queue[0].events) <= self._max_batch):
            item = self._queue.popleft()
            batch.append(item)
            size += len(item.events)
        return batch

    def _commit(self, batch: list[_Pending]) -> None:
        self.batches += 1
        self.saves += len(batch)
        try:
            recordings = self._write([e for item in batch for e in item.events])
        except IntegrityError as refused:
            if len(batch) == 1:
                batch[0].error = refused
                return
            # Find who conflicted by halving: the halves without a conflict commit whole, so
            # one stale command among n costs about 2·log2(n) transactions, not n.
            middle = len(batch) // 2
            self.saves -= len(batch)
            self._commit(batch[:middle])
            self._commit(batch[middle:])
            return
        except BaseException as error:
            for item in batch:
                item.error = error
            return
        by_event = {id(r.domain_event): r for r in recordings}
        for item in batch:
            item.recordings = [by_event[id(e)] for e in item.events if id(e) in by_event]

    def _write(self, events: list[Any]) -> list[Any]:
        processing: ProcessingEvent[Any] = ProcessingEvent()
        processing.collect_events(*events)
        return self._record(processing)
