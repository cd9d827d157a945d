"""Bulk reads on the library's PostgreSQL events table, one query for many aggregates.

Read only: events are written by the library alone (its recorder locks the table so that
positions commit in order). See docs/decisions for the measured reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL, Identifier


def latest_versions(recorder: Any) -> Callable[[Collection[UUID]], dict[UUID, int]]:
    """For the group commit (``group_commit``): the last recorded version of each of
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


def stored_histories(recorder: Any) -> Callable[[Mapping[UUID, int]], dict[UUID, list[Any]]]:
    """For the projection runner's case memory (``projections.case_memory``): the stored events
    of many aggregates up to a version each, in one query on the library's events table (read
    only). Reloading evicted cases one query each capped a large rebuild at a few thousand
    events a second; one query per batch of notifications costs a fraction of a millisecond a
    case."""
    datastore = recorder.datastore
    statement = SQL(
        "SELECT e.originator_id, e.originator_version, e.topic, e.state"
        " FROM {}.{} e JOIN unnest(%s, %s::int[]) AS w(id, upto) ON e.originator_id = w.id"
        " WHERE e.originator_version <= w.upto ORDER BY e.originator_id, e.originator_version"
    ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))
    as_text = datastore.originator_id_type == "text"

    def histories(wanted: Mapping[UUID, int]) -> dict[UUID, list[Any]]:
        ids = [str(i) for i in wanted] if as_text else list(wanted)
        found: dict[UUID, list[Any]] = {}
        if not ids:
            return found
        with datastore.get_connection() as conn, conn.cursor() as cur:
            cur.execute(statement, (ids, list(wanted.values())), prepare=True)
            for row in cur.fetchall():
                key = UUID(str(row["originator_id"])) if as_text else row["originator_id"]
                found.setdefault(key, []).append(
                    StoredEvent(
                        originator_id=key,
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=bytes(row["state"]),
                    )
                )
        return found

    return histories
