"""Percentiles and the printed blocks of a bench run (plain text for people, JSON for scripts)."""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO


def percentile(sorted_samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted samples (0 when there are none)."""
    if not sorted_samples:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_samples)))
    return sorted_samples[min(rank, len(sorted_samples)) - 1]


def latency_figures(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds, rounded for printing."""
    ordered = sorted(seconds)
    return {
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round((ordered[-1] if ordered else 0.0) * 1000, 2),
    }


def rate(count: int, elapsed: float) -> float:
    return round(count / elapsed, 1) if elapsed > 0 else 0.0


@dataclass
class Sample:
    """What one timed run measured: every command's latency, by action, and the refusals."""

    elapsed: float = 0.0
    cpu: float = 0.0  # seconds of this process's CPU, when measured
    latencies: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)

    def record(self, action: str, seconds: float) -> None:
        self.latencies.append(seconds)
        self.by_action.setdefault(action, []).append(seconds)

    def merge(self, other: Sample) -> None:
        """Add another run's figures (threads of one run share the elapsed time)."""
        self.latencies.extend(other.latencies)
        for action, values in other.by_action.items():
            self.by_action.setdefault(action, []).extend(values)
        self.errors.update(other.errors)

    @property
    def rate(self) -> float:
        return rate(len(self.latencies), self.elapsed)

    def figures(self) -> dict[str, Any]:
        return {
            "commands": len(self.latencies),
            "commands_per_s": self.rate,
            **latency_figures(self.latencies),
            "errors": sum(self.errors.values()),
        }

    def cpu_us_per_command(self) -> int:
        return round(self.cpu / max(1, len(self.latencies)) * 1e6)

    def mean_ms_by_action(self) -> dict[str, float]:
        return {a: round(sum(v) / len(v) * 1000, 3) for a, v in self.by_action.items() if v}


@dataclass
class Block:
    """One measured mode: a title, its figures (flat, JSON-friendly) and free-text notes."""

    mode: str
    title: str
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.figures, "mode": self.mode, "title": self.title, "notes": self.notes}


def print_block(block: Block, out: TextIO) -> None:
    out.write(f"\n== {block.mode}: {block.title}\n")
    width = max((len(k) for k in block.figures), default=0)
    for key, value in block.figures.items():
        out.write(f"  {key.ljust(width)}  {_format(value)}\n")
    for note in block.notes:
        out.write(f"  * {note}\n")
    out.flush()


def print_json(blocks: Sequence[Block], context: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps({**context, "blocks": [b.as_dict() for b in blocks]}, ensure_ascii=False))
    out.write("\n")
    out.flush()


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_format(v)}" for k, v in value.items())
    return str(value)


# Issue 3: catch-up rate per projection, and the city roll-up at this many cases.
CATCH_UP_PER_S = 10_000
ROLLUP_AT_CASES = 1_000_000
ROLLUP_P99_MS = 100.0
AS_OF_MS = 1000.0


def targets_block(blocks: Sequence[Block]) -> Block:
    """The targets of issues 2 and 3 against what was measured: met or not, and by how much."""
    verdict = Block("targets", "what issues 2 and 3 ask, against this run")
    for block in blocks:
        figures = block.figures
        if block.mode == "projections" and "rebuild_events_per_s" in figures:
            verdict.figures.update(_projection_targets(figures))
        if block.mode == "app" and "app_raw_ratio" in figures:
            ratio = figures["app_raw_ratio"]
            verdict.figures["app/raw ≥ 0.70"] = _met(ratio >= 0.70, f"{ratio:.2f}")
        if block.mode == "http" and figures.get("loop") == "closed":
            per_s = figures.get("commands_per_s", 0.0)
            verdict.figures[f"http ≥ 1,000/s ({block.title})"] = _met(
                per_s >= 1000 and not figures.get("errors"), f"{per_s:,.0f}/s"
            )
        # The open loop at the asked rate; the one at 80% of closed loop is for reading only.
        if block.mode == "http" and figures.get("loop") != "closed" and "80%" not in block.title:
            p99 = figures.get("p99_ms", 0.0)
            verdict.figures[f"p99 ≤ 50 ms ({block.title})"] = _met(
                p99 <= 50 and not figures.get("errors") and not figures.get("unfinished"),
                f"{p99:,.1f} ms",
            )
    return verdict


def _projection_targets(figures: dict[str, Any]) -> dict[str, str]:
    """Catch-up ≥ 10,000 events/s (so a million events rebuild in under two minutes); the city
    roll-up p99 ≤ 100 ms and every as-of roll-up under a second. The roll-up targets are set
    at a million cases: a smaller store is judged too, and says how many cases it held."""
    name = figures.get("projection", "?")
    per_s = figures["rebuild_events_per_s"] or 0
    read, seconds = figures.get("events_read", 0), figures.get("rebuild_seconds", 0.0)
    judged = {
        f"catch-up ≥ 10,000 events/s ({name})": _met(
            per_s >= CATCH_UP_PER_S, f"{per_s:,}/s, {read:,} events in {seconds:,.1f} s"
        )
    }
    now = figures.get("rollup_city_now")
    if now is None:
        return judged
    cases = figures.get("cases", 0)
    scale = "" if cases >= ROLLUP_AT_CASES else f", at {cases:,} cases: the target is at 1M"
    p99 = now["p99_ms"]
    judged["city roll-up p99 ≤ 100 ms"] = _met(p99 <= ROLLUP_P99_MS, f"{p99:,.1f} ms{scale}")
    past = [v for k, v in figures.items() if k.startswith("rollup_city_as_of_")]
    if past:
        slowest = max(v["max_ms"] for v in past)
        judged["as-of roll-up < 1 s"] = _met(
            slowest < AS_OF_MS, f"slowest {slowest:,.1f} ms of {len(past)} instants{scale}"
        )
    return judged


def _met(ok: bool, value: str) -> str:
    return f"{'met' if ok else 'NOT met'} ({value})"


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
