"""``xinfang project``: run the projections as a worker, rebuild one from zero, or run them
inside the service (the embedded default)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType

from domain.application import CaseService
from gateways.heartbeat import Heartbeat, heartbeat_path
from gateways.settings import Settings
from gateways.store import analyze_events
from gateways.wiring import build_service, build_view_database
from projections.registry import all_projections
from projections.runner import CATCH_UP_BATCH, Projection, ProjectionRunner

log = logging.getLogger("xinfang.projections")

ALL = "all"


# Read models served from another projection's rows: the warnings read the ledger's deadlines.
ALIASES = {"warnings": "ledger"}


def select(settings: Settings, name: str) -> list[Projection]:
    """The projections called ``name`` (``all`` for every one); an unknown name is an error."""
    found = all_projections()
    if name == ALL:
        return found
    name = ALIASES.get(name, name)
    chosen = [p for p in found if p.name == name]
    if not chosen:
        names = ", ".join(p.name for p in found)
        raise SystemExit(f"未知的投影 {name!r}；可用：{names}, {ALL} / unknown projection {name!r}")
    return chosen


def start_in_process(settings: Settings, service: CaseService) -> ProjectionRunner:
    """Every projection in a daemon thread of the serving process (the embedded default).
    The caller stops it with ``runner.stop()`` on shutdown."""
    db = build_view_database(settings)
    runner = ProjectionRunner(service, db, all_projections(), catch_up_batch_size=CATCH_UP_BATCH)
    runner.start_thread()
    return runner


def run_project(settings: Settings, name: str) -> int:
    """A worker process for ``name`` (or ``all``): catch up, then follow until SIGTERM/SIGINT."""
    service = build_service(settings)
    db = build_view_database(settings)
    analyze_events(service.store.recorder)  # before catching up in large batches
    runner = ProjectionRunner(
        service, db, select(settings, name), catch_up_batch_size=CATCH_UP_BATCH
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("projection worker %s from positions %s", name, runner.positions())
    try:
        runner.run_forever(stop, alive=Heartbeat(heartbeat_path(f"projection-{name}")))
    finally:
        db.close()
        service.close()
    log.info("projection worker %s stopped at %s", name, runner.positions())
    return 0


class ProgressBar:
    """A plain ``\\r`` progress bar on stderr: no dependency, fine in any terminal or log."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label = label
        self.width = width
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self._last < 0.2:
            return
        self._last = now
        share = done / total if total else 1.0
        filled = int(share * self.width)
        rate = done / max(now - self.started, 1e-9)
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(
            f"\r{self.label:<14} [{bar}] {share:6.1%} {done:>10,}/{total:,} 事件 {rate:>9,.0f}/s"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def rebuild_project(settings: Settings, name: str) -> int:
    """Rebuild ``name`` (or ``all``) from zero with a progress bar; the service keeps serving
    from the old rows until each batch commits."""
    service = build_service(settings)
    db = build_view_database(settings)
    try:
        chosen = select(settings, name)
        analyze_events(service.store.recorder)  # before reading in large batches
        runner = ProjectionRunner(service, db, chosen, catch_up_batch_size=CATCH_UP_BATCH)
        for projection in chosen:
            started = time.perf_counter()
            read = runner.rebuild(projection.name, progress=ProgressBar(projection.name))
            elapsed = time.perf_counter() - started
            print(
                f"{projection.name}: 重建完成 {read:,} 个事件，用时 {elapsed:.1f} 秒 "
                f"/ rebuilt from {read:,} events in {elapsed:.1f}s",
                file=sys.stderr,
            )
    finally:
        db.close()
        service.close()
    return 0
