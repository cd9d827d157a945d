"""The projection figures of ``xinfang bench``: seed many cases fast, rebuild, time the queries.

Cases are built with the aggregate's own acts (so every event is one the domain would record),
spread over the villages of the demo city and over a year, in a realistic mix of stages, then
written in the order of their times, 2,000 events to an insert, as a live system would have
recorded them. Recorded time equals occurred time, so "as of" has a year of history.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from domain.access import ReadScope
from domain.acts import Act, Actor
from domain.application import CaseService
from domain.calendar import CHINA
from domain.petition import Petition
from domain.units import UnitKind
from gateways.bench.report import python_loop_ns
from gateways.bench.seeding import seed_directory
from gateways.commands.project import ALIASES
from gateways.settings import Settings
from gateways.store import analyze_events
from gateways.wiring import build_service, build_view_database
from projections.db import instant
from projections.ledger_query import LedgerFilter, ledger_page
from projections.registry import all_projections
from projections.runner import CATCH_UP_BATCH, ProjectionRunner
from projections.supervision_query import rollup

SAVE_EVERY = 2000
FIRST_DAY = date(2025, 1, 1)
SPAN_DAYS = 360
CITY = "3301"


class _FixedClock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def _official(unit_id: str, roles: set[str], jurisdiction: str) -> Actor:
    return Actor(f"bench:{unit_id}", "压测人员", unit_id, frozenset(roles), jurisdiction)


def seed_cases(service: CaseService, n_cases: int, seed: int = 11) -> int:
    """Register and carry ``n_cases`` through their lives; returns the events recorded."""
    seed_directory(service)
    directory = service.directory
    rules = service.rules
    villages = [u for u in directory if u.kind is UnitKind.VILLAGE_COMMITTEE]
    rng = random.Random(seed)
    recorded: list[Any] = []
    for i in range(n_cases):
        village = rng.choice(villages)
        code = village.division_code
        county, township = code[:6], code[:9]
        bureau = _official(f"{county}-bureau", {"bureau", "registrar"}, county)
        handler_id = f"{township}-gov" if f"{township}-gov" in directory else f"{county}-hrss"
        handler = _official(handler_id, {"handler"}, township)
        moment = datetime.combine(
            FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS)), datetime.min.time(), CHINA
        ) + timedelta(hours=9 + rng.random() * 8)

        def act(actor: Actor, after_days: float) -> Act:
            nonlocal moment
            moment = moment + timedelta(days=after_days)
            return Act(actor, moment, moment, directory, rules)

        accusation = rng.random() < 0.05
        case = Petition.register(
            act(bureau, 0),
            case_id=uuid4(),
            serial_number=f"{county}{moment:%Y%m%d}{i:06d}",
            channel=rng.choice(["letter", "visit", "phone", "web", "wechat"]),
            category="accusation" if accusation else rng.choice(["appeal"] * 4 + ["suggestion"]),
            division_code=code,
            subject="压测事项",
            content="压测内容",
            matter_kind=rng.choice(["land", "wages", "housing", "pension", "pollution"]),
            petitioners=[{"name": f"压测{i}"}],
            accused_unit_id=handler_id if accusation else None,
        )
        fate = rng.random()
        if accusation:
            case.route(
                act(bureau, rng.uniform(1, 10)),
                channel="discipline_inspection",
                to_unit_id=f"{county}-di",
            )
        elif fate > 0.1:
            case.transfer(act(bureau, rng.uniform(1, 20)), to_unit_id=handler_id)
            if fate > 0.25:
                path = "6" if case.category == "appeal" else None
                case.accept(act(handler, rng.uniform(1, 18)), path=path)
                if rng.random() < 0.04:
                    case.assign_leader(
                        act(_official(f"{county}-gov", {"leader"}, county), 1),
                        leader_id=f"leader-{county}",
                        leader_name="包案领导",
                        leader_unit_id=f"{county}-gov",
                    )
                if fate > 0.5:
                    outcome = "supported" if case.is_path_6 else "replied"
                    case.answer(
                        act(handler, rng.uniform(10, 70)),
                        outcome=outcome,
                        opinion="答复",
                        facts="经核查属实",
                        basis="压测依据",
                    )
                    case.serve(act(handler, rng.uniform(1, 5)))
                    if fate > 0.7 and case.is_path_6:
                        case.conclude(act(bureau, 41))  # past the window and any holiday run
        recorded.extend(case.collect_events())
    # Recorded in time order, as a live system records them (one clock, one history).
    recorded.sort(key=lambda e: e.timestamp)
    for start in range(0, len(recorded), SAVE_EVERY):
        service.store.events.put(recorded[start : start + SAVE_EVERY])
    return len(recorded)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    cut = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "p50_ms": round(cut[49], 2),
        "p95_ms": round(cut[94], 2),
        "p99_ms": round(cut[98], 2),
        "max_ms": round(ms[-1], 2),
    }


def _timed(call: Any, repeat: int) -> list[float]:
    # Steady state: the rebuild left garbage whose full collection would land in one sample.
    gc.collect()
    call()  # warm caches and prepared plans
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def measure(settings: Settings, name: str, n_cases: int, queries: int = 200) -> dict[str, Any]:
    """Seed (unless an earlier projection of the run did), rebuild ``name`` from zero, and
    time its queries."""
    clock = _FixedClock(datetime(2026, 1, 15, 2, 0, tzinfo=UTC))
    service = build_service(settings, clock=clock)
    db = build_view_database(settings)
    try:
        started = time.perf_counter()
        # One store serves every projection of a run: seeded by the first, read by the rest.
        fresh = next(service.case_ids(batch=1), None) is None
        seeded = seed_cases(service, n_cases) if fresh else 0
        analyze_events(service.store.recorder)  # as autovacuum would have, a year on
        seed_seconds = time.perf_counter() - started
        name = ALIASES.get(name, name)
        chosen = [p for p in all_projections() if p.name == name]
        if not chosen:
            raise SystemExit(f"unknown projection {name!r}")
        runner = ProjectionRunner(service, db, chosen, catch_up_batch_size=CATCH_UP_BATCH)
        loop_before = python_loop_ns()
        started, cpu = time.perf_counter(), time.process_time()
        read = runner.rebuild(name)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        # A shared machine's speed drifts within a run: read each rebuild by its own.
        loop_ns = f"{loop_before:.0f} before, {python_loop_ns():.0f} after"
        figures: dict[str, Any] = {
            "projection": name,
            "store": "postgres" if settings.database_url else "sqlite",
            "cases": n_cases,
            "events_in_store": service.store.recorder.max_notification_id() or 0,
            **({"events_seeded": seeded, "seed_seconds": round(seed_seconds, 1)} if fresh else {}),
            "events_read": read,
            "rebuild_seconds": round(elapsed, 2),
            "rebuild_events_per_s": round(read / elapsed) if elapsed else None,
            # This process's CPU alone (the database's work excluded): what one core of
            # Python sustains when the database is not the bottleneck.
            "rebuild_cpu_seconds": round(cpu, 2),
            "rebuild_events_per_cpu_s": round(read / cpu) if cpu else None,
            "python_loop_ns": loop_ns,
        }
        directory = service.directory
        city = ReadScope.of(_official(f"{CITY}-bureau", {"bureau"}, CITY), directory)
        today = date(2026, 1, 15)
        if name == "supervision":
            current = _timed(lambda: rollup(db, city, CITY, directory, today=today), queries)
            figures["rollup_city_now"] = _percentiles(current)
            latest = instant(db.query("SELECT max(valid_from) AS t FROM v_sup_versions")[0]["t"])
            month_start = latest.astimezone(CHINA).replace(
                day=1, hour=0, minute=0, second=0, microsecond=0
            )
            for label, as_of in (
                ("rollup_city_as_of_last_month_end", month_start - timedelta(microseconds=1)),
                ("rollup_city_as_of_mid_history", datetime(2025, 6, 30, 16, 0, tzinfo=UTC)),
                # Half a month from either checkpoint: the most changes an as-of counts.
                ("rollup_city_as_of_mid_month", datetime(2025, 6, 15, 16, 0, tzinfo=UTC)),
            ):
                past = _timed(
                    lambda at=as_of: rollup(db, city, CITY, directory, as_of=at),
                    max(10, queries // 10),
                )
                figures[label] = {"as_of": as_of.isoformat(), **_percentiles(past)}
        if name == "ledger":
            page = _timed(
                lambda: ledger_page(db, city, LedgerFilter(overdue=True), today, directory),
                max(10, queries // 4),
            )
            figures["ledger_city_overdue_page"] = _percentiles(page)
        return figures
    finally:
        db.close()
        service.close()
