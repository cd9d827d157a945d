"""The registration use case (登记): a matter received, checked against the petitioners'
earlier cases, registered with its serial number and query code (Art.19-23)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Tracking

from domain import access, repeats
from domain.acts import Act, Actor
from domain.calendar import china_date
from domain.classification import Channel
from domain.commands import Register
from domain.errors import not_found, refuse
from domain.index import (
    PetitionerFile,
    SerialNumber,
    external_case_id,
    petitioner_file_id,
    petitioner_keys,
    query_code_hash,
)
from domain.petition import Petition
from domain.units import Tier, tier_of_code
from domain.use_cases import SAVE_ATTEMPTS, UseCases

EARLIER_CASES_READ = 20  # a petitioner's most recent cases read to propose repeats
_HIDDEN = object()  # an earlier case exists, but the caller may not see it


@dataclass(frozen=True)
class Registered:
    case: Petition
    created: bool
    query_code: str | None
    position: int | None
    # Earlier cases proposed as the same matter, for the registrar to link or not (Art.19).
    candidates: tuple[repeats.Candidate, ...] = ()


class Registering(UseCases):
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
