"""问责轨迹 for discipline inspection (纪检监察): one case's trail, and the search over faults.

Reads the tables of the trail projection (``projections.trail``). Whether a duty is late is
judged on the ``today`` the caller passes, by ``domain.deadlines``, never stored; the fault a
late duty shows is the one ``domain.faults`` names (Art.43-45), and so is a bureau's failure to
urge a handling unit late for more than ``Rules.urge_grace_days`` (Art.43), judged on ``today``
too; the faults an event shows by itself (Art.45(2), 46) are the projection's marks. Every
fault names its article, item and fact, and cites the events behind it (ids of
``domain.chain.event_id``), so an inspector can open the history and check.

Only inspectors (and administrators) read the trail, only inside their jurisdiction; an
accusation is hidden from the accused unit and every unit under it (Art.30, 46), as if it did
not exist. Who read an accusation, or tried to from the accused unit (``AccusationViewed``,
``AccusationReadRefused``, domain.md §7), is part of its trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain import access
from domain.access import ReadScope
from domain.acts import DEFAULT_RULES, Actor, Rules
from domain.errors import invalid, not_found
from domain.faults import FaultKind
from domain.labels import CATEGORY_LABELS, CHANNEL_LABELS
from domain.units import Directory
from projections.db import Cursor, ViewDatabase
from projections.ledger_query import MAX_PAGE, check_prefix, code_range
from projections.trail import READS
from projections.trail_present import (
    CaseEvents,
    duty_item,
    fault_item,
    mark_item,
    timeline_item,
    unit_name,
)
from projections.trail_sql import fault_union


def trail_scope(actor: Actor, directory: Directory) -> ReadScope:
    """What a trail reader may see; anyone but an inspector or administrator is refused."""
    access.check_may(actor, access.Duty.READ_TRAIL)
    return ReadScope.of(actor, directory)


@dataclass(frozen=True)
class FaultFilter:
    """The filters of the search over faults (all optional). A fault falls in the period by
    the day it became late (the day after the last day) or the day of the marking event."""

    division: str | None = None  # a division-code prefix; default the reader's jurisdiction
    unit_id: str | None = None  # the unit responsible
    official_id: str | None = None  # the official responsible
    fault: str | None = None  # art42 … art46
    period_from: date | None = None
    period_to: date | None = None
    case_id: str | None = None
    limit: int = 50
    offset: int = 0

    def check(self) -> None:
        if self.fault is not None and self.fault not in {k.value for k in FaultKind}:
            raise invalid(
                "FILTER_INVALID",
                "筛选条件无效",
                field="fault",
                value=self.fault,
                allowed=[k.value for k in FaultKind],
            )
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise invalid(
                "PERIOD_INVALID",
                "期间起始日不得晚于截止日",
                period_from=self.period_from.isoformat(),
                period_to=self.period_to.isoformat(),
            )
        if not 1 <= self.limit <= MAX_PAGE or self.offset < 0:
            raise invalid("PAGING_INVALID", "分页参数无效", limit=self.limit, offset=self.offset)


def _area(scope: ReadScope, division: str | None) -> str | None:
    """The area searched: the asked prefix, else the reader's jurisdiction (None: everything,
    for administrators); refused when the reader's jurisdiction does not cover it."""
    area = check_prefix(division) if division else scope.jurisdiction
    if area is not None:
        scope.check_covers(area)
    return area


def fault_page(
    db: ViewDatabase,
    scope: ReadScope,
    f: FaultFilter,
    today: date,
    directory: Directory,
    rules: Rules = DEFAULT_RULES,
) -> dict[str, Any]:
    """One page of the faults matching ``f`` as they stand on ``today``, the total, and how
    many of each kind (art42 … art46)."""
    f.check()
    area = _area(scope, f.division)
    with db.reading() as cur:
        counts, items = _faults(cur, scope, f, area, today, directory, rules)
    return {
        "total": sum(counts.values()),
        "limit": f.limit,
        "offset": f.offset,
        "today": today.isoformat(),
        "counts": counts,
        "items": items,
    }


def _faults(
    cur: Cursor,
    scope: ReadScope,
    f: FaultFilter,
    area: str | None,
    today: date,
    directory: Directory,
    rules: Rules,
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    conditions = fault_conditions(scope, f, area, today, rules.urge_grace_days)
    union, params = fault_union(cur.dialect, conditions)
    counts = dict.fromkeys((k.value for k in FaultKind), 0)
    cur.execute(f"SELECT fault, count(*) AS n FROM ({union}) u GROUP BY fault", params)
    for row in cur.fetchall():
        counts[row["fault"]] = int(row["n"])
    cur.execute(
        f"SELECT * FROM ({union}) u ORDER BY fault_on, serial_number, source, step, unit_id, "
        "version LIMIT %s OFFSET %s",
        [*params, f.limit, f.offset],
    )
    rows = cur.fetchall()
    events = _events_of(cur, sorted({r["case_id"] for r in rows}))
    grace = rules.urge_grace_days
    items = [fault_item(r, events[r["case_id"]], today, directory, grace) for r in rows]
    return counts, items


def fault_conditions(
    scope: ReadScope, f: FaultFilter, area: str | None, today: date, urge_grace: int
) -> dict[str, Any]:
    """The filters as ``projections.trail_sql`` takes them (days as ISO text)."""
    # An urge not made falls in the period by the day after the grace ran out.
    urged = timedelta(days=urge_grace + 1)
    return {
        "hidden": scope.hidden_accused,
        "area": code_range(area) if area is not None else None,
        "today": today.isoformat(),
        "unit_id": f.unit_id,
        "official_id": f.official_id,
        "fault": f.fault,
        # A duty falls in the period by the day after its last day.
        "due_from": (f.period_from - timedelta(days=1)).isoformat() if f.period_from else None,
        "due_to": (f.period_to - timedelta(days=1)).isoformat() if f.period_to else None,
        "marked_from": f.period_from.isoformat() if f.period_from else None,
        "marked_to": f.period_to.isoformat() if f.period_to else None,
        "case_id": f.case_id,
        "urge_grace": urge_grace,
        "urge_late_before": (today - timedelta(days=urge_grace)).isoformat(),
        "urge_due_from": (f.period_from - urged).isoformat() if f.period_from else None,
        "urge_due_to": (f.period_to - urged).isoformat() if f.period_to else None,
    }


def _events_of(cur: Cursor, case_ids: list[str]) -> dict[str, CaseEvents]:
    """The timeline rows of the cases on a page, by case, in version order."""
    found: dict[str, list[dict[str, Any]]] = {c: [] for c in case_ids}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            f"SELECT * FROM v_trail_events WHERE case_id IN ({marks}) ORDER BY case_id, version",
            chunk,
        )
        for row in cur.fetchall():
            found[row["case_id"]].append(row)
    return {c: CaseEvents(rows) for c, rows in found.items()}


def case_trail(
    db: ViewDatabase,
    scope: ReadScope,
    case_id: str,
    today: date,
    directory: Directory,
    rules: Rules = DEFAULT_RULES,
) -> dict[str, Any]:
    """One case's trail on ``today``: the timeline, every duty and where it stands, the faults
    with the unit and official responsible, the marks, and who read it if an accusation."""
    with db.reading() as cur:
        cur.execute("SELECT * FROM v_trail_cases WHERE case_id = %s", [case_id])
        case = cur.fetchone()
        # As if it did not exist for the accused unit and the units under it (Art.30, 46), and
        # for a reader whose jurisdiction does not cover it: existence does not leak.
        if (
            case is None
            or case["accused_unit_id"] in scope.hidden_accused
            or not scope.covers(case["division_code"])
        ):
            raise not_found()
        events = _events_of(cur, [case_id])[case_id]
        cur.execute(
            "SELECT * FROM v_trail_duties WHERE case_id = %s "
            "ORDER BY origin_version, start_on, step, unit_id",
            [case_id],
        )
        duties = cur.fetchall()
        cur.execute(
            "SELECT * FROM v_trail_marks WHERE case_id = %s ORDER BY version, fault", [case_id]
        )
        marks = cur.fetchall()
        everything = FaultFilter(case_id=case_id, limit=MAX_PAGE)
        _, faults = _faults(cur, scope, everything, None, today, directory, rules)
    return {
        "case": _case_header(case, directory),
        "today": today.isoformat(),
        "timeline": [
            timeline_item(e, directory) for e in events.rows if e["event_type"] not in READS
        ],
        "duties": [duty_item(d, events, today, directory) for d in duties],
        "marks": [mark_item(m, events, directory) for m in marks],
        "faults": faults,
        "reads": [timeline_item(e, directory) for e in events.rows if e["event_type"] in READS],
    }


def _case_header(case: dict[str, Any], directory: Directory) -> dict[str, Any]:
    accused = case["accused_unit_id"] or None
    return {
        "case_id": case["case_id"],
        "serial_number": case["serial_number"],
        "division_code": case["division_code"],
        "category": case["category"],
        "category_label": CATEGORY_LABELS.get(case["category"], case["category"]),
        "accusation": accused is not None,
        "accused_unit_id": accused,
        "accused_unit_name": unit_name(accused, directory),
        "matter_kind": case["matter_kind"],
        "channel": case["channel"],
        "channel_label": CHANNEL_LABELS.get(case["channel"], case["channel"]),
        "received_by": case["received_by"],
        "received_by_name": unit_name(case["received_by"], directory),
        "registered_on": case["registered_on"],
        "answered_on": case["answered_on"],
        "answered_by": case["answered_by"],
        "concluded_on": case["concluded_on"],
    }
