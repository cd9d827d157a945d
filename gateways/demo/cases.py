"""The demo's cases: a few hundred matters at every stage of their life, made by the real acts.

Every case is registered with ``CaseService.register`` and moved on with ``CaseService.perform``,
so the demo obeys the same rules as real work and its hash chains verify. Each case is first
planned as a list of acts on relative days, then placed on the calendar so that its last act
falls before today: concluded cases anywhere in the last eight months, open ones recently
enough to look like live work (some deliberately late, which is what supervision is for).
The same seed gives the same matters, people and timelines.

The acts of all cases are then recorded in the order they happened, each with the service's
clock set to the moment it happened, as a live system would have recorded them over those
months. So a dashboard "as of the end of last month" shows what it would have shown then,
instead of nothing (everything recorded in the seconds the demo took).
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from uuid import UUID

from domain.acts import SYSTEM, Actor
from domain.application import CaseService
from domain.calendar import CHINA, china_date
from domain.commands import Register, case_command
from domain.deadlines import statuses_on
from domain.petition import Petition
from domain.units import UnitKind, area_prefix
from gateways.demo import content
from gateways.demo.directory import DEMO_OFFICIALS, HOME_COUNTY, demo_units
from gateways.demo.plans import OPEN_SLACK, PAIRS, Plan, Planner, Rel, Step

HISTORY_DAYS = 235  # about eight months of history before today
STAFF_ROLES = frozenset({"registrar", "handler", "bureau"})


@dataclass
class DemoSummary:
    """What the demo put in the store, for the person who asked for it."""

    cases: int = 0
    acts: int = 0
    seconds: float = 0.0
    by_stage: Counter[str] = field(default_factory=Counter)
    by_scenario: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"演示数据 demo data: {self.cases} 件信访事项 cases, {self.acts} 次办理行为 acts, "
            f"{self.seconds:.1f} s"
        ]
        out.append(
            "  阶段 stage: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_stage.items()))
        )
        out.append(
            "  情形 scenario: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_scenario.items()))
        )
        out.append("  标记 flags: " + ", ".join(f"{k} {v}" for k, v in sorted(self.flags.items())))
        return out


class DemoSeeder:
    """Plans and records the demo's cases through the service's own acts."""

    def __init__(self, service: CaseService, seed: int) -> None:
        self.service = service
        self.rng = random.Random(seed)
        self.planner = Planner(self.rng, service.directory)
        self.now = service.clock.now()
        self.today = china_date(self.now)
        self.directory = service.directory
        self.actors: dict[str, Actor] = {}
        self.summary = DemoSummary()
        self._home_events = 0
        for official in DEMO_OFFICIALS:
            if official.unit_id in self.directory and "admin" not in official.roles:
                self._actor(official.unit_id, official.official_id, official.name)

    # ------------------------------------------------------------- actors
    def _actor(
        self, unit_id: str, official_id: str | None = None, name: str | None = None
    ) -> Actor:
        actor = self.actors.get(unit_id)
        if actor is None:
            record = self.directory.get(unit_id)
            naming = random.Random(unit_id)  # a unit's clerk is the same whatever the seed
            roles = (
                frozenset({"leader"}) if record.kind is UnitKind.PARTY_COMMITTEE else STAFF_ROLES
            )
            actor = Actor(
                official_id or f"{unit_id}-01",
                name or content.person_name(naming),
                unit_id,
                roles,
                area_prefix(record.division_code),
            )
            self.actors[unit_id] = actor
        return actor

    def _leader(self, unit_id: str) -> Actor:
        return self._actor(unit_id, f"{unit_id.removesuffix('-party')}-party-secretary")

    # ------------------------------------------------------------ record
    def when(self, day: date, previous: datetime | None) -> datetime:
        """An office-hours instant on ``day``, after ``previous``, never after now."""
        rng = self.rng
        at = datetime.combine(day, clock_time(8, 30), CHINA) + timedelta(
            minutes=rng.randint(0, 540)
        )
        if previous is not None and at <= previous:
            at = previous + timedelta(minutes=rng.randint(5, 90))
        return min(at.astimezone(UTC), max(self.now - timedelta(minutes=1), previous or self.now))

    def record(self, plan: Plan) -> Generator[datetime, None, list[Petition]]:
        """The acts of one case (and of its pair): yields the moment of each act before
        recording it, so that ``run`` records every case's acts in time order; returns the
        cases it recorded."""
        rng = self.rng
        if plan.open:
            slack = rng.randint(plan.min_slack, max(plan.min_slack, OPEN_SLACK[plan.stage]))
        else:
            slack = rng.randint(1, max(1, HISTORY_DAYS - plan.last_day))
        start = self.today - timedelta(days=plan.last_day + slack)
        at = self.when(start, None)
        receiving = self._actor(plan.receiving_unit)
        yield at
        registered = self.service.register(receiving, Register(**plan.registration, occurred_at=at))
        self.summary.acts += 1
        case_id = registered.case.id
        case = registered.case
        for step in plan.steps:
            at = self.when(start + timedelta(days=step.day), at)
            params = {
                k: (start + timedelta(days=v.day) if isinstance(v, Rel) else v)
                for k, v in step.params.items()
            }
            actor = self._step_actor(step, case)
            if step.leader:
                params = {
                    "leader_id": actor.official_id,
                    "leader_name": actor.name,
                    "leader_unit_id": actor.unit_id,
                }
            if step.unit == "petitioner":
                params = {**params, "source": "petitioner"}
            yield at
            case, _ = self.service.perform(case_id, actor, case_command(step.action, at, **params))
            self.summary.acts += 1
        cases = [case]
        if plan.scenario in PAIRS:
            cases.append((yield from self._register_again(plan, at, case.id)))
        return cases

    def _step_actor(self, step: Step, case: Petition) -> Actor:
        if step.unit == "petitioner":
            # The petitioner evaluates through the public tracking page (as the service does).
            return Actor("petitioner", "信访人", case.received_by, frozenset({"admin"}), "")
        if step.leader:
            return self._leader(step.unit)
        return self._actor(step.unit)

    def _register_again(
        self, plan: Plan, last: datetime, original: UUID
    ) -> Generator[datetime, None, Petition]:
        """The same petitioner brings the same matter again, and the registrar links it to the
        original: while it is open (a repeat at a superior, a follow-up at the unit, Art.19) or
        after its recheck (不再受理, Art.36)."""
        rng = self.rng
        days_left = max(0, (self.today - china_date(last)).days - 1)
        day = china_date(last) + timedelta(days=rng.randint(0, days_left))
        at = self.when(day, last)
        registration = dict(plan.registration)
        registration["channel"] = rng.choice(("visit", "letter", "web"))
        registration["subject"] = "再次反映：" + registration["subject"]
        receiving = "3301-bureau" if rng.random() < 0.5 else plan.receiving_unit
        yield at
        again = self.service.register(
            self._actor(receiving),
            Register(**registration, occurred_at=at, same_matter_as=original),
        )
        self.summary.acts += 1
        return again.case

    # ---------------------------------------------------------------- run
    def run(self, n_cases: int, *, story: bool = True) -> DemoSummary:
        """Plan every case, then record all their acts in the order they happened (the same
        seed still gives the same demo: the order follows from the draws alone)."""
        started = time.perf_counter()
        plans = [
            self.planner.plan(scenario, flags)
            for scenario, flags in self.planner.scenarios(n_cases)
        ]
        # Each case's next act: (when, the plan's rank, the case's acts still to record).
        pending: list[tuple[datetime, int, Generator[datetime, None, list[Petition]]]] = []
        for rank, plan in enumerate(plans):
            acts = self.record(plan)
            heapq.heappush(pending, (next(acts), rank, acts))
        recorded: dict[int, list[Petition]] = {}  # plan rank → the cases it recorded
        with _story_clock(self.service, enabled=story) as set_now:
            while pending:
                at, rank, acts = heapq.heappop(pending)
                set_now(at)
                try:
                    following = next(acts)  # records the act due at ``at``
                except StopIteration as done:
                    recorded[rank] = done.value
                else:
                    heapq.heappush(pending, (following, rank, acts))
        rules = self.service.rules
        for rank, plan in enumerate(plans):
            for case in recorded[rank]:
                self._count(case, plan, rules)
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _count(self, case: Petition, plan: Plan, rules: Any) -> None:
        s = self.summary
        s.cases += 1
        s.by_stage[case.stage] += 1
        if case.repeat_of is not None:
            label = "not_reaccepted" if case.not_reaccepted else "repeat"
        elif plan.scenario in PAIRS:
            label = "repeat_original" if plan.scenario == "repeat" else "rechecked"
        else:
            label = plan.scenario
        s.by_scenario[label] += 1
        s.samples.setdefault(label, str(case.id))
        # The printed curl example shows the home county's case with the longest history.
        home = case.division_code.startswith(HOME_COUNTY) and not case.accused_unit_id
        if home and case.version > self._home_events:
            s.samples["home"], self._home_events = str(case.id), case.version
        for name, present in (
            ("level_skipping", case.level_skipping),
            ("repeat", case.repeat_of is not None),
            ("collective", case.collective and case.channel == "visit"),
            ("joint_letter", case.signatures > 0),
            ("anonymous", case.anonymous),
            ("accusation", case.category == "accusation"),
            ("leader_owned", bool(case.leaders)),
            ("urged", bool(case.urges)),
            ("extended", bool(case.extensions)),
            ("evaluated", case.evaluation is not None),
            ("assigned", case.assigned_due_on is not None),
            ("direct", not case.received_by_bureau),
            ("hearing", bool(case.hearings)),
        ):
            if present:
                s.flags[name] += 1
        for status in statuses_on(case, rules, self.today):
            if status.deadline.kind == "duty" and status.status == "missed":
                done = "late" if status.deadline.done_on else "overdue"
                s.flags[f"{done}_{status.deadline.step}"] += 1


class _PinnedClock:
    """The service's clock while the demo records: the moment of the act being recorded."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@contextmanager
def _story_clock(service: CaseService, *, enabled: bool) -> Iterator[Callable[[datetime], None]]:
    """Set the service's clock to each act's moment; the real clock again afterwards. Not
    ``enabled``: the setter does nothing and the service's own clock tells the time."""
    if not enabled:
        yield lambda at: None
        return
    real = service.clock
    pinned = _PinnedClock(real.now())

    def set_now(at: datetime) -> None:
        pinned.at = at

    service.clock = pinned
    try:
        yield set_now
    finally:
        service.clock = real


def seed_demo(service: CaseService, n_cases: int = 600, seed: int = 7) -> DemoSummary:
    """Register the demo directory (if absent) and ``n_cases`` cases through the real acts.

    Into an empty store the directory is recorded as of a year ago and every act at the
    moment it happened, so the store reads as months of live work. Into a store that has
    cases already (``xinfang demo --force``) everything is recorded now: history already
    recorded is never written behind."""
    seeder = DemoSeeder(service, seed)
    story = not has_cases(service)
    missing = [u for u in demo_units() if u.unit_id not in service.directory]
    if missing:
        with _story_clock(service, enabled=story) as set_now:
            set_now(seeder.now - timedelta(days=365))
            service.register_units(missing)
    return seeder.run(n_cases, story=story)


def has_cases(service: CaseService) -> bool:
    return next(iter(service.case_ids(batch=1)), None) is not None


def first_case(service: CaseService, prefix: str = HOME_COUNTY) -> UUID | None:
    """A case in the home county that its bureau may read (for the printed curl example)."""
    for count, case_id in enumerate(service.case_ids()):
        case = service.case(case_id, SYSTEM)
        if case.division_code.startswith(prefix) and not case.accused_unit_id:
            return case_id
        if count > 200:
            break
    return None
