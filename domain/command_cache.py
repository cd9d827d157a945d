"""The last saved state of recently commanded cases, so a command costs one round trip.

Optimistic by design: a cached case may be stale when another process wrote to it since. That
is safe because a save is refused by the store when the case's version moved on (the caller
then evicts and retries on a fresh read), and because a refusal decided on a cached state is
re-checked on a fresh read before it is reported. Entries are copied out, never handed out, so
a failed command cannot corrupt what the next one reads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from copy import deepcopy
from typing import Generic, TypeVar
from uuid import UUID

T = TypeVar("T")


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
        return deepcopy(entry)

    def put(self, key: UUID, value: T) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def evict(self, key: UUID) -> None:
        with self._lock:
            self._entries.pop(key, None)
