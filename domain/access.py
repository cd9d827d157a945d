"""The access policy: who may give which command, do which duty, see a case or a list.

Acts: each command declares its roles (``domain.commands``), checked here. Other duties
(recommending, reading figures or the trail, managing the directory): ``Duty``. Reads: a
caller sees cases inside their jurisdiction (a division-code prefix) and cases their unit
has held or decides on. An accusation is hidden from the unit it accuses and every unit under
it, whatever their jurisdiction (Art.30, 46): that rule is checked first and admits no role.
Lists and read models apply the same rules as a ``ReadScope``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from domain.acts import ADMIN, BUREAU, HANDLER, INSPECTOR, LEADER, REGISTRAR, Actor
from domain.commands import Command
from domain.errors import forbidden, not_found
from domain.units import Directory


class Duty(Enum):
    """What a caller may do or read besides the acts on a case (whose roles each command
    declares, ``domain.commands``): the value is the roles that may (an admin may all)."""

    # Art.40: petition bureaus make the three recommendations; the units they go to answer.
    RECOMMEND = frozenset({BUREAU})
    ANSWER_RECOMMENDATION = frozenset({HANDLER, BUREAU, LEADER, REGISTRAR})
    READ_RECOMMENDATIONS = frozenset({BUREAU, LEADER})
    # Assessment figures and the bulletin: bureaus, the leaders they report to, inspectors.
    READ_FIGURES = frozenset({BUREAU, LEADER, INSPECTOR})
    # The accountability trail and the hash chains are discipline inspection's (Art.46-47).
    READ_TRAIL = frozenset({INSPECTOR})
    VERIFY_CHAINS = frozenset({INSPECTOR})
    MANAGE_DIRECTORY = frozenset({ADMIN})


def check_may_do(actor: Actor, command: type[Command]) -> None:
    """403 unless ``actor`` holds a role that may give ``command``."""
    if not actor.has_any(*command.roles):
        raise forbidden("ROLE_REQUIRED", action=command.name, needs=sorted(command.roles))


def check_may(actor: Actor, duty: Duty) -> None:
    """403 unless ``actor`` holds a role that may do ``duty``."""
    if not actor.has_any(*duty.value):
        raise forbidden("ROLE_REQUIRED", needs=sorted(duty.value | {ADMIN}))


def involved_units(case: Any) -> set[str]:
    units = {r["unit_id"] for r in case.receipts}
    units |= {u for u in (case.reviewing_unit_id, case.rechecking_unit_id) if u}
    return units


def hidden_from(case: Any, unit_id: str, directory: Directory) -> bool:
    """True when ``case`` is an accusation against ``unit_id`` or a unit above it."""
    accused = getattr(case, "accused_unit_id", None)
    if not accused or unit_id not in directory:
        return False
    if unit_id == getattr(case, "received_by", None) and unit_id != accused:
        # The unit that received the accusation holds it already and must route it on to
        # discipline inspection (Art.22), even when it sits under the accused unit.
        return False
    return directory.is_under(unit_id, accused)


def can_see(actor: Actor, case: Any, directory: Directory) -> bool:
    if hidden_from(case, actor.unit_id, directory):
        return False
    if "admin" in actor.roles:
        return True
    if case.division_code.startswith(actor.jurisdiction) and actor.jurisdiction:
        return True
    return any(directory.answers_for(actor.unit_id, u) for u in involved_units(case))


def check_visible(actor: Actor, case: Any, directory: Directory) -> None:
    """Raise as if the case did not exist when the actor may not see it: an accused unit
    cannot even learn that an accusation exists, nor anyone that a case outside their
    jurisdiction does (design.md: 404, like an unknown case)."""
    if not can_see(actor, case, directory):
        raise not_found()


@dataclass(frozen=True)
class ReadScope:
    """What a caller may see: their jurisdiction (``None`` = everything, for admins), the units
    they answer for, and the accused units whose accusations are hidden from them (their own
    unit and every unit above it: Art.30, 46)."""

    jurisdiction: str | None
    unit_ids: tuple[str, ...]
    hidden_accused: tuple[str, ...]

    @classmethod
    def of(cls, actor: Actor, directory: Directory) -> ReadScope:
        hidden = [actor.unit_id]
        units = [actor.unit_id]
        if actor.unit_id in directory:
            hidden.extend(a.unit_id for a in directory.ancestors(actor.unit_id))
            # Art.24: a successor answers for the cases of the units merged into it.
            units.extend(
                r.unit_id
                for r in directory
                if r.successor_id and directory.current(r.unit_id).unit_id == actor.unit_id
            )
        jurisdiction = None if ADMIN in actor.roles else actor.jurisdiction
        return cls(jurisdiction, tuple(units), tuple(dict.fromkeys(hidden)))

    def covers(self, prefix: str) -> bool:
        """May the caller look at the whole area ``prefix``?"""
        if self.jurisdiction is None:
            return True
        return bool(self.jurisdiction) and prefix.startswith(self.jurisdiction)

    def check_covers(self, prefix: str) -> None:
        if not self.covers(prefix):
            raise forbidden("OUT_OF_JURISDICTION", jurisdiction=self.jurisdiction, area=prefix)
