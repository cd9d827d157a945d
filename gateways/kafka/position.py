"""How far the broker has acknowledged the relay: one row per relay, in the store's database.

The relay writes its position only after the broker acknowledged every event up to it, so
a crash or an outage can only make it publish some events again (consumers drop them by
CloudEvent id), never skip one. On PostgreSQL the relay also holds an advisory lock for as
long as it runs: a second relay started for the same store waits as a hot standby instead
of publishing alongside. See docs/decisions/0010-cloudevents-relay-position.md.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Protocol

import psycopg

from gateways.settings import Settings
from gateways.store import connect, schema_lock

TABLE = "xinfang_relay_positions"

_CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    updated_at TEXT NOT NULL
)
"""
_UPSERT_SQLITE = f"""
INSERT INTO {TABLE} (name, position, updated_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
"""
_UPSERT_PG = _UPSERT_SQLITE.replace("?", "%s")


class RelayPosition(Protocol):
    def lead(self, stopping: Callable[[], bool]) -> bool: ...
    def load(self) -> int: ...
    def save(self, position: int) -> None: ...
    def close(self) -> None: ...


def create_position_table(settings: Settings) -> None:
    """Part of the schema (``xinfang migrate``); the relay also creates it if missing."""
    if settings.database_url:
        with schema_lock(settings), connect(settings) as conn:
            conn.execute(_CREATE)
    else:
        with _sqlite(settings.sqlite_path) as conn:
            conn.execute(_CREATE)


def open_position(settings: Settings, name: str) -> RelayPosition:
    create_position_table(settings)
    if settings.database_url:
        return PostgresPosition(settings, name)
    return SQLitePosition(settings.sqlite_path, name)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _sqlite(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


class SQLitePosition:
    """Leadership by an exclusive lock on a file beside the database: a second relay on the
    same file (``xinfang relay`` beside ``xinfang serve``) waits instead of publishing too."""

    def __init__(self, path: str, name: str) -> None:
        self.name = name
        self._conn = _sqlite(path)
        self._lock = threading.Lock()
        self._lead_path = f"{path}.{zlib.crc32(name.encode()):08x}.relay-lock"
        self._lead_file: IO[bytes] | None = None

    def lead(self, stopping: Callable[[], bool]) -> bool:
        handle = open(self._lead_path, "ab")  # noqa: SIM115  (held for the relay's lifetime)
        while not stopping():
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                time.sleep(1.0)
                continue
            self._lead_file = handle
            return True
        handle.close()
        return False

    def load(self) -> int:
        with self._lock:
            row = self._conn.execute(
                f"SELECT position FROM {TABLE} WHERE name = ?", (self.name,)
            ).fetchone()
        return int(row[0]) if row else 0

    def save(self, position: int) -> None:
        with self._lock:
            self._conn.execute(_UPSERT_SQLITE, (self.name, position, _now()))

    def close(self) -> None:
        self._conn.close()
        if self._lead_file is not None:
            self._lead_file.close()  # releases the lock
            self._lead_file = None


class PostgresPosition:
    """Position and leadership on one connection: if the connection (and so the lock) is
    lost, the next save fails and the relay starts over instead of running beside another."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.name = name
        self._settings = settings
        self._conn: psycopg.Connection = connect(settings)
        self._lock_key = zlib.crc32(f"xinfang-relay:{name}".encode())

    def lead(self, stopping: Callable[[], bool]) -> bool:
        """Block until this relay holds the lock (or is asked to stop)."""
        while not stopping():
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (self._lock_key,)
            ).fetchone()
            if row and row[0]:
                return True
            time.sleep(1.0)
        return False

    def load(self) -> int:
        row = self._conn.execute(
            f"SELECT position FROM {TABLE} WHERE name = %s", (self.name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def save(self, position: int) -> None:
        self._conn.execute(_UPSERT_PG, (self.name, position, _now()))

    def close(self) -> None:
        self._conn.close()
