"""The I/O a command needs, as values: a command is a generator that yields them.

``CaseService.perform_steps`` and ``register_steps`` decide everything themselves and yield a
step whenever they need the store: a case to load, a cached case to catch up, aggregates to
read or to save. Whoever drives the generator does that I/O and sends the answer back (or
throws the error in). ``CaseService.run`` drives it by blocking, for threads; an event loop
drives it by awaiting (``gateways.http.commands``), so the same rules run either way and only
the waiting differs.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast
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
class Fetch:
    """Read aggregates of any kind by id; answers ``{id: aggregate}`` for those the store has."""

    ids: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class Save:
    """Write the aggregates' pending events in one transaction (shared with concurrent
    commands when no upstream ``tracking`` position goes with them); answers with the
    recordings, or raises ``IntegrityError`` when one of them moved on meanwhile (or, being
    new, exists already)."""

    aggregates: tuple[Any, ...]
    tracking: Any = None


Step = Load | CatchUp | Save | Fetch
Steps = Generator[Step, Any, T]


class Driver(Generic[T]):
    """Walks a command's steps: hands each step out, takes back what it answered or raised,
    and keeps the command's result once it is done. The waiting is the caller's."""

    def __init__(self, steps: Steps[T]) -> None:
        self._steps = steps
        self._reply: Any = None
        self._error: Exception | None = None
        self._result: T | None = None

    def next(self) -> Step | None:
        """The next step, or None when the command is done (or raises what it raised)."""
        try:
            if self._error is None:
                step = self._steps.send(self._reply)
            else:
                step = self._steps.throw(self._error)
        except StopIteration as done:
            self._result = done.value
            return None
        self._reply, self._error = None, None
        return step

    def answer(self, reply: Any) -> None:
        self._reply = reply

    def fail(self, error: Exception) -> None:
        self._error = error

    @property
    def result(self) -> T:
        return cast(T, self._result)
