"""The last saved state of recently commanded cases, so a command costs one round trip.

Optimistic by design: a cached case may be stale when another process (another API worker)
wrote to it since. That is safe because a save is refused by the store when the case's version
moved on, and because a refusal decided on a cached state is not reported as it stands: in
both cases the caller catches the cached state up with the events recorded since (one query,
usually one event to decode) and decides again.

Entries are kept pickled. Each take is a private copy, so a failed command cannot corrupt what
the next one reads; and cases as bytes are nothing for the cyclic garbage collector to walk,
where as objects (an answered case holds a dozen containers it tracks) ten thousand of them
were walked again by every full collection of an API worker, each of which stopped it for
100-200 ms (see ``gateways.http.heap``). Unpickling costs about what the copy it replaces did
(20 against 16 µs a case); pickling at ``put`` adds 24 µs.
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
