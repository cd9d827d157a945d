"""What a figure is: the counts of ``projections.figures`` turned into numerator, denominator
and rate, with the Chinese label and definition an official reads. A rate over an empty
denominator is ``None``: nothing fell in the period, which is neither 0 % nor 100 %."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from domain.labels import FIGURE_LABELS
from domain.periods import ACCEPT, ANSWER, TRANSFER


@dataclass
class Tally:
    """The counts behind the duty and evaluation figures of one unit, area or kind."""

    acceptance: Counter[str] = field(default_factory=Counter)
    completion: Counter[str] = field(default_factory=Counter)
    evaluation: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.acceptance.update(other.acceptance)
        self.completion.update(other.completion)
        self.evaluation.update(other.evaluation)


@dataclass
class AreaCases:
    """The counts behind the area's own figures (where matters arise)."""

    registrations: int = 0
    repeats: int = 0
    level_skipping: int = 0
    visits: int = 0
    backlog_start: int = 0
    backlog_resolved: int = 0
    backlog_end: int = 0
    leader_owned: int = 0
    leader_resolved: int = 0


DEFINITIONS = {
    "bureau_acceptance": "转送及时数÷（及时数+逾期转送数+超期未转送数），"
    f"转送期限为收到之日起{TRANSFER.days}日",
    "unit_acceptance": "书面告知受理及时数÷（及时数+逾期告知数+超期未告知数），"
    f"期限为收到之日起{ACCEPT.days}日，匿名信不计",
    "completion": "按期答复数÷（按期+逾期答复+当期到期未答复+往期超期仍未答复），"
    f"期限为受理之日起{ANSWER.days}日（含批准延期）",
    "evaluation_rate": "已评价数÷本期公开的办理结果数（匿名事项不计）",
    "satisfaction": "（满意+基本满意）÷已评价数",
    "repeat_rate": "重复信访登记数÷本期登记数",
    "backlog_resolution": "期初积案中期末前办结数÷期初积案数",
    "leader_resolution": "本期办结的领导包案事项数÷本期内在办的领导包案事项数",
}


def figure(
    label: str, numerator: int, denominator: int, definition: str, **parts: int
) -> dict[str, Any]:
    """One figure: the rate is ``None`` when nothing fell in the period."""
    rate = round(numerator / denominator, 4) if denominator else None
    return {
        "label": label,
        "numerator": numerator,
        "denominator": denominator,
        "rate": rate,
        "definition": definition,
        "parts": parts,
    }


def kind_figures(t: Tally, bureau: bool) -> dict[str, Any]:
    a, c, e = t.acceptance, t.completion, t.evaluation
    overdue = a["overdue"] + a["carried"]
    evaluated = e["satisfied"] + e["basically_satisfied"] + e["unsatisfied"]
    pleased = e["satisfied"] + e["basically_satisfied"]
    answered = c["on_time"] + c["late"] + c["overdue"] + c["carried"]
    return {
        "timely_acceptance": figure(
            FIGURE_LABELS["timely_acceptance"],
            a["on_time"],
            a["on_time"] + a["late"] + overdue,
            DEFINITIONS["bureau_acceptance" if bureau else "unit_acceptance"],
            timely=a["on_time"],
            late=a["late"],
            overdue=overdue,
            overdue_carried=a["carried"],
        ),
        "on_time_completion": figure(
            FIGURE_LABELS["on_time_completion"],
            c["on_time"],
            answered,
            DEFINITIONS["completion"],
            on_time=c["on_time"],
            late=c["late"],
            not_answered=c["overdue"],
            overdue_not_answered=c["carried"],
        ),
        "evaluation_rate": figure(
            FIGURE_LABELS["evaluation_rate"],
            evaluated,
            evaluated + e["none"],
            DEFINITIONS["evaluation_rate"],
            evaluated=evaluated,
            not_evaluated=e["none"],
        ),
        "satisfaction": figure(
            FIGURE_LABELS["satisfaction"],
            pleased,
            evaluated,
            DEFINITIONS["satisfaction"],
            satisfied=e["satisfied"],
            basically_satisfied=e["basically_satisfied"],
            unsatisfied=e["unsatisfied"],
        ),
    }


def case_figures(a: AreaCases) -> dict[str, Any]:
    return {
        "registrations": a.registrations,
        "visits": a.visits,
        "level_skipping": a.level_skipping,
        "repeat_rate": figure(
            FIGURE_LABELS["repeat_rate"],
            a.repeats,
            a.registrations,
            DEFINITIONS["repeat_rate"],
            repeats=a.repeats,
        ),
        "backlog_start": a.backlog_start,
        "backlog_end": a.backlog_end,
        "backlog_resolution": figure(
            FIGURE_LABELS["backlog_resolution"],
            a.backlog_resolved,
            a.backlog_start,
            DEFINITIONS["backlog_resolution"],
            resolved=a.backlog_resolved,
        ),
        "leader_resolution": figure(
            FIGURE_LABELS["leader_resolution"],
            a.leader_resolved,
            a.leader_owned,
            DEFINITIONS["leader_resolution"],
            resolved=a.leader_resolved,
        ),
    }
