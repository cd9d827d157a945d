"""Who acts, when, and under which rules: what every command on a case receives.

Time is passed in (``occurred_at`` from the caller, ``recorded_at`` from the injected clock),
never read from the wall inside the domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.calendar import NO_HOLIDAYS, WorkCalendar
from domain.errors import invalid
from domain.units import Directory

REGISTRAR = "registrar"
HANDLER = "handler"
BUREAU = "bureau"
LEADER = "leader"
INSPECTOR = "inspector"
ADMIN = "admin"  # may do everything its jurisdiction allows
ROLES = frozenset({REGISTRAR, HANDLER, BUREAU, LEADER, INSPECTOR, ADMIN})

# A clock on a registrar's desk may run slightly ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Actor:
    """An authenticated official acting for a unit."""

    official_id: str
    name: str
    unit_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    jurisdiction: str = ""

    def as_record(self) -> dict[str, str]:
        """The part of the actor every event keeps (who, for which unit)."""
        return {"official_id": self.official_id, "name": self.name, "unit_id": self.unit_id}

    def has_any(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)


SYSTEM = Actor("system", "信访信息系统", "system", frozenset({"admin"}), "")


@dataclass(frozen=True)
class Rules:
    """Periods the regulation leaves to configuration, and the holiday calendar."""

    calendar: WorkCalendar = NO_HOLIDAYS
    # Deadlines the 条例 does not set (domain.md §3): practice uses 60 days for every matter.
    suggestion_days: int = 60
    accusation_days: int = 60
    path5_days: int = 60
    # Art.40 sets no deadline for answering a recommendation; the 2005 rules had 30 days.
    recommendation_answer_days: int = 30
    # Art.40, 43: a bureau must urge a unit whose duty is late; the regulation sets no number
    # of days. Practice: a handling unit's duty late this many days with no urge of that unit
    # is the bureau's fault (应当督办而未督办).
    urge_grace_days: int = 15


# The pure domain's rules, weekends only: for acts built without a service. The service is
# always given its rules, with the State Council's holidays (``gateways.settings.rules``).
DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Act:
    """The circumstances of one command: actor, times, rules and the directory."""

    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    directory: Directory
    rules: Rules = DEFAULT_RULES

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None or self.recorded_at.tzinfo is None:
            raise invalid("OCCURRED_AT_NAIVE", occurred_at=str(self.occurred_at))
        if self.occurred_at > self.recorded_at + CLOCK_SKEW:
            # Malformed, not a rule of the regulation: an act cannot have happened yet (422).
            raise invalid(
                "OCCURRED_IN_FUTURE",
                occurred_at=self.occurred_at.isoformat(),
                recorded_at=self.recorded_at.isoformat(),
            )
