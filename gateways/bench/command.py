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
import os
import statistics
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateways.bench.report import Block
    from gateways.bench.seeding import BenchStore
    from gateways.settings import Settings

HELP = "压力测试 / load generator: throughput and latency"
MODES = ("raw", "app", "http", "relay", "projections")
DEFAULT_MODES = "raw,app,http"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``xinfang bench`` (the CLI adds them through the entry point)."""
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
    for flag, what in (
        ("--raw", "raw event-store inserts"),
        ("--app", "through the application, in process"),
        ("--http", "through the HTTP API"),
        ("--relay", "relay throughput to the broker"),
    ):
        parser.add_argument(flag, action="store_true", help=f"mode: {what}")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """``xinfang bench`` (the entry point ``xinfang.tools``: see ``gateways.cli``)."""
    return run_bench(settings, args)


def run_bench(settings: Settings, args: argparse.Namespace) -> int:
    from gateways.bench.report import print_block, print_json, python_loop_ns, targets_block
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
            from gateways.bench.http_runs import http_blocks

            blocks.extend(http_blocks(store, options))
        if "relay" in modes:
            from gateways.bench.relay import relay_block

            blocks.append(relay_block(store, options))
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


def _projections(store: BenchStore, options: dict[str, Any]) -> list[Block]:
    from gateways.bench.report import Block, print_block

    blocks = []
    try:
        from gateways.bench.projections import measure
    except ImportError as missing:
        block = Block("projections", "projection catch-up", notes=[f"skipped: {missing}"])
        print_block(block, sys.stdout)
        return [block]
    for name in [p.strip() for p in options["projections"].split(",") if p.strip()]:
        block = Block("projections", f"{name}: catch-up and queries")
        try:
            block.figures.update(measure(store.settings, name, options["cases"]))
        except ImportError as missing:
            block.notes.append(f"skipped: {missing}")
        print_block(block, sys.stdout)
        blocks.append(block)
    return blocks
