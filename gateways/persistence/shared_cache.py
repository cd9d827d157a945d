"""The cache of saved cases shared by the API worker processes of one host (a memory-mapped
file), so the next command on a case starts from the last saved state whichever worker gets it.

Correctness rests on the store, never on this file: a stale state is refused at its save.
Slots are written under a lock, and only by a newer state of the same case; readers take no
lock (a seqlock plus a CRC-32: anything doubtful is a miss). A case's slot is its id modulo
the slot count. Why: docs/decisions/0002-pickled-command-cache-and-shared-case-cache.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import pickle
import struct
import tempfile
import threading
import zlib
from collections.abc import Iterator
from typing import Any, Protocol
from uuid import UUID

SLOT_BYTES = 8192
_SEQ = struct.Struct("<Q")
# seq, case id, version, length, crc32 (of key, version, length and the pickled state)
_HEAD = struct.Struct("<Q16sQII")
_CHECKED = struct.Struct("<16sQI")
CAPACITY = SLOT_BYTES - _HEAD.size


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


def cache_folder() -> str:
    """Where the files go: ``/dev/shm`` where there is one, so the pages are memory and never
    written to disk."""
    return "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


@contextlib.contextmanager
def cache_file_for_run() -> Iterator[str]:
    """A fresh file (``xinfang-cases-*.cache``) for one server run, removed when it ends."""
    fd, path = tempfile.mkstemp(prefix="xinfang-cases-", suffix=".cache", dir=cache_folder())
    os.close(fd)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)


def _reserve(fd: int, size: int) -> None:
    """Make the file ``size`` bytes with its pages really there. A sparse file on a full
    ``tmpfs`` (Docker gives ``/dev/shm`` 64 MB by default) would be mapped all the same, and the
    first write to a page it cannot hold would kill the worker with SIGBUS; reserved up front,
    a too-small folder is an ``OSError`` here instead. Every worker asks for the same size."""
    if os.fstat(fd).st_size >= size:
        return
    if hasattr(os, "posix_fallocate"):
        os.posix_fallocate(fd, 0, size)
    else:  # pragma: no cover - not Linux
        os.ftruncate(fd, size)


class SharedCommandCache:
    """``gateways.persistence.case_cache.CommandCache`` for several processes: the same ``take`` and
    ``put``, on a file every worker maps."""

    def __init__(self, path: str, slots: int) -> None:
        if slots <= 0:
            raise ValueError("a shared cache needs at least one slot")
        self.path = path
        self.slots = slots
        size = slots * SLOT_BYTES
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _reserve(self._fd, size)
            self._map = mmap.mmap(self._fd, size)
        except OSError:
            os.close(self._fd)
            raise
        self._lock = threading.Lock()

    def close(self) -> None:
        """Unmap the file (it stays for the other workers); closing twice is harmless, as the
        application closes itself again when it is collected."""
        if self._map.closed:
            return
        self._map.close()
        os.close(self._fd)

    def take(self, key: UUID) -> Any | None:
        """A private copy of the last state saved for ``key`` by any worker, or None."""
        view = self._map
        offset = (key.int % self.slots) * SLOT_BYTES
        seq, stored_key, version, length, crc = _HEAD.unpack_from(view, offset)
        if seq & 1 or stored_key != key.bytes or length > CAPACITY:
            return None
        start = offset + _HEAD.size
        data = view[start : start + length]
        if _SEQ.unpack_from(view, offset)[0] != seq:
            return None  # written meanwhile
        if zlib.crc32(data, zlib.crc32(_CHECKED.pack(stored_key, version, length))) != crc:
            return None
        return pickle.loads(data)

    def put(self, key: UUID, value: Versioned) -> None:
        """Keep ``value`` as it is now, unless the slot already holds a newer state of it."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        version = value.version
        offset = (key.int % self.slots) * SLOT_BYTES
        with self._lock:
            fcntl.lockf(self._fd, fcntl.LOCK_EX, SLOT_BYTES, offset)
            try:
                self._write(key.bytes, version, data, offset)
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, SLOT_BYTES, offset)

    def _write(self, key: bytes, version: int, data: bytes, offset: int) -> None:
        """(Slot locked.) The write itself, between an odd and an even sequence number."""
        view = self._map
        seq, stored_key, stored_version, _, _ = _HEAD.unpack_from(view, offset)
        same_case = stored_key == key
        if same_case and stored_version >= version and not seq & 1:
            return  # a newer (or this very) state is there already
        if len(data) > CAPACITY and not same_case:
            return  # too big to keep, and nothing of this case to void
        writing = seq + 1 if seq % 2 == 0 else seq + 2
        _SEQ.pack_into(view, offset, writing)
        if len(data) > CAPACITY:
            _HEAD.pack_into(view, offset, writing, bytes(16), 0, 0, 0)
        else:
            start = offset + _HEAD.size
            view[start : start + len(data)] = data
            crc = zlib.crc32(data, zlib.crc32(_CHECKED.pack(key, version, len(data))))
            _HEAD.pack_into(view, offset, writing, key, version, len(data), crc)
        _SEQ.pack_into(view, offset, writing + 1)
