"""预警 (deadline warnings): per unit, the duties falling due within N days and those past due.

Read from the ledger's deadline rows; the level of each duty (normal, warning, alert, severe,
overdue) is the one ``domain.deadlines`` defines, judged on the ``today`` the caller passes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.access import ReadScope
from domain.deadlines import WARNING_LEVELS, Deadline
from domain.errors import forbidden, invalid
from domain.labels import STAGE_LABELS, STEP_LABELS, WARNING_LABELS
from domain.units import Directory
from projections.db import ViewDatabase
from projections.ledger_query import visibility_clause

MAX_WITHIN_DAYS = 366


def _units_answered_for(unit_id: str, directory: Directory) -> list[str]:
    """The unit and the units merged into it (Art.24: the successor inherits their duties)."""
    units = [unit_id]
    units.extend(
        r.unit_id
        for r in directory
        if r.successor_id and directory.current(r.unit_id).unit_id == unit_id
    )
    return units


def check_unit_visible(scope: ReadScope, unit_id: str, directory: Directory) -> None:
    """A caller sees warnings of their own unit, or of units inside their jurisdiction."""
    if unit_id in scope.unit_ids:
        return
    record = directory.find(unit_id)
    if record is None:
        raise invalid("UNKNOWN_UNIT", unit_id=unit_id)
    if not scope.covers(record.jurisdiction):
        raise forbidden("OUT_OF_JURISDICTION", jurisdiction=scope.jurisdiction, unit_id=unit_id)


def unit_warnings(
    db: ViewDatabase,
    scope: ReadScope,
    unit_id: str,
    within_days: int,
    today: date,
    directory: Directory,
) -> dict[str, Any]:
    """The unit's undone duties on open cases due by ``today + within_days`` (overdue included)."""
    if not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise invalid("WITHIN_DAYS_INVALID", "预警天数应在0至366之间", within_days=within_days)
    check_unit_visible(scope, unit_id, directory)
    visible, params = visibility_clause(scope)
    units = _units_answered_for(unit_id, directory)
    marks = ", ".join(["%s"] * len(units))
    horizon = (today + timedelta(days=within_days)).isoformat()
    rows = db.query(
        "SELECT d.case_id, d.step, d.unit_id, d.start_on, d.due_on, d.article, c.serial_number, "
        "c.subject, c.category, c.stage, c.division_code, c.urges_count, c.leader_owned "
        "FROM v_ledger_deadlines d JOIN v_ledger_cases c ON c.case_id = d.case_id "
        f"WHERE d.unit_id IN ({marks}) AND d.kind = 'duty' AND d.done_on IS NULL "
        f"AND d.due_on <= %s AND c.is_open = 1 AND {visible} "
        "ORDER BY d.due_on, c.serial_number, d.step",
        [*units, horizon, *params],
    )
    items = []
    counts = dict.fromkeys(WARNING_LEVELS, 0)
    for row in rows:
        duty = Deadline(
            row["step"],
            "duty",
            row["unit_id"],
            date.fromisoformat(row["start_on"]),
            date.fromisoformat(row["due_on"]),
            None,
            row["article"],
        )
        status = duty.status_on(today)
        level = status.warning_level
        counts[level] += 1
        items.append(
            {
                "case_id": row["case_id"],
                "serial_number": row["serial_number"],
                "subject": row["subject"],
                "category": row["category"],
                "stage": row["stage"],
                "stage_label": STAGE_LABELS.get(row["stage"], row["stage"]),
                "division_code": row["division_code"],
                "step": row["step"],
                "step_label": STEP_LABELS.get(row["step"], row["step"]),
                "article": row["article"],
                "unit_id": row["unit_id"],
                "start_on": row["start_on"],
                "due_on": row["due_on"],
                "days_left": status.days_left,
                "days_overdue": status.days_late or 0,
                "level": level,
                "level_label": WARNING_LABELS[level],
                "urges_count": int(row["urges_count"]),
                "leader_owned": bool(row["leader_owned"]),
            }
        )
    record = directory.find(unit_id)
    return {
        "unit_id": unit_id,
        "unit_name": record.name if record else unit_id,
        "today": today.isoformat(),
        "within_days": within_days,
        "counts": counts,
        "due_soon": [i for i in items if i["level"] != "overdue"],
        "overdue": [i for i in items if i["level"] == "overdue"],
    }
