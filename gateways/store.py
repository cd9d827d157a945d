"""Which event store: a SQLite file by default, PostgreSQL when a database URL is set.

Turns the settings into the ``eventsourcing`` environment, and creates the PostgreSQL schema
under an advisory lock so that several processes starting at once do not race on
CREATE TABLE ("tuple concurrently updated").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import UUID

import psycopg
from psycopg.sql import SQL, Identifier

from gateways.settings import Settings

SCHEMA_LOCK_KEY = 7_140_221  # any constant shared by every xinfang process


def postgres_params(url: str) -> dict[str, str]:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"XINFANG_DATABASE_URL must be postgresql://…, got {parsed.scheme!r}")
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": str(parsed.port or 5432),
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
        "dbname": (parsed.path or "/postgres").lstrip("/") or "postgres",
    }


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    env: dict[str, str] = {}
    if settings.database_url:
        p = postgres_params(settings.database_url)
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=p["dbname"],
            POSTGRES_HOST=p["host"],
            POSTGRES_PORT=p["port"],
            POSTGRES_USER=p["user"],
            POSTGRES_PASSWORD=p["password"],
            POSTGRES_POOL_SIZE=str(settings.pool_size),
            POSTGRES_MAX_OVERFLOW=str(settings.pool_size),
            POSTGRES_CONNECT_TIMEOUT="10",
        )
    else:
        Path(settings.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=settings.sqlite_path)
    if settings.cipher_key:
        # Personal data at rest: every stored event is encrypted (AES-GCM) when a key is set.
        env.update(CIPHER_TOPIC="eventsourcing.cipher:AESCipher", CIPHER_KEY=settings.cipher_key)
    return env


def connect(settings: Settings) -> psycopg.Connection:
    """A plain autocommit connection to the configured PostgreSQL."""
    assert settings.database_url
    p = postgres_params(settings.database_url)
    return psycopg.connect(
        host=p["host"],
        port=int(p["port"]),
        user=p["user"],
        password=p["password"],
        dbname=p["dbname"],
        autocommit=True,
    )


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """Serialise schema creation across processes (PostgreSQL only)."""
    if not settings.database_url:
        yield
        return
    with connect(settings) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def latest_versions(recorder: Any) -> Callable[[Collection[UUID]], dict[UUID, int]]:
    """For the group commit (``domain.group_commit``): the last recorded version of each of
    some aggregates, in one query on the library's own events table (read only: events are
    written by the library alone)."""
    datastore = recorder.datastore
    statement = SQL(
        "SELECT originator_id, max(originator_version) AS version FROM {}.{}"
        " WHERE originator_id = ANY(%s) GROUP BY originator_id"
    ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))
    as_text = datastore.originator_id_type == "text"

    def versions(ids: Collection[UUID]) -> dict[UUID, int]:
        wanted = [str(i) for i in ids] if as_text else list(ids)
        with datastore.get_connection() as conn, conn.cursor() as cur:
            cur.execute(statement, (wanted,), prepare=True)
            rows = cur.fetchall()
        return {
            (UUID(str(r["originator_id"])) if as_text else r["originator_id"]): r["version"]
            for r in rows
        }

    return versions
