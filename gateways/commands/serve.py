"""``xinfang serve``: the HTTP API on the configured store, ready for a newcomer.

On the embedded default (a SQLite file) with an empty store it seeds the demo first, so the
first command a newcomer types shows real cases; it then prints where the API manual is and
one ready token per kind of official. Projections and the Kafka relay run inside the process
when the settings ask for them (the embedded default); in production they run as their own
processes (``xinfang project run``, ``xinfang relay``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import uvicorn

from domain.application import CaseService
from domain.calendar import china_date
from domain.units import area_prefix
from gateways.commands.demo import seed_into
from gateways.demo import DEMO_OFFICIALS, first_case, has_cases
from gateways.demo.cases import DemoSummary
from gateways.holidays import coverage_warning
from gateways.http.app import create_app
from gateways.http.speedups import settle_heap
from gateways.persistence.shared_cache import cache_file_for_run
from gateways.settings import Settings
from gateways.tokens import issue_token
from gateways.wiring import build_service

log = logging.getLogger("xinfang.serve")

DEMO_CASES = 600
DEMO_SEED = 7
APP_FACTORY = "gateways.http.app:app_from_env"  # what each worker builds when workers > 1


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    settings = settings.model_copy(
        update={
            "host": args.host or settings.host,
            "port": args.port if args.port is not None else settings.port,
        }
    )
    service = build_service(settings)
    try:
        warn_about_calendar(service)
        summary = _seed_if_wanted(settings, service, args.demo)
        sample = UUID(summary.samples["home"]) if summary and "home" in summary.samples else None
        print(banner(settings, service, sample or first_case(service), summary), flush=True)
        with _background(settings, service):
            _run_uvicorn(settings, service)
    finally:
        service.close()
    return 0


def warn_about_calendar(service: CaseService) -> str | None:
    """Log at start-up when today is near the end of the years the holiday calendar covers,
    or past them: deadlines beyond are counted on weekends only (``gateways.holidays``)."""
    warning = coverage_warning(service.rules.calendar, china_date(service.clock.now()))
    if warning:
        log.warning(warning)
    return warning


def _seed_if_wanted(
    settings: Settings, service: CaseService, demo: bool | None
) -> DemoSummary | None:
    """``--demo`` seeds an empty store of any kind, ``--no-demo`` never; by default only the
    embedded SQLite store is seeded (a production PostgreSQL never gets made-up cases)."""
    wanted = (not settings.uses_postgres) if demo is None else demo
    if not wanted or has_cases(service):
        return None
    summary = seed_into(service, DEMO_CASES, DEMO_SEED)
    print("\n".join(summary.lines()), flush=True)
    return summary


def banner(
    settings: Settings,
    service: CaseService,
    sample: UUID | None,
    summary: DemoSummary | None = None,
) -> str:
    """What a newcomer needs to make a first request: the manual, tokens, a curl line."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    base = f"http://{host}:{settings.port}"
    store = "PostgreSQL" if settings.uses_postgres else f"SQLite {settings.sqlite_path}"
    lines = [
        "信访事项协同办理系统 xinfang",
        f"  接口文档 API docs (OpenAPI): {base}/docs",
        f"  存储 store: {store}",
        f"  节假日安排 holiday calendar: {_calendar_line(settings, service)}",
    ]
    if summary is not None:
        lines.append(f"  已生成演示数据 demo seeded: {summary.cases} 件信访事项 cases")
    tokens = _demo_tokens(settings, service)
    if tokens:
        hours = settings.token_hours
        lines += ["", f"开发用令牌（{hours} 小时内有效）/ development tokens (valid {hours} h):"]
        lines += tokens
    elif not settings.development_secret:
        lines += ["", "签发令牌 issue a token: xinfang token --unit UNIT --roles ROLES"]
    if sample is not None and tokens:
        lines += [
            "",
            "试一试（先粘贴上面的 export 行）/ try it (paste the export lines first):",
            f'  curl -H "Authorization: Bearer $TOKEN_BUREAU" {base}/api/v1/petitions/{sample}',
            f'  curl -H "Authorization: Bearer $TOKEN_BUREAU" {base}/api/v1/petitions/{sample}/history',
        ]
    return "\n".join(lines)


def _calendar_line(settings: Settings, service: CaseService) -> str:
    calendar = service.rules.calendar
    years = f"{calendar.years[0]}-{calendar.years[1]}" if calendar.years else "none"
    extra = f" + {settings.holidays_file}" if settings.holidays_file else ""
    return f"{calendar.source or 'none'} ({years}){extra}"


def _demo_tokens(settings: Settings, service: CaseService) -> list[str]:
    """Tokens for the demo officials, on a development secret only: a production secret's
    tokens never go to a log."""
    if not settings.development_secret:
        return []
    directory = service.directory
    lines: list[str] = []
    for official in DEMO_OFFICIALS:
        unit = directory.find(official.unit_id)
        if unit is None:
            continue
        token = issue_token(
            settings,
            official.official_id,
            official.name,
            unit.unit_id,
            list(official.roles),
            area_prefix(unit.division_code),
        )
        lines.append(f"  # {official.title} {official.name} — {official.title_en}")
        lines.append(f"  export TOKEN_{official.key}={token}")
    return lines


@contextlib.contextmanager
def _background(settings: Settings, service: CaseService) -> Iterator[None]:
    """Projections and relay inside this process, when they exist and the settings ask."""
    started: list[Any] = []
    if settings.in_process_projections:
        start = _optional("gateways.commands.project", "start_in_process")
        if start is not None:
            started.append(start(settings, service))
    if settings.kafka_bootstrap:
        relay_thread = _optional("gateways.kafka.relay", "RelayThread")
        if relay_thread is not None:
            started.append(relay_thread(service, settings).start())
    try:
        yield
    finally:
        for worker in reversed(started):
            stop = getattr(worker, "stop", None)
            if callable(stop):
                stop()


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found: Callable[..., Any] | None = getattr(importlib.import_module(module), name, None)
    except ImportError as error:
        log.warning("%s not available: %s", module, error)
        return None
    if found is None:
        log.warning("%s.%s not available", module, name)
    return found


def _run_uvicorn(settings: Settings, service: CaseService) -> None:
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": settings.access_log,
    }
    if settings.workers <= 1:
        app = create_app(settings, service=service)
        if settings.http_speedups:
            settle_heap()
        uvicorn.run(app, **options)
        return
    # Several workers: each process builds its own app (and service) from the environment,
    # and they share one cache of the cases they command (``gateways.persistence.shared_cache``).
    sys.stdout.flush()
    with contextlib.ExitStack() as run:
        if not settings.shared_cache and settings.aggregate_cache > 0:
            os.environ["XINFANG_SHARED_CACHE"] = run.enter_context(cache_file_for_run())
            run.callback(os.environ.pop, "XINFANG_SHARED_CACHE", None)
        uvicorn.run(APP_FACTORY, factory=True, workers=settings.workers, **options)
