"""The use cases: register a matter, perform an act on a case, read a case and its history.

``CaseService`` is the application: each use case loads aggregates from the store it was
given (``domain.store.CaseStore``), lets one act decide (``domain.handlers`` says which), and
saves the events in one transaction, retrying when another writer got there first. It knows
nothing of HTTP, SQL, Kafka or caches: those are the store adapter's (``gateways.persistence``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError, Tracking
from eventsourcing.utils import get_topic

from domain import access, repeats
from domain.acts import SYSTEM, Act, Actor, Rules
from domain.calendar import china_date
from domain.case_events import CaseEvent
from domain.case_events import Registered as RegisteredEvent
from domain.chain import ChainReport, verify_chain
from domain.classification import Category, Channel
from domain.commands import CaseCommand, Evaluate, Register
from domain.errors import DomainError, invalid, not_found, refuse
from domain.handlers import HANDLERS
from domain.index import (
    PetitionerFile,
    SerialNumber,
    external_case_id,
    petitioner_file_id,
    petitioner_keys,
    serial_index_id,
)
from domain.petition import Petition
from domain.store import CaseStore
from domain.units import Directory, Tier, Unit, UnitRecord, tier_of_code

SAVE_ATTEMPTS = 5
EARLIER_CASES_READ = 20  # a petitioner's most recent cases read to propose repeats
_HIDDEN = object()  # an earlier case exists, but the caller may not see it
# The system itself (projections, exports it runs) and a petitioner reading their own case.
_READS_NOT_RECORDED = frozenset({"system", "petitioner"})


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Registered:
    case: Petition
    created: bool
    query_code: str | None
    position: int | None
    # Earlier cases proposed as the same matter, for the registrar to link or not (Art.19).
    candidates: tuple[repeats.Candidate, ...] = ()


def _code_generator(length: int) -> str:
    """``length`` random digits (one draw from the system's generator, not one per digit)."""
    return str(secrets.randbelow(10**length)).zfill(length)


class CaseService:
    """Every case action of every tier, recorded in one shared history.

    Each use case loads what it needs from the store it was given, lets the aggregate decide
    (the rules are there), and saves the events in one transaction; when another writer got
    there first, it loads again and decides again.
    """

    def __init__(
        self,
        store: CaseStore,
        *,
        clock: Clock,
        rules: Rules,
        pepper: bytes = b"xinfang",
        codes: Callable[[int], str] = _code_generator,
    ) -> None:
        self.store = store
        self.clock = clock
        self.rules = rules
        self.pepper = pepper
        self.codes = codes

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------ directory
    @property
    def directory(self) -> Directory:
        """The unit directory as recorded (by this process or, a moment ago, by others)."""
        return self.store.directory()

    def register_units(self, records: Sequence[UnitRecord], actor: Actor = SYSTEM) -> None:
        """Add units to the directory (in dependency order), one transaction."""
        directory = self.directory
        staged = Directory(list(directory))
        units: list[Unit] = []
        now = self.clock.now()
        for record in records:
            staged.check_new(record)
            staged.add(record)
            unit = Unit.register(record, actor.official_id, now)
            if record.authority_id is not None:
                unit.set_authority(record.authority_id, actor.official_id, now)
            units.append(unit)
        self._save_units(units)

    def set_authority(self, unit_id: str, authority_id: str | None, actor: Actor = SYSTEM) -> None:
        """Record which unit has management authority (管理权限) over ``unit_id``."""
        self.directory.get(unit_id)
        if authority_id is not None:
            self.directory.get(authority_id)
            if authority_id == unit_id:
                raise invalid("SUPERIOR_CYCLE", unit_id=unit_id, superior_id=authority_id)
        unit: Unit = self.store.repository.get(Unit.create_id(unit_id))
        unit.set_authority(authority_id, actor.official_id, self.clock.now())
        self._save_units([unit])

    def change_superior(self, unit_id: str, superior_id: str | None, actor: Actor = SYSTEM) -> None:
        self.directory.get(unit_id)
        self.directory.check_superior(unit_id, superior_id)
        unit: Unit = self.store.repository.get(Unit.create_id(unit_id))
        unit.change_superior(superior_id, actor.official_id, self.clock.now())
        self._save_units([unit])

    def merge_unit(self, unit_id: str, successor_id: str, actor: Actor = SYSTEM) -> None:
        """Art.24: after a merger the successor inherits the unit's cases and deadlines."""
        self.directory.get(unit_id)
        successor = self.directory.current(successor_id)
        # A merger into a merged unit or into itself would leave cases with no live holder.
        if not successor.active or successor.unit_id == unit_id:
            raise invalid("UNIT_INACTIVE", unit_id=successor_id)
        unit: Unit = self.store.repository.get(Unit.create_id(unit_id))
        unit.merge_into(successor_id, actor.official_id, self.clock.now())
        self._save_units([unit])

    def _save_units(self, units: list[Unit]) -> None:
        self.store.save(*units)  # the store's directory folds the new unit events

    # ---------------------------------------------------------- registration
    def register(self, actor: Actor, reg: Register, tracking: Tracking | None = None) -> Registered:
        """登记: register a matter; detect repeats, level-skipping and re-raised facts.

        With ``tracking`` (an intake message's position) the position is recorded in the same
        transaction as the case, so a redelivered message registers nothing twice.

        Petitioner files are first taken as this store remembers them, and a petitioner it
        does not remember as new, so a new petitioner's registration reads nothing; the save
        checks the guess (a file that exists or moved on refuses it) and the registration is
        then decided again on files read from the store.
        """
        access.check_may_do(actor, Register)
        if reg.external_id:
            case_id = external_case_id(reg.external_id)
            existing = self._existing(actor, case_id, tracking)
            if existing is _HIDDEN:
                # The id is taken by a case this caller may not see (an accusation about its
                # unit, a case outside its area): register as if it were fresh, under an id of
                # this unit's own, so that the caller learns nothing (Art.30, 46) and its own
                # retries stay idempotent.
                case_id = external_case_id(f"{reg.external_id}@{actor.unit_id}")
                existing = self._existing(actor, case_id, tracking)
            if isinstance(existing, Registered):
                return existing
        else:
            case_id = uuid4()
        remembered = True
        for _ in range(SAVE_ATTEMPTS):
            try:
                return self._register_once(actor, reg, case_id, tracking, remembered)
            except IntegrityError:
                remembered = False
                if reg.external_id:
                    existing = self._existing(actor, case_id, tracking)
                    if isinstance(existing, Registered):
                        return existing
        raise refuse("CONCURRENT_UPDATE")

    def _existing(
        self, actor: Actor, case_id: UUID, tracking: Tracking | None
    ) -> Registered | object | None:
        """The case an external id was registered as before, if any (idempotent intake), or
        ``_HIDDEN`` when there is one the caller may not see."""
        existing = self._find_case(case_id)
        if existing is None:
            return None
        if not access.can_see(actor, existing, self.directory):
            return _HIDDEN
        if tracking is not None:
            self.store.record_position(tracking)
        return Registered(existing, False, None, None)

    def _register_once(
        self,
        actor: Actor,
        reg: Register,
        case_id: UUID,
        tracking: Tracking | None,
        remembered: bool,
    ) -> Registered:
        directory = self.directory
        now = self.clock.now()
        act = Act(actor, reg.occurred_at or now, now, directory, self.rules)
        tier_of_code(reg.division_code)  # validates the code before anything else
        keys = petitioner_keys(reg.petitioners, self.pepper) if not reg.anonymous else []
        files = self._petitioner_files(keys, now, remembered)
        registering = directory.get(actor.unit_id)
        today = china_date(act.occurred_at)
        repeat_of: Petition | None = None
        relation: repeats.Relation | None = None
        if reg.same_matter_as is not None:
            # The registrar's judgement: this is a matter already raised (Art.19, 36).
            repeat_of = self._find_case(reg.same_matter_as)
            if repeat_of is None or not access.can_see(actor, repeat_of, directory):
                raise not_found()
            relation = repeats.relation_to(
                repeat_of, registering, directory, self.rules, today, reg.new_facts
            )
        earlier = self._earlier_cases(files, exclude=reg.same_matter_as)
        candidates = repeats.propose(
            [c for c in earlier if access.can_see(actor, c, directory)],
            repeats.NewMatter(reg.matter_kind, reg.division_code, reg.subject, reg.new_facts),
            registering,
            directory,
            self.rules,
            today,
        )
        open_case = repeat_of if repeat_of is not None and not repeat_of.concluded else None
        code = self.codes(8)
        serial = self._serial(reg, act)
        case = Petition.register(
            act,
            case_id=case_id,
            serial_number=serial,
            channel=reg.channel,
            category=reg.category,
            division_code=reg.division_code,
            subject=reg.subject,
            content=reg.content,
            matter_kind=reg.matter_kind,
            petitioners=reg.petitioners,
            anonymous=reg.anonymous,
            people_count=reg.people_count,
            representatives=reg.representatives,
            signatures=reg.signatures,
            accused_unit_id=reg.accused_unit_id,
            accused_persons=reg.accused_persons,
            external_id=reg.external_id,
            level_skipping=self._level_skipping(actor, reg, open_case),
            repeat_of=str(repeat_of.id) if repeat_of else None,
            repeat_relation=relation.value if relation else None,
            query_code_hash=query_code_hash(case_id, code),
            major=reg.major,
        )
        to_save: list[Aggregate] = [case, SerialNumber.issue(serial, case_id, now)]
        for f in files:
            f.file(case_id, reg.matter_kind, reg.division_code, now)
            to_save.append(f)
        if repeat_of is not None and relation is not None:
            repeat_of.link_repeat(
                Act(
                    actor,
                    max(act.occurred_at, repeat_of.last_occurred_at),
                    now,
                    directory,
                    self.rules,
                ),
                repeat_case_id=str(case_id),
                relation=relation.value,
            )
            to_save.append(repeat_of)
            if relation is repeats.Relation.REPEAT:
                # Art.19: within its period, a superior does not accept the matter anew.
                case.decline_as_repeat(act)  # the link is the case's repeat_of
            elif relation is repeats.Relation.NOT_REACCEPTED:
                # Art.36: after a recheck the same facts and reasons are not accepted again.
                case.refuse_reacceptance(act, original_case_id=str(repeat_of.id))
        position = self.store.save(*to_save, tracking=tracking)
        return Registered(case, True, code, position, tuple(candidates))

    def _petitioner_files(
        self, keys: list[str], now: datetime, remembered: bool
    ) -> list[PetitionerFile]:
        """Each petitioner's file: as the store remembers it (a file it does not remember is
        taken for new) when ``remembered``, else as the store has it (new where it has none)."""
        ids = [petitioner_file_id(k) for k in keys]
        if not ids:
            return []
        found = self.store.recall(ids) if remembered else self.store.load_many(ids)
        return [
            f if isinstance(f := found.get(i), PetitionerFile) else PetitionerFile.open(k, now)
            for i, k in zip(ids, keys, strict=True)
        ]

    def _earlier_cases(self, files: list[PetitionerFile], exclude: UUID | None) -> list[Petition]:
        """The petitioners' most recent earlier cases, to propose as the same matter."""
        ids: list[UUID] = []
        for f in files:
            ids.extend(i for i in f.recent(EARLIER_CASES_READ) if i not in ids and i != exclude)
        cases = (self._find_case(i) for i in ids)
        return [c for c in cases if c is not None]

    def _level_skipping(self, actor: Actor, reg: Register, open_case: Petition | None) -> bool:
        """越级访: a visit received more than one tier above the competent unit (Art.20).

        The competent unit's tier decides: the one the registrar names, else the tier of the
        unit handling the same matter, else (not yet known) the area the matter arose in, a
        village matter belonging to its township (villages are not organs). The first
        transfer to a competent unit judges it again (``Petition.transfer``).
        """
        if reg.channel != Channel.VISIT.value:
            return False
        receiving = self.directory.get(actor.unit_id).tier
        if reg.competent_unit_id is not None:
            home = self.directory.current(reg.competent_unit_id).tier
        else:
            home = tier_of_code(reg.division_code)
            if home is Tier.VILLAGE:
                home = Tier.TOWNSHIP
            if open_case is not None:
                for unit_id in access.involved_units(open_case):
                    unit = self.directory.find(unit_id)
                    if unit is not None and unit.tier.rank < home.rank:
                        home = unit.tier
        return home.rank - receiving.rank > 1

    def _serial(self, reg: Register, act: Act) -> str:
        day = china_date(act.occurred_at).strftime("%Y%m%d")
        return f"{reg.division_code[:6]}{day}{self.codes(6)}"

    # ----------------------------------------------------------------- acts
    def perform(
        self, case_id: UUID, actor: Actor, command: CaseCommand
    ) -> tuple[Petition, int | None]:
        """One act on a case as ``actor``: load, act, save. Returns the case and its store
        position. A refusal or a conflict on a state the store remembered (another process
        may have moved the case on since) is decided again on the latest state."""
        access.check_may_do(actor, type(command))
        handle = HANDLERS[type(command)]
        latest = False
        for _ in range(SAVE_ATTEMPTS):
            case = self._get(case_id, latest=latest)
            try:
                handle(case, self._act(actor, case, command.occurred_at), command)
            except DomainError:
                if latest:
                    raise
                latest = True
                continue
            try:
                return case, self.store.save(case)
            except IntegrityError:
                latest = True
        raise refuse("CONCURRENT_UPDATE")

    def _act(self, actor: Actor, case: Petition, occurred_at: datetime | None) -> Act:
        """The circumstances of an act on ``case``; the actor must see the case at all."""
        directory = self.directory
        access.check_visible(actor, case, directory)
        now = self.clock.now()
        # "Now" never precedes the case's last act, which a desk clock up to CLOCK_SKEW
        # ahead may have stamped.
        when = occurred_at or max(now, case.last_occurred_at)
        return Act(actor, when, now, directory, self.rules)

    # -------------------------------------------------------------- queries
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

    def evaluate_by_petitioner(
        self, serial_number: str, query_code: str, satisfaction: str, comment: str = ""
    ) -> Petition:
        case = self.track(serial_number, query_code)
        petitioner = Actor("petitioner", "信访人", case.received_by, frozenset({"admin"}), "")
        command = Evaluate(satisfaction=satisfaction, comment=comment, source="petitioner")
        result, _ = self.perform(case.id, petitioner, command)
        return result

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

    # -------------------------------------------------------------- helpers
    def _get(self, case_id: UUID, *, latest: bool = True) -> Petition:
        case = self._find_case(case_id, latest=latest)
        if case is None:
            raise not_found()
        return case

    def _find_case(self, case_id: UUID, *, latest: bool = True) -> Petition | None:
        case = self.store.load(case_id, latest=latest)
        return case if isinstance(case, Petition) else None

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


def query_code_hash(case_id: UUID, code: str) -> str:
    return hashlib.sha256(f"{case_id}:{code}".encode()).hexdigest()


def _fold(events: Sequence[Any]) -> Petition:
    aggregate: Any = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate  # type: ignore[no-any-return]
