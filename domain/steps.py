"""The I/O a command needs, as values: a command is a generator that yields them.

``CaseService.perform_steps`` decides everything itself and yields a step whenever it needs the
store: a case to load, a cached case to catch up, a case to save. Whoever drives the generator
does that I/O and sends the answer back (or throws the error in). ``CaseService.run`` drives it
by blocking, for threads; an event loop drives it by awaiting (``gateways.http.commands``), so
the same rules run either way and only the waiting differs.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Load:
    """Read a case from the store (its whole history)."""

    case_id: UUID


@dataclass(frozen=True, slots=True)
class CatchUp:
    """Bring a cached case up to what the store has recorded since."""

    case: Any


@dataclass(frozen=True, slots=True)
class Save:
    """Write the case's pending events (shared with concurrent commands); answers with the
    recordings, or raises ``IntegrityError`` when the case moved on meanwhile."""

    case: Any


Step = Load | CatchUp | Save
Steps = Generator[Step, Any, T]
