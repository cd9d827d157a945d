"""``xinfang relay`` (the publisher as its own process) and the relay's figures for the bench."""

from __future__ import annotations

import json
import logging
import math
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

from domain.application import CaseService, Registration
from gateways.heartbeat import Heartbeat, heartbeat_path
from gateways.kafka.position import open_position
from gateways.kafka.relay import Relay, RelayStats, RelayThread
from gateways.settings import Settings
from gateways.wiring import build_service

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("xinfang.relay")

STATS_EVERY = 30.0

T = TypeVar("T")


def run_relay(settings: Settings) -> int:
    """Publish every stored event until SIGTERM/SIGINT; returns the exit status."""
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    if not settings.kafka_bootstrap:
        log.error("XINFANG_KAFKA_BOOTSTRAP is not set: nothing to relay to")
        return 2
    service = build_service(settings)
    relay = Relay(service, settings, heartbeat=Heartbeat(heartbeat_path("relay")))

    def stop(signum: int, frame: FrameType | None) -> None:
        relay.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    reporter = threading.Thread(target=_report, args=(relay,), daemon=True)
    reporter.start()
    log.info("relaying %s to %s", settings.kafka_bootstrap, relay.topic)
    try:
        relay.run()
    finally:
        service.close()
    log.info("relay stopped at position %d", relay.stats.position)
    return 0


def _report(relay: Relay) -> None:
    while not relay.stopping:
        time.sleep(STATS_EVERY)
        s = relay.stats
        log.info(
            "position %d, published %d, passed over %d, restarts %d %s",
            s.position,
            s.published,
            s.passed_over,
            s.restarts,
            s.lag_percentiles(),
        )


# ---------------------------------------------------------------------------- bench
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
        start = service.recorder.max_notification_id() or 0
        seed_events(service, n_events)
        top = service.recorder.max_notification_id() or 0
        result = _throughput(service, bench_settings, start, top)
        if load_seconds > 0 and load_rate > 0:
            result.update(_lag_under_load(service, bench_settings, load_rate, load_seconds))
        return result
    finally:
        service.close()


def seed_events(service: CaseService, n_events: int) -> None:
    """Store about ``n_events`` new events: whole bench cases (register + five acts)."""
    from gateways.bench.app import drive
    from gateways.bench.report import Sample
    from gateways.bench.scenario import COMMANDS_PER_CASE
    from gateways.bench.seeding import seed_directory

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
    _mark(settings, name, service.recorder.max_notification_id() or 0)
    relay = RelayThread(service, settings, name=name).start()
    try:
        result = load()
        top = service.recorder.max_notification_id() or 0
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
        [sys.executable, "-c", "from gateways.commands.relay import load_main; load_main()"],
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
    from gateways.bench.app import ACTORS
    from gateways.bench.scenario import STEPS, registration
    from gateways.bench.seeding import BUREAU

    began = time.perf_counter()
    interval = 1.0 / rate

    def pace() -> bool:
        pause = began + counts[slot] * interval - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        return time.perf_counter() - began < seconds

    while pace():
        registered = service.register(BUREAU, Registration(**registration()))
        counts[slot] += 1
        for step in STEPS:
            if not pace():
                return
            service.perform(registered.case.id, ACTORS[step.role], step.action, **step.params)
            counts[slot] += 1
