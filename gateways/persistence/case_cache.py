"""The last saved state of recently saved aggregates, so a command usually reads nothing.

Optimistic: an entry may be stale when another process wrote since; the store then refuses
the save and the use case decides again on the latest state. Entries are kept pickled: each
take is a private copy, and bytes give the garbage collector nothing to walk. Why:
docs/decisions/0002-pickled-command-cache-and-shared-case-cache.md.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

T = TypeVar("T")


class CaseCache(Protocol):
    """What ``CaseService`` needs of a cache of saved cases: this module's, for one process,
    or one that several processes share (``gateways.persistence.shared_cache``)."""

    def take(self, key: UUID) -> Any | None: ...

    def put(self, key: UUID, value: Any) -> None: ...

    def close(self) -> None: ...


class CommandCache(Generic[T]):
    """A bounded LRU map from case id to the last state this process saved."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[UUID, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Nothing to release: the entries are this process's memory."""

    def take(self, key: UUID) -> T | None:
        """A private copy of the cached state, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        copy: T = pickle.loads(entry)
        return copy

    def put(self, key: UUID, value: T) -> None:
        """Keep ``value`` as it is now (later changes to it are not seen here)."""
        if self.maxsize <= 0:
            return
        entry = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
