"""The SQL of the search over faults: late duties, urges not made, and marks, one ``UNION ALL``
both dialects run.

A duty is a fault on ``today`` when its last day is past and it was done after it, or not at
all (``domain.deadlines``: the start day not counted, a duty done on its last day is on time).
Its kind is the one ``domain.faults.DUTY_GROUNDS`` names for its step; a mark carries its own.

A bureau that does not urge is at fault too (Art.43): a handling unit's duty (``URGED_STEPS``)
late for more than ``urge_grace`` days, on a case the bureau sent to it (the last transfer,
assignment or routing up to the duty), with no urge of that unit recorded since the duty became
late (up to the day it was done, or ``today``). It arises the day after the grace runs out.

The branches give the same columns, so one ``ORDER BY … LIMIT`` pages across them, and each
branch's filters match the indexes of ``projections.trail_tables`` (area or unit with the last
day; the marks' area or unit with their day; officials through the events).
"""

from __future__ import annotations

import re
from typing import Any

from domain.faults import DUTY_GROUNDS, NOT_URGED, URGED_STEPS
from projections.db import Dialect
from projections.trail import READS

_SAFE = re.compile(r"^[a-zA-Z0-9_]+$")
# Internal constants only (steps, fault kinds, event types), checked, so they may stand as
# literals.
assert all(_SAFE.match(s) and _SAFE.match(g.kind.value) for s, g in DUTY_GROUNDS.items())
assert all(_SAFE.match(r) for r in (*READS, *URGED_STEPS))

FAULT_OF_STEP = (
    "CASE d.step "
    + " ".join(f"WHEN '{step}' THEN '{g.kind.value}'" for step, g in DUTY_GROUNDS.items())
    + " END"
)
_READS = ", ".join(f"'{r}'" for r in READS)
_URGED = ", ".join(f"'{s}'" for s in URGED_STEPS)
# The acts that send a case to a unit, all a bureau's (Art.22): the last one before a duty
# names the bureau that must urge it.
_SENDING = "'Transferred', 'Assigned', 'Routed'"


def last_act_official(case: str, unit: str) -> str:
    """The official behind the unit's last act on the case (a read of an accusation, allowed
    or refused, is not an act)."""
    return (
        f"(SELECT e.official_id FROM v_trail_events e WHERE e.case_id = {case} "
        f"AND e.unit_id = {unit} AND e.event_type NOT IN ({_READS}) "
        "ORDER BY e.version DESC LIMIT 1)"
    )


# The official an undone duty names: the one behind its unit's last act on the case.
LAST_ACT_OFFICIAL = last_act_official("d.case_id", "d.unit_id")

# The bureau that sent the case to the unit owing the duty.
SENDING_BUREAU = (
    "(SELECT b.unit_id FROM v_trail_events b WHERE b.case_id = d.case_id "
    f"AND b.event_type IN ({_SENDING}) AND b.version <= d.origin_version "
    "ORDER BY b.version DESC LIMIT 1)"
)


def day_after(column: str, dialect: Dialect, days: int = 1) -> str:
    """The ISO day ``days`` after an ISO-day column (by default: the day a duty becomes late)."""
    n = int(days)
    if dialect == "postgres":
        return f"to_char(CAST({column} AS date) + {n}, 'YYYY-MM-DD')"
    return f"date({column}, '+{n} day')"


def _common(alias: str, c: dict[str, Any], unit: bool = True) -> tuple[list[str], list[Any]]:
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
    if unit and c["unit_id"] is not None:
        parts.append(f"{alias}.unit_id = %s")
        params.append(c["unit_id"])
    return parts, params


def _duty_branch(dialect: Dialect, c: dict[str, Any]) -> tuple[str, list[Any]] | None:
    steps = [s for s, g in DUTY_GROUNDS.items() if c["fault"] in (None, g.kind.value)]
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
        "d.done_official_name AS official_name, NULL AS ground, NULL AS late_unit_id "
        "FROM v_trail_duties d JOIN v_trail_cases t ON t.case_id = d.case_id "
        f"WHERE {' AND '.join(parts)}"
    )
    return sql, params


def _urge_branch(dialect: Dialect, c: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """Late duties of handling units their bureau did not urge (Art.43)."""
    if c["fault"] not in (None, NOT_URGED.kind.value):
        return None
    grace = int(c["urge_grace"])
    parts, params = _common("d", c, unit=False)
    parts.append(f"d.step IN ({_URGED})")
    # Late more than ``grace`` days on ``today``: undone, or done after the grace ran out.
    grace_over = day_after("d.due_on", dialect, grace)
    parts.append(f"d.due_on < %s AND (d.done_on IS NULL OR d.done_on > {grace_over})")
    params.append(c["urge_late_before"])
    parts.append(
        "NOT EXISTS (SELECT 1 FROM v_trail_events g WHERE g.case_id = d.case_id "
        "AND g.event_type = 'Urged' AND g.target_unit_id = d.unit_id "
        "AND g.occurred_on > d.due_on AND g.occurred_on <= %s "
        "AND (d.done_on IS NULL OR g.occurred_on <= d.done_on))"
    )
    params.append(c["today"])
    if c["urge_due_from"] is not None:
        parts.append("d.due_on >= %s")
        params.append(c["urge_due_from"])
    if c["urge_due_to"] is not None:
        parts.append("d.due_on <= %s")
        params.append(c["urge_due_to"])
    inner = (
        "SELECT d.case_id, t.serial_number, d.division_code, t.category, d.step, d.unit_id, "
        "d.start_on, d.due_on, d.done_on, d.article, d.origin_version, d.done_version, "
        f"{day_after('d.due_on', dialect, grace + 1)} AS fault_on, {SENDING_BUREAU} AS bureau_id "
        "FROM v_trail_duties d JOIN v_trail_cases t ON t.case_id = d.case_id "
        f"WHERE {' AND '.join(parts)}"
    )
    outer = ["u.bureau_id IS NOT NULL"]
    if c["unit_id"] is not None:
        outer.append("u.bureau_id = %s")
        params.append(c["unit_id"])
    if c["official_id"] is not None:
        outer.append(f"{last_act_official('u.case_id', 'u.bureau_id')} = %s")
        params.append(c["official_id"])
    sql = (
        "SELECT 'urge' AS source, u.case_id, u.serial_number, u.division_code, u.category, "
        f"u.step, '{NOT_URGED.kind.value}' AS fault, u.bureau_id AS unit_id, u.start_on, "
        "u.due_on, u.done_on, u.article, u.fault_on, u.origin_version AS version, "
        "u.done_version, NULL AS official_id, NULL AS official_name, "
        f"'{NOT_URGED.key}' AS ground, u.unit_id AS late_unit_id "
        f"FROM ({inner}) u WHERE {' AND '.join(outer)}"
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
        "m.official_id, m.official_name, m.detail AS ground, NULL AS late_unit_id "
        "FROM v_trail_marks m JOIN v_trail_cases t ON t.case_id = m.case_id "
        f"WHERE {' AND '.join(parts)}"
    )
    return sql, params


def fault_union(dialect: Dialect, conditions: dict[str, Any]) -> tuple[str, list[Any]]:
    """The faults matching ``conditions`` (see ``trail_query.fault_conditions``) as one select."""
    branches = [
        b
        for b in (
            _duty_branch(dialect, conditions),
            _urge_branch(dialect, conditions),
            _mark_branch(conditions),
        )
        if b
    ]
    sql = " UNION ALL ".join(b[0] for b in branches)
    params = [p for b in branches for p in b[1]]
    return sql, params
