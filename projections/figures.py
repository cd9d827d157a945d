"""考核数据: the assessment figures of domain.md §6, per area and period, for petition bureaus and
for handling units, with the same figures per subordinate area and per unit for rankings.

Read from the trail's tables (``projections.trail``), judged on the ``today`` passed in.

**Which duties weigh on a period** (the rule a bureau checks its figures against). A duty
counts in a period when it was *done* in it (on time, or late), and in every period at whose
close it is *still undone and overdue*. So a duty done within its days counts once, where the
work was done; a stalled one weighs on each month it stays stalled, and once more, as late,
in the month it is finally done. A duty still running at the close counts nowhere yet.

- 及时受理率 = timely ÷ (timely + late + overdue and still not done). Bureaus: the transfer
  (Art.22, 15 days from receipt; a chain of bureaus shares them, the last one answers).
  Handling units: the written acceptance notice (Art.23, 15 days from receipt). Anonymous
  letters carry no notice duty and are never counted for it.
- 按期办结率 = on time ÷ (on time + late + not answered + overdue not answered): the answer,
  due 60 days from acceptance plus a granted extension on path 6 (Art.34; the configured days
  on other paths). "Not answered" fell due in the period; "overdue not answered" fell due
  before it and is still open (the carried-over stock).
- 参评率 = evaluated ÷ results published in the period (answers in the period, to named
  petitioners); 满意率 = (satisfied + basically satisfied) ÷ evaluated, over the same results.
  The result is the answering unit's ("谁初次办理、谁接受评价").
- Of the area, by where matters arise (属地管理): 重复信访率 = repeat registrations ÷
  registrations in the period; 越级访 = level-skipping visits registered; 积案 = open cases
  with an undone duty past its day, or petitioned again, at the close of the day before the
  period (start) and of its last day (end); 积案化解率 = start backlog concluded by the close ÷
  start backlog; 包案化解率 = leader-owned cases concluded in the period ÷ leader-owned cases
  open at some time in it. These are not split by kind: a repeat or a backlog case is the
  area's failure, not one unit's duty.

**The close** is the end of the period's last day, or today while the period runs: only acts
that occurred by then count, so the figures of a closed month are the same whenever they are
read (a paper record entered later with its real date corrects them, as it should). While the
period runs, a duty due today is not yet overdue.

Duty figures belong to the unit that owes them (its area, for the areas' rows; the unit now
answering for it after a merger, Art.24), for matters of the area; a unit outside the area
(the city bureau handling a county matter) counts in its own area's figures, not this one's.

An empty denominator gives ``rate = None`` (``projections.figure_values``).

**Accusations** hidden from the caller (against their unit or a unit above it, Art.30, 46)
do not count at all in the caller's figures: not in a numerator, a denominator, an area or a
unit. Counting them unseen would still let the accused learn from a count that an accusation
exists. With ``accusations=False`` (what a circulated bulletin uses) none counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.access import ReadScope
from domain.errors import invalid
from domain.units import Directory, UnitRecord
from projections import figures_counts as counts
from projections.area_titles import area_titles
from projections.db import Cursor, ViewDatabase
from projections.figure_values import AreaCases, Tally, case_figures, kind_figures
from projections.ledger_query import PREFIX_LENGTHS, check_prefix
from projections.supervision_query import TIER_BY_PREFIX_LENGTH


@dataclass(frozen=True)
class Period:
    """A period of days, judged on ``today`` (see "the close" in the module docstring)."""

    start: date
    end: date
    today: date

    @classmethod
    def of(cls, start: date, end: date, today: date) -> Period:
        if end < start:
            raise invalid("PERIOD_INVALID", "统计期间无效：起始日期不得晚于截止日期")
        if start > today:
            raise invalid("PERIOD_NOT_STARTED", "统计期间尚未开始", start=start.isoformat())
        return cls(start, end, today)

    @property
    def complete(self) -> bool:
        return self.today > self.end

    @property
    def judged_on(self) -> date:
        """The last day whose acts count."""
        return self.end if self.complete else self.today

    @property
    def overdue_before(self) -> date:
        """An undone duty is overdue at the close if its last day is before this one."""
        return self.end + timedelta(days=1) if self.complete else self.today

    def days(self) -> counts.Days:
        return counts.Days(
            self.start.isoformat(),
            self.end.isoformat(),
            self.judged_on.isoformat(),
            self.overdue_before.isoformat(),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "today": self.today.isoformat(),
            "judged_on": self.judged_on.isoformat(),
            "complete": self.complete,
        }


def child_length(prefix: str) -> int:
    """The digits that name the areas one tier down (the area itself for a village)."""
    index = PREFIX_LENGTHS.index(len(prefix))
    return PREFIX_LENGTHS[min(index + 1, len(PREFIX_LENGTHS) - 1)]


def is_own_level(area: str, prefix: str) -> bool:
    """``330106000``: the county's own units and matters, not a township (本级)."""
    return len(area) > len(prefix) and set(area[len(prefix) :]) == {"0"}


def figures(
    db: ViewDatabase,
    scope: ReadScope,
    prefix: str,
    period_start: date,
    period_end: date,
    directory: Directory,
    today: date,
    *,
    accusations: bool = True,
) -> dict[str, Any]:
    """The figures of area ``prefix`` for the period (see the module docstring for the rules)."""
    prefix = check_prefix(prefix)
    scope.check_covers(prefix)
    period = Period.of(period_start, period_end, today)
    cases = counts.Cases(prefix, scope, accusations)
    days = period.days()
    length = child_length(prefix)
    with db.reading() as cur:
        duties = counts.duty_counts(cur, cases, days)
        evaluations = counts.evaluation_counts(cur, cases, days)
        areas = _area_cases(cur, cases, period, length)
    units = _unit_tallies(duties, evaluations, prefix, directory)
    return _assemble(prefix, period, units, areas, directory, length)


def _area_cases(
    cur: Cursor, cases: counts.Cases, period: Period, length: int
) -> dict[str, AreaCases]:
    days = period.days()
    areas: dict[str, AreaCases] = defaultdict(AreaCases)
    for r in counts.registration_counts(cur, cases, days, length):
        a = areas[r["area"]]
        a.registrations, a.repeats = int(r["n"]), int(r["repeats"] or 0)
        a.level_skipping, a.visits = int(r["skipping"] or 0), int(r["visits"] or 0)
    eve = (period.start - timedelta(days=1)).isoformat()
    start = counts.backlog_counts(
        cur, cases, length, at=eve, overdue_before=days.start, resolved_by=days.facts_until
    )
    for r in start:
        areas[r["area"]].backlog_start = int(r["n"])
        areas[r["area"]].backlog_resolved = int(r["resolved"] or 0)
    end = counts.backlog_counts(
        cur,
        cases,
        length,
        at=days.facts_until,
        overdue_before=days.overdue_before,
        resolved_by=days.facts_until,
    )
    for r in end:
        areas[r["area"]].backlog_end = int(r["n"])
    for r in counts.leader_counts(cur, cases, days, length):
        areas[r["area"]].leader_owned = int(r["n"])
        areas[r["area"]].leader_resolved = int(r["resolved"] or 0)
    return areas


UnitKey = tuple[str, bool]  # unit id (now answering), is a bureau


def _owner(unit_id: str, directory: Directory) -> UnitRecord | None:
    return directory.current(unit_id) if unit_id in directory else None


def _unit_tallies(
    duties: list[dict[str, Any]],
    evaluations: list[dict[str, Any]],
    prefix: str,
    directory: Directory,
) -> dict[UnitKey, Tally]:
    """Counts per unit inside the area; a unit unknown to the directory counts as a handling
    unit of the area (its matter is the area's)."""
    units: dict[UnitKey, Tally] = defaultdict(Tally)

    def key_of(unit_id: str, step: str) -> UnitKey | None:
        unit = _owner(unit_id, directory)
        if unit is not None and not unit.division_code.startswith(prefix):
            return None
        bureau = step == "transfer" or (step != "accept" and unit is not None and unit.is_bureau)
        return (unit.unit_id if unit else unit_id, bureau)

    for r in duties:
        key = key_of(r["unit_id"], r["step"])
        if key is not None:
            tally = units[key]
            target = tally.acceptance if r["step"] in ("transfer", "accept") else tally.completion
            target[r["klass"]] += int(r["n"])
    for r in evaluations:
        key = key_of(r["unit_id"] or "", "answer")
        if key is not None:
            units[key].evaluation[r["klass"]] += int(r["n"])
    return units


def _assemble(
    prefix: str,
    period: Period,
    units: dict[UnitKey, Tally],
    areas: dict[str, AreaCases],
    directory: Directory,
    length: int,
) -> dict[str, Any]:
    names = area_titles(directory)
    kinds = {True: Tally(), False: Tally()}
    by_area: dict[str, dict[bool, Tally]] = defaultdict(lambda: {True: Tally(), False: Tally()})
    by_unit = []
    for (unit_id, bureau), tally in sorted(units.items(), key=lambda kv: (not kv[0][1], kv[0][0])):
        kinds[bureau].add(tally)
        record = directory.find(unit_id)
        area = record.division_code[:length] if record else None
        if area is not None:
            by_area[area][bureau].add(tally)
        by_unit.append(
            {
                "unit_id": unit_id,
                "name": record.name if record else unit_id,
                "kind": "bureau" if bureau else "handling_unit",
                "kind_label": "信访部门" if bureau else "承办单位",
                "area": area,
                **kind_figures(tally, bureau),
            }
        )
    total = AreaCases()
    for a in areas.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(a, name))
    known = {p for p in names if len(p) == length and p.startswith(prefix)}
    subordinate = sorted(
        p
        for p in known | set(areas) | set(by_area)
        if len(prefix) < length and not is_own_level(p, prefix)
    )
    return {
        "division": prefix,
        "name": names.get(prefix),
        "tier": TIER_BY_PREFIX_LENGTH[len(prefix)],
        "period": period.as_dict(),
        "bureaus": kind_figures(kinds[True], True),
        "handling_units": kind_figures(kinds[False], False),
        "cases": case_figures(total),
        "by_area": [
            {
                "division": p,
                "name": names.get(p),
                "bureaus": kind_figures(by_area[p][True], True),
                "handling_units": kind_figures(by_area[p][False], False),
                "cases": case_figures(areas.get(p, AreaCases())),
            }
            for p in subordinate
        ],
        "by_unit": by_unit,
    }
