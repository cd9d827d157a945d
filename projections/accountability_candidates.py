"""追究责任建议 candidates (Art.40): the accountability rule of ``projections.recommendation_rules``.

Art.40 addresses them to 推诿、敷衍、拖延、弄虚作假 with serious consequences, by the units and
their staff (工作人员). From the trail, per case and unit:

- a unit urged at least ``urges`` times on one case (every urge up to the period's end:
  repeated urging of one case is one aggravating fact however long it took, Art.38) whose duty
  on that case is missed on ``today`` (done late, or still undone past its day);
- a unit whose opinion a review or recheck overturned in the period: it did not support a
  request found clear and lawful (Art.45(2), a mark of the trail);
- a bureau that let a handling unit's late duty run past the grace without urging it, the
  fault arising in the period (Art.43, 应当履行督办职责而未履行).

Art.46 marks (an accused unit's official trying to read the accusation) are not offered: they
are no 推诿、敷衍、拖延 or 弄虚作假, and the discipline inspection that reads the trail acts on
them itself.

Each finding cites its events and names the officials the trail names (who discharged a late
duty, or did the unit's last act on the case; the official whose opinion was overturned). The
recipient is the body with management authority over the unit (``Directory.
management_authority_of``); the bureau may issue it only once it states the serious
consequences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domain.faults import MARK_GROUNDS, NOT_URGED, FaultKind, Ground, ground_of_late
from domain.labels import STEP_LABELS
from domain.recommendations import RecommendationKind
from domain.units import UnitRecord
from projections.db import Cursor
from projections.recommendation_rules import (
    ART40,
    MISSED,
    Area,
    Candidate,
    candidate,
    chunks,
    cited_event,
)
from projections.trail import READS
from projections.trail_query import FaultFilter, fault_conditions
from projections.trail_sql import fault_union

# The marks that make an accountability finding: opinions overturned (Art.45(2)).
OVERTURNED = tuple(k for k, g in MARK_GROUNDS.items() if g.kind is FaultKind.HANDLING)

Entry = dict[str, Any]


def _entry() -> Entry:
    return {"urges": [], "missed": [], "marks": [], "not_urged": []}


def accountability(cur: Cursor, area: Area) -> list[Candidate]:
    """Units urged repeatedly on one case and still late, opinions overturned (Art.45(2)), and
    bureaus that did not urge (Art.43)."""
    found: dict[tuple[str, str], Entry] = {}
    _urged_and_late(cur, area, found)
    _overturned(cur, area, found)
    _not_urged(cur, area, found)
    serials = _serials(cur, sorted({case for case, _ in found}))
    actors = _last_actors(cur, sorted({case for case, _ in found}))
    out = []
    for (case_id, unit_id), entry in sorted(found.items()):
        unit = area.directory.current(unit_id)
        managing = area.directory.management_authority_of(unit_id)
        if managing is None:
            continue  # nobody to address it to: the directory must say who manages the unit
        named = _named(case_id, unit, entry, actors, area)
        out.append(_accountability(case_id, unit, managing, serials.get(case_id, ""), entry, named))
    return out


def _urged_and_late(cur: Cursor, area: Area, found: dict[tuple[str, str], Entry]) -> None:
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
    for (case_id, unit_id), rows in urged.items():
        missed = late.get((case_id, unit_id))
        if missed:
            entry = found.setdefault((case_id, unit_id), _entry())
            entry["urges"], entry["missed"] = rows, missed


def _overturned(cur: Cursor, area: Area, found: dict[tuple[str, str], Entry]) -> None:
    hidden, hidden_params = area.hidden("m.accused_unit_id")
    keys = ", ".join(["%s"] * len(OVERTURNED))
    cur.execute(
        "SELECT m.case_id, m.version, m.unit_id, m.detail, m.official_id, m.official_name "
        "FROM v_trail_marks m WHERE m.division_code BETWEEN %s AND %s "
        f"AND m.occurred_on BETWEEN %s AND %s AND m.detail IN ({keys}) AND {hidden} "
        "ORDER BY m.case_id, m.version",
        [*area.within(), *OVERTURNED, *hidden_params],
    )
    for row in cur.fetchall():
        unit = area.unit_in_area(row["unit_id"])
        if unit is not None:
            found.setdefault((row["case_id"], unit.unit_id), _entry())["marks"].append(row)


def _not_urged(cur: Cursor, area: Area, found: dict[tuple[str, str], Entry]) -> None:
    """Urges not made (Art.43) that arose in the period, as the trail's search finds them."""
    p = area.period
    f = FaultFilter(fault=NOT_URGED.kind.value, period_from=p.start, period_to=p.end)
    conditions = fault_conditions(
        area.scope, f, area.prefix, area.today, area.rules.urge_grace_days
    )
    union, params = fault_union(cur.dialect, conditions)
    cur.execute(
        f"SELECT * FROM ({union}) u WHERE u.source = 'urge' ORDER BY u.case_id, u.fault_on",
        params,
    )
    for row in cur.fetchall():
        unit = area.unit_in_area(row["unit_id"])
        if unit is not None:
            found.setdefault((row["case_id"], unit.unit_id), _entry())["not_urged"].append(row)


def _named(
    case_id: str,
    unit: UnitRecord,
    entry: Entry,
    actors: dict[tuple[str, str], dict[str, str]],
    area: Area,
) -> list[dict[str, str]]:
    """The officials the trail names for the finding (工作人员, Art.40): who discharged a late
    duty or did the unit's last act on the case, whose opinion was overturned, who acted last
    for the bureau that did not urge."""
    named: dict[str, dict[str, str]] = {}

    def name(official_id: Any, official_name: Any, unit_id: str) -> None:
        if official_id and official_id not in named:
            named[str(official_id)] = {
                "official_id": str(official_id),
                "name": str(official_name or ""),
                "unit_id": area.directory.current(unit_id).unit_id,
            }

    for duty in entry["missed"]:
        if duty["done_on"]:
            name(duty["done_official_id"], duty["done_official_name"], duty["unit_id"])
        else:
            last = actors.get((case_id, duty["unit_id"]))
            if last:
                name(last["official_id"], last["official_name"], duty["unit_id"])
    for mark in entry["marks"]:
        name(mark["official_id"], mark["official_name"], mark["unit_id"])
    if entry["not_urged"]:
        last = actors.get((case_id, unit.unit_id))
        if last:
            name(last["official_id"], last["official_name"], unit.unit_id)
    return list(named.values())


def _accountability(
    case_id: str,
    unit: UnitRecord,
    managing: UnitRecord,
    serial: str,
    entry: Entry,
    named: list[dict[str, str]],
) -> Candidate:
    facts: list[str] = []
    faults: dict[Ground, int] = defaultdict(int)
    if entry["urges"]:
        days = "、".join(r["occurred_on"] for r in entry["urges"])
        facts.append(f"经督办{len(entry['urges'])}次（{days}）")
        for duty in entry["missed"]:
            label = STEP_LABELS.get(duty["step"], duty["step"])
            if duty["done_on"]:
                facts.append(f"{label}期限（{duty['due_on']}）届满后至{duty['done_on']}才办理")
            else:
                facts.append(f"{label}期限（{duty['due_on']}）届满后至今仍未办理")
            faults[ground_of_late(duty["step"])] += 1
    for mark in entry["marks"]:
        ground = MARK_GROUNDS[mark["detail"]]
        facts.append(f"{ground.fact}（{ground.citation}）")
        faults[ground] += 1
    for row in entry["not_urged"]:
        label = STEP_LABELS.get(row["step"], row["step"])
        facts.append(
            f"承办单位{label}期限（{row['due_on']}）届满逾期后未予督办（{NOT_URGED.citation}）"
        )
        faults[NOT_URGED] += 1
    who = "、".join(n["name"] for n in named if n["name"])
    persons = f"及{who}等工作人员" if who else "相关人员"
    grounds = (
        f"{unit.name}涉及的信访事项（编号{serial}）{'，'.join(facts)}。如上述行为造成严重后果，"
        f"{ART40}，建议{managing.name}依规依纪依法追究{unit.name}{persons}的责任。"
    )
    events = [r["event_id"] for r in entry["urges"]]
    events += [e for m in entry["marks"] for e in cited_event(case_id, m["version"])]
    for row in entry["not_urged"]:
        events += cited_event(case_id, row["version"])
    found = candidate(
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
            "not_urged": [
                {
                    "step": r["step"],
                    "unit_id": r["late_unit_id"],
                    "due_on": r["due_on"],
                    "fault_on": r["fault_on"],
                }
                for r in entry["not_urged"]
            ],
        },
    )
    found["named_officials"] = named
    return found


def _missed_duties(
    cur: Cursor, area: Area, case_ids: Sequence[str]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(case, unit now answering) → the unit's duties on the case missed on ``today``."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks(case_ids):
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            "SELECT d.case_id, d.unit_id, d.step, d.due_on, d.done_on, d.done_official_id, "
            f"d.done_official_name FROM v_trail_duties d WHERE d.case_id IN ({marks}) "
            f"AND {MISSED} ORDER BY d.case_id, d.due_on",
            [*chunk, area.today.isoformat()],
        )
        for row in cur.fetchall():
            if row["unit_id"] in area.directory:
                out[(row["case_id"], area.directory.current(row["unit_id"]).unit_id)].append(row)
    return out


def _last_actors(cur: Cursor, case_ids: Sequence[str]) -> dict[tuple[str, str], dict[str, str]]:
    """(case, unit) → the official of the unit's last act on the case (reads are no acts)."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    reads = ", ".join(["%s"] * len(READS))
    for chunk in chunks(case_ids):
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            "SELECT case_id, unit_id, official_id, official_name FROM v_trail_events "
            f"WHERE case_id IN ({marks}) AND event_type NOT IN ({reads}) "
            "ORDER BY case_id, version",
            [*chunk, *READS],
        )
        for row in cur.fetchall():
            found[(row["case_id"], row["unit_id"])] = row
    return found


def _serials(cur: Cursor, case_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in chunks(case_ids):
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(
            f"SELECT case_id, serial_number FROM v_trail_cases WHERE case_id IN ({marks})", chunk
        )
        found.update({r["case_id"]: r["serial_number"] for r in cur.fetchall()})
    return found
