"""``xinfang demo``: seed the realistic demo dataset into the configured store."""

from __future__ import annotations

import sys

from domain.application import CaseService
from gateways.demo import DemoSummary, has_cases, seed_demo
from gateways.settings import Settings
from gateways.wiring import build_service


def run_demo(settings: Settings, cases: int = 600, seed: int = 7, force: bool = False) -> int:
    if cases < 1:
        print("--cases 应为正整数 / --cases must be a positive number", file=sys.stderr)
        return 2
    service = build_service(settings)
    try:
        if has_cases(service):
            if not force:
                print(
                    "存储中已有信访事项，未生成演示数据（如确需追加，请加 --force）。\n"
                    "The store already has cases; nothing was seeded (add --force to add the "
                    "demo anyway).",
                    file=sys.stderr,
                )
                return 1
            # The same seed would bring back the same petitioners, whose matters the store
            # would then link as repeats of the first demo: draw new people instead.
            seed += sum(1 for _ in service.case_ids())
        summary = seed_into(service, cases, seed)
    finally:
        service.close()
    print("\n".join(summary.lines()))
    return 0


def seed_into(service: CaseService, cases: int, seed: int) -> DemoSummary:
    """Seed with a line on stderr first: a first start waits a few seconds for it."""
    print(
        f"正在生成 {cases} 件演示信访事项… / seeding {cases} demo cases…",
        file=sys.stderr,
        flush=True,
    )
    return seed_demo(service, n_cases=cases, seed=seed)
