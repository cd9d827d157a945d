"""The SQL of the search over faults: late duties and marks, one ``UNION ALL`` both dialects run.

A duty is a fault on ``today`` when its last day is past and it was done after it, or not at
all (``domain.deadlines``: the start day not counted, a duty done on its last day is on time).
Its kind is the one ``domain.faults.DUTY_FAULTS`` names for its step; a mark carries its own.
Both branches give the same columns, so one ``ORDER BY … LIMIT`` pages across them, and each
branch's filters match the indexes of ``projections.trail_tables`` (area or unit with the
last day; the marks' area or unit with their day; officials through the events).
"""

from __future__ import annotations

import re
from typing import Any

from domain.faults import DUTY_FAULTS
from projections.db import Dialect

_SAFE = re.compile(r"^[a-z0-9_]+$")
# Internal constants only (steps and fault kinds), checked, so they may stand as literals.
assert all(_SAFE.match(s) and _SAFE.match(k.value) for s, k in DUTY_FAULTS.items())

FAULT_OF_STEP = (
    "CASE d.step "
    + " ".join(f"WHEN '{step}' THEN '{kind.value}'" for step, kind in DUTY_FAULTS.items())
    + " END"
)

# The official an undone duty names: the one behind its unit's last act on the case (a read of
# an accusation is not an act).
LAST_ACT_OFFICIAL = (
    "(SELECT e.official_id FROM v_trail_events e WHERE e.case_id = d.case_id "
    "AND e.unit_id = d.unit_id AND e.event_type <> 'AccusationViewed' "
    "ORDER BY e.version DESC LIMIT 1)"
)


def day_after(column: str, dialect: Dialect) -> str:
    """The ISO day after an ISO-day column: the day a duty becomes late."""
    if dialect == "postgres":
        return f"to_char(CAST({column} AS date) + 1, 'YYYY-MM-DD')"
    return f"date({column}, '+1 day')"


def _common(alias: str, c: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Visibility (accusations hidden from the accused and the units under it), area, case."""
    marks = ", ".join(["%s"] * len(c["hidden"]))
    parts = [f"{alias}.accused_unit_id NOT IN ({marks})"]
    params: list[Any] = list(c["hidden"])
    if c["area"] is not None:
        parts.append(f"{alias}.division_code BETWEEN %s AND %s")
        params.extend(c["area"])
    if c["case_id"] is not None:
        parts.append(f"{alias}.case_id = %s")
        params.append(c["case_id"])
    if c["unit_id"] is not None:
        parts.append(f"{alias}.unit_id = %s")
        params.append(c["unit_id"])
    return parts, params


def _duty_branch(dialect: Dialect, c: dict[str, Any]) -> tuple[str, list[Any]] | None:
    steps = [s for s, k in DUTY_FAULTS.items() if c["fault"] in (None, k.value)]
    if not steps:
        return None
    parts, params = _common("d", c)
    parts.append("d.due_on < %s AND (d.done_on IS NULL OR d.done_on > d.due_on)")
    params.append(c["today"])
    if c["fault"] is not None:
        parts.append(f"d.step IN ({', '.join(['%s'] * len(steps))})")
        params.extend(steps)
    if c["due_from"] is not None:
        parts.append("d.due_on >= %s")
        params.append(c["due_from"])
    if c["due_to"] is not None:
        parts.append("d.due_on <= %s")
        params.append(c["due_to"])
    if c["official_id"] is not None:
        parts.append(
            "d.case_id IN (SELECT o.case_id FROM v_trail_events o WHERE o.official_id = %s) "
            f"AND (CASE WHEN d.done_on IS NULL THEN {LAST_ACT_OFFICIAL} "
            "ELSE d.done_official_id END) = %s"
        )
        params.extend([c["official_id"], c["official_id"]])
    sql = (
        "SELECT 'duty' AS source, d.case_id, t.serial_number, d.division_code, t.category, "
        f"d.step, {FAULT_OF_STEP} AS fault, d.unit_id, d.start_on, d.due_on, d.done_on, "
        f"d.article, {day_after('d.due_on', dialect)} AS fault_on, d.origin_version AS version, "
        "d.done_version, d.done_official_id AS official_id, "
        "d.done_official_name AS official_name, '' AS detail "
        "FROM v_trail_duties d JOIN v_trail_cases t ON t.case_id = d.case_id "
        f"WHERE {' AND '.join(parts)}"
    )
    return sql, params


def _mark_branch(c: dict[str, Any]) -> tuple[str, list[Any]]:
    parts, params = _common("m", c)
    # A fault that arose after the day asked is not one yet (as a duty due later is not late).
    parts.append("m.occurred_on <= %s")
    params.append(c["today"])
    for value, clause in (
        (c["fault"], "m.fault = %s"),
        (c["official_id"], "m.official_id = %s"),
        (c["marked_from"], "m.occurred_on >= %s"),
        (c["marked_to"], "m.occurred_on <= %s"),
    ):
        if value is not None:
            parts.append(clause)
            params.append(value)
    sql = (
        "SELECT 'mark' AS source, m.case_id, t.serial_number, m.division_code, t.category, "
        "NULL AS step, m.fault, m.unit_id, NULL AS start_on, NULL AS due_on, NULL AS done_on, "
        "NULL AS article, m.occurred_on AS fault_on, m.version, NULL AS done_version, "
        "m.official_id, m.official_name, m.detail "
        "FROM v_trail_marks m JOIN v_trail_cases t ON t.case_id = m.case_id "
        f"WHERE {' AND '.join(parts)}"
    )
    return sql, params


def fault_union(dialect: Dialect, conditions: dict[str, Any]) -> tuple[str, list[Any]]:
    """The faults matching ``conditions`` (see ``trail_query._conditions``) as one select."""
    branches = [b for b in (_duty_branch(dialect, conditions), _mark_branch(conditions)) if b]
    sql = " UNION ALL ".join(b[0] for b in branches)
    params = [p for b in branches for p in b[1]]
    return sql, params
