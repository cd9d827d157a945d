"""How the trail reads for an inspector: Chinese labels, unit names, and each timeline entry,
duty, mark and fault as a plain dict with the events that justify it.

Where a duty stands is ``domain.deadlines``' word (``Deadline.status_on``); which fault a late
duty, an urge not made or a mark shows, with its article, item and fact, is ``domain.faults``'.
Nothing here decides a rule; it only names and cites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.calendar import CHINA
from domain.deadlines import Deadline
from domain.faults import GROUNDS, NOT_URGED, Ground, ground_of_late
from domain.labels import CATEGORY_LABELS, DUTY_STATUS_LABELS, EVENT_LABELS, STEP_LABELS
from domain.units import Directory
from projections.db import instant
from projections.trail import MARKED_ACT, READS


@dataclass
class CaseEvents:
    """One case's timeline rows (version order), looked up by version and by unit."""

    rows: list[dict[str, Any]]
    by_version: dict[int, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_version = {int(r["version"]): r for r in self.rows}

    def event_id(self, version: int | None) -> str | None:
        row = self.by_version.get(int(version)) if version is not None else None
        return row["event_id"] if row else None

    def last_act_of(self, unit_id: str) -> dict[str, Any] | None:
        """The unit's last act on the case (a read of an accusation, or an attempt to read it,
        is not an act)."""
        acts = [r for r in self.rows if r["unit_id"] == unit_id and r["event_type"] not in READS]
        return acts[-1] if acts else None

    def last_of_kind(self, kind: str, before: int) -> dict[str, Any] | None:
        found = [r for r in self.rows if r["event_type"] == kind and int(r["version"]) < before]
        return found[-1] if found else None


def unit_name(unit_id: str | None, directory: Directory) -> str | None:
    if not unit_id:
        return None
    record = directory.find(unit_id)
    return record.name if record else unit_id


def _when(micros_value: int) -> str:
    return instant(int(micros_value)).astimezone(CHINA).isoformat()


def timeline_item(e: dict[str, Any], directory: Directory) -> dict[str, Any]:
    target = e["target_unit_id"] or None
    return {
        "version": int(e["version"]),
        "event_id": e["event_id"],
        "type": e["event_type"],
        "label": EVENT_LABELS.get(e["event_type"], e["event_type"]),
        "official_id": e["official_id"],
        "official_name": e["official_name"],
        "unit_id": e["unit_id"],
        "unit_name": unit_name(e["unit_id"], directory),
        "target_unit_id": target,
        "target_unit_name": unit_name(target, directory),
        "occurred_at": _when(e["occurred_at"]),
        "occurred_on": e["occurred_on"],
        "recorded_at": _when(e["recorded_at"]),
    }


def _deadline(d: dict[str, Any]) -> Deadline:
    done = d["done_on"]
    return Deadline(
        d["step"],
        "duty",
        d["unit_id"],
        date.fromisoformat(d["start_on"]),
        date.fromisoformat(d["due_on"]),
        date.fromisoformat(done) if done else None,
        d["article"],
    )


def _standing(d: dict[str, Any], today: date) -> tuple[str, int | None, int | None]:
    """met | missed (done late) | running | overdue (undone past its last day), days left, late."""
    status = _deadline(d).status_on(today)
    if status.status == "missed":
        return ("missed" if d["done_on"] else "overdue"), None, status.days_late
    return status.status, status.days_left, None


def _responsible(d: dict[str, Any], events: CaseEvents) -> tuple[Any, Any, str | None]:
    """The official a late duty names: who discharged it, else who did the unit's last act."""
    if d["done_on"]:
        return d["done_official_id"], d["done_official_name"], events.event_id(d["done_version"])
    last = events.last_act_of(d["unit_id"])
    if last is None:
        return None, None, None
    return last["official_id"], last["official_name"], last["event_id"]


def _opened_by(version: int, events: CaseEvents) -> str | None:
    """The type of the event that opened a duty (a transfer owed again after a return has a
    fact of its own)."""
    row = events.by_version.get(int(version))
    return row["event_type"] if row else None


def _ground_fields(ground: Ground | None, prefix: str = "") -> dict[str, Any]:
    """The fault a ground names: kind, article, item (``paragraph``) and fact; the last four
    under ``prefix`` (a duty has an article of its own)."""
    fields = ground.as_dict() if ground is not None else {}
    named = {"fault": fields.get("fault"), "fault_label": fields.get("fault_label")}
    for name in ("article", "paragraph", "citation", "fact"):
        named[prefix + name] = fields.get(name)
    return named


def duty_item(
    d: dict[str, Any], events: CaseEvents, today: date, directory: Directory
) -> dict[str, Any]:
    status, days_left, days_late = _standing(d, today)
    late = status in ("missed", "overdue")
    official_id, official_name, _ = _responsible(d, events) if late else (None, None, None)
    ground = ground_of_late(d["step"], _opened_by(d["origin_version"], events)) if late else None
    return {
        "step": d["step"],
        "step_label": STEP_LABELS.get(d["step"], d["step"]),
        "unit_id": d["unit_id"],
        "unit_name": unit_name(d["unit_id"], directory),
        "start_on": d["start_on"],
        "due_on": d["due_on"],
        "done_on": d["done_on"],
        "article": d["article"],
        "status": status,
        "status_label": DUTY_STATUS_LABELS[status],
        "days_left": days_left,
        "days_late": days_late,
        **_ground_fields(ground, prefix="fault_"),
        "official_id": official_id,
        "official_name": official_name,
        "origin_event_id": events.event_id(d["origin_version"]),
        "done_event_id": events.event_id(d["done_version"]),
        "done_by_official_id": d["done_official_id"],
        "done_by_official_name": d["done_official_name"],
    }


def _mark_cited(m: dict[str, Any], events: CaseEvents) -> list[str]:
    """The marking event, and the earlier act whose doer the mark names."""
    version = int(m["version"])
    marking = events.by_version.get(version)
    cited = [marking["event_id"]] if marking else []
    act = MARKED_ACT.get(marking["event_type"]) if marking else None
    doer = events.last_of_kind(act, version) if act else None
    if doer is not None:
        cited.insert(0, doer["event_id"])
    return cited


def mark_item(m: dict[str, Any], events: CaseEvents, directory: Directory) -> dict[str, Any]:
    ground = GROUNDS[m["detail"]]
    return {
        **_ground_fields(ground),
        "ground": ground.key,
        "unit_id": m["unit_id"],
        "unit_name": unit_name(m["unit_id"], directory),
        "official_id": m["official_id"],
        "official_name": m["official_name"],
        "occurred_on": m["occurred_on"],
        "detail": ground.fact,
        "event_id": events.event_id(m["version"]),
        "event_ids": _mark_cited(m, events),
    }


def fault_item(
    row: dict[str, Any],
    events: CaseEvents,
    today: date,
    directory: Directory,
    urge_grace: int,
) -> dict[str, Any]:
    """One row of the search over faults (a late duty, an urge not made, or a mark), naming
    its article, item and fact, and citing its events."""
    item: dict[str, Any] = {
        "source": row["source"],
        "case_id": row["case_id"],
        "serial_number": row["serial_number"],
        "division_code": row["division_code"],
        "category": row["category"],
        "category_label": CATEGORY_LABELS.get(row["category"], row["category"]),
        "fault_on": row["fault_on"],
        "unit_id": row["unit_id"],
        "unit_name": unit_name(row["unit_id"], directory),
    }
    if row["source"] == "mark":
        ground = GROUNDS[row["ground"]]
        item.update(
            _ground_fields(ground),
            ground=ground.key,
            step=None,
            step_label=None,
            start_on=None,
            due_on=None,
            done_on=None,
            days_late=None,
            duty_article=None,
            late_unit_id=None,
            late_unit_name=None,
            status="marked",
            status_label=DUTY_STATUS_LABELS["marked"],
            official_id=row["official_id"],
            official_name=row["official_name"],
            detail=ground.fact,
            event_ids=_mark_cited(row, events),
        )
        return item
    status, _, days_late = _standing(row, today)
    step_label = STEP_LABELS.get(row["step"], row["step"])
    how = ("逾期{n}日办理" if status == "missed" else "超期{n}日未办").format(n=days_late)
    late = f"{step_label}期限至{row['due_on']}，{how}"
    if row["source"] == "urge":
        ground = NOT_URGED
        late_unit = row["late_unit_id"]
        last = events.last_act_of(row["unit_id"])
        official_id, official_name = (
            (last["official_id"], last["official_name"]) if last else (None, None)
        )
        named_by = last["event_id"] if last else None
        detail = (
            f"{unit_name(late_unit, directory)}{late}，逾期超过{urge_grace}日，此间未见信访部门督办"
        )
        status, status_label = "not_urged", DUTY_STATUS_LABELS["not_urged"]
        cited = [events.event_id(row["version"]), events.event_id(row["done_version"]), named_by]
    else:
        ground = ground_of_late(row["step"], _opened_by(row["version"], events))
        late_unit = None
        duty = dict(
            row, done_official_id=row["official_id"], done_official_name=row["official_name"]
        )
        official_id, official_name, named_by = _responsible(duty, events)
        detail = late
        status_label = DUTY_STATUS_LABELS[status]
        cited = [events.event_id(row["version"]), named_by]
    item.update(
        _ground_fields(ground),
        ground=ground.key,
        step=row["step"],
        step_label=step_label,
        start_on=row["start_on"],
        due_on=row["due_on"],
        done_on=row["done_on"],
        days_late=days_late,
        duty_article=row["article"],
        late_unit_id=late_unit,
        late_unit_name=unit_name(late_unit, directory),
        status=status,
        status_label=status_label,
        official_id=official_id,
        official_name=official_name,
        detail=detail,
        event_ids=list(dict.fromkeys(c for c in cited if c)),
    )
    return item
