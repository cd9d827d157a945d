"""The application layer under load: ``CaseService.register`` and ``perform`` called directly.

Each worker thread takes cases through the scenario's lifecycle, one command at a time, and
times every command; the figures say what the use cases cost on top of the raw store.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import threading
import time

from domain.acts import Actor
from domain.application import CaseService
from domain.commands import Register, case_command
from domain.errors import DomainError
from gateways.bench.report import Sample
from gateways.bench.scenario import COMMANDS_PER_CASE, STEPS, registration
from gateways.bench.seeding import BUREAU, HANDLER

ACTORS: dict[str, Actor] = {"bureau": BUREAU, "handler": HANDLER}


def drive(service: CaseService, commands: int, sample: Sample) -> None:
    """Run whole cases until ``commands`` commands were sent (rounded up to a whole case)."""
    sent = 0
    while sent < commands:
        sent += COMMANDS_PER_CASE
        started = time.perf_counter()
        try:
            registered = service.register(BUREAU, Register(**registration()))
        except DomainError as error:
            sample.errors[f"register:{error.code}"] += 1
            continue
        sample.record("register", time.perf_counter() - started)
        case_id = registered.case.id
        for step in STEPS:
            started = time.perf_counter()
            try:
                service.perform(
                    case_id, ACTORS[step.role], case_command(step.action, **step.params)
                )
            except DomainError as error:
                sample.errors[f"{step.action}:{error.code}"] += 1
                break
            sample.record(step.action, time.perf_counter() - started)


def warm_up(service: CaseService) -> None:
    """Imports, pools and caches, before anything is timed."""
    drive(service, COMMANDS_PER_CASE * 10, Sample())


def run_app(service: CaseService, commands: int, threads: int = 1) -> Sample:
    """``commands`` commands shared by ``threads`` threads driving one service."""
    share = max(COMMANDS_PER_CASE, commands // threads)
    samples = [Sample() for _ in range(threads)]
    workers = [
        threading.Thread(target=drive, args=(service, share, sample), name=f"bench-{i}")
        for i, sample in enumerate(samples)
    ]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    total = Sample(elapsed=time.perf_counter() - started)
    for sample in samples:
        total.merge(sample)
    return total


def profile_app(service: CaseService, *, commands: int, top: int = 25) -> str:
    """cProfile of one thread driving the lifecycle: where an application command spends time."""
    profiler = cProfile.Profile()
    profiler.enable()
    drive(service, commands, Sample())
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
