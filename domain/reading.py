"""The reading use cases: a case and its history as the caller may see them, a petitioner's own
view by query code, the hash chains; every read of an accusation recorded (domain.md §7)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, MapperDeserialisationError
from eventsourcing.utils import get_topic

from domain import access
from domain.acts import Act, Actor
from domain.case_events import CaseEvent
from domain.case_events import Registered as RegisteredEvent
from domain.chain import ChainReport, verify_chain
from domain.classification import Category
from domain.errors import not_found
from domain.index import SerialNumber, query_code_hash, serial_index_id
from domain.petition import Petition
from domain.use_cases import SAVE_ATTEMPTS, UseCases

# The system itself (projections, exports it runs) and a petitioner reading their own case.
_READS_NOT_RECORDED = frozenset({"system", "petitioner"})


class Reading(UseCases):
    def case(
        self,
        case_id: UUID,
        actor: Actor,
        as_of: datetime | None = None,
        purpose: str = "case",
    ) -> Petition:
        """The case as ``actor`` may see it; reading an accusation is recorded with the
        ``purpose`` of the read (the case, its accountability trail …)."""
        case = self._get(case_id) if as_of is None else self._as_of(case_id, as_of)
        self._check_readable(actor, case, purpose)
        self._record_accusation_read(case, actor, purpose)
        return case

    def history(
        self, case_id: UUID, actor: Actor, as_of: datetime | None = None
    ) -> list[CaseEvent]:
        events = [e for e in self.store.history(case_id) if as_of is None or e.timestamp <= as_of]
        if not events:
            raise not_found()
        case = _fold(events)
        self._check_readable(actor, case, "history")
        self._record_accusation_read(self._get(case_id), actor, "history")
        return events

    def record_accusation_reads(self, actor: Actor, case_ids: Sequence[UUID], purpose: str) -> None:
        """Record reads of accusations that a list, an export or a trail showed ``actor``
        (domain.md §7: every read path, not only the case itself): one ``AccusationViewed``
        per accusation among ``case_ids``, saved together; one case at a time when another
        writer got to one of them first."""
        if actor.official_id in _READS_NOT_RECORDED:
            return
        shown: list[Petition] = []
        for case_id in dict.fromkeys(case_ids):
            case = self._find_case(case_id)
            if case is not None and case.category == Category.ACCUSATION.value:
                shown.append(case)
        if not shown:
            return
        now = self.clock.now()
        for case in shown:
            occurred = max(now, case.last_occurred_at)
            case.record_view(
                Act(actor, occurred, occurred, self.directory, self.rules), purpose=purpose
            )
        try:
            self.store.save(*shown)
        except IntegrityError:
            for case in shown:
                self._record_read(case, actor, purpose, refused=False)

    def _check_readable(self, actor: Actor, case: Petition, purpose: str) -> None:
        """As ``access.check_visible``; an accused unit's attempt is recorded first (Art.46)."""
        if access.hidden_from(case, actor.unit_id, self.directory):
            self._record_read(case, actor, purpose, refused=True)
        access.check_visible(actor, case, self.directory)

    def track(self, serial_number: str, query_code: str) -> Petition:
        """A petitioner's own view, reached with the serial number and the query code."""
        entry = self.store.load(serial_index_id(serial_number), latest=True)
        if not isinstance(entry, SerialNumber):
            raise not_found()
        case = self._get(entry.case_id)
        if not secrets.compare_digest(case.query_code_hash, query_code_hash(case.id, query_code)):
            raise not_found()  # as an unknown serial: a guessed serial learns nothing
        return case

    def verify(self, case_id: UUID) -> ChainReport:
        return verify_chain(str(case_id), self._decoded_events(case_id))

    def _decoded_events(self, case_id: UUID) -> Iterator[Any]:
        """The case's stored events, decoded one by one: an event that no longer decodes (its
        cipher text or JSON was altered) stands as a broken link at its version, so tampering
        is reported, not raised."""
        for stored in self.store.recorder.select_events(case_id):
            try:
                yield self.store.mapper.to_domain_event(stored)
            except MapperDeserialisationError:
                yield _Undecodable(stored.originator_version)

    def case_ids(self, batch: int = 1000) -> Iterator[UUID]:
        """Every case id, in store order (for verification and rebuilds)."""
        topic = get_topic(RegisteredEvent)
        start = 0
        while True:
            batch_rows = self.store.recorder.select_notifications(
                start=start, limit=batch, topics=[topic], inclusive_of_start=False
            )
            for n in batch_rows:
                yield n.originator_id
            if len(batch_rows) < batch:
                return
            start = batch_rows[-1].id

    def _as_of(self, case_id: UUID, as_of: datetime) -> Petition:
        events = [e for e in self.store.history(case_id) if e.timestamp <= as_of]
        if not events:
            raise not_found()
        return _fold(events)

    def _record_accusation_read(self, case: Petition, actor: Actor, purpose: str) -> None:
        """Access to accusations is itself recorded (domain.md §7)."""
        if case.category != Category.ACCUSATION.value or actor.official_id in _READS_NOT_RECORDED:
            return
        self._record_read(case, actor, purpose, refused=False)

    def _record_read(self, case: Petition, actor: Actor, purpose: str, *, refused: bool) -> None:
        for _ in range(SAVE_ATTEMPTS):
            fresh = self._get(case.id)
            now = self.clock.now()
            occurred = max(now, fresh.last_occurred_at)
            act = Act(actor, occurred, max(now, occurred), self.directory, self.rules)
            if refused:
                fresh.record_refused_read(act, purpose=purpose)
            else:
                fresh.record_view(act, purpose=purpose)
            try:
                self.store.save(fresh)
                return
            except IntegrityError:
                continue


@dataclass(frozen=True)
class _Undecodable:
    """Stands for a stored event that cannot be read back; it links to nothing."""

    originator_version: int
    prev_hash: None = None


def _fold(events: Sequence[Any]) -> Petition:
    aggregate: Any = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate  # type: ignore[no-any-return]
