"""The rules that turn the accountability trail into 三项建议 candidates (Art.40).

Each rule reads the trail's tables (``projections.trail``) over one area and period and returns
candidates: the kind, the recipient Art.40 names, the grounds in Chinese, the cited events and
cases, and a ``candidate_key`` that names the finding, so that the recommendation issued for it
is recognised (``domain.recommendations.recommendation_key_id``) and the candidate drops out.

- 改进工作建议 (improve work): a unit with at least ``work_faults`` duties that fell due in the
  period and were missed (done late, or undone and past due today). An objection is a right
  (Art.23), refused or not, and never counts. To the unit itself.
- 完善政策建议 (improve policy): at least ``policy_cases`` new matters (repeats and accusations
  left out) of one kind registered in the period across at least ``policy_areas`` areas one tier
  below the area. To the Party committee and government of the issuing bureau's own tier
  (Art.40: 本级党委和政府; the caller's bureau, else the area's own seat).
- 追究责任建议 (accountability): a unit urged at least ``urges`` times on one case and still
  late, a unit whose opinion a review or recheck overturned (Art.45(2)), or a bureau that did
  not urge a late unit (Art.43) (``projections.accountability_candidates``). To the body with
  management authority over the unit, naming the officials the trail names. Issuable once
  serious consequences are stated.

Cases registered as repeats are one matter already counted; a unit's own candidates are not
shown to it (a bureau does not recommend to itself).

Accusations against the caller's unit, or a unit above it, never count (Art.30, 46).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.access import ReadScope
from domain.acts import DEFAULT_RULES, Rules
from domain.chain import event_id_text
from domain.errors import invalid
from domain.faults import Ground, ground_of_late
from domain.labels import STEP_LABELS
from domain.matters import matter_label
from domain.recommendations import POLICY_RECIPIENT_KINDS, RecommendationKind
from domain.units import Directory, UnitRecord
from projections.db import Cursor
from projections.ledger_query import PREFIX_LENGTHS, code_range, hidden_clause

Candidate = dict[str, Any]

MAX_PERIOD_DAYS = 366
ART40 = "依据《信访工作条例》第四十条"
# Missed on ``today``: done after its last day, or not done and the last day has passed.
MISSED = (
    "((d.done_on IS NOT NULL AND d.done_on > d.due_on) OR (d.done_on IS NULL AND d.due_on < %s))"
)


@dataclass(frozen=True)
class Thresholds:
    """How much makes a candidate (settings ``XINFANG_RECOMMENDATION_*``)."""

    work_faults: int = 3
    policy_cases: int = 40
    policy_areas: int = 3
    urges: int = 3

    def check(self) -> None:
        if min(self.work_faults, self.policy_cases, self.policy_areas, self.urges) < 1:
            raise invalid("THRESHOLD_INVALID", "候选建议的阈值应为正整数")


@dataclass(frozen=True)
class Period:
    """The days looked at, both included."""

    start: date
    end: date

    def check(self) -> None:
        if self.start > self.end or (self.end - self.start).days >= MAX_PERIOD_DAYS:
            raise invalid(
                "PERIOD_INVALID",
                "统计期间无效：起始日期不得晚于截止日期，且期间不超过一年",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
            )

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}至{self.end.isoformat()}"


@dataclass(frozen=True)
class Area:
    """What every rule reads: the caller's scope, the area and period, the day judged on."""

    scope: ReadScope
    prefix: str
    period: Period
    thresholds: Thresholds
    today: date
    directory: Directory
    rules: Rules = DEFAULT_RULES

    def range(self) -> list[str]:
        return list(code_range(self.prefix))

    def within(self) -> list[str]:
        """Parameters for "in the area, on a day of the period"."""
        return [*self.range(), self.period.start.isoformat(), self.period.end.isoformat()]

    def hidden(self, column: str) -> tuple[str, list[Any]]:
        return hidden_clause(self.scope, column)

    def unit_in_area(self, unit_id: str) -> UnitRecord | None:
        """The unit now answering for ``unit_id`` if it sits in the area and is not the caller's
        own (a bureau does not recommend to itself)."""
        if unit_id not in self.directory:
            return None
        unit = self.directory.current(unit_id)
        if not unit.division_code.startswith(self.prefix) or unit.unit_id in self.scope.unit_ids:
            return None
        return unit


def cited_event(case_id: str, version: int | None) -> list[str]:
    return [] if version is None else [event_id_text(case_id, int(version))]


def candidate(
    kind: RecommendationKind,
    key: str,
    to: UnitRecord,
    concerned: UnitRecord | None,
    grounds: str,
    events: Sequence[str],
    cases: Sequence[str],
    faults: dict[Ground, int],
    facts: dict[str, Any],
) -> Candidate:
    return {
        "candidate_key": key,
        "kind": kind.value,
        "kind_label": kind.label,
        "to_unit_id": to.unit_id,
        "to_unit_name": to.name,
        "also_to_unit_ids": [],
        "concerned_unit_id": concerned.unit_id if concerned else None,
        "concerned_unit_name": concerned.name if concerned else None,
        "division_code": (concerned or to).division_code,
        "grounds": grounds,
        "cited_event_ids": list(dict.fromkeys(events)),
        "cited_case_ids": list(dict.fromkeys(cases)),
        "fault_kinds": [
            {
                "fault": g.kind.value,
                "label": g.kind.label,
                "ground": g.key,
                "article": g.article,
                "paragraph": g.paragraph,
                "citation": g.citation,
                "fact": g.fact,
                "count": n,
            }
            for g, n in sorted(faults.items(), key=lambda i: (i[0].kind, i[0].paragraph or 0))
        ],
        "named_officials": [],
        "serious_consequences_required": kind is RecommendationKind.ACCOUNTABILITY,
        "facts": facts,
    }


# ------------------------------------------------------------------ 改进工作建议
def improve_work(cur: Cursor, area: Area) -> list[Candidate]:
    """Units missing duties repeatedly in the period."""
    p = area.period
    hidden, hidden_params = area.hidden("d.accused_unit_id")
    cur.execute(
        "SELECT d.unit_id, d.case_id, d.step, d.due_on, d.done_on, d.origin_version, "
        "d.done_version FROM v_trail_duties d WHERE d.division_code BETWEEN %s AND %s "
        f"AND d.due_on BETWEEN %s AND %s AND {MISSED} AND {hidden} "
        "ORDER BY d.due_on, d.case_id, d.step",
        [*area.within(), area.today.isoformat(), *hidden_params],
    )
    duties = cur.fetchall()
    found: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"steps": defaultdict(int), "faults": defaultdict(int), "events": [], "cases": []}
    )
    units: dict[str, UnitRecord] = {}
    for row in duties:
        unit = area.unit_in_area(row["unit_id"])
        if unit is None:
            continue
        units[unit.unit_id] = unit
        entry = found[unit.unit_id]
        entry["steps"][row["step"]] += 1
        entry["faults"][ground_of_late(row["step"])] += 1
        entry["events"] += cited_event(row["case_id"], row["origin_version"])
        entry["events"] += cited_event(row["case_id"], row["done_version"])
        entry["cases"].append(row["case_id"])
    out = []
    for unit_id, entry in found.items():
        late = sum(entry["steps"].values())
        if late < area.thresholds.work_faults:
            continue
        unit = units[unit_id]
        steps = "、".join(f"{STEP_LABELS.get(s, s)}{n}项" for s, n in entry["steps"].items())
        grounds = (
            f"{unit.name}在{p.label}期间逾期办理或逾期未办{late}项（{steps}）。{ART40}，"
            "建议改进工作，并书面答复是否采纳。"
        )
        out.append(
            candidate(
                RecommendationKind.IMPROVE_WORK,
                f"improve_work:{unit_id}:{p.start.isoformat()}:{p.end.isoformat()}",
                unit,
                unit,
                grounds,
                entry["events"],
                entry["cases"],
                dict(entry["faults"]),
                {"missed_duties": late, "by_step": dict(entry["steps"])},
            )
        )
    return out


# ------------------------------------------------------------------ 完善政策建议
def improve_policy(cur: Cursor, area: Area) -> list[Candidate]:
    """Many new matters of one kind across several areas one tier down, in the period."""
    index = PREFIX_LENGTHS.index(len(area.prefix))
    if index + 1 >= len(PREFIX_LENGTHS):
        return []  # a village has no areas below it
    child = PREFIX_LENGTHS[index + 1]
    seat = _issuing_tier(area)
    recipients = sorted(
        (
            u
            for u in area.directory
            if u.active and u.kind in POLICY_RECIPIENT_KINDS and u.division_code == seat
        ),
        key=lambda u: (POLICY_RECIPIENT_KINDS.index(u.kind), u.unit_id),
    )
    if not recipients:
        return []
    p = area.period
    hidden, hidden_params = area.hidden("c.accused_unit_id")
    where = (
        "c.division_code BETWEEN %s AND %s AND c.registered_on BETWEEN %s AND %s "
        f"AND c.is_repeat = 0 AND c.category <> 'accusation' AND {hidden}"
    )
    params = [*area.within(), *hidden_params]
    # A matter of the area's own seat (code zero below the prefix) lies in no area below.
    below = f"substr(c.division_code, {len(area.prefix) + 1}, {child - len(area.prefix)})"
    cur.execute(
        "SELECT c.matter_kind, count(*) AS n, "
        f"count(DISTINCT CASE WHEN {below} <> %s THEN substr(c.division_code, 1, {child}) "
        f"END) AS areas FROM v_trail_cases c WHERE {where} GROUP BY c.matter_kind "
        "HAVING count(*) >= %s ORDER BY c.matter_kind",
        ["0" * (child - len(area.prefix)), *params, area.thresholds.policy_cases],
    )
    kinds = [r for r in cur.fetchall() if int(r["areas"]) >= area.thresholds.policy_areas]
    out = []
    to, *also = recipients
    for kind in kinds:
        cur.execute(
            "SELECT c.case_id, c.division_code FROM v_trail_cases c "
            f"WHERE {where} AND c.matter_kind = %s ORDER BY c.registered_on, c.case_id",
            [*params, kind["matter_kind"]],
        )
        cases = cur.fetchall()
        areas = sorted(
            {
                r["division_code"][:child]
                for r in cases
                if r["division_code"][len(area.prefix) : child].strip("0")
            }
        )
        grounds = (
            f"{p.label}期间，本辖区{len(areas)}个下级区域共登记“{matter_label(kind['matter_kind'])}”类信访事项"
            f"{len(cases)}件，反映的问题较为集中，可能源于相关政策。{ART40}，建议{to.name}"
            "研究完善相关政策，并书面答复是否采纳。"
        )
        found = candidate(
            RecommendationKind.IMPROVE_POLICY,
            f"improve_policy:{area.prefix}:{kind['matter_kind']}:{p.start.isoformat()}:"
            f"{p.end.isoformat()}",
            to,
            None,
            grounds,
            [event_id_text(r["case_id"], 1) for r in cases],
            [r["case_id"] for r in cases],
            {},
            {
                "matter_kind": kind["matter_kind"],
                "matter_label": matter_label(kind["matter_kind"]),
                "cases": len(cases),
                "areas": areas,
            },
        )
        found["also_to_unit_ids"] = [u.unit_id for u in also]
        out.append(found)
    return out


def _issuing_tier(area: Area) -> str:
    """The division code of the bureau that would issue: the caller's, if the caller acts for
    a petition bureau; else the seat of the area looked at (an administrator's reading)."""
    for unit_id in area.scope.unit_ids:
        unit = area.directory.find(unit_id)
        if unit is not None and unit.is_bureau:
            return unit.division_code
    return area.prefix.ljust(12, "0")


def chunks(items: Sequence[str], size: int = 500) -> list[list[str]]:
    """Ids in pieces small enough for an ``IN (…)`` list."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
