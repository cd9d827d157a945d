"""``xinfang bench`` prints its figures: tiny runs of each mode, checking what is printed.

No timing is asserted here (a shared CI machine cannot judge speed); the bench's targets are
read off its printout on a quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import time
from typing import Any

import psycopg
import pytest

from gateways.bench.command import add_arguments, run_bench
from gateways.bench.http_runs import contention
from gateways.bench.report import latency_figures, percentile
from gateways.settings import Settings

LATENCY_KEYS = {"p50_ms", "p95_ms", "p99_ms", "max_ms"}


def bench(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, dict[str, Any]]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    status = run_bench(Settings(), parser.parse_args([*argv, "--json"]))
    text = capsys.readouterr().out
    figures = json.loads(text.strip().splitlines()[-1])
    return status, text, figures


def blocks_of(figures: dict[str, Any], mode: str) -> list[dict[str, Any]]:
    return [b for b in figures["blocks"] if b["mode"] == mode]


def test_percentiles_are_nearest_rank() -> None:
    samples = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert percentile(sorted(samples), 0.5) == 0.05
    assert latency_figures(samples) == {
        "p50_ms": 50.0,
        "p95_ms": 95.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
    }
    assert latency_figures([])["p99_ms"] == 0.0


def test_raw_and_app_on_sqlite_print_rates_latencies_and_the_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, text, figures = bench(
        capsys,
        "--database-url",
        "sqlite",
        "--modes",
        "raw,app",
        "--n",
        "60",
        "--rounds",
        "2",
        "--threads",
        "2",
    )
    assert status == 0
    assert figures["store"] == "sqlite"
    (raw,) = blocks_of(figures, "raw")
    (app,) = blocks_of(figures, "app")
    assert raw["saves"] == 60 and raw["saves_per_s"] > 0
    assert raw.keys() >= LATENCY_KEYS and "saves_per_s_2_threads" in raw
    assert app["commands"] >= 60 and app["commands_per_s"] > 0 and app["errors"] == 0
    assert app.keys() >= LATENCY_KEYS and "commands_per_s_2_threads" in app
    assert set(app["mean_ms_by_action"]) == {
        "register",
        "transfer",
        "accept",
        "answer",
        "serve",
        "evaluate",
    }
    assert app["app_raw_ratio"] > 0
    assert "app/raw = " in text and "(target ≥ 0.70)" in text
    assert "== raw:" in text and "== app:" in text
    (targets,) = blocks_of(figures, "targets")
    assert targets["app/raw ≥ 0.70"].startswith(("met", "NOT met"))


@pytest.mark.postgres
def test_on_postgres_the_bench_database_is_made_for_the_run_and_dropped(
    capsys: pytest.CaptureFixture[str], pg_server: Any
) -> None:
    status, text, figures = bench(
        capsys,
        "--database-url",
        pg_server.url("postgres"),
        "--modes",
        "raw,app",
        "--n",
        "30",
        "--rounds",
        "1",
        "--threads",
        "1",
    )
    assert status == 0
    assert f"store: postgres xinfang_bench_{os.getpid()}" in text
    assert blocks_of(figures, "app")[0]["commands"] >= 30
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database")]
    assert f"xinfang_bench_{os.getpid()}" not in names


@pytest.mark.skipif(
    importlib.util.find_spec("gateways.http.app") is None, reason="the HTTP API is not installed"
)
def test_http_runs_closed_and_open_loop_against_the_real_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, text, figures = bench(
        capsys,
        "--database-url", "sqlite",
        "--modes", "http",
        "--workers", "1",
        "--duration", "1.5",
        "--warmup", "0.5",
        "--connections", "2",
        "--rate", "40",
        "--contend", "1",
    )  # fmt: skip
    closed, opened = blocks_of(figures, "http")
    assert closed["mode"] == "http" and "closed loop" in closed["title"]
    assert "open loop at 40/s" in opened["title"]
    for block in (closed, opened):
        assert block["commands"] > 0, block
        assert block["errors"] == 0, block["error_kinds"]
        assert block.keys() >= LATENCY_KEYS and "loadgen_cpu_percent" in block
        before, after = (float(ns) for ns in block["loop_ns_before_after"].split("/"))
        assert 0 < before < 1000 and 0 < after < 1000  # ns per Python loop iteration
    assert status == 0
    assert "p99 at 40/s" in text
    assert "contended: 1 busy processes shared the CPUs" in text


def test_contention_keeps_busy_processes_running_for_the_block_only() -> None:
    with contention(2):
        deadline = time.monotonic() + 10
        while len(busy := _busy_children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # started, but perhaps not yet running the loop
        assert len(busy) == 2
        spent = {pid: _cpu_ticks(pid) for pid in busy}
        time.sleep(0.5)
        assert all(_cpu_ticks(pid) > spent[pid] for pid in busy)  # they do burn CPU
    assert _busy_children() == []


def _busy_children() -> list[int]:
    me = os.getpid()
    with open(f"/proc/{me}/task/{me}/children") as f:
        pids = [int(p) for p in f.read().split()]
    found = []
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as f:
            if b"while True: pass" in f.read():
                found.append(pid)
    return found


def _cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_the_relay_bench_starts_its_own_broker_when_none_is_configured(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, text, figures = bench(
        capsys,
        "--database-url", "sqlite",
        "--modes", "relay",
        "--n", "30",
        "--duration", "2",
        "--rate", "50",
    )  # fmt: skip
    (relay,) = blocks_of(figures, "relay")
    assert relay["relay_store_events"] >= 300
    assert relay["relay_published"] > 0 and relay["relay_events_per_s"] > 0
    assert relay["load_events_published"] > 0 and relay["lag_p99_s"] >= relay["lag_p50_s"]
    # and while the real API takes HTTP commands: its events reach the topic too
    assert relay["api_commands_per_s"] > 0 and relay["api_events_published"] > 0
    assert relay["api_lag_p99_s"] >= relay["api_lag_p50_s"] >= 0
    assert "broker: Tansu (memory storage) on 127.0.0.1:" in text
    assert status == 0


def test_the_projection_bench_seeds_once_and_rebuilds_every_projection(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _text, figures = bench(
        capsys, "--database-url", "sqlite", "--modes", "projections", "--cases", "40"
    )
    blocks = blocks_of(figures, "projections")
    assert [b["projection"] for b in blocks] == [
        "ledger", "supervision", "trail", "recommendations"
    ]  # fmt: skip
    assert "events_seeded" in blocks[0] and all("events_seeded" not in b for b in blocks[1:])
    assert len({b["events_in_store"] for b in blocks}) == 1
    assert all(b["events_read"] == b["events_in_store"] > 40 for b in blocks)
    supervision = blocks[1]
    assert supervision["rollup_city_now"]["p99_ms"] >= supervision["rollup_city_now"]["p50_ms"]
    assert status == 0


def test_an_open_loop_the_server_cannot_sustain_is_preceded_by_one_at_80_percent() -> None:
    from gateways.bench.http_runs import _sustained
    from gateways.bench.report import Block

    blocks: list[Block] = []
    seen = []
    for label, rate in _sustained([("closed loop", 0.0), ("open loop at 1000/s", 1000.0)], blocks):
        seen.append((label, rate))
        blocks.append(Block("http", label, {"commands_per_s": 300.0 if rate == 0 else 1.0}))
    assert seen == [
        ("closed loop", 0.0),
        ("open loop at 240/s (80% of closed loop)", 240.0),
        ("open loop at 1000/s", 1000.0),
    ]


def test_the_targets_judge_the_closed_loop_and_the_asked_open_loop_only() -> None:
    from gateways.bench.report import Block, targets_block

    blocks = [
        Block("app", "app", {"app_raw_ratio": 0.71}),
        Block("http", "1 worker(s), closed loop", {"loop": "closed", "commands_per_s": 1200.0}),
        Block(
            "http",
            "1 worker(s), open loop at 960/s (80% of closed loop)",
            {"loop": "open at 960/s", "commands_per_s": 950.0, "p99_ms": 80.0},
        ),
        Block(
            "http",
            "1 worker(s), open loop at 1000/s",
            {"loop": "open at 1000/s", "commands_per_s": 990.0, "p99_ms": 45.0},
        ),
    ]
    verdict = targets_block(blocks).figures
    assert verdict == {
        "app/raw ≥ 0.70": "met (0.71)",
        "http ≥ 1,000/s (1 worker(s), closed loop)": "met (1,200/s)",
        "p99 ≤ 50 ms (1 worker(s), open loop at 1000/s)": "met (45.0 ms)",
    }


def test_the_targets_judge_each_projection_and_the_roll_up_at_its_scale() -> None:
    from gateways.bench.report import Block, targets_block

    def past(max_ms: float) -> dict[str, float]:
        return {"p50_ms": max_ms / 2, "p95_ms": max_ms, "p99_ms": max_ms, "max_ms": max_ms}

    ledger = {"projection": "ledger", "cases": 250_000, "events_read": 978_899}
    blocks = [
        Block(
            "projections",
            "ledger",
            {**ledger, "rebuild_events_per_s": 10_743, "rebuild_seconds": 91.12},
        ),
        Block(
            "projections",
            "supervision",
            {
                "projection": "supervision",
                "cases": 250_000,
                "events_read": 978_899,
                "rebuild_events_per_s": 9_999,
                "rebuild_seconds": 97.9,
                "rollup_city_now": past(20.6),
                "rollup_city_as_of_last_month_end": {"as_of": "x", **past(21.5)},
                "rollup_city_as_of_mid_month": {"as_of": "y", **past(1000.0)},
            },
        ),
    ]
    verdict = targets_block(blocks).figures
    at = ", at 250,000 cases: the target is at 1M"
    assert verdict == {
        "catch-up ≥ 10,000 events/s (ledger)": "met (10,743/s, 978,899 events in 91.1 s)",
        "catch-up ≥ 10,000 events/s (supervision)": "NOT met (9,999/s, 978,899 events in 97.9 s)",
        "city roll-up p99 ≤ 100 ms": f"met (20.6 ms{at})",
        "as-of roll-up < 1 s": f"NOT met (slowest 1,000.0 ms of 2 instants{at})",
    }


def test_an_unknown_mode_is_refused() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(SystemExit, match="unknown mode"):
        run_bench(Settings(), parser.parse_args(["--modes", "raw,warp"]))
