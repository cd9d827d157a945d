"""The HTTP runs of ``xinfang bench``: the real API server (``gateways.bench.server``) under
the load generator of its own process (``gateways.bench.load``), closed loop for throughput,
open loop for latency at a rate, optionally with busy neighbours on the CPUs."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from gateways.bench.load import LoadConfig
from gateways.bench.report import Block, print_block, python_loop_ns
from gateways.bench.seeding import bench_tokens, seed_directory
from gateways.bench.server import api_server, summarize_collapsed
from gateways.wiring import build_service

if TYPE_CHECKING:
    from gateways.bench.seeding import BenchStore


def http_blocks(store: BenchStore, options: dict[str, Any]) -> list[Block]:

    try:
        import gateways.http.app  # noqa: F401
    except ImportError as missing:
        block = Block("http", "API server", notes=[f"skipped: {missing}"])
        print_block(block, sys.stdout)
        return [block]
    service = build_service(store.settings)
    try:
        seed_directory(service)
    finally:
        service.close()
    tokens = bench_tokens(store.settings)
    blocks: list[Block] = []
    with contention(options["contend"]):
        for workers in options["workers"]:
            blocks.extend(_http_runs(store, options, tokens, workers))
    return blocks


@contextlib.contextmanager
def contention(processes: int) -> Iterator[None]:
    """``processes`` pure-Python busy loops for as long as the block runs: the server, the
    database and the load then share the CPUs with them, as with a busy neighbour."""
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for process in busy:
            process.kill()
            process.wait()


def _http_runs(
    store: BenchStore, options: dict[str, Any], tokens: dict[str, str], workers: int
) -> list[Block]:

    blocks: list[Block] = []
    with api_server(store.settings, workers=workers, app=options["server_app"]) as server:
        runs = [("closed loop", 0.0)]
        if options["rate"] > 0:
            runs.append((f"open loop at {options['rate']:g}/s", options["rate"]))
        for label, rate in _sustained(runs, blocks):
            profiles: list[str] = []
            if options["profile"]:
                from gateways.bench.server import profile_workers

                prefix = os.path.join(tempfile.gettempdir(), f"xinfang-bench-{workers}w-{rate:g}")
                profiles = profile_workers(server, options["warmup"] + options["duration"], prefix)
            # This VM's speed swings by half within minutes (neighbours): each run says
            # how fast Python ran just before and just after it, to read its latency by.
            before = python_loop_ns(300_000)
            figures = http_load(server.host, server.port, tokens, options, rate)
            figures["loop_ns_before_after"] = f"{before:.0f}/{python_loop_ns(300_000):.0f}"
            block = Block("http", f"{workers} worker(s), {label}", figures)
            if options["contend"]:
                block.notes.append(
                    f"contended: {options['contend']} busy processes shared the CPUs"
                )
            block.notes.append(
                "commands: register + transfer/accept/answer/serve/evaluate, JSON over "
                "keep-alive HTTP/1.1 from a separate load process"
            )
            if rate == 0:
                block.notes.append("target ≥ 1,000 commands/s, p99 ≤ 50 ms, 0 errors")
            else:
                block.notes.append(
                    f"latency counted from when each command was due: p99 at "
                    f"{rate:g}/s = {figures.get('p99_ms')} ms (target ≤ 50 ms)"
                )
            for path in profiles:
                block.notes.append(f"py-spy: {path}")
                block.notes.extend(_hotspots(path))
            print_block(block, sys.stdout)
            blocks.append(block)
    return blocks


def _sustained(runs: list[tuple[str, float]], blocks: list[Block]) -> Iterator[tuple[str, float]]:
    """The closed loop first; then, when the server cannot sustain the asked open-loop rate, an
    open loop at 80% of what it sustained closed loop (the latency a user sees at a load the
    server carries: at an unsustainable rate the queue, not the server, sets the latency), run
    before the overload so that no backlog of it weighs on the figures; then the runs asked."""
    (closed, *others) = runs
    yield closed
    sustained = blocks[-1].figures.get("commands_per_s", 0.0) if blocks else 0.0
    asked = max((rate for _, rate in others), default=0.0)
    if 0 < sustained * 0.8 < asked:
        easy = round(sustained * 0.8)
        yield f"open loop at {easy:g}/s (80% of closed loop)", float(easy)
    yield from others


def http_load(
    host: str, port: int, tokens: dict[str, str], options: dict[str, Any], rate: float
) -> dict[str, Any]:

    config = LoadConfig(
        host=host,
        port=port,
        tokens=tokens,
        duration=options["duration"],
        warmup=options["warmup"],
        connections=options["connections"],
        rate=rate,
    )
    done = subprocess.run(
        [sys.executable, "-m", "gateways.bench.load", json.dumps(asdict(config))],
        capture_output=True,
        text=True,
        timeout=config.duration + config.warmup + 120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed: {done.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _hotspots(path: str, top: int = 12) -> list[str]:
    """The functions a py-spy raw (collapsed) profile spends most samples in, self time."""

    deadline = time.monotonic() + 20
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not os.path.exists(path):
        return ["py-spy wrote no profile"]
    return summarize_collapsed(path, top)
