"""Monthly checkpoints of the roll-up counters, so "as of T" reads at most half a month of changes.

At the first event recorded after a month starts (China time), the counters of every area down
to townships (prefix lengths 2-9, all the counters there are) are copied as they stand: that is the roll-up as of the
month's first instant C. As of any T, the roll-up is the checkpoint C nearest to T: when C is
before T, plus the versions begun in (C, T] and still valid at T, minus those valid at C that
ended in (C, T]; when C is after T, the same the other way round. A month-end report (as of
the last instant of a month) reads the next month's checkpoint and next to nothing else.
An event recorded late (at or before a checkpoint already taken) adds its change to those
checkpoints too, so they stay exact whatever the arrival order.
"""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import CHINA
from projections.db import Cursor, instant, micros

MAX_LEVEL = 9  # counters (and so checkpoints) stop at townships: see supervision_rows.LEVELS

DDL = """
CREATE TABLE IF NOT EXISTS v_sup_snaps (
    snap BIGINT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS v_sup_snap_stage_n (
    snap BIGINT NOT NULL,
    lvl INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    stage TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    accused TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (snap, lvl, prefix, stage, is_repeat, accused)
);
CREATE TABLE IF NOT EXISTS v_sup_snap_due_n (
    snap BIGINT NOT NULL,
    lvl INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    step TEXT NOT NULL,
    due_on TEXT NOT NULL,
    accused TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (snap, lvl, prefix, step, due_on, accused)
);
CREATE TABLE IF NOT EXISTS v_sup_snap_backlog_n (
    snap BIGINT NOT NULL,
    lvl INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    min_due TEXT NOT NULL,
    has_repeats INTEGER NOT NULL,
    accused TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (snap, lvl, prefix, min_due, has_repeats, accused)
)
"""

# counter table → its checkpoint table
SNAPSHOT_OF = {
    "v_sup_stage_n": "v_sup_snap_stage_n",
    "v_sup_due_n": "v_sup_snap_due_n",
    "v_sup_backlog_n": "v_sup_snap_backlog_n",
}
TABLES = ("v_sup_snaps", *SNAPSHOT_OF.values())


def month_start_before(at: int) -> int:
    """The last China-time month start strictly before the instant ``at`` (microseconds)."""
    moment = instant(at).astimezone(CHINA)
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start == moment:
        start = (start - timedelta(days=1)).replace(day=1)
    return micros(start)


def load(cur: Cursor) -> list[int]:
    cur.execute("SELECT snap FROM v_sup_snaps ORDER BY snap")
    return [int(r["snap"]) for r in cur.fetchall()]


def take(cur: Cursor, snap: int, columns: dict[str, tuple[str, ...]]) -> None:
    """Copy the counters as they stand (every change recorded up to ``snap`` is in them)."""
    cur.execute("INSERT INTO v_sup_snaps (snap) VALUES (%s)", (snap,))
    for table, keys in columns.items():
        cols = ", ".join(keys)
        cur.execute(
            f"INSERT INTO {SNAPSHOT_OF[table]} (snap, {cols}, n) SELECT %s, {cols}, n FROM {table}",
            (snap,),
        )


def nearest(cur: Cursor, at: int) -> int | None:
    """The checkpoint to start from for an as-of at ``at``: the one closest in time, before or
    after (the fewer changes lie between, the less to count), if there is any."""
    cur.execute(
        "SELECT (SELECT max(snap) FROM v_sup_snaps WHERE snap <= %s) AS before, "
        "(SELECT min(snap) FROM v_sup_snaps WHERE snap > %s) AS after",
        (at, at),
    )
    row = cur.fetchone() or {}
    near = [int(row[k]) for k in ("before", "after") if row.get(k) is not None]
    return min(near, key=lambda snap: abs(snap - at)) if near else None
