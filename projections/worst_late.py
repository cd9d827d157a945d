"""The worst-late cases of a period: the duties that weigh on it as late, longest delay first.

The same cohort as the figures (``projections.figures``): a duty done late in the period, or
undone and overdue at its close, of any step (transfer, inform, acceptance, answer, assigned
report, review, recheck), owed by a unit of the area. A case is listed once, by its worst duty.
Days late: from the last day to the day it was done, or to the close if it still is not.

Rows carry the serial number, the division, the unit, the step and the days: nothing about the
petitioner (the trail keeps no personal data), so a list is safe to print and circulate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.access import ReadScope
from domain.labels import CATEGORY_LABELS, STEP_LABELS
from domain.units import Directory
from projections import figures_counts as counts
from projections.db import ViewDatabase
from projections.figures import Period
from projections.ledger_query import check_prefix

DEFAULT_LIMIT = 10
MAX_LIMIT = 200


def worst_late(
    db: ViewDatabase,
    scope: ReadScope,
    prefix: str,
    period_start: date,
    period_end: date,
    directory: Directory,
    today: date,
    *,
    limit: int = DEFAULT_LIMIT,
    accusations: bool = True,
) -> list[dict[str, Any]]:
    """The ``limit`` cases of area ``prefix`` most late in the period (see the docstring)."""
    prefix = check_prefix(prefix)
    scope.check_covers(prefix)
    limit = max(1, min(limit, MAX_LIMIT))
    period = Period.of(period_start, period_end, today)
    with db.reading() as cur:
        rows = counts.late_duties(cur, counts.Cases(prefix, scope, accusations), period.days())
    worst: dict[str, dict[str, Any]] = {}
    for row in rows:
        unit = directory.current(row["unit_id"]) if row["unit_id"] in directory else None
        if unit is not None and not unit.division_code.startswith(prefix):
            continue
        due = date.fromisoformat(row["due_on"])
        done = date.fromisoformat(row["done_on"]) if row["done_on"] else None
        item = {
            "case_id": row["case_id"],
            "serial_number": row["serial_number"],
            "division_code": row["division_code"],
            "category": row["category"],
            "category_label": CATEGORY_LABELS.get(row["category"], row["category"]),
            "step": row["step"],
            "step_label": STEP_LABELS.get(row["step"], row["step"]),
            "unit_id": unit.unit_id if unit else row["unit_id"],
            "unit_name": unit.name if unit else row["unit_id"],
            "due_on": row["due_on"],
            "done_on": row["done_on"],
            "status_label": "逾期办理" if done else "超期未办",
            "days_late": ((done or period.judged_on) - due).days,
        }
        known = worst.get(row["case_id"])
        if known is None or _order(item) < _order(known):
            worst[row["case_id"]] = item
    return sorted(worst.values(), key=_order)[:limit]


def _order(item: dict[str, Any]) -> tuple[int, int, str, str]:
    """Most days late first; an undone duty before a done one; then by serial number."""
    return (
        -item["days_late"],
        0 if item["done_on"] is None else 1,
        item["serial_number"],
        item["step"],
    )
