"""What the use cases need of persistence: the interface the application receives.

The adapter lives in ``gateways.persistence`` (the library's recorder, a cache of saved cases,
shared commits); the composition root (``gateways.wiring``) builds it. The library's own
abstractions (``ProcessRecorder``, ``Mapper``, ``Repository``) are part of the interface: they
are how the notification log is read, in order, by the directory, verification and projections.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, ProcessRecorder, Tracking

from domain.units import Directory


class CaseStore(Protocol):
    """Aggregates in, aggregates out; the history in the order it was recorded."""

    recorder: ProcessRecorder
    mapper: Mapper[UUID]
    repository: Repository[UUID]

    def load(self, aggregate_id: UUID, *, latest: bool = False) -> Any | None:
        """A private copy of the aggregate, or None when the store has none. With ``latest``
        False it may be the last state this store saved or read, which another process may
        have moved on since: a save of it is then refused (``IntegrityError``)."""
        ...

    def recall(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        """Those of ``ids`` this store remembers, without reading (possibly stale, as above)."""
        ...

    def load_many(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        """Those of ``ids`` the store holds, as it holds them now."""
        ...

    def save(self, *aggregates: Aggregate, tracking: Tracking | None = None) -> int | None:
        """Record the aggregates' pending events in one transaction, with an upstream position
        if given; answer the last store position written. Raises ``IntegrityError`` when an
        aggregate moved on meanwhile (or, being new, exists already)."""
        ...

    def record_position(self, tracking: Tracking) -> None:
        """Record an upstream position with no events (a duplicate or refused message)."""
        ...

    def upstream_position(self, source: str) -> int | None:
        """How far ``source`` was consumed, as recorded with the events it produced."""
        ...

    def history(self, aggregate_id: UUID, upto: int | None = None) -> list[Any]:
        """The aggregate's domain events, in order (up to version ``upto``)."""
        ...

    def histories(self, wanted: Mapping[UUID, int]) -> dict[UUID, list[Any]]:
        """The domain events of many aggregates, each up to a version."""
        ...

    def directory(self, *, refresh: bool = False) -> Directory:
        """The unit directory as recorded: the units this process saved at once, those other
        processes recorded a moment later (at once with ``refresh``)."""
        ...

    def close(self) -> None: ...
