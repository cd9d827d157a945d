"""Write-behind for the projection runner on PostgreSQL: a writer thread sends one batch's
statements while the runner already reads and folds the next.

Why: waiting for PostgreSQL to apply a batch releases the GIL, so with one batch in flight a
catch-up costs about max(Python, PostgreSQL) instead of their sum. See
docs/decisions/0007-home-made-projection-runner.md.

Exactly-once is unchanged. Each batch is still one transaction holding its rows and the
positions read, and the batches commit in order on one connection. Rows are encoded when the
projection hands them over, so a projection may clear its buffers at once. What changes is when
the runner learns that a batch failed: at its next read, at the end of the next batch, or when
the catch-up ends. It then discards everything past the last commit, exactly as after a batch
that failed in place (``ProjectionRunner`` resets the projections and re-reads the positions).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from projections.db_cursors import Dialect, PostgresCursor, copy_payload

Op = Callable[[], None]


class WriteBehind:
    """One connection, one writer thread, statements applied in the order they were given."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._raw = conn.cursor()
        self.direct = PostgresCursor(self._raw)  # for ops that run on the writer thread
        self.cursor = DeferredCursor(self)
        self._queue: queue.SimpleQueue[Op | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._submitted = 0
        self._done = 0
        self._last_commit = 0  # the submit count at which the last batch's commit was queued
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="xinfang-write-behind", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ the runner's side
    def submit(self, op: Op) -> None:
        """Queue ``op``; after a failure, ops are passed over until the runner has seen it."""
        self._submitted += 1
        self._queue.put(op)

    def sync(self) -> None:
        """Wait until everything queued has run; raise the failure, if there was one."""
        self._wait_until(self._submitted)
        self._raise_failure()

    @contextmanager
    def batch(self) -> Iterator[DeferredCursor]:
        """One batch's transaction. On leaving it normally the commit is queued and the
        previous batch must have committed (so at most one batch is in flight); on an error
        raised by the runner the batch is rolled back before the error goes on."""
        try:
            yield self.cursor
        except BaseException:
            self.abort()
            raise
        self.submit(self._conn.commit)
        previous, self._last_commit = self._last_commit, self._submitted
        self._wait_until(previous)
        self._raise_failure()

    def abort(self) -> None:
        """Roll back whatever the current batch sent, and forget any failure."""
        self._submitted += 1
        self._queue.put(self._rollback)
        self._wait_until(self._submitted)
        self._error = None
        self._last_commit = 0

    def close(self, *, quietly: bool = False) -> None:
        """Let the queued statements finish (a catch-up that ends commits its last batch),
        then stop the thread. A failure nobody has seen yet is raised, unless ``quietly``
        (the runner is already raising an error of its own)."""
        try:
            self._wait_until(self._submitted)
        finally:
            self._queue.put(None)
            self._thread.join()
            self._raw.close()
        if self._error is not None:
            self._conn.rollback()
            if quietly:
                self._error = None
            else:
                self._raise_failure()

    # ------------------------------------------------------------ internals
    def _wait_until(self, count: int) -> None:
        with self._progress:
            while self._done < count:
                self._progress.wait()

    def _raise_failure(self) -> None:
        error = self._error
        if error is None:
            return
        # Everything queued has run (or was passed over), so nothing of the failed batch, nor
        # of any batch after it, can still reach the database.
        self._wait_until(self._submitted)
        self._error = None
        self._last_commit = 0
        raise error

    def _rollback(self) -> None:
        self._conn.rollback()

    def _run(self) -> None:
        while True:
            op = self._queue.get()
            if op is None:
                return
            if self._error is None or op == self._rollback:
                try:
                    op()
                except BaseException as error:  # handed to the runner, which decides
                    self._error = error
                    # If the connection is gone, the error above already says why.
                    with contextlib.suppress(Exception):
                        self._conn.rollback()
            with self._progress:
                self._done += 1
                self._progress.notify_all()


class DeferredCursor:
    """The ``Cursor`` a projection gets under write-behind: writes are queued, reads wait for
    the writer first (so they see everything written before them, as they would in place)."""

    def __init__(self, writer: WriteBehind) -> None:
        self._writer = writer
        self._pg = writer.direct

    @property
    def dialect(self) -> Dialect:
        return "postgres"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        values = tuple(params)
        self._writer.submit(lambda: self._pg.execute(sql, values))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        values = [tuple(r) for r in rows]
        if values:
            self._writer.submit(lambda: self._pg.executemany(sql, values))

    def fetchall(self) -> list[dict[str, Any]]:
        self._writer.sync()
        return self._pg.fetchall()

    def fetchone(self) -> dict[str, Any] | None:
        self._writer.sync()
        return self._pg.fetchone()

    @property
    def rowcount(self) -> int:
        self._writer.sync()
        return self._pg.rowcount

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            payload, cols = copy_payload(rows), tuple(columns)
            self._writer.submit(lambda: self._pg.copy_encoded(table, cols, payload))

    def upsert_rows(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        add: str | None = None,
    ) -> None:
        if rows:
            payload, cols, ks = copy_payload(rows), tuple(columns), tuple(keys)
            self._writer.submit(lambda: self._pg.upsert_encoded(table, cols, ks, payload, add=add))

    def update_rows(
        self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        if rows:
            payload, cols, ks = copy_payload(rows), tuple(columns), tuple(keys)
            self._writer.submit(lambda: self._pg.update_encoded(table, ks, cols, payload))
