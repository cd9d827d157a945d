"""The case store (``domain.store.CaseStore``) on the ``eventsourcing`` library.

The library's application object supplies the recorder, mapper and repository for the
configured store (SQLite or PostgreSQL). Around them, two adapters the use cases never see:
a cache of the last saved state of recently commanded cases (``case_cache``, or the
``shared_cache`` of a host's API workers), so that a command usually reads nothing; and the
group commit (``group_commit``), so that concurrent commands share a transaction. On
PostgreSQL, bulk queries (``bulk_sql``) let the group commit refuse stale saves before writing
and let projections reload many cases at once. Why each: docs/decisions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    ProcessRecorder,
    Tracking,
    Transcoding,
)

from domain.units import Directory
from gateways.persistence.bulk_sql import latest_versions, stored_histories
from gateways.persistence.case_cache import CaseCache, CommandCache
from gateways.persistence.directory_feed import DirectoryFeed
from gateways.persistence.group_commit import GroupCommit


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class LibraryStore(Application[UUID]):
    """Every aggregate of the system (cases, petitioner files, units, recommendations) in one
    store with one notification log."""

    name = "xinfang"  # the library names the PostgreSQL tables after it: keep it
    env: ClassVar[dict[str, str]] = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": ":memory:",
    }

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        cache: CaseCache | None = None,
        bulk_sql: bool = False,
        directory_refresh_seconds: float = 1.0,
    ) -> None:
        super().__init__(env)
        self._directory = DirectoryFeed(self.recorder, self.mapper, directory_refresh_seconds)
        self.cache: CaseCache = cache if cache is not None else CommandCache(10_000)
        versions = latest_versions(self.recorder) if bulk_sql else None
        self.commits = GroupCommit(self._record, versions=versions)
        self.bulk_histories = stored_histories(self.recorder) if bulk_sql else None

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder: it can also record, in the same transaction as new events, how
        far an upstream source (a Kafka partition) was read."""
        return self.factory.process_recorder()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def close(self) -> None:
        """Write what is queued for the committer thread, then close the store."""
        self.commits.close()
        self.cache.close()
        super().close()

    # ------------------------------------------------------------ reading
    def load(self, aggregate_id: UUID, *, latest: bool = False) -> Any | None:
        cached = self.cache.take(aggregate_id)
        if cached is not None:
            return self._caught_up(cached) if latest else cached
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def recall(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        found = {i: self.cache.take(i) for i in ids}
        return {i: a for i, a in found.items() if a is not None}

    def load_many(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        found: dict[UUID, Any] = {}
        for i in ids:
            with contextlib.suppress(AggregateNotFoundError):
                found[i] = self.repository.get(i)
        return found

    def history(self, aggregate_id: UUID, upto: int | None = None) -> list[Any]:
        return list(self.events.get(aggregate_id, lte=upto))

    def histories(self, wanted: Mapping[UUID, int]) -> dict[UUID, list[Any]]:
        if self.bulk_histories is not None:
            to_domain = self.mapper.to_domain_event
            stored = self.bulk_histories(wanted)
            return {i: [to_domain(s) for s in rows] for i, rows in stored.items()}
        return {i: self.history(i, upto) for i, upto in wanted.items()}

    def directory(self, *, refresh: bool = False) -> Directory:
        return self._directory.current(force=refresh)

    def upstream_position(self, source: str) -> int | None:
        return self.recorder.max_tracking_id(source)

    def _caught_up(self, aggregate: Any) -> Any:
        """A cached aggregate with whatever other processes recorded since: one query that,
        usually, returns nothing."""
        for stored in self.recorder.select_events(aggregate.id, gt=aggregate.version):
            aggregate = self.mapper.to_domain_event(stored).mutate(aggregate)
        return aggregate

    # ------------------------------------------------------------ writing
    def save(self, *aggregates: Aggregate, tracking: Tracking | None = None) -> int | None:  # type: ignore[override]
        """Without an upstream position the save shares a transaction with concurrent ones
        (``GroupCommit``); a position belongs to one message, so it is written on its own."""
        pending = [e for a in aggregates for e in a.pending_events]
        if tracking is None:
            recordings = self.commits.save(*aggregates)
        else:
            processing = ProcessingEvent[UUID](tracking=tracking)
            processing.collect_events(*aggregates)
            recordings = self._record(processing)
        for aggregate in aggregates:
            self.cache.put(aggregate.id, aggregate)
        self._directory.saw(pending)
        return recordings[-1].notification.id if recordings else None

    def save_soon(self, aggregate: Aggregate) -> Future[int | None]:
        """``save`` for a caller that must not block (an event loop): the group commit's
        committer thread writes it; the future holds the position or the ``IntegrityError``."""
        pending = list(aggregate.pending_events)
        saved = self.commits.submit(aggregate)
        done: Future[int | None] = Future()

        def settle(recorded: Future[list[Any]]) -> None:
            error = recorded.exception()
            if error is not None:
                done.set_exception(error)
                return
            recordings = recorded.result()
            self.cache.put(aggregate.id, aggregate)
            self._directory.saw(pending)
            done.set_result(recordings[-1].notification.id if recordings else None)

        saved.add_done_callback(settle)
        return done

    def record_position(self, tracking: Tracking) -> None:
        with contextlib.suppress(IntegrityError):  # already recorded: seen before
            self.recorder.insert_events([], tracking=tracking)
