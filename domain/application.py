"""The use cases: register a matter, perform an act on a case, read a case and its history.

``CaseService`` is the application (in the ``eventsourcing`` sense): it loads aggregates,
calls one act, saves the events in one transaction, and retries when another writer got there
first. It knows nothing of HTTP, SQL or Kafka; the store is chosen by the ``env`` it is given.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    MapperDeserialisationError,
    ProcessRecorder,
    Tracking,
    Transcoding,
)
from eventsourcing.utils import get_topic

from domain import access, repeats
from domain.acts import SYSTEM, Act, Actor, Rules
from domain.calendar import china_date
from domain.case_events import CaseEvent
from domain.case_events import Registered as RegisteredEvent
from domain.chain import ChainReport, verify_chain
from domain.classification import Category, Channel
from domain.command_cache import CaseCache, CommandCache
from domain.errors import DomainError, invalid, not_found, refuse
from domain.group_commit import GroupCommit
from domain.index import (
    PetitionerFile,
    SerialNumber,
    external_case_id,
    petitioner_file_id,
    petitioner_keys,
    serial_index_id,
)
from domain.petition import Petition
from domain.steps import CatchUp, Driver, Fetch, Load, Save, Step, Steps
from domain.units import UNIT_EVENT_TYPES, Directory, Tier, Unit, UnitRecord, tier_of_code

SAVE_ATTEMPTS = 5
EARLIER_CASES_READ = 20  # a petitioner's most recent cases read to propose repeats
_HIDDEN = object()  # an earlier case exists, but the caller may not see it
# The system itself (projections, exports it runs) and a petitioner reading their own case.
_READS_NOT_RECORDED = frozenset({"system", "petitioner"})
T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> datetime: ...


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Registration:
    """The facts of a newly received matter, as a gateway hands them over."""

    channel: str
    category: str
    division_code: str
    subject: str
    content: str
    matter_kind: str
    petitioners: list[dict[str, str]] = field(default_factory=list)
    anonymous: bool = False
    people_count: int = 1
    representatives: int = 0
    signatures: int = 0
    accused_unit_id: str | None = None
    accused_persons: list[str] = field(default_factory=list)
    external_id: str | None = None
    same_matter_as: UUID | None = None
    new_facts: bool = False
    major: bool = False
    occurred_at: datetime | None = None
    # The unit the registrar knows to be competent, if any: level-skipping is judged by its
    # tier (Art.20), not by the tier of the division code.
    competent_unit_id: str | None = None


@dataclass(frozen=True)
class Registered:
    case: Petition
    created: bool
    query_code: str | None
    position: int | None
    # Earlier cases proposed as the same matter, for the registrar to link or not (Art.19).
    candidates: tuple[repeats.Candidate, ...] = ()


# The act name used over the API → (method on Petition, whether it needs the case open).
ACTS: dict[str, str] = {
    "transfer": "transfer",
    "assign": "assign",
    "route": "route",
    "inform": "inform",
    "accept": "accept",
    "object": "object",
    "objection-decision": "decide_objection",
    "decline": "decline",
    "extend": "extend",
    "answer": "answer",
    "serve": "serve",
    "review-request": "request_review",
    "review": "review",
    "recheck-request": "request_recheck",
    "hearing": "hold_hearing",
    "recheck": "recheck",
    "urge": "urge",
    "evaluate": "evaluate",
    "leader": "assign_leader",
    "conclude": "conclude",
}


def _code_generator(length: int) -> str:
    """``length`` random digits (one draw from the system's generator, not one per digit)."""
    return str(secrets.randbelow(10**length)).zfill(length)


class CaseService(Application[UUID]):
    """Every case action of every tier, recorded in one shared history."""

    name = "xinfang"
    env: ClassVar[dict[str, str]] = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": ":memory:",
    }

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Clock,
        rules: Rules,
        pepper: bytes = b"xinfang",
        directory_refresh_seconds: float = 1.0,
        codes: Callable[[int], str] = _code_generator,
        command_cache_size: int = 10_000,
        cache: CaseCache | None = None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.rules = rules
        self.pepper = pepper
        self.codes = codes
        # The last saved state of recently commanded cases; by default this process's own.
        self._cache: CaseCache = cache if cache is not None else CommandCache(command_cache_size)
        # Concurrent commands share transactions (see domain.group_commit for why).
        self.commits = GroupCommit(self._record)
        self.bulk_histories: Callable[[Mapping[UUID, int]], dict[UUID, list[Any]]] | None = None
        self._directory = Directory()
        self._directory_position = 0
        self._directory_lock = threading.Lock()
        self._directory_checked = 0.0
        self._directory_refresh = directory_refresh_seconds
        self._unit_topics = [get_topic(t) for t in UNIT_EVENT_TYPES]
        self.refresh_directory(force=True)

    def close(self) -> None:
        """Write what is queued for the committer thread, then close the store."""
        self.commits.close()
        self._cache.close()
        super().close()

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder: an application recorder that can also record, in the same
        transaction as new events, how far an upstream source (a Kafka partition) was read."""
        return self.factory.process_recorder()

    def save_tracked(self, *aggregates: Aggregate, tracking: Tracking | None) -> list[Any]:
        """Save events and an upstream position atomically (exactly-once consumption). With no
        position to record, the save shares a transaction with concurrent commands
        (``GroupCommit``); a position belongs to one message, so it is written on its own."""
        if tracking is None:
            recordings = self.commits.save(*aggregates)
        else:
            processing = ProcessingEvent[UUID](tracking=tracking)
            processing.collect_events(*aggregates)
            recordings = self._record(processing)
        self._notify(recordings)
        return recordings

    def histories(self, wanted: Mapping[UUID, int]) -> dict[UUID, list[Any]]:
        """The domain events of many aggregates, each up to a version, for the projection
        runner's reloads. One query for all where the store offers it (``bulk_histories``,
        set by the composition root for PostgreSQL); otherwise one read each."""
        if self.bulk_histories is not None:
            to_domain = self.mapper.to_domain_event
            stored = self.bulk_histories(wanted)
            return {i: [to_domain(s) for s in rows] for i, rows in stored.items()}
        return {i: list(self.events.get(i, lte=upto)) for i, upto in wanted.items()}

    def upstream_position(self, source: str) -> int | None:
        """How far ``source`` has been consumed, as recorded with the events it produced."""
        return self.recorder.max_tracking_id(source)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # ------------------------------------------------------------ directory
    @property
    def directory(self) -> Directory:
        self.refresh_directory()
        return self._directory

    def refresh_directory(self, *, force: bool = False) -> None:
        """Fold unit events recorded since the last look, here or by other processes."""
        now = time.monotonic()
        if not force and now - self._directory_checked < self._directory_refresh:
            return
        with self._directory_lock:
            top = self.recorder.max_notification_id() or 0
            while self._directory_position < top:
                batch = self.recorder.select_notifications(
                    start=self._directory_position,
                    limit=1000,
                    stop=top,
                    topics=self._unit_topics,
                    inclusive_of_start=False,
                )
                for notification in batch:
                    self._directory.apply(self.mapper.to_domain_event(notification))
                if len(batch) < 1000:
                    break
                self._directory_position = batch[-1].id
            self._directory_position = max(self._directory_position, top)
            self._directory_checked = now

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
            self._directory.get(authority_id)
            if authority_id == unit_id:
                raise invalid("SUPERIOR_CYCLE", unit_id=unit_id, superior_id=authority_id)
        unit: Unit = self.repository.get(Unit.create_id(unit_id))
        unit.set_authority(authority_id, actor.official_id, self.clock.now())
        self._save_units([unit])

    def change_superior(self, unit_id: str, superior_id: str | None, actor: Actor = SYSTEM) -> None:
        self.directory.get(unit_id)
        self._directory.check_superior(unit_id, superior_id)
        unit: Unit = self.repository.get(Unit.create_id(unit_id))
        unit.change_superior(superior_id, actor.official_id, self.clock.now())
        self._save_units([unit])

    def merge_unit(self, unit_id: str, successor_id: str, actor: Actor = SYSTEM) -> None:
        """Art.24: after a merger the successor inherits the unit's cases and deadlines."""
        self.directory.get(unit_id)
        successor = self.directory.current(successor_id)
        # A merger into a merged unit or into itself would leave cases with no live holder.
        if not successor.active or successor.unit_id == unit_id:
            raise invalid("UNIT_INACTIVE", unit_id=successor_id)
        unit: Unit = self.repository.get(Unit.create_id(unit_id))
        unit.merge_into(successor_id, actor.official_id, self.clock.now())
        self._save_units([unit])

    def _save_units(self, units: list[Unit]) -> None:
        events = [e for u in units for e in u.pending_events]
        self.save(*units)
        with self._directory_lock:
            for event in events:
                self._directory.apply(event)

    # ---------------------------------------------------------- registration
    def register(
        self, actor: Actor, reg: Registration, tracking: Tracking | None = None
    ) -> Registered:
        """登记: register a matter; detect repeats, level-skipping and re-raised facts.

        With ``tracking`` (an intake message's position) the position is recorded in the same
        transaction as the case, so a redelivered message registers nothing twice.
        """
        return self.run(self.register_steps(actor, reg, tracking))

    def register_steps(
        self, actor: Actor, reg: Registration, tracking: Tracking | None = None
    ) -> Steps[Registered]:
        """``register`` as a generator of the I/O it needs (``domain.steps``).

        Optimistic about petitioner files, as acts are about cases: a petitioner whose file is
        in the command cache is judged on it, and one whose file is not is taken for a new
        petitioner, so a registration from a new petitioner reads nothing. Either guess is
        checked by the store: the file is saved with the case, and a file that exists already
        (or moved on) refuses that save; the registration is then decided again on files read
        from the store. Earlier cases of the same matter are always read from the store.
        """
        access.check_role(actor, "register")
        if reg.external_id:
            case_id = external_case_id(reg.external_id)
            existing = yield from self._existing(actor, case_id, tracking)
            if existing is _HIDDEN:
                # The id is taken by a case this caller may not see (an accusation about its
                # unit, a case outside its area): register as if it were fresh, under an id of
                # this unit's own, so that the caller learns nothing (Art.30, 46) and its own
                # retries stay idempotent.
                case_id = external_case_id(f"{reg.external_id}@{actor.unit_id}")
                existing = yield from self._existing(actor, case_id, tracking)
            if isinstance(existing, Registered):
                return existing
        else:
            case_id = uuid4()
        optimistic = True
        for _ in range(SAVE_ATTEMPTS):
            try:
                return (yield from self._register_once(actor, reg, case_id, tracking, optimistic))
            except IntegrityError:
                optimistic = False
                if reg.external_id:
                    existing = yield from self._existing(actor, case_id, tracking)
                    if isinstance(existing, Registered):
                        return existing
        raise refuse("CONCURRENT_UPDATE")

    def _existing(
        self, actor: Actor, case_id: UUID, tracking: Tracking | None
    ) -> Steps[Registered | object | None]:
        """The case an external id was registered as before, if any (idempotent intake), or
        ``_HIDDEN`` when there is one the caller may not see."""
        existing = yield from self._read_case(case_id)
        if existing is None:
            return None
        if not access.can_see(actor, existing, self.directory):
            return _HIDDEN
        self._record_position(tracking)
        return Registered(existing, False, None, None)

    def _read_case(self, case_id: UUID) -> Steps[Petition | None]:
        try:
            case: Petition = yield Load(case_id)
        except DomainError:  # not found
            return None
        return case

    def _record_position(self, tracking: Tracking | None) -> None:
        """Advance an upstream position with no events (a duplicate or refused message).
        Blocking; only intake consumers, which run commands on threads, have positions."""
        if tracking is None:
            return
        with contextlib.suppress(IntegrityError):  # already recorded: seen before
            self.recorder.insert_events([], tracking=tracking)

    def _register_once(
        self,
        actor: Actor,
        reg: Registration,
        case_id: UUID,
        tracking: Tracking | None,
        optimistic: bool,
    ) -> Steps[Registered]:
        directory = self.directory
        now = self.clock.now()
        act = Act(actor, reg.occurred_at or now, now, directory, self.rules)
        tier_of_code(reg.division_code)  # validates the code before anything else
        keys = petitioner_keys(reg.petitioners, self.pepper) if not reg.anonymous else []
        files = yield from self._petitioner_files(keys, now, optimistic)
        registering = directory.get(actor.unit_id)
        today = china_date(act.occurred_at)
        repeat_of: Petition | None = None
        relation: repeats.Relation | None = None
        if reg.same_matter_as is not None:
            # The registrar's judgement: this is a matter already raised (Art.19, 36).
            repeat_of = yield from self._read_case(reg.same_matter_as)
            if repeat_of is None or not access.can_see(actor, repeat_of, directory):
                raise not_found()
            relation = repeats.relation_to(
                repeat_of, registering, directory, self.rules, today, reg.new_facts
            )
        earlier = yield from self._earlier_cases(files, exclude=reg.same_matter_as)
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
        recordings = yield Save(tuple(to_save), tracking)
        # The next act on the new case (its transfer, mostly) starts from memory, not a read;
        # so does the petitioner's next registration.
        self._cache.put(case.id, case)
        if repeat_of is not None:
            self._cache.put(repeat_of.id, repeat_of)
        for f in files:
            self._cache.put(f.id, f)
        position = recordings[-1].notification.id if recordings else None
        return Registered(case, True, code, position, tuple(candidates))

    def _petitioner_files(
        self, keys: list[str], now: datetime, optimistic: bool
    ) -> Steps[list[PetitionerFile]]:
        """Each petitioner's file: cached or taken for new when ``optimistic``, else as the
        store has it (new where it has none)."""
        ids = [petitioner_file_id(k) for k in keys]
        found: dict[UUID, Any] = {}
        if optimistic:
            found = {i: self._cache.take(i) for i in ids}
        elif ids:
            found = yield Fetch(tuple(ids))
        return [
            f if isinstance(f := found.get(i), PetitionerFile) else PetitionerFile.open(k, now)
            for i, k in zip(ids, keys, strict=True)
        ]

    def _earlier_cases(
        self, files: list[PetitionerFile], exclude: UUID | None
    ) -> Steps[list[Petition]]:
        """The petitioners' most recent earlier cases, to propose as the same matter."""
        ids: list[UUID] = []
        for f in files:
            ids.extend(i for i in f.recent(EARLIER_CASES_READ) if i not in ids and i != exclude)
        cases = []
        for i in ids:
            found = yield from self._read_case(i)
            if found is not None:
                cases.append(found)
        return cases

    def _level_skipping(self, actor: Actor, reg: Registration, open_case: Petition | None) -> bool:
        """越级访: a visit received more than one tier above the competent unit (Art.20).

        The competent unit's tier decides: the one the registrar names, else the tier of the
        unit handling the same matter, else (not yet known) the area the matter arose in, a
        village matter belonging to its township (villages are not organs). The first
        transfer to a competent unit judges it again (``Petition.transfer``).
        """
        if reg.channel != Channel.VISIT.value:
            return False
        receiving = self._directory.get(actor.unit_id).tier
        if reg.competent_unit_id is not None:
            home = self._directory.current(reg.competent_unit_id).tier
        else:
            home = tier_of_code(reg.division_code)
            if home is Tier.VILLAGE:
                home = Tier.TOWNSHIP
            if open_case is not None:
                for unit_id in access.involved_units(open_case):
                    unit = self._directory.find(unit_id)
                    if unit is not None and unit.tier.rank < home.rank:
                        home = unit.tier
        return home.rank - receiving.rank > 1

    def _serial(self, reg: Registration, act: Act) -> str:
        day = china_date(act.occurred_at).strftime("%Y%m%d")
        return f"{reg.division_code[:6]}{day}{self.codes(6)}"

    # ----------------------------------------------------------------- acts
    def perform(
        self,
        case_id: UUID,
        actor: Actor,
        action: str,
        occurred_at: datetime | None = None,
        **params: Any,
    ) -> tuple[Petition, int | None]:
        """Perform one act on a case as ``actor``; returns the case and its store position."""
        return self.run(self.perform_steps(case_id, actor, action, occurred_at, params))

    def perform_steps(
        self,
        case_id: UUID,
        actor: Actor,
        action: str,
        occurred_at: datetime | None,
        params: dict[str, Any],
    ) -> Steps[tuple[Petition, int | None]]:
        """``perform`` as a generator of the I/O it needs (``domain.steps``), for a driver
        that must not block."""
        if action not in ACTS:
            raise not_found("UNKNOWN_ACTION", action=action)
        access.check_role(actor, action)
        method_name = ACTS[action]
        suspect = False  # the cached state may be stale: catch it up before acting again
        for _ in range(SAVE_ATTEMPTS):
            cached = self._cache.take(case_id)
            if not isinstance(cached, Petition):  # none, or an id that is no case's
                cached = None
            if cached is None:
                case, fresh = (yield Load(case_id)), True
            elif suspect:
                case, fresh = (yield CatchUp(cached)), True
            else:
                case, fresh = cached, False
            try:
                self._apply(case, actor, method_name, occurred_at, params)
            except DomainError:
                if fresh:
                    raise
                suspect = True  # refused on a cached state: re-decide on a caught-up one
                continue
            try:
                recordings = yield Save((case,))
            except IntegrityError:
                suspect = True
                continue
            self._cache.put(case_id, case)
            return case, (recordings[-1].notification.id if recordings else None)
        raise refuse("CONCURRENT_UPDATE")

    def run(self, steps: Steps[T]) -> T:
        """Drive a command's steps to its result, doing each step's I/O by blocking."""
        driver = Driver(steps)
        while (step := driver.next()) is not None:
            try:
                driver.answer(self.step(step))
            except Exception as failed:
                driver.fail(failed)
        return driver.result

    def step(self, step: Step) -> Any:
        """One step's I/O, blocking."""
        if isinstance(step, Save):
            return self.save_tracked(*step.aggregates, tracking=step.tracking)
        if isinstance(step, CatchUp):
            return self._caught_up(step.case)
        if isinstance(step, Fetch):
            return self._fetch(step.ids)
        return self._get(step.case_id)

    def _fetch(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        found: dict[UUID, Any] = {}
        for i in ids:
            with contextlib.suppress(AggregateNotFoundError):
                found[i] = self.repository.get(i)
        return found

    def _apply(
        self,
        case: Petition,
        actor: Actor,
        method_name: str,
        occurred_at: datetime | None,
        params: dict[str, Any],
    ) -> None:
        directory = self.directory
        access.check_visible(actor, case, directory)
        now = self.clock.now()
        # "Now" never precedes the case's last act, which a desk clock up to CLOCK_SKEW
        # ahead may have stamped.
        when = occurred_at or max(now, case.last_occurred_at)
        getattr(case, method_name)(Act(actor, when, now, directory, self.rules), **params)

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
        events = [e for e in self.events.get(case_id) if as_of is None or e.timestamp <= as_of]
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
            with contextlib.suppress(DomainError):
                case = self._get(case_id)
                if case.category == Category.ACCUSATION.value:
                    shown.append(case)
        if not shown:
            return
        now = self.clock.now()
        for case in shown:
            occurred = max(now, case.last_occurred_at)
            case.record_view(
                Act(actor, occurred, occurred, self._directory, self.rules), purpose=purpose
            )
        try:
            self.save(*shown)
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
        try:
            entry: SerialNumber = self.repository.get(serial_index_id(serial_number))
        except AggregateNotFoundError:
            raise not_found() from None
        case = self._get(entry.case_id)
        if not secrets.compare_digest(case.query_code_hash, query_code_hash(case.id, query_code)):
            raise not_found()  # as an unknown serial: a guessed serial learns nothing
        return case

    def evaluate_by_petitioner(
        self, serial_number: str, query_code: str, satisfaction: str, comment: str = ""
    ) -> Petition:
        case = self.track(serial_number, query_code)
        petitioner = Actor("petitioner", "信访人", case.received_by, frozenset({"admin"}), "")
        result, _ = self.perform(
            case.id,
            petitioner,
            "evaluate",
            satisfaction=satisfaction,
            comment=comment,
            source="petitioner",
        )
        return result

    def verify(self, case_id: UUID) -> ChainReport:
        return verify_chain(str(case_id), self._decoded_events(case_id))

    def _decoded_events(self, case_id: UUID) -> Iterator[Any]:
        """The case's stored events, decoded one by one: an event that no longer decodes (its
        cipher text or JSON was altered) stands as a broken link at its version, so tampering
        is reported, not raised."""
        for stored in self.recorder.select_events(case_id):
            try:
                yield self.mapper.to_domain_event(stored)
            except MapperDeserialisationError:
                yield _Undecodable(stored.originator_version)

    def case_ids(self, batch: int = 1000) -> Iterator[UUID]:
        """Every case id, in store order (for verification and rebuilds)."""
        topic = get_topic(RegisteredEvent)
        start = 0
        while True:
            batch_rows = self.recorder.select_notifications(
                start=start, limit=batch, topics=[topic], inclusive_of_start=False
            )
            for n in batch_rows:
                yield n.originator_id
            if len(batch_rows) < batch:
                return
            start = batch_rows[-1].id

    # -------------------------------------------------------------- helpers
    def _get(self, case_id: UUID) -> Petition:
        try:
            case = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise not_found() from None
        if not isinstance(case, Petition):
            raise not_found()
        return case

    def _caught_up(self, case: Petition) -> Petition:
        """A cached case with whatever other processes recorded since: one query that, in
        the usual case, returns nothing and decodes nothing. Several API workers share the
        store, so a cached state alone could be stale; acting on it would be refused at the
        save (a conflict) or, worse for the caller, by the domain on a state already past."""
        for stored in self.recorder.select_events(case.id, gt=case.version):
            caught = self.mapper.to_domain_event(stored).mutate(case)
            assert caught is not None
            case = caught
        return case

    def _as_of(self, case_id: UUID, as_of: datetime) -> Petition:
        events = [e for e in self.events.get(case_id) if e.timestamp <= as_of]
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
            act = Act(actor, occurred, max(now, occurred), self._directory, self.rules)
            if refused:
                fresh.record_refused_read(act, purpose=purpose)
            else:
                fresh.record_view(act, purpose=purpose)
            try:
                self.save(fresh)
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
