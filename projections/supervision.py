"""五级书记抓信访: the rows behind the supervision roll-up of any area, now and as of any instant.

Two kinds of rows, written in the same batch transaction:

- **Versions** (``v_sup_versions``, ``v_sup_duties``): every change of what the roll-up counts
  about a case (stage, flags, leaders, earliest undone duty) opens a version valid from the
  recorded time of the event that caused it until the next one (``valid_to`` NULL = current);
  every undone duty likewise. "As of T" selects the versions valid at T, so the dashboard as of
  the end of last month is what it showed then, whatever was recorded since (scenario 15).
- **Counters** (``v_sup_stage_n``, ``v_sup_due_n``, ``v_sup_backlog_n``) per area prefix at each
  tier (2, 4, 6, 9, 12 digits), kept by deltas, so the current roll-up of a city over a million
  cases reads a few hundred rows. Counters carry the accused unit, so an accused unit's official
  gets counts without the accusations against it.

Nothing here depends on the day you look: "missed" and "running" are decided by the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.calendar import CHINA
from domain.case_events import CaseEvent
from domain.petition import Petition
from projections import recommendations
from projections import supervision_snapshots as snapshots
from projections.bounded import forget_oldest
from projections.case_memory import CaseMemory
from projections.db import Cursor, ViewDatabase, day_text, micros
from projections.ledger import undone_duties
from projections.supervision_rows import (
    CONTENT_COLUMNS,
    COUNTER_COLUMNS,
    BatchWriter,
    Content,
    DutyKey,
)

DDL = """
CREATE TABLE IF NOT EXISTS v_sup_versions (
    case_id TEXT NOT NULL,
    from_version INTEGER NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_to BIGINT,
    division_code TEXT NOT NULL,
    category TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    is_repeat INTEGER NOT NULL,
    has_repeats INTEGER NOT NULL,
    leader_owned INTEGER NOT NULL,
    leaders TEXT NOT NULL,
    min_due TEXT,
    serial_number TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    concluded_on TEXT,
    PRIMARY KEY (case_id, from_version)
);
CREATE INDEX IF NOT EXISTS v_sup_versions_area ON v_sup_versions (division_code);
CREATE INDEX IF NOT EXISTS v_sup_versions_from ON v_sup_versions (valid_from);
CREATE INDEX IF NOT EXISTS v_sup_versions_to ON v_sup_versions (valid_to);
DROP INDEX IF EXISTS v_sup_versions_leader;
CREATE INDEX IF NOT EXISTS v_sup_versions_leader_at ON v_sup_versions
    (division_code, valid_from, valid_to, is_open, accused_unit_id, registered_on, case_id,
     from_version)
    WHERE leader_owned = 1;
CREATE INDEX IF NOT EXISTS v_sup_versions_leader_now
    ON v_sup_versions (division_code, is_open, registered_on, case_id, from_version, accused_unit_id)
    WHERE leader_owned = 1 AND valid_to IS NULL;
CREATE TABLE IF NOT EXISTS v_sup_duties (
    case_id TEXT NOT NULL,
    from_version INTEGER NOT NULL,
    step TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    start_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_to BIGINT,
    division_code TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    PRIMARY KEY (case_id, from_version, step, unit_id, start_on)
);
CREATE INDEX IF NOT EXISTS v_sup_duties_area ON v_sup_duties (division_code);
CREATE INDEX IF NOT EXISTS v_sup_duties_from ON v_sup_duties (valid_from);
CREATE INDEX IF NOT EXISTS v_sup_duties_to ON v_sup_duties (valid_to);
CREATE TABLE IF NOT EXISTS v_sup_stage_n (
    lvl INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    stage TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    accused TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (lvl, prefix, stage, is_repeat, accused)
);
CREATE TABLE IF NOT EXISTS v_sup_due_n (
    lvl INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    step TEXT NOT NULL,
    due_on TEXT NOT NULL,
    accused TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (lvl, prefix, step, due_on, accused)
);
CREATE TABLE IF NOT EXISTS v_sup_backlog_n (
    lvl INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    min_due TEXT NOT NULL,
    has_repeats INTEGER NOT NULL,
    accused TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (lvl, prefix, min_due, has_repeats, accused)
)
"""

TABLES = (
    "v_sup_versions",
    "v_sup_duties",
    "v_sup_stage_n",
    "v_sup_due_n",
    "v_sup_backlog_n",
    *snapshots.TABLES,
)


def fixed_content(case: Petition) -> tuple[Any, ...]:
    """What never changes once registered: division, category, accused, serial, day."""
    return (
        case.division_code,
        case.category,
        case.accused_unit_id or "",
        case.serial_number,
        day_text(case.received_at.astimezone(CHINA).date()),
    )


def content_of(case: Petition, fixed: tuple[Any, ...], min_due: str | None) -> Content:
    division, category, accused, serial, registered_on = fixed
    return (
        division,
        category,
        accused,
        case.stage,
        0 if case.concluded_at else 1,
        1 if case.repeat_of else 0,
        1 if case.repeats else 0,
        1 if case.leaders else 0,
        "、".join(x["name"] for x in case.leaders),
        min_due,
        serial,
        registered_on,
        day_text(case.concluded_at.astimezone(CHINA).date()) if case.concluded_at else None,
    )


@dataclass
class _Track:
    """What the rows of one case hold now: its current version and its open duties."""

    content: Content | None = None
    from_version: int = 0
    floor: int = 0  # latest valid_from written: later rows never start before it
    duties: dict[DutyKey, int] = field(default_factory=dict)  # key → from_version of its row


@dataclass
class _Pending:
    case_id: UUID
    version: int
    recorded: int
    content: Content
    duties: frozenset[DutyKey]


class SupervisionProjection:
    """Versioned case and duty rows plus per-area counters for the five-tier roll-up."""

    name = "supervision"
    tables = TABLES

    def __init__(self) -> None:
        self.memory: CaseMemory | None = None
        self._tracks: dict[UUID, _Track] = {}
        self._fixed: dict[UUID, tuple[Any, ...]] = {}
        self._pending: list[_Pending] = []
        self._snaps: list[int] | None = None  # checkpoints taken, loaded at the first flush

    def attach(self, memory: CaseMemory) -> None:
        self.memory = memory

    def create(self, db: ViewDatabase) -> None:
        db.executescript(DDL)
        db.executescript(snapshots.DDL)
        # The roll-up reads the 三项建议's table too: it exists (empty) before that
        # projection's worker has run, so the dashboard never has to ask.
        db.executescript(recommendations.DDL)

    def clear(self, cur: Cursor) -> None:
        cur.empty(TABLES)

    def reset(self) -> None:
        self._tracks.clear()
        self._fixed.clear()
        self._pending.clear()
        self._snaps = None

    def handle(self, cur: Cursor, event: Any, position: int) -> None:
        if not isinstance(event, CaseEvent):
            return
        assert self.memory is not None, "the runner attaches the case memory"
        case_id = event.originator_id
        case = self.memory.case(case_id)
        undone = undone_duties(case, self.memory.deadlines(case_id))
        duties = frozenset((d.step, d.unit_id or "", d.start, d.due) for d in undone)
        min_due = min((d.due for d in undone), default=None)
        fixed = self._fixed.get(case_id)
        if fixed is None:
            fixed = self._fixed[case_id] = fixed_content(case)
        self._pending.append(
            _Pending(
                case_id,
                event.originator_version,
                micros(event.timestamp),
                content_of(case, fixed, day_text(min_due)),
                duties,
            )
        )

    # ------------------------------------------------------------------ flush
    def flush(self, cur: Cursor) -> None:
        if not self._pending:
            return
        self._load_missing(cur)
        if self._snaps is None:
            self._snaps = snapshots.load(cur)
        batch = BatchWriter(self._snaps)
        for pending in self._pending:
            at = max(pending.recorded, self._tracks[pending.case_id].floor)
            month = snapshots.month_start_before(at)
            if not self._snaps or month > self._snaps[-1]:
                # The first event of a new month: checkpoint the counters as they stand.
                batch.write(cur)
                snapshots.take(cur, month, COUNTER_COLUMNS)
                self._snaps.append(month)
                batch = BatchWriter(self._snaps)
            self._apply(pending, at, batch)
        self._pending.clear()
        batch.write(cur)
        limit = self.memory.capacity if self.memory else 200_000
        if len(self._tracks) > limit:
            forget_oldest(self._tracks, limit // 2)
            forget_oldest(self._fixed, limit // 2)

    def _apply(self, p: _Pending, at: int, batch: BatchWriter) -> None:
        track = self._tracks[p.case_id]
        key = str(p.case_id)
        old = track.content
        if p.content != old:
            if old is not None:
                batch.close_version(key, track.from_version, at)
                batch.count_case(old, -1, at)
            batch.open_version(key, p.version, at, p.content)
            batch.count_case(p.content, +1, at)
            track.content = p.content
            track.from_version = p.version
            track.floor = at
        division, accused = p.content[0], p.content[2]
        for duty in sorted(set(track.duties) - p.duties):
            batch.close_duty(key, track.duties.pop(duty), duty, at)
            batch.count_duty(division, accused, duty, -1, at)
            track.floor = at
        for duty in sorted(p.duties - set(track.duties)):
            track.duties[duty] = p.version
            batch.open_duty(key, p.version, duty, at, division, accused)
            batch.count_duty(division, accused, duty, +1, at)
            track.floor = at

    def _load_missing(self, cur: Cursor) -> None:
        """After a restart, read what the rows hold for cases met again (once per case). A case
        first met at its registration has no rows yet: nothing to read."""
        first: dict[UUID, int] = {}
        for p in self._pending:
            first.setdefault(p.case_id, p.version)
        for case_id, version in first.items():
            if version == 1 and case_id not in self._tracks:
                self._tracks[case_id] = _Track()
        missing = sorted((c for c in first if c not in self._tracks), key=str)
        for chunk in _chunks(missing, 500):
            keys = [str(c) for c in chunk]
            marks = ", ".join(["%s"] * len(keys))
            tracks = {c: _Track() for c in chunk}
            by_key = {str(c): c for c in chunk}
            cur.execute(
                f"SELECT case_id, from_version, valid_from, {', '.join(CONTENT_COLUMNS)} "
                f"FROM v_sup_versions WHERE valid_to IS NULL AND case_id IN ({marks})",
                keys,
            )
            for row in cur.fetchall():
                track = tracks[by_key[row["case_id"]]]
                track.content = tuple(row[c] for c in CONTENT_COLUMNS)
                track.from_version = int(row["from_version"])
                track.floor = max(track.floor, int(row["valid_from"]))
            cur.execute(
                "SELECT case_id, from_version, step, unit_id, start_on, due_on, valid_from "
                f"FROM v_sup_duties WHERE valid_to IS NULL AND case_id IN ({marks})",
                keys,
            )
            for row in cur.fetchall():
                track = tracks[by_key[row["case_id"]]]
                duty = (
                    row["step"],
                    row["unit_id"],
                    date.fromisoformat(row["start_on"]),
                    date.fromisoformat(row["due_on"]),
                )
                track.duties[duty] = int(row["from_version"])
                track.floor = max(track.floor, int(row["valid_from"]))
            self._tracks.update(tracks)


def _chunks(items: list[UUID], size: int) -> Iterable[list[UUID]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
