"""PostgreSQL: the library's insert of new events, sent in one round trip.

The same statements as the library's (its table, sequence and ``EXCLUSIVE`` table lock held
through the commit, so positions commit in order), sent as one simple query instead of a
pipeline; saves with an upstream position go through the library's own code. Switched on by
``XINFANG_ONE_TRIP_INSERTS`` (on by default). Why and what it saves:
docs/decisions/0003-one-trip-postgresql-recorder.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.utils import retry
from psycopg import ClientCursor, Connection
from psycopg.pq import TransactionStatus
from psycopg.sql import SQL, Composable, Identifier

ROW = "(%s,%s,%s,%s)"
_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


class OneTripProcessRecorder(PostgresProcessRecorder):
    """``PostgresProcessRecorder`` whose untracked inserts take one round trip."""

    _head: str | None = None

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if (
            not stored_events
            or kwargs.get("tracking") is not None
            or self.datastore.enable_db_functions
        ):
            return super().insert_events(stored_events, **kwargs)
        params: list[Any] = []
        for e in stored_events:
            params += (e.originator_id, e.originator_version, e.topic, e.state)
        with self.datastore.get_connection() as conn:
            query = self._head_text(conn) + ",".join([ROW] * len(stored_events))
            query += " RETURNING notification_id; COMMIT"
            try:
                with ClientCursor(conn) as cursor:
                    cursor.execute(query, params)
                    while cursor.statusmessage is None or not cursor.statusmessage.startswith(
                        "INSERT"
                    ):
                        if not cursor.nextset():
                            raise AssertionError("the insert gave no result")
                    rows = cursor.fetchall()
            except BaseException:
                # A refused insert leaves the explicit transaction aborted: end it here, so the
                # pooled connection comes back clean (the library's error mapping follows).
                if conn.info.transaction_status in _OPEN:
                    conn.execute("ROLLBACK")
                raise
        return [row["notification_id"] for row in rows]

    def _head_text(self, conn: Connection[Any]) -> str:
        """``BEGIN; <the library's lock statements>; NOTIFY …; INSERT … VALUES`` as text."""
        if self._head is None:
            table = SQL("{0}.{1}").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)
            )
            parts: list[Composable] = [SQL("BEGIN")]
            parts += self.lock_table_statements
            parts.append(SQL("NOTIFY {0}").format(Identifier(self.channel_name)))
            parts.append(
                SQL(
                    "INSERT INTO {0} (originator_id, originator_version, topic, state) VALUES "
                ).format(table)
            )
            text = SQL("; ").join(parts).as_string(conn)
            # Client-side binding reads % as a placeholder: escape any in the statements.
            self._head = text.replace("%", "%%")
        return self._head
