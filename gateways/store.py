"""Which event store: a SQLite file by default, PostgreSQL when a database URL is set.

Turns the settings into the ``eventsourcing`` environment, and creates the PostgreSQL schema
under an advisory lock so that several processes starting at once do not race on
CREATE TABLE ("tuple concurrently updated").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

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
        if settings.one_trip_inserts:
            # The library's recorder, its inserts sent in one round trip.
            env["PROCESS_RECORDER_TOPIC"] = (
                "gateways.persistence.pg_recorder:OneTripProcessRecorder"
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


def analyze_events(recorder: Any) -> None:
    """Fresh planner statistics for the library's events table (PostgreSQL; nothing is
    written to it). A table loaded in bulk and not yet analysed by autovacuum is estimated at
    a fraction of its rows, and a catch-up batch larger than that estimate was planned as a
    scan and sort of the whole table, spilled to disk: 730 ms a batch of 40,000 instead of 30."""
    datastore = getattr(recorder, "datastore", None)
    if datastore is None or not hasattr(datastore, "schema"):
        return  # SQLite plans these reads on its primary key whatever the statistics
    statement = SQL("ANALYZE {}.{}").format(
        Identifier(datastore.schema), Identifier(recorder.events_table_name)
    )
    with datastore.get_connection() as conn:
        conn.execute(statement)
