"""The last saved state of recently commanded cases, so a command costs one round trip.

Optimistic by design: a cached case may be stale when another process (another API worker)
wrote to it since. That is safe because a save is refused by the store when the case's version
moved on, and because a refusal decided on a cached state is not reported as it stands: in
both cases the caller catches the cached state up with the events recorded since (one query,
usually one event to decode) and decides again. Entries are copied out, never handed out, so a
failed command cannot corrupt what the next one reads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from copy import deepcopy
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

T = TypeVar("T")

# Leaves a case's state holds that nothing mutates in place: shared, not copied.
_IMMUTABLE = (str, int, float, bool, type(None), datetime, date, UUID)


def _clone(value: Any) -> Any:
    """A deep copy of the containers (dicts, lists) a case's state is made of, sharing its
    immutable leaves. A case is plain data, so this is what ``deepcopy`` would build, at a
    fifth of the cost (``deepcopy`` was an eighth of a command); anything else falls back to
    ``deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {k: _clone(v) for k, v in value.items()}
    if kind is list:
        return [_clone(v) for v in value]
    if isinstance(value, _IMMUTABLE):
        return value
    return deepcopy(value)


def clone_object(entry: T) -> T:
    """A private copy of an object whose attributes are plain data."""
    copied = object.__new__(type(entry))
    copied.__dict__.update({k: _clone(v) for k, v in vars(entry).items()})
    return copied


class CommandCache(Generic[T]):
    """A bounded LRU map from case id to the last state this process saved."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[UUID, T] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: UUID) -> T | None:
        """A private copy of the cached state, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        return clone_object(entry)

    def put(self, key: UUID, value: T) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
