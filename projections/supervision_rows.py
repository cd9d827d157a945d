"""The rows one batch of the supervision projection writes: versions opened and closed, duties
opened and closed, and the deltas of the per-area counters (and of checkpoints, for changes
recorded late), each kind written with one bulk statement.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any

from projections import supervision_snapshots as snapshots
from projections.db import Cursor

# Counters are kept for provinces, cities, counties and townships. A township's villages and a
# village itself are small areas: their figures are counted from the current versions.
LEVELS = (2, 4, 6, 9)


@lru_cache(maxsize=100_000)
def areas_of(division: str) -> tuple[tuple[int, str], ...]:
    """(tier length, prefix) of every counted area a division code lies in."""
    return tuple((lvl, division[:lvl]) for lvl in LEVELS)


# What a version holds, in column order after (case_id, from_version, valid_from, valid_to).
CONTENT_COLUMNS = (
    "division_code",
    "category",
    "accused_unit_id",
    "stage",
    "is_open",
    "is_repeat",
    "has_repeats",
    "leader_owned",
    "leaders",
    "min_due",
    "serial_number",
    "registered_on",
    "concluded_on",
)
Content = tuple[Any, ...]
DutyKey = tuple[str, str, date, date]  # step, unit_id, start, due

DUTY_COLUMNS = (
    "case_id",
    "from_version",
    "step",
    "unit_id",
    "start_on",
    "due_on",
    "valid_from",
    "valid_to",
    "division_code",
    "accused_unit_id",
)

COUNTER_COLUMNS = {
    "v_sup_stage_n": ("lvl", "prefix", "stage", "is_repeat", "accused"),
    "v_sup_due_n": ("lvl", "prefix", "step", "due_on", "accused"),
    "v_sup_backlog_n": ("lvl", "prefix", "min_due", "has_repeats", "accused"),
}


class BatchWriter:
    """Rows and counter deltas of one batch, written with a few bulk statements."""

    def __init__(self, snaps: list[int]) -> None:
        self.snaps = snaps
        # (counter table, checkpoint) → deltas of changes recorded at or before a checkpoint
        # already taken (late arrivals): those checkpoints must count them too.
        self.late: dict[tuple[str, int], dict[tuple[Any, ...], int]] = defaultdict(
            lambda: defaultdict(int)
        )
        self.versions: dict[tuple[str, int], list[Any]] = {}
        self.version_closes: list[tuple[str, int, int]] = []
        self.duties: dict[tuple[str, int, str, str, str], list[Any]] = {}
        self.duty_closes: list[tuple[str, int, str, str, str, int]] = []
        self.counters: dict[str, dict[tuple[Any, ...], int]] = {
            name: defaultdict(int) for name in COUNTER_COLUMNS
        }

    def open_version(self, case_id: str, version: int, at: int, content: Content) -> None:
        self.versions[(case_id, version)] = [case_id, version, at, None, *content]

    def close_version(self, case_id: str, version: int, at: int) -> None:
        row = self.versions.get((case_id, version))
        if row is not None:
            row[3] = at  # opened in this batch: insert it closed
        else:
            self.version_closes.append((case_id, version, at))

    def open_duty(
        self, case_id: str, version: int, duty: DutyKey, at: int, division: str, accused: str
    ) -> None:
        step, unit_id, start, due = duty
        start_on = start.isoformat()
        self.duties[(case_id, version, step, unit_id, start_on)] = [
            case_id,
            version,
            step,
            unit_id,
            start_on,
            due.isoformat(),
            at,
            None,
            division,
            accused,
        ]

    def close_duty(self, case_id: str, version: int, duty: DutyKey, at: int) -> None:
        step, unit_id, start, _ = duty
        start_on = start.isoformat()
        row = self.duties.get((case_id, version, step, unit_id, start_on))
        if row is not None:
            row[7] = at
        else:
            self.duty_closes.append((case_id, version, step, unit_id, start_on, at))

    def count_case(self, content: Content, delta: int, at: int) -> None:
        division, _, accused, stage, is_open, is_repeat, has_repeats = content[:7]
        min_due = content[9]
        self._count("v_sup_stage_n", division, (stage, is_repeat, accused), delta, at)
        if is_open:
            self._count(
                "v_sup_backlog_n", division, (min_due or "", has_repeats, accused), delta, at
            )

    def count_duty(self, division: str, accused: str, duty: DutyKey, delta: int, at: int) -> None:
        step, _, _, due = duty
        self._count("v_sup_due_n", division, (step, due.isoformat(), accused), delta, at)

    def _count(self, table: str, division: str, rest: tuple[Any, ...], delta: int, at: int) -> None:
        counters = self.counters[table]
        areas = areas_of(division)
        for area in areas:
            counters[(*area, *rest)] += delta
        if self.snaps and at <= self.snaps[-1]:
            for snap in self.snaps:
                if at <= snap:
                    late = self.late[(table, snap)]
                    for area in areas:
                        late[(*area, *rest)] += delta

    def write(self, cur: Cursor) -> None:
        cur.update_rows(
            "v_sup_versions", ("case_id", "from_version"), ("valid_to",), self.version_closes
        )
        cur.copy_rows(
            "v_sup_versions",
            ("case_id", "from_version", "valid_from", "valid_to", *CONTENT_COLUMNS),
            list(self.versions.values()),
        )
        cur.update_rows(
            "v_sup_duties",
            ("case_id", "from_version", "step", "unit_id", "start_on"),
            ("valid_to",),
            self.duty_closes,
        )
        cur.copy_rows("v_sup_duties", DUTY_COLUMNS, list(self.duties.values()))
        for table, columns in COUNTER_COLUMNS.items():
            changes = sorted((k, d) for k, d in self.counters[table].items() if d != 0)
            if changes:
                add_counts(cur, table, columns, changes)
        for (table, snap), deltas in sorted(self.late.items()):
            changes = sorted(((snap, *k), d) for k, d in deltas.items() if d != 0)
            if changes:
                keys = ("snap", *COUNTER_COLUMNS[table])
                add_counts(cur, snapshots.SNAPSHOT_OF[table], keys, changes)
        self.versions.clear()
        self.version_closes.clear()
        self.duties.clear()
        self.duty_closes.clear()
        self.late.clear()
        for counters in self.counters.values():
            counters.clear()


def add_counts(
    cur: Cursor, table: str, keys: tuple[str, ...], changes: list[tuple[tuple[Any, ...], int]]
) -> None:
    """Add deltas to counters; a counter back at zero is removed, so the rows are the same
    whatever the batching (a rebuild equals the incremental build row for row)."""
    rows = [(*k, d) for k, d in changes]
    cur.upsert_rows(table, (*keys, "n"), keys, rows, add="n")
    match = " AND ".join(f"t.{c} = s.{c}" for c in keys)
    if cur.dialect == "postgres":
        # upsert_rows left the deltas in the staging table: one set-based delete.
        cur.execute(f"DELETE FROM {table} t USING stage_{table} s WHERE {match} AND t.n = 0")
        return
    where = " AND ".join(f"{c} = %s" for c in keys)
    cur.executemany(
        f"DELETE FROM {table} WHERE {where} AND n = 0", [k for k, d in changes if d < 0]
    )
