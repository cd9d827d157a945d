"""What happens to each demo case, planned before anything is recorded.

A plan is the registration of a matter and its acts on relative days (day 0 = registration),
stopping at the stage its scenario calls for. ``gateways.demo.cases`` then places the plan on
the calendar and records it through the service. The shares and quotas below make every
stage and every situation a supervisor looks for appear, even in a small demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from domain.units import Directory
from gateways.demo import content, matters

# Scenario → share of the cases. Pairs (repeat, not_reaccepted) make two cases each.
SHARES: dict[str, float] = {
    "registered": 0.05,
    "awaiting_acceptance": 0.06,
    "objection_pending": 0.02,
    "handling": 0.09,
    "extended": 0.04,
    "answered": 0.03,
    "served": 0.05,
    "reviewing": 0.03,
    "reviewed": 0.03,
    "rechecking": 0.02,
    "rechecked": 0.03,
    "declined": 0.04,
    "routed": 0.05,
    "accusation": 0.05,
    "replied": 0.06,
    "window_lapsed": 0.16,
    "evaluated": 0.10,
    "repeat": 0.03,
    "not_reaccepted": 0.02,
}
PAIRS = frozenset({"repeat", "not_reaccepted"})
# How long an open case may have sat since its last act (days): live work, not fossils.
OPEN_SLACK: dict[str, int] = {
    "registered": 12,
    "awaiting_acceptance": 12,
    "objection_pending": 20,
    "handling": 40,
    "extended": 20,
    "answered": 5,
    "served": 25,
    "reviewing": 25,
    "reviewed": 25,
    "rechecking": 25,
}
# The longest run of rest days in the State Council's notices (Spring Festival 2020, extended):
# a period ending on a rest day runs on to the next working day (Civil Code Art.203).
LONGEST_REST = 10
STILL_OPEN = ("handling", "extended", "served", "reviewing")  # where a repeat finds its original
UPPER_BUREAUS = ("33-bureau", "3301-bureau")

_FLOWING = frozenset(SHARES) - {"registered", "routed", "accusation"}
_ACCEPTED = _FLOWING - {"awaiting_acceptance", "objection_pending", "declined"}
_ANSWERED = _ACCEPTED - {"handling", "extended", "repeat", "replied"}
_OPEN_ANONYMOUS = {"registered", "awaiting_acceptance", "handling", "answered", "served"}
# (flag, share, scenarios it may apply to, flags it cannot go with)
QUOTAS: tuple[tuple[str, float, frozenset[str], frozenset[str]], ...] = (
    ("level_skipping", 0.05, _FLOWING | {"registered"}, frozenset({"direct"})),
    ("direct", 0.07, _ACCEPTED - PAIRS, frozenset({"level_skipping"})),
    ("collective", 0.04, _FLOWING | {"registered"}, frozenset({"anonymous", "joint_letter"})),
    ("joint_letter", 0.03, _FLOWING, frozenset({"collective", "anonymous", "level_skipping"})),
    (
        "anonymous",
        0.04,
        frozenset(_OPEN_ANONYMOUS | {"window_lapsed", "declined"}),
        frozenset({"collective", "joint_letter", "level_skipping", "direct"}),
    ),
    ("late_transfer", 0.05, _FLOWING | {"registered"}, frozenset({"direct"})),
    ("late_acceptance", 0.05, _ACCEPTED | {"awaiting_acceptance"}, frozenset({"direct"})),
    ("late_answer", 0.04, _ANSWERED, frozenset()),
    ("leader", 0.06, _FLOWING | {"registered"}, frozenset()),
    ("assigned", 0.08, _FLOWING, frozenset({"direct"})),
    ("objection_redirected", 0.02, _ACCEPTED - PAIRS, frozenset({"direct"})),
)


@dataclass(frozen=True)
class Rel:
    """A date parameter given as a day of the plan (day 0 = registration)."""

    day: int


@dataclass
class Step:
    day: int
    action: str
    unit: str  # acting unit; "petitioner" for the petitioner's own acts
    params: dict[str, Any] = field(default_factory=dict)
    leader: bool = False


@dataclass
class Plan:
    scenario: str
    stage: str  # where the (first) case of the scenario stops
    flags: set[str]
    registration: dict[str, Any]
    receiving_unit: str
    steps: list[Step] = field(default_factory=list)
    min_slack: int = 1

    @property
    def open(self) -> bool:
        return self.stage in OPEN_SLACK

    @property
    def last_day(self) -> int:
        return max((step.day for step in self.steps), default=0)

    def add(self, day: int, action: str, unit: str, **params: Any) -> int:
        self.steps.append(Step(day, action, unit, params))
        return day


@dataclass(frozen=True)
class Route:
    """Who a matter goes through: the county bureau, the handling unit, its reviewers."""

    county: str
    bureau: str
    handler: str
    path: str | None
    matter: content.Matter


def g(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high)


class Planner:
    """Draws scenarios, places, people and timelines from one seeded random source."""

    def __init__(self, rng: random.Random, directory: Directory) -> None:
        self.rng = rng
        self.directory = directory

    # ------------------------------------------------------------ choices
    def scenarios(self, n_cases: int) -> list[tuple[str, set[str]]]:
        """``n_cases`` cases' worth of scenarios, each with its flags, in random order."""
        chosen: list[str] = []
        for scenario, share in SHARES.items():
            chosen.extend([scenario] * max(1, round(n_cases * share)))
        size = sum(2 if s in PAIRS else 1 for s in chosen)
        while size < n_cases:
            chosen.append(self.rng.choice(("window_lapsed", "evaluated", "handling", "served")))
            size += 1
        while size > n_cases:
            common = [c for c in ("window_lapsed", "evaluated", "handling") if chosen.count(c) > 1]
            singles = [i for i, c in enumerate(chosen) if c not in PAIRS]
            at = chosen.index(common[0]) if common else (singles[-1] if singles else -1)
            size -= 2 if chosen.pop(at) in PAIRS else 1
        if size < n_cases:  # a pair was dropped for a single's place
            chosen.append("window_lapsed")
        self.rng.shuffle(chosen)
        plans = [(s, set[str]()) for s in chosen]
        for name, share, eligible, excludes in QUOTAS:
            pool = [f for s, f in plans if s in eligible and not f & excludes]
            for flags in self.rng.sample(pool, min(len(pool), max(1, round(n_cases * share)))):
                flags.add(name)
        return plans

    # ------------------------------------------------------------- plans
    def plan(self, scenario: str, flags: set[str]) -> Plan:
        rng = self.rng
        code, county = matters.place(rng)
        names = matters.names_of(rng, code)
        if scenario == "accusation":
            return self._accusation(matters.accusation(rng, code, names), county, flags)
        if scenario == "routed":
            channel = rng.choice(tuple(content.CHANNELLED))
            registration = matters.channelled(rng, code, names, channel)
            return self._routed(registration, county, channel, flags)
        category = "appeal"
        if scenario == "replied" and rng.random() < 0.5:
            kind, category = rng.choice(content.SUGGESTIONS), "suggestion"
        elif scenario == "replied":
            kind = "environment"  # a request to investigate pollution: path 5
        else:
            kind = rng.choice([k for k in content.MATTERS if k != "environment"])
        matter = content.MATTERS[kind]
        township_handles = rng.random() < matter.township_share
        handler = f"{code[:9]}-gov" if township_handles else f"{county}-{matter.department}"
        path = None if category != "appeal" else ("5" if kind == "environment" else matter.path)
        route = Route(county, f"{county}-bureau", handler, path, matter)
        receiving = handler if "direct" in flags else route.bureau
        if "level_skipping" in flags:
            receiving = rng.choices(UPPER_BUREAUS, (1, 3))[0]
        stage = scenario
        if scenario == "repeat":
            stage = rng.choice(STILL_OPEN)  # the original is still open when it comes back
        elif scenario == "not_reaccepted":
            stage = "rechecked"
        registration = matters.appeal(rng, code, names, kind, category, flags)
        plan = Plan(scenario, stage, flags, registration, receiving)
        self._to_handler(plan, route)
        return plan

    def _to_handler(self, plan: Plan, route: Route) -> None:
        """From registration to the handling unit: bureaus, leader, transfer, objection."""
        rng, s, flags = self.rng, plan.stage, plan.flags
        bureau, handler = route.bureau, route.handler
        d = 0
        if plan.receiving_unit in UPPER_BUREAUS:
            d = plan.add(
                g(rng, 1, 4),
                "transfer",
                plan.receiving_unit,
                to_unit_id=bureau,
                note="属地管理，转区信访局办理",
            )
        if "leader" in flags:
            # 包案 (Art.18): a leader takes the case on as soon as it is known to be hard.
            d += g(rng, 0, 3)
            owner = "3301-party" if plan.registration["major"] else f"{route.county}-party"
            plan.steps.append(Step(d, "leader", owner, leader=True))
        if "direct" in flags:
            if not plan.registration["anonymous"]:
                d = plan.add(d + g(rng, 0, 8), "inform", handler, method="written", note="已登记")
        elif s == "registered":
            plan.min_slack = 17 if "late_transfer" in flags else 1
            return
        else:
            d += g(rng, 16, 24) if "late_transfer" in flags else g(rng, 1, 10)
            if "assigned" in flags:
                plan.add(
                    d,
                    "assign",
                    bureau,
                    to_unit_id=handler,
                    due_on=Rel(d + g(rng, 30, 60)),
                    note="请依法办理并于期限内报送办结报告",
                )
            else:
                plan.add(d, "transfer", bureau, to_unit_id=handler, note="")
        if s == "awaiting_acceptance":
            plan.min_slack = 16 if "late_acceptance" in flags else 1
            return
        if "objection_redirected" in flags and "direct" not in flags:
            d = plan.add(d + g(rng, 1, 4), "object", handler, reason="该事项不属于本单位职责范围")
            competent = f"{route.county}-{route.matter.department}"
            if competent == handler:
                competent = f"{plan.registration['division_code'][:9]}-gov"
            d = plan.add(
                d + g(rng, 1, 3),
                "objection-decision",
                bureau,
                agreed=True,
                competent_unit_id=competent,
            )
            route = Route(route.county, bureau, competent, route.path, route.matter)
        if s == "objection_pending":
            plan.add(
                d + g(rng, 1, 4),
                "object",
                route.handler,
                reason="经研究，该事项属于区级主管部门职责，请予改转",
            )
            return
        if s == "declined":
            # Only a matter of another lawful channel is declined (Art.31(1)-(4)).
            review = rng.random() < 0.5
            reason = (
                "该事项属于行政复议范围，请依法向区人民政府申请行政复议"
                if review
                else "该事项已进入诉讼程序，请通过诉讼途径依法解决"
            )
            plan.add(
                d + g(rng, 2, 10),
                "decline",
                route.handler,
                reason=reason,
                path="4" if review else "1",
            )
            return
        self._handle(plan, route, d)

    def _handle(self, plan: Plan, route: Route, d: int) -> None:
        """Acceptance, extension, answer and service, then the review windows."""
        rng, s, handler = self.rng, plan.stage, route.handler
        if "late_acceptance" in plan.flags:
            d += 16
            for _ in range(g(rng, 1, 3)):
                plan.add(
                    d,
                    "urge",
                    route.bureau,
                    target_unit_id=handler,
                    due_on=Rel(d + 3),
                    reason="超期未出具受理告知书，请立即受理",
                )
                d += g(rng, 1, 3)
        else:
            d += g(rng, 1, 12)
        accepted = plan.add(d, "accept", handler, path=route.path, note="")
        if s == "handling":
            return
        if s == "extended":
            plan.add(
                d + g(rng, 35, 55),
                "extend",
                handler,
                days=g(rng, 15, 30),
                reason="案情复杂，需进一步调查核实",
                approved_by="单位主要负责人",
            )
            return
        if "late_answer" in plan.flags and route.path == "6":
            d = plan.add(
                accepted + 61,
                "urge",
                route.bureau,
                target_unit_id=handler,
                reason="超过法定办理期限未出具处理意见书",
            )
            d += g(rng, 2, 14)
        else:
            d += g(rng, 15, 58)
        outcome = self._outcome(s, route.path, plan.registration["category"])
        reviewer = self.directory.superior_of(handler)
        opinion = content.fill(
            content.OPINIONS[outcome],
            {
                "label": route.matter.label,
                "basis": route.matter.basis,
                "reviewer": reviewer.name if reviewer else "上一级机关",
            },
        )
        facts = f"经调查核实，信访人反映的{route.matter.label}问题已查清，有关材料在卷。"
        d = plan.add(
            d,
            "answer",
            handler,
            outcome=outcome,
            opinion=opinion,
            basis=route.matter.basis,
            facts=facts if route.path == "6" else "",
        )
        if route.path != "6":  # the reply concludes: no review on other paths (Art.31)
            if s == "evaluated" or (s == "replied" and rng.random() < 0.6):
                self._evaluate(plan, d + g(rng, 1, 10), outcome)
            return
        if s == "answered":
            return
        d = plan.add(d + g(rng, 1, 6), "serve", handler)
        if s == "served":
            return
        if s in ("window_lapsed", "evaluated"):
            early = s == "evaluated" and rng.random() < 0.5
            if early:
                d = self._evaluate(plan, d + g(rng, 1, 10), outcome)
            # Art.35: no review asked within 30 days of service, so the case concludes. The
            # 30 days end on a working day (Civil Code Art.203): up to LONGEST_REST days later.
            d = plan.add(d + g(rng, 31 + LONGEST_REST, 40 + LONGEST_REST), "conclude", handler)
            if s == "evaluated" and not early:
                self._evaluate(plan, d + g(rng, 0, 10), outcome)
            return
        self._review(plan, handler, reviewer.unit_id if reviewer else route.bureau, d)

    def _review(self, plan: Plan, handler: str, reviewer: str, d: int) -> None:
        """复查 by the answering unit's superior, 复核 by the reviewer's superior (Art.35, 36)."""
        rng, s = self.rng, plan.stage
        rechecker_record = self.directory.superior_of(reviewer)
        rechecker = rechecker_record.unit_id if rechecker_record else reviewer
        d = plan.add(d + g(rng, 3, 28), "review-request", reviewer)
        if s == "reviewing":
            return
        outcome = rng.choices(("not_supported", "explained", "supported"), (7, 2, 1))[0]
        d = plan.add(
            d + g(rng, 10, 28),
            "review",
            reviewer,
            outcome=outcome,
            opinion=content.REVIEW_OPINIONS[outcome],
        )
        if s == "reviewed":
            if rng.random() < 0.7:
                plan.add(d + g(rng, 1, 5), "serve", reviewer)
            return
        d = plan.add(d + g(rng, 1, 5), "serve", reviewer)
        requested = d = plan.add(d + g(rng, 3, 28), "recheck-request", rechecker)
        if s == "rechecking":
            return
        hearing_days = 0
        if rng.random() < 0.4:
            start = d + g(rng, 3, 10)
            end = start + g(rng, 2, 12)
            hearing_days = end - start + 1  # Art.36: not counted in the 30 days
            d = plan.add(
                end, "hearing", rechecker, started_on=Rel(start), ended_on=Rel(end), note="公开听证"
            )
        d = min(d + g(rng, 8, 25), requested + 30 + hearing_days)
        outcome = rng.choices(("not_supported", "explained", "supported"), (8, 1, 1))[0]
        d = plan.add(
            d, "recheck", rechecker, outcome=outcome, opinion=content.RECHECK_OPINIONS[outcome]
        )
        d = plan.add(d + g(rng, 1, 5), "serve", rechecker)
        if rng.random() < 0.5:
            self._evaluate(plan, d + g(rng, 1, 10), outcome)

    def _evaluate(self, plan: Plan, day: int, outcome: str) -> int:
        if plan.registration["anonymous"]:
            return day  # nobody to ask: anonymous matters are not evaluated
        weights = {
            "supported": (8, 2, 0),
            "performed": (6, 3, 1),
            "replied": (5, 4, 1),
            "explained": (2, 5, 3),
        }.get(outcome, (0, 3, 7))
        satisfaction = self.rng.choices(
            ("satisfied", "basically_satisfied", "unsatisfied"), weights
        )[0]
        comment = {
            "satisfied": "办理及时，态度很好",
            "basically_satisfied": "基本解决了问题",
            "unsatisfied": "问题没有实质解决",
        }[satisfaction]
        return plan.add(day, "evaluate", "petitioner", satisfaction=satisfaction, comment=comment)

    def _outcome(self, stage: str, path: str | None, category: str) -> str:
        if category != "appeal":
            return "replied"
        if path == "5":
            return "performed"
        if stage in ("reviewing", "reviewed", "rechecking", "rechecked"):
            return self.rng.choice(("not_supported", "explained"))
        return self.rng.choices(("supported", "explained", "not_supported"), (45, 30, 25))[0]

    def _routed(
        self, registration: dict[str, Any], county: str, channel: str, flags: set[str]
    ) -> Plan:
        """Litigation, arbitration and administrative matters leave for their lawful channel
        (Art.22, 28, 31(1)-(4))."""
        bureau = f"{county}-bureau"
        plan = Plan("routed", "routed", flags, registration, bureau)
        target = f"{county}-pl" if channel == "political_legal" else None
        note = content.CHANNELLED[channel][3]
        day = g(self.rng, 1, 10)
        plan.add(day, "route", bureau, channel=channel, to_unit_id=target, note=note)
        return plan

    def _accusation(self, registration: dict[str, Any], county: str, flags: set[str]) -> Plan:
        """Accusations against a township government go to the county discipline inspection
        (Art.22, 30) and never to the township itself."""
        rng = self.rng
        bureau, inspection = f"{county}-bureau", f"{county}-di"
        stop = rng.choice(("routed", "handling", "replied", "replied"))
        stage = {"routed": "awaiting_acceptance", "handling": "handling"}.get(stop, "concluded")
        plan = Plan("accusation", stage, flags, registration, bureau)
        d = plan.add(
            g(rng, 1, 8),
            "route",
            bureau,
            channel="discipline_inspection",
            to_unit_id=inspection,
            note="按干部管理权限转纪检监察机关",
        )
        if stop != "routed":
            d = plan.add(d + g(rng, 2, 12), "accept", inspection)
        if stop == "replied":
            plan.add(
                d + g(rng, 20, 55),
                "answer",
                inspection,
                outcome="replied",
                basis="《中国共产党纪律检查机关监督执纪工作规则》",
                opinion="经初步核实，已按照干部管理权限依规依纪依法处置，处理结果已书面答复。",
            )
        return plan
