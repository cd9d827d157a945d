"""The database the read models live in: one small adapter over SQLite and PostgreSQL.

Projections write the same SQL on both: ``%s`` placeholders (rewritten to ``?`` for SQLite),
``INSERT … ON CONFLICT … DO UPDATE`` upserts, portable types. Days are stored as ISO text
(``'2026-07-01'`` sorts like the date), instants as integer microseconds since the epoch (see
``micros``), so a comparison means the same thing on both dialects.

SQLite: a file next to the event store (``…/xinfang-views.db``, WAL mode, one connection per
thread). PostgreSQL: the events' own database, every table prefixed ``v_``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.db_cursors import (
    Cursor,
    Dialect,
    PostgresCursor,
    SQLiteCursor,
    day_text,
    instant,
    micros,
)
from projections.write_behind import WriteBehind

__all__ = ["Cursor", "Dialect", "ViewDatabase", "day_text", "instant", "micros", "views_path"]


def views_path(sqlite_path: str) -> str:
    """``var/xinfang.db`` → ``var/xinfang-views.db``; ``:memory:`` stays in memory."""
    if sqlite_path == ":memory:":
        return ":memory:"
    path = Path(sqlite_path)
    return str(path.with_name(f"{path.stem}-views.db"))


class ViewDatabase:
    """One connection factory over SQLite or PostgreSQL for every read model."""

    def __init__(
        self,
        dialect: Dialect,
        *,
        sqlite_path: str | None = None,
        conninfo: str | None = None,
        pool_size: int = 4,
    ) -> None:
        self.dialect: Dialect = dialect
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        self._shared_lock = threading.RLock()
        self._pool: ConnectionPool | None = None
        self._sqlite_path = sqlite_path or ":memory:"
        self._sqlite_connections: list[sqlite3.Connection] = []
        if dialect == "postgres":
            assert conninfo is not None
            self._pool = ConnectionPool(
                conninfo,
                min_size=1,
                max_size=max(2, pool_size),
                kwargs={"row_factory": dict_row, "autocommit": False},
                open=True,
            )
        elif self._sqlite_path == ":memory:":
            # One shared connection: an in-memory database exists only inside it.
            self._shared = self._open_sqlite()

    # ---------------------------------------------------------- connections
    def _open_sqlite(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._sqlite_path, isolation_level=None, check_same_thread=False, timeout=30
        )
        if self._sqlite_path != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        self._sqlite_connections.append(conn)
        return conn

    @contextmanager
    def _sqlite(self) -> Iterator[sqlite3.Connection]:
        if self._shared is not None:
            with self._shared_lock:
                yield self._shared
            return
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open_sqlite()
            self._local.conn = conn
        yield conn

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._pool is not None:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as raw:
                yield PostgresCursor(raw)
            return
        with self._sqlite() as conn:
            # IMMEDIATE: take the write lock up front, so two writers never deadlock on upgrade.
            conn.execute("BEGIN IMMEDIATE")
            raw = conn.cursor()
            try:
                yield SQLiteCursor(raw)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                raw.close()

    @contextmanager
    def bulk_load(self, tables: Sequence[str]) -> Iterator[None]:
        """Load ``tables`` without their secondary indexes, then build those again (PostgreSQL).

        Building an index once over the loaded table is cheaper than keeping it up to date row
        by row (0007). Primary keys stay: upserts need them. Should the process die in between,
        the projection's ``create`` makes the missing indexes again. Once loaded, the tables are
        vacuumed and analysed.
        """
        if self._pool is None or not tables:
            yield
            return
        found = self.query(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
            " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conname = i.indexname) ORDER BY i.indexname",
            [list(tables)],
        )
        with self.transaction() as cur:
            for row in found:
                cur.execute(f'DROP INDEX IF EXISTS "{row["indexname"]}"')
        try:
            yield
        finally:
            with self.transaction() as cur:
                for row in found:
                    definition = str(row["indexdef"])
                    cur.execute(
                        definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                    )
        self._vacuum(tables)

    def _vacuum(self, tables: Sequence[str]) -> None:
        """Statistics and the visibility map for freshly loaded tables. Until autovacuum comes
        by, the planner would plan on the emptied tables' statistics and an index-only scan
        would still visit every heap page."""
        assert self._pool is not None
        with self._pool.connection() as conn:
            conn.autocommit = True  # VACUUM cannot run inside a transaction block
            try:
                for table in tables:
                    conn.execute(f'VACUUM (ANALYZE) "{table}"')
            finally:
                conn.autocommit = False

    @contextmanager
    def write_behind(self, enabled: bool = True) -> Iterator[WriteBehind | None]:
        """A writer thread on one connection for the runner's batches (PostgreSQL only; on
        SQLite, or when not ``enabled``, None: the runner writes in place)."""
        if self._pool is None or not enabled:
            yield None
            return
        with self._pool.connection() as conn:
            writer = WriteBehind(conn)
            try:
                yield writer
            except BaseException:
                writer.close(quietly=True)
                raise
            writer.close()

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """Several reads that see one consistent state (a read-only snapshot transaction), so
        figures read in two statements never straddle a batch the runner commits between."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    with conn.cursor() as raw:
                        yield PostgresCursor(raw)
                finally:
                    conn.rollback()
            return
        with self._sqlite() as conn:
            conn.execute("BEGIN")
            raw = conn.cursor()
            try:
                yield SQLiteCursor(raw)
            finally:
                raw.close()
                conn.execute("ROLLBACK")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """A read-only statement outside any write transaction."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                with conn.cursor() as raw:
                    raw.execute(sql, params or None)
                    rows = list(raw.fetchall()) if raw.description else []
                conn.rollback()
                return rows
        with self._sqlite() as conn:
            raw = conn.cursor()
            try:
                cur = SQLiteCursor(raw)
                cur.execute(sql, params)
                return cur.fetchall() if raw.description else []
            finally:
                raw.close()

    def executescript(self, ddl: str) -> None:
        """Create tables and indexes (``IF NOT EXISTS``): statements separated by ``;``."""
        statements = [s.strip() for s in ddl.split(";") if s.strip()]
        if self._pool is not None:
            # Several processes may start at once: serialise DDL on an advisory lock.
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(7140222)")
                for statement in statements:
                    conn.execute(statement)
            return
        with self._sqlite() as conn:
            for statement in statements:
                conn.execute(statement)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        for conn in self._sqlite_connections:
            try:
                conn.close()
            except sqlite3.ProgrammingError:
                continue
        self._sqlite_connections.clear()
        self._local = threading.local()
        self._shared = None

    # -------------------------------------------------------------- helpers
    def table_names(self) -> list[str]:
        """The read-model tables that exist (for tests and rebuild checks)."""
        if self.dialect == "postgres":
            rows = self.query(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename LIKE 'v\\_%' ORDER BY tablename"
            )
        else:
            rows = self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'v\\_%' "
                "ESCAPE '\\' ORDER BY name"
            )
        return [str(r["name"]) for r in rows]
