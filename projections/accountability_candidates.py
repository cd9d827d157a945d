"""追究责任建议 candidates (Art.40): the accountability rule of ``projections.recommendation_rules``.

A unit urged at least ``urges`` times on one case (every urge up to the period's end: repeated
urging of one case is one aggravating fact however long it took, Art.38) whose duty on that
case is missed on ``today`` (done late, or still undone past its day); and a unit whose refusal
a review or recheck overturned in the period (an Art.42 mark of the trail). Both are keyed by
case and unit, so one finding per case and unit is offered, citing the urges and the marks.
The recipient is the body with management authority over the unit (its superior in the
directory); the bureau may issue it only once it states the serious consequences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domain.faults import FaultKind, fault_of_late
from domain.recommendations import RecommendationKind
from domain.units import UnitRecord
from projections.db import Cursor
from projections.ledger_query import STEP_LABELS
from projections.recommendation_rules import (
    ART40,
    MISSED,
    Area,
    Candidate,
    candidate,
    chunks,
    cited_event,
)


def accountability(cur: Cursor, area: Area) -> list[Candidate]:
    """Units urged repeatedly on one case and still late, and refusals overturned (Art.42)."""
    p = area.period
    hidden, hidden_params = area.hidden("e.accused_unit_id")
    cur.execute(
        "SELECT e.case_id, e.target_unit_id, e.event_id, e.occurred_on FROM v_trail_events e "
        "WHERE e.event_type = 'Urged' AND e.division_code BETWEEN %s AND %s "
        f"AND e.occurred_on <= %s AND {hidden} ORDER BY e.case_id, e.version",
        [*area.range(), p.end.isoformat(), *hidden_params],
    )
    urges: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in cur.fetchall():
        unit = area.unit_in_area(row["target_unit_id"])
        if unit is not None:
            urges[(row["case_id"], unit.unit_id)].append(row)
    urged = {k: v for k, v in urges.items() if len(v) >= area.thresholds.urges}
    late = _missed_duties(cur, area, sorted({case for case, _ in urged}))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for (case_id, unit_id), rows in urged.items():
        missed = late.get((case_id, unit_id))
        if missed:
            found[(case_id, unit_id)] = {"urges": rows, "missed": missed, "marks": []}
    hidden, hidden_params = area.hidden("m.accused_unit_id")
    cur.execute(
        "SELECT m.case_id, m.version, m.unit_id, m.detail FROM v_trail_marks m "
        "WHERE m.division_code BETWEEN %s AND %s AND m.occurred_on BETWEEN %s AND %s "
        f"AND m.fault = %s AND {hidden} ORDER BY m.case_id, m.version",
        [*area.within(), FaultKind.CAUSING.value, *hidden_params],
    )
    for row in cur.fetchall():
        unit = area.unit_in_area(row["unit_id"])
        if unit is not None:
            entry = found.setdefault(
                (row["case_id"], unit.unit_id), {"urges": [], "missed": [], "marks": []}
            )
            entry["marks"].append(row)
    serials = _serials(cur, sorted({case for case, _ in found}))
    out = []
    for (case_id, unit_id), entry in sorted(found.items()):
        unit = area.directory.current(unit_id)
        managing = area.directory.superior_of(unit_id)
        if managing is None:
            continue  # nobody to address it to: the directory must say who manages the unit
        out.append(_accountability(case_id, unit, managing, serials.get(case_id, ""), entry))
    return out


def _accountability(
    case_id: str, unit: UnitRecord, managing: UnitRecord, serial: str, entry: dict[str, Any]
) -> Candidate:
    facts: list[str] = []
    faults: dict[FaultKind, int] = defaultdict(int)
    if entry["urges"]:
        days = "、".join(r["occurred_on"] for r in entry["urges"])
        facts.append(f"经督办{len(entry['urges'])}次（{days}）")
        for duty in entry["missed"]:
            label = STEP_LABELS.get(duty["step"], duty["step"])
            if duty["done_on"]:
                facts.append(f"{label}期限（{duty['due_on']}）届满后至{duty['done_on']}才办理")
            else:
                facts.append(f"{label}期限（{duty['due_on']}）届满后至今仍未办理")
            faults[fault_of_late(duty["step"])] += 1
    for mark in entry["marks"]:
        facts.append(f"{mark['detail']}（{FaultKind.CAUSING.label}）")
        faults[FaultKind.CAUSING] += 1
    grounds = (
        f"{unit.name}承办的信访事项（编号{serial}）{'，'.join(facts)}。如上述行为造成严重后果，"
        f"{ART40}，建议{managing.name}依规依纪依法追究相关人员责任。"
    )
    events = [r["event_id"] for r in entry["urges"]]
    events += [e for m in entry["marks"] for e in cited_event(case_id, m["version"])]
    return candidate(
        RecommendationKind.ACCOUNTABILITY,
        f"accountability:{case_id}:{unit.unit_id}",
        managing,
        unit,
        grounds,
        events,
        [case_id],
        dict(faults),
        {
            "serial_number": serial,
            "urges": len(entry["urges"]),
            "missed_duties": [
                {"step": d["step"], "due_on": d["due_on"], "done_on": d["done_on"]}
                for d in entry["missed"]
            ],
            "overturned": len(entry["marks"]),
        },
    )


def _missed_duties(
    cur: Cursor, area: Area, case_ids: Sequence[str]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(case, unit now answering) → the unit's duties on the case missed on ``today``."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks(case_ids):
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            "SELECT d.case_id, d.unit_id, d.step, d.due_on, d.done_on FROM v_trail_duties d "
            f"WHERE d.case_id IN ({marks}) AND {MISSED} ORDER BY d.case_id, d.due_on",
            [*chunk, area.today.isoformat()],
        )
        for row in cur.fetchall():
            if row["unit_id"] in area.directory:
                out[(row["case_id"], area.directory.current(row["unit_id"]).unit_id)].append(row)
    return out


def _serials(cur: Cursor, case_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in chunks(case_ids):
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            f"SELECT case_id, serial_number FROM v_trail_cases WHERE case_id IN ({marks})", chunk
        )
        found.update({r["case_id"]: r["serial_number"] for r in cur.fetchall()})
    return found
