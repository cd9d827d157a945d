"""The use cases: register a matter, perform an act on a case, read a case and its history.

``CaseService`` is the application: each use case loads aggregates from the store it was
given (``domain.store.CaseStore``), lets one act decide (``domain.handlers`` says which), and
saves the events in one transaction, retrying when another writer got there first. It knows
nothing of HTTP, SQL, Kafka or caches: those are the store adapter's (``gateways.persistence``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain import access
from domain.acts import SYSTEM, Act, Actor
from domain.commands import CaseCommand, Evaluate
from domain.errors import DomainError, invalid, refuse
from domain.handlers import HANDLERS
from domain.petition import Petition
from domain.reading import Reading
from domain.registration import Registered, Registering
from domain.units import Directory, Unit, UnitRecord
from domain.use_cases import SAVE_ATTEMPTS, Clock

# What callers of the use cases need besides the service: its answers and its clock.
__all__ = ["SAVE_ATTEMPTS", "CaseService", "Clock", "Registered"]


class CaseService(Registering, Reading):
    """Every case action of every tier, recorded in one shared history.

    Each use case loads what it needs from the store it was given, lets the aggregate decide
    (the rules are there), and saves the events in one transaction; when another writer got
    there first, it loads again and decides again.
    """

    # ------------------------------------------------------------ the directory
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

    # ----------------------------------------------------------------- acts
    def perform(
        self, case_id: UUID, actor: Actor, command: CaseCommand
    ) -> tuple[Petition, int | None]:
        """One act on a case as ``actor``: load, act, save. Returns the case and its store
        position. A refusal or a conflict on a state the store remembered (another process
        may have moved the case on since) is decided again on the latest state."""
        access.check_may_do(actor, type(command))
        latest = False
        for _ in range(SAVE_ATTEMPTS):
            case = self._get(case_id, latest=latest)
            try:
                self._decide(case, actor, command)
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

    def act_on(self, case: Petition, actor: Actor, command: CaseCommand) -> None:
        """The act itself, on a case already loaded: its events are pending until saved."""
        access.check_may_do(actor, type(command))
        self._decide(case, actor, command)

    def _decide(self, case: Petition, actor: Actor, command: CaseCommand) -> None:
        HANDLERS[type(command)](case, self._act(actor, case, command.occurred_at), command)

    def _act(self, actor: Actor, case: Petition, occurred_at: datetime | None) -> Act:
        """The circumstances of an act on ``case``; the actor must see the case at all."""
        directory = self.directory
        access.check_visible(actor, case, directory)
        now = self.clock.now()
        # "Now" never precedes the case's last act, which a desk clock up to CLOCK_SKEW
        # ahead may have stamped.
        when = occurred_at or max(now, case.last_occurred_at)
        return Act(actor, when, now, directory, self.rules)

    def evaluate_by_petitioner(
        self, serial_number: str, query_code: str, satisfaction: str, comment: str = ""
    ) -> Petition:
        case = self.track(serial_number, query_code)
        petitioner = Actor("petitioner", "信访人", case.received_by, frozenset({"admin"}), "")
        command = Evaluate(satisfaction=satisfaction, comment=comment, source="petitioner")
        result, _ = self.perform(case.id, petitioner, command)
        return result
