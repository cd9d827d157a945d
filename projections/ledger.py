"""台账 (the ledger): one row per case and every deadline of it, for listings, filters and export.

Rows hold facts only. Whether a duty is running or overdue depends on the day you look, so it
is decided at query time from ``today`` (see ``projections.ledger_query``); the row keeps the
earliest undone duty (``next_due``) so "overdue" is one comparison.

Rows are written at the end of each batch from the case as it then stands (a case touched ten
times in a batch is written once), and only when something changed. Personal data never enters
these tables: the petitioner appears masked (``王**``, ``domain.privacy``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.calendar import CHINA
from domain.case_events import CaseEvent
from domain.deadlines import Deadline
from domain.petition import Petition
from domain.privacy import petitioner_line
from projections.bounded import forget_oldest
from projections.case_memory import CaseMemory
from projections.db import Cursor, ViewDatabase, day_text

DDL = """
CREATE TABLE IF NOT EXISTS v_ledger_cases (
    case_id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL,
    division_code TEXT NOT NULL,
    category TEXT NOT NULL,
    channel TEXT NOT NULL,
    matter_kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    petitioner TEXT NOT NULL,
    people_count INTEGER NOT NULL,
    stage TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    holder_unit_id TEXT NOT NULL,
    received_by TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    accepted_at TEXT,
    answered_at TEXT,
    concluded_at TEXT,
    conclusion TEXT,
    path TEXT,
    is_repeat INTEGER NOT NULL,
    repeat_of TEXT,
    repeats_count INTEGER NOT NULL,
    level_skipping INTEGER NOT NULL,
    collective INTEGER NOT NULL,
    major INTEGER NOT NULL,
    leader_owned INTEGER NOT NULL,
    leaders TEXT NOT NULL,
    urges_count INTEGER NOT NULL,
    accused_unit_id TEXT NOT NULL,
    next_due TEXT,
    next_step TEXT,
    next_unit_id TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS v_ledger_cases_division ON v_ledger_cases (division_code);
CREATE INDEX IF NOT EXISTS v_ledger_cases_due ON v_ledger_cases (is_open, next_due);
CREATE INDEX IF NOT EXISTS v_ledger_cases_holder ON v_ledger_cases (holder_unit_id);
CREATE TABLE IF NOT EXISTS v_ledger_deadlines (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    start_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    article TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX IF NOT EXISTS v_ledger_deadlines_unit ON v_ledger_deadlines (unit_id, done_on, due_on);
CREATE INDEX IF NOT EXISTS v_ledger_deadlines_step ON v_ledger_deadlines (step, done_on, due_on);
CREATE TABLE IF NOT EXISTS v_ledger_units (
    case_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    PRIMARY KEY (case_id, unit_id)
);
CREATE INDEX IF NOT EXISTS v_ledger_units_unit ON v_ledger_units (unit_id, case_id)
"""

CASE_COLUMNS = (
    "case_id",
    "serial_number",
    "division_code",
    "category",
    "channel",
    "matter_kind",
    "subject",
    "petitioner",
    "people_count",
    "stage",
    "is_open",
    "holder_unit_id",
    "received_by",
    "registered_at",
    "registered_on",
    "accepted_at",
    "answered_at",
    "concluded_at",
    "conclusion",
    "path",
    "is_repeat",
    "repeat_of",
    "repeats_count",
    "level_skipping",
    "collective",
    "major",
    "leader_owned",
    "leaders",
    "urges_count",
    "accused_unit_id",
    "next_due",
    "next_step",
    "next_unit_id",
    "version",
)

DEADLINE_COLUMNS = (
    "case_id",
    "seq",
    "step",
    "kind",
    "unit_id",
    "start_on",
    "due_on",
    "done_on",
    "article",
)

Row = tuple[Any, ...]
DeadlineRow = tuple[Any, ...]


def _instant_text(value: Any) -> str | None:
    """An instant as ISO text in China time, to the second (what a ledger shows)."""
    if value is None:
        return None
    return str(value.astimezone(CHINA).replace(microsecond=0).isoformat())


def undone_duties(case: Petition, deadlines: list[Deadline]) -> list[Deadline]:
    """Duties still owed on an open case (a concluded case owes nothing more)."""
    if case.concluded:
        return []
    return [d for d in deadlines if d.kind == "duty" and d.done_on is None]


def case_row(case: Petition, deadlines: list[Deadline]) -> Row:
    undone = sorted(undone_duties(case, deadlines), key=lambda d: (d.due, d.step))
    first = undone[0] if undone else None
    leaders = "、".join(x["name"] for x in case.leaders)
    return (
        str(case.id),
        case.serial_number,
        case.division_code,
        case.category,
        case.channel,
        case.matter_kind,
        case.subject,
        petitioner_line(case.petitioners, case.anonymous),
        case.people_count,
        case.stage,
        0 if case.concluded else 1,
        case.holder_unit_id,
        case.received_by,
        _instant_text(case.received_at),
        day_text(case.received_at.astimezone(CHINA).date()),
        _instant_text(case.accepted_at),
        _instant_text(case.answered_at),
        _instant_text(case.concluded_at),
        case.conclusion,
        case.path,
        1 if case.repeat_of else 0,
        case.repeat_of,
        len(case.repeats),
        1 if case.level_skipping else 0,
        1 if case.collective else 0,
        1 if case.major else 0,
        1 if case.leaders else 0,
        leaders,
        len(case.urges),
        case.accused_unit_id or "",
        day_text(first.due) if first else None,
        first.step if first else None,
        (first.unit_id or "") if first else None,
        case.version,
    )


def deadline_rows(case_id: str, deadlines: list[Deadline]) -> list[DeadlineRow]:
    return [
        (
            case_id,
            seq,
            d.step,
            d.kind,
            d.unit_id or "",
            day_text(d.start),
            day_text(d.due),
            day_text(d.done_on),
            d.article,
        )
        for seq, d in enumerate(deadlines)
    ]


def units_of(case: Petition) -> set[str]:
    """Every unit that holds or held the case, or decides on it (review, recheck)."""
    units = {r["unit_id"] for r in case.receipts}
    units |= {u for u in (case.reviewing_unit_id, case.rechecking_unit_id) if u}
    return units


class LedgerProjection:
    """Ledger rows, deadline rows and the units each case passed through."""

    name = "ledger"
    tables = ("v_ledger_cases", "v_ledger_deadlines", "v_ledger_units")

    def __init__(self) -> None:
        self.memory: CaseMemory | None = None
        self._dirty: set[UUID] = set()
        # What the rows hold now (as written), to skip writes that change nothing.
        self._rows: dict[UUID, Row] = {}
        self._deadlines: dict[UUID, list[DeadlineRow]] = {}
        self._units: dict[UUID, set[str]] = {}

    def attach(self, memory: CaseMemory) -> None:
        self.memory = memory

    def create(self, db: ViewDatabase) -> None:
        db.executescript(DDL)

    def clear(self, cur: Cursor) -> None:
        cur.empty(self.tables)

    def reset(self) -> None:
        self._dirty.clear()
        self._rows.clear()
        self._deadlines.clear()
        self._units.clear()

    def handle(self, cur: Cursor, event: Any, position: int) -> None:
        if isinstance(event, CaseEvent):
            self._dirty.add(event.originator_id)

    def flush(self, cur: Cursor) -> None:
        assert self.memory is not None, "the runner attaches the case memory"
        upserts: list[Row] = []
        stale_deadlines: list[str] = []
        new_deadlines: list[DeadlineRow] = []
        new_units: list[tuple[str, str]] = []
        for case_id in sorted(self._dirty, key=str):
            case = self.memory.case(case_id)
            deadlines = self.memory.deadlines(case_id)
            key = str(case_id)
            row = case_row(case, deadlines)
            if self._rows.get(case_id) != row:
                upserts.append(row)
                self._rows[case_id] = row
            rows = deadline_rows(key, deadlines)
            if self._deadlines.get(case_id) != rows:
                stale_deadlines.append(key)
                new_deadlines.extend(rows)
                self._deadlines[case_id] = rows
            units = units_of(case)
            known = self._units.get(case_id, set())
            new_units.extend((key, u) for u in sorted(units - known))
            self._units[case_id] = units
        self._dirty.clear()
        cur.upsert_rows("v_ledger_cases", CASE_COLUMNS, ("case_id",), upserts)
        for start in range(0, len(stale_deadlines), 500):
            chunk = stale_deadlines[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"DELETE FROM v_ledger_deadlines WHERE case_id IN ({marks})", chunk)
        cur.copy_rows("v_ledger_deadlines", DEADLINE_COLUMNS, new_deadlines)
        cur.upsert_rows("v_ledger_units", ("case_id", "unit_id"), ("case_id", "unit_id"), new_units)
        self._trim()

    def _trim(self) -> None:
        """Keep the write caches bounded; a forgotten case is simply rewritten next time."""
        limit = self.memory.capacity if self.memory is not None else 200_000
        if len(self._rows) > limit:
            for cache in (self._rows, self._deadlines, self._units):
                forget_oldest(cache, limit // 2)
