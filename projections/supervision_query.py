"""The supervision roll-up of an area (五级书记抓信访), now from counters, as of T from versions.

Both paths produce the same document: cases by stage, running and missed duties by step, the
backlog (积案: open cases with an undone duty past its day, or petitioned again), leader-owned
cases and their progress, the 三项建议 about the area with the answers overdue (Art.40, 45), and
the areas one tier down ranked. "Now" reads the counters kept per area prefix; "as of T" reads
the versions valid at T (recorded at or before T) and judges the duties on T's China date, so it
equals what the dashboard showed at T.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.access import ReadScope
from domain.calendar import china_date
from domain.labels import STAGE_LABELS, STEP_LABELS
from domain.units import Directory, Tier, UnitKind
from projections import supervision_snapshots as snapshots
from projections.db import Cursor, ViewDatabase, micros
from projections.ledger_query import (
    DUTY_STEPS,
    PREFIX_LENGTHS,
    check_prefix,
    code_range,
    hidden_clause,
)
from projections.recommendations import rollup_section as recommendations_section

# The tier an area prefix names (2 digits a province … 12 a village), in words.
TIER_BY_PREFIX_LENGTH = {tier.prefix_length: tier.label for tier in Tier}
_COUNTERS = ("v_sup_stage_n", "v_sup_due_n", "v_sup_backlog_n")
LEADER_CASES_SHOWN = 100


@dataclass
class _Area:
    """Raw figures of one area before presentation."""

    stages: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    registrations: int = 0
    repeats: int = 0
    missed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    running: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    backlog: int = 0


Areas = dict[str, _Area]


def _child_length(prefix: str) -> int | None:
    index = PREFIX_LENGTHS.index(len(prefix))
    return PREFIX_LENGTHS[index + 1] if index + 1 < len(PREFIX_LENGTHS) else None


def rollup(
    db: ViewDatabase,
    scope: ReadScope,
    prefix: str,
    directory: Directory,
    *,
    today: date | None = None,
    as_of: datetime | None = None,
    method: str = "checkpoint",
) -> dict[str, Any]:
    """The roll-up of area ``prefix``: now (judged on ``today``) or as of the instant ``as_of``.

    As of T, ``method="checkpoint"`` starts from the monthly checkpoint of the counters nearest
    to T and counts what changed between (at most half a month of changes, for areas down to
    townships); ``"scan"`` counts the versions valid at T directly (villages, or when there is
    no checkpoint yet). Both give the same figures."""
    prefix = check_prefix(prefix)
    scope.check_covers(prefix)
    area = _AreaQuery(scope, prefix, _child_length(prefix))
    with db.reading() as cur:
        if as_of is None:
            assert today is not None, "a current roll-up is judged on a given day"
            day = today
            if len(prefix) < snapshots.MAX_LEVEL:
                areas = area.counters(cur, day)
            else:  # a township's villages, or a village: small, counted from the versions
                areas = area.versions(cur, day, CURRENT, [])
        else:
            day = china_date(as_of)
            at = micros(as_of)
            snap = None
            if method == "checkpoint" and len(prefix) < snapshots.MAX_LEVEL:
                snap = snapshots.nearest(cur, at)
            if snap is None:
                areas = area.versions(cur, day, VALID_AT, [at, at])
            else:
                # From C to T: add what began and take away what ended between them (the other
                # way round when C is after T).
                areas = area.counters(cur, day, snap)
                lo, hi = min(snap, at), max(snap, at)
                sign = 1 if snap <= at else -1
                _merge(areas, area.versions(cur, day, BEGUN_BETWEEN, [lo, hi, hi]), sign)
                _merge(areas, area.versions(cur, day, ENDED_BETWEEN, [lo, lo, hi]), -sign)
        leaders = _leader_cases(cur, scope, prefix, day, as_of)
        recommendations = recommendations_section(cur, scope, prefix, day, as_of, directory)
    total = areas.pop(prefix, _Area())
    names = area_names(directory)
    return {
        "division": prefix,
        "tier": TIER_BY_PREFIX_LENGTH[len(prefix)],
        "name": names.get(prefix),
        "as_of": as_of.isoformat() if as_of is not None else None,
        "today": day.isoformat(),
        **_figures(total),
        "leader_owned": leaders,
        "recommendations": recommendations,
        "areas": _ranked({k: v for k, v in areas.items() if v.registrations}, names),
    }


# Which versions: current; valid at T; begun in (C, T] and valid at T; valid at C and ended
# in (C, T].
CURRENT = "{a}.valid_to IS NULL"
VALID_AT = "{a}.valid_from <= %s AND ({a}.valid_to IS NULL OR {a}.valid_to > %s)"
BEGUN_BETWEEN = (
    "{a}.valid_from > %s AND {a}.valid_from <= %s AND ({a}.valid_to IS NULL OR {a}.valid_to > %s)"
)
ENDED_BETWEEN = "{a}.valid_from <= %s AND {a}.valid_to > %s AND {a}.valid_to <= %s"


def _merge(into: Areas, other: Areas, sign: int) -> None:
    for key, area in other.items():
        target = into.setdefault(key, _Area())
        for stage, n in area.stages.items():
            target.stages[stage] += sign * n
        target.registrations += sign * area.registrations
        target.repeats += sign * area.repeats
        target.backlog += sign * area.backlog
        for step, n in area.missed.items():
            target.missed[step] += sign * n
        for step, n in area.running.items():
            target.running[step] += sign * n


@dataclass(frozen=True)
class _AreaQuery:
    """The figures of an area and of its areas one tier down, from counters or versions."""

    scope: ReadScope
    prefix: str
    child: int | None

    def counters(self, cur: Cursor, day: date, snap: int | None = None) -> Areas:
        """The counters kept per prefix (now, or at checkpoint ``snap``), duties judged on
        ``day``."""
        tables = {t: (snapshots.SNAPSHOT_OF[t] if snap is not None else t) for t in _COUNTERS}
        where = "" if snap is None else f"snap = {int(snap)} AND "
        where += "((lvl = %s AND prefix = %s)"
        params: list[Any] = [len(self.prefix), self.prefix]
        if self.child is not None:
            where += " OR (lvl = %s AND prefix BETWEEN %s AND %s)"
            c = self.child
            params.extend([c, self.prefix.ljust(c, "0"), self.prefix.ljust(c, "9")])
        hidden, hidden_params = hidden_clause(self.scope, "accused")
        where = f"{where}) AND {hidden}"
        params.extend(hidden_params)
        areas: Areas = defaultdict(_Area)
        cur.execute(
            f"SELECT prefix, stage, is_repeat, SUM(n) AS n FROM {tables['v_sup_stage_n']} "
            f"WHERE {where} "
            "GROUP BY prefix, stage, is_repeat",
            params,
        )
        for row in cur.fetchall():
            area = areas[row["prefix"]]
            area.stages[row["stage"]] += int(row["n"])
            area.registrations += int(row["n"])
            area.repeats += int(row["n"]) if row["is_repeat"] else 0
        iso = day.isoformat()
        cur.execute(
            "SELECT prefix, step, SUM(CASE WHEN due_on < %s THEN n ELSE 0 END) AS missed, "
            "SUM(CASE WHEN due_on >= %s THEN n ELSE 0 END) AS running "
            f"FROM {tables['v_sup_due_n']} WHERE {where} GROUP BY prefix, step",
            [iso, iso, *params],
        )
        for row in cur.fetchall():
            areas[row["prefix"]].missed[row["step"]] += int(row["missed"])
            areas[row["prefix"]].running[row["step"]] += int(row["running"])
        cur.execute(
            f"SELECT prefix, SUM(n) AS n FROM {tables['v_sup_backlog_n']} WHERE {where} "
            "AND (has_repeats = 1 OR (min_due <> '' AND min_due < %s)) GROUP BY prefix",
            [*params, iso],
        )
        for row in cur.fetchall():
            areas[row["prefix"]].backlog += int(row["n"])
        return areas

    def versions(self, cur: Cursor, day: date, which: str, at: list[int]) -> Areas:
        """The same figures counted over the versions (and duties) selected by ``which``."""
        lo, hi = code_range(self.prefix)
        length = self.child or len(self.prefix)
        iso = day.isoformat()
        hidden, hidden_params = hidden_clause(self.scope, "v.accused_unit_id")
        chosen = which.format(a="v")
        areas: Areas = defaultdict(_Area)
        cur.execute(
            f"SELECT substr(v.division_code, 1, {length}) AS area, v.stage, v.is_repeat, "
            "CASE WHEN v.is_open = 1 AND (v.has_repeats = 1 OR "
            "(v.min_due IS NOT NULL AND v.min_due < %s)) THEN 1 ELSE 0 END AS backlog, "
            "count(*) AS n FROM v_sup_versions v "
            f"WHERE v.division_code BETWEEN %s AND %s AND {chosen} AND {hidden} "
            "GROUP BY 1, 2, 3, 4",
            [iso, lo, hi, *at, *hidden_params],
        )
        for row in cur.fetchall():
            n = int(row["n"])
            for key in self._keys(row["area"]):
                area = areas[key]
                area.stages[row["stage"]] += n
                area.registrations += n
                area.repeats += n if row["is_repeat"] else 0
                area.backlog += n if row["backlog"] else 0
        cur.execute(
            f"SELECT substr(v.division_code, 1, {length}) AS area, v.step, "
            "SUM(CASE WHEN v.due_on < %s THEN 1 ELSE 0 END) AS missed, "
            "SUM(CASE WHEN v.due_on >= %s THEN 1 ELSE 0 END) AS running FROM v_sup_duties v "
            f"WHERE v.division_code BETWEEN %s AND %s AND {chosen} AND {hidden} "
            "GROUP BY 1, 2",
            [iso, iso, lo, hi, *at, *hidden_params],
        )
        for row in cur.fetchall():
            for key in self._keys(row["area"]):
                areas[key].missed[row["step"]] += int(row["missed"])
                areas[key].running[row["step"]] += int(row["running"])
        return areas

    def _keys(self, area: str) -> tuple[str, ...]:
        return (self.prefix, area) if self.child is not None else (self.prefix,)


# ------------------------------------------------------------ leader-owned cases
def _leader_cases(
    cur: Cursor, scope: ReadScope, prefix: str, day: date, as_of: datetime | None
) -> dict[str, Any]:
    lo, hi = code_range(prefix)
    hidden, hidden_params = hidden_clause(scope, "v.accused_unit_id")
    if as_of is None:
        valid, valid_params = "v.valid_to IS NULL", []
    else:
        at = micros(as_of)
        valid, valid_params = VALID_AT.format(a="v"), [at, at]
    where = f"v.leader_owned = 1 AND v.division_code BETWEEN %s AND %s AND {valid} AND {hidden}"
    params = [lo, hi, *valid_params, *hidden_params]
    # Counted in the database, listed up to LEADER_CASES_SHOWN: a province has tens of
    # thousands of leader-owned cases, and the dashboard shows the first hundred.
    cur.execute(
        "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN v.is_open = 1 THEN 0 ELSE 1 END), 0) "
        f"AS resolved FROM v_sup_versions v WHERE {where}",
        params,
    )
    counted = cur.fetchone() or {"total": 0, "resolved": 0}
    total, resolved = int(counted["total"]), int(counted["resolved"])
    # The first hundred are chosen on the index's columns alone, then read in full.
    order = "v.is_open DESC, v.registered_on, v.case_id"
    cur.execute(
        "SELECT v.case_id, v.serial_number, v.leaders, v.stage, v.is_open, v.min_due, "
        "v.registered_on, v.concluded_on, v.division_code, v.category FROM v_sup_versions v JOIN "
        f"(SELECT v.case_id, v.from_version FROM v_sup_versions v WHERE {where} "
        f"ORDER BY {order} LIMIT %s) top "
        "ON top.case_id = v.case_id AND top.from_version = v.from_version "
        f"ORDER BY {order}",
        [*params, LEADER_CASES_SHOWN],
    )
    rows = cur.fetchall()
    cases = []
    for row in rows:
        registered = date.fromisoformat(row["registered_on"])
        ended = date.fromisoformat(row["concluded_on"]) if row["concluded_on"] else day
        overdue = bool(row["is_open"]) and bool(row["min_due"]) and row["min_due"] < day.isoformat()
        cases.append(
            {
                "case_id": row["case_id"],
                "serial_number": row["serial_number"],
                "division_code": row["division_code"],
                "category": row["category"],
                "leaders": row["leaders"],
                "stage": row["stage"],
                "stage_label": STAGE_LABELS.get(row["stage"], row["stage"]),
                "open": bool(row["is_open"]),
                "overdue": overdue,
                "registered_on": row["registered_on"],
                "concluded_on": row["concluded_on"],
                "days_open": (ended - registered).days,
            }
        )
    return {
        "total": total,
        "open": total - resolved,
        "resolved": resolved,
        "resolution_rate": _rate(resolved, total),
        "cases": cases,
    }


# ------------------------------------------------------------------ presentation
def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _figures(area: _Area) -> dict[str, Any]:
    open_cases = area.registrations - area.stages.get("concluded", 0)
    return {
        "registrations": area.registrations,
        "open": open_cases,
        "stages": [
            {"stage": s, "label": label, "count": area.stages.get(s, 0)}
            for s, label in STAGE_LABELS.items()
        ],
        "deadlines": [
            {
                "step": step,
                "label": STEP_LABELS[step],
                "running": area.running.get(step, 0),
                "missed": area.missed.get(step, 0),
            }
            for step in DUTY_STEPS
        ],
        "running_total": sum(area.running.values()),
        "missed_total": sum(area.missed.values()),
        "backlog": area.backlog,
        "repeats": area.repeats,
        "repeat_rate": _rate(area.repeats, area.registrations),
    }


def _ranked(areas: dict[str, _Area], names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for prefix, area in areas.items():
        figures = _figures(area)
        rows.append(
            {
                "division": prefix,
                "name": names.get(prefix),
                "registrations": figures["registrations"],
                "open": figures["open"],
                "missed": figures["missed_total"],
                "running": figures["running_total"],
                "backlog": figures["backlog"],
                "repeats": figures["repeats"],
                "repeat_rate": figures["repeat_rate"],
            }
        )
    # Worst first: most missed deadlines, then the biggest backlog, then the most repeats.
    rows.sort(key=lambda r: (-r["missed"], -r["backlog"], -(r["repeat_rate"] or 0), r["division"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


_NAME_PREFERENCE = (
    UnitKind.PARTY_COMMITTEE,
    UnitKind.GOVERNMENT,
    UnitKind.PETITION_BUREAU,
    UnitKind.VILLAGE_COMMITTEE,
)


def area_names(directory: Directory) -> dict[str, str]:
    """Area prefix → its name as the directory knows it (its committee, government or bureau)."""
    best: dict[str, tuple[int, str]] = {}
    for unit in directory:
        if unit.kind not in _NAME_PREFERENCE:
            continue
        rank = _NAME_PREFERENCE.index(unit.kind)
        known = best.get(unit.jurisdiction)
        if known is None or rank < known[0]:
            best[unit.jurisdiction] = (rank, unit.name)
    return {prefix: name for prefix, (_, name) in best.items()}
