"""The two cursors a projection may be handed: SQLite and PostgreSQL, one interface.

Both take ``%s`` placeholders and return dict rows, and both offer bulk operations
(``copy_rows``, ``upsert_rows``, ``update_rows``): plain statements on SQLite, COPY into a
staging table and one set-based statement on PostgreSQL. Also the portable encodings of time:
instants as integer microseconds since the epoch, days as ISO text.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgres"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PLACEHOLDER = re.compile(r"%s")


def micros(instant: datetime) -> int:
    """An instant as integer microseconds since the epoch (UTC): exact and portable."""
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def instant(value: int) -> datetime:
    """The inverse of ``micros``."""
    return EPOCH + timedelta(microseconds=value)


def day_text(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


class Cursor(Protocol):
    """What a projection gets inside a transaction, on either dialect."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def fetchall(self) -> list[dict[str, Any]]: ...

    def fetchone(self) -> dict[str, Any] | None: ...

    @property
    def rowcount(self) -> int: ...

    @property
    def dialect(self) -> Dialect: ...

    def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None: ...

    def upsert_rows(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        add: str | None = None,
    ) -> None: ...

    def update_rows(
        self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None: ...

    def empty(self, tables: Sequence[str]) -> None:
        """Remove every row of ``tables`` (a rebuild starting from zero)."""
        ...


def _upsert_sql(
    table: str, columns: Sequence[str], keys: Sequence[str], source: str, add: str | None
) -> str:
    """``INSERT … ON CONFLICT (keys) DO UPDATE``: replace the other columns, or with ``add``
    add that column to the stored value (a counter); keys only: ``DO NOTHING``."""
    cols = ", ".join(columns)
    if add is not None:
        update = f"{add} = {table}.{add} + excluded.{add}"
    else:
        update = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    conflict = f"{source.format(cols=cols)} ON CONFLICT ({', '.join(keys)})"
    return f"{conflict} DO UPDATE SET {update}" if update else f"{conflict} DO NOTHING"


_PLAIN = frozenset({str, int, float, bytes, type(None)})


def _sqlite_row(params: Sequence[Any]) -> list[Any]:
    return [p if type(p) in _PLAIN else _sqlite_value(p) for p in params]


def _sqlite_value(value: Any) -> Any:
    # Python 3.12 drops sqlite3's default date adapters; be explicit and portable.
    if isinstance(value, datetime):
        return micros(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class SQLiteCursor:
    """A ``sqlite3`` cursor that speaks the ``%s`` placeholder and returns dict rows."""

    def __init__(self, raw: sqlite3.Cursor) -> None:
        self._raw = raw

    @staticmethod
    def _sql(sql: str) -> str:
        return _PLACEHOLDER.sub("?", sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._raw.execute(self._sql(sql), _sqlite_row(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._raw.executemany(self._sql(sql), (_sqlite_row(r) for r in rows))

    def fetchall(self) -> list[dict[str, Any]]:
        names = [d[0] for d in self._raw.description or ()]
        return [dict(zip(names, row, strict=True)) for row in self._raw.fetchall()]

    def fetchone(self) -> dict[str, Any] | None:
        row = self._raw.fetchone()
        if row is None:
            return None
        names = [d[0] for d in self._raw.description or ()]
        return dict(zip(names, row, strict=True))

    @property
    def rowcount(self) -> int:
        return self._raw.rowcount

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    def empty(self, tables: Sequence[str]) -> None:
        for table in tables:
            self.execute(f"DELETE FROM {table}")

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows (plain inserts; SQLite has no faster path)."""
        marks = ", ".join(["%s"] * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def upsert_rows(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        add: str | None = None,
    ) -> None:
        marks = ", ".join(["%s"] * len(columns))
        source = f"INSERT INTO {table} ({{cols}}) VALUES ({marks})"
        self.executemany(_upsert_sql(table, columns, keys, source, add), rows)

    def update_rows(
        self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Set ``columns`` of the rows found by ``keys``; each row is (keys…, columns…)."""
        sets = ", ".join(f"{c} = %s" for c in columns)
        where = " AND ".join(f"{k} = %s" for k in keys)
        n = len(keys)
        self.executemany(
            f"UPDATE {table} SET {sets} WHERE {where}", [(*r[n:], *r[:n]) for r in rows]
        )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format (the common types tested first)."""
    kind = type(value)
    if kind is str:
        # Nearly every value needs no escape; two C-speed checks are ten times cheaper than
        # ``translate`` (a dict lookup per character). Tab, newline and CR are not printable.
        if value.isprintable() and "\\" not in value:
            return value  # type: ignore[no-any-return]
        return value.translate(_COPY_ESCAPES)  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"  # valid for INTEGER and BOOLEAN columns alike
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def copy_payload(rows: Sequence[Sequence[Any]]) -> bytes:
    """Rows in COPY's text format, written by hand: an order of magnitude less Python than
    psycopg's ``write_row``."""
    return "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows).encode("utf-8")


class PostgresCursor:
    """A psycopg cursor; statements are prepared by the server after a few uses."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        # Without parameters psycopg does not parse placeholders, so a literal % means % on
        # both dialects (pass LIKE patterns as parameters anyway).
        self._raw.execute(sql, params or None)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self._raw.executemany(sql, rows)

    def fetchall(self) -> list[dict[str, Any]]:
        return list(self._raw.fetchall())

    def fetchone(self) -> dict[str, Any] | None:
        row = self._raw.fetchone()
        return dict(row) if row is not None else None

    @property
    def rowcount(self) -> int:
        return int(self._raw.rowcount)

    @property
    def dialect(self) -> Dialect:
        return "postgres"

    def empty(self, tables: Sequence[str]) -> None:
        """TRUNCATE, not DELETE: deleted rows stay behind as dead tuples the reload wades
        through (0007). Transactional, like the rest of the rebuild."""
        if tables:
            self.execute(f"TRUNCATE {', '.join(tables)}")

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows with COPY: several times faster than row-by-row inserts."""
        if rows:
            self.copy_encoded(table, columns, copy_payload(rows))

    def upsert_rows(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        add: str | None = None,
    ) -> None:
        """Upsert many rows: COPY them into a staging table, then one INSERT … SELECT."""
        if rows:
            self.upsert_encoded(table, columns, keys, copy_payload(rows), add=add)

    def update_rows(
        self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Set ``columns`` of the rows found by ``keys`` in one statement (rows staged by COPY)."""
        if rows:
            self.update_encoded(table, keys, columns, copy_payload(rows))

    # The same three, on rows already encoded by ``copy_payload`` (what write-behind sends).
    def copy_encoded(self, table: str, columns: Sequence[str], payload: bytes) -> None:
        with self._raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(payload)

    def upsert_encoded(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        payload: bytes,
        *,
        add: str | None = None,
    ) -> None:
        stage = f"stage_{table}"
        self._raw.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DELETE ROWS"
        )
        self._raw.execute(f"TRUNCATE {stage}")
        self.copy_encoded(stage, columns, payload)
        source = f"INSERT INTO {table} ({{cols}}) SELECT {{cols}} FROM {stage}"
        self.execute(_upsert_sql(table, columns, keys, source, add))

    def update_encoded(
        self, table: str, keys: Sequence[str], columns: Sequence[str], payload: bytes
    ) -> None:
        stage = f"update_{table}"
        every = [*keys, *columns]
        self._raw.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
            f"SELECT {', '.join(every)} FROM {table} WITH NO DATA"
        )
        self._raw.execute(f"TRUNCATE {stage}")
        self.copy_encoded(stage, every, payload)
        sets = ", ".join(f"{c} = s.{c}" for c in columns)
        where = " AND ".join(f"t.{k} = s.{k}" for k in keys)
        self.execute(f"UPDATE {table} t SET {sets} FROM {stage} s WHERE {where}")
