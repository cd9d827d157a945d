"""The HTTP API: FastAPI over one ``CaseService``, with the routers of every resource.

``create_app(settings, service=None, clock=None)`` builds the app. When it starts it builds
what the routes depend on (``gateways.http.deps.Dependencies``: the settings, the service
unless one is handed in, the read models' database) and closes them when it stops.
``uvicorn --factory gateways.http.app:app_from_env`` builds it from the ``XINFANG_``
environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

import gateways.http.routes.audit as audit
import gateways.http.routes.figures as figures
import gateways.http.routes.recommendations as recommendations
from domain.application import CaseService, Clock
from gateways.holidays import calendar_health
from gateways.http import speedups
from gateways.http.deps import Dependencies, Deps
from gateways.http.errors import install_error_handlers
from gateways.http.routes import chain, ledger, petitions, supervision, tracking, units, warnings
from gateways.settings import Settings
from gateways.wiring import build_service, build_view_database

# Every resource's router, in the order they are matched. To add one (ledger, supervision,
# figures, trail, warnings, recommendations …): write ``gateways/http/routes/<name>.py`` with a
# module-level ``router`` and add one line here. Use ``gateways.http.deps`` for the caller
# (``Caller``/``current_actor``) and the service (``Service``), and answer errors by raising
# ``domain.errors`` refusals: the handlers of ``gateways.http.errors`` turn them into JSON.
ROUTERS: list[APIRouter] = [
    petitions.router,
    units.router,
    tracking.router,
    chain.router,
    ledger.router,
    supervision.router,
    warnings.router,
    recommendations.router,
    audit.router,
    figures.router,
]

log = logging.getLogger("xinfang.http")

# The service looks for units recorded elsewhere when its directory is older than a second:
# the app looks more often, so that a request never has to.
DIRECTORY_REFRESH = 0.5

TITLE = "信访事项协同办理系统 API · xinfang petition case API"
DESCRIPTION = """
依据2022年《信访工作条例》，各级信访部门和承办单位在同一事项记录上登记、转送、交办、受理、答复、
复查、复核、督办与评价；每一操作都是带有操作人、发生时间、记录时间和哈希链的事件。

Case coordination for petition work under the 2022 Regulation: every tier records its acts on
one shared history. Every request (except `/health` and the petitioner's `/api/v1/tracking`)
carries a bearer token naming the official, their unit, roles and jurisdiction (`xinfang token`).

Errors are JSON `{"code", "message", "details"}`: 401 no or bad token, 403 outside the caller's
role or jurisdiction, 404 unknown case (or an accusation hidden from the accused unit), 409 a rule
of the Regulation refuses the act, 422 malformed input.
"""


class CalendarHealth(BaseModel):
    source: str | None = Field(
        description="节假日安排的来源 where the State Council's holiday notices come from",
        examples=["chinese-calendar 1.11.0"],
    )
    years: list[int] | None = Field(
        description="覆盖的首尾年份；其外的期限仅按周末推算 first and last year covered; "
        "outside them deadlines assume weekends only",
        examples=[[2004, 2026]],
    )
    extra_file: str | None = Field(
        description="XINFANG_HOLIDAYS_FILE：补充或更正的节假日 a file adding to or overriding them"
    )
    roll_forward: bool = Field(
        description="期限末日为休息日的，顺延至下一个工作日 a period ending on a rest day ends "
        "on the next working day"
    )


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    store: str = Field(examples=["sqlite"])
    position: int = Field(description="最新事件在存储中的位置 last store position")
    calendar: CalendarHealth


async def keep_directory_fresh(service: CaseService, every: float = DIRECTORY_REFRESH) -> None:
    """Fold units recorded by other processes into the directory, in the thread pool, so that
    reading it on a request (``service.directory``) never waits on the store."""
    while True:
        await asyncio.sleep(every)
        try:
            await run_in_threadpool(service.store.directory, refresh=True)
        except Exception:  # the store is away for a moment: a request will look again
            log.warning("directory refresh failed", exc_info=True)


def include_routers(app: FastAPI) -> None:
    """Mount every router of ``ROUTERS``, then the catch-all for unknown acts."""
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(petitions.fallback_router)


def create_app(
    settings: Settings | None = None,
    service: CaseService | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The app. Its dependencies (``gateways.http.deps``) are built when it starts and closed
    when it stops; a ``service`` handed in belongs to the caller."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with contextlib.ExitStack() as stack:
            live = service
            if live is None:
                live = build_service(settings, clock=clock)
                stack.callback(live.close)
            views = build_view_database(settings)
            stack.callback(views.close)
            app.state.deps = Dependencies(settings, live, views)
            if settings.http_speedups and service is None:  # a server's worker process
                speedups.settle_heap()
            refreshing = asyncio.create_task(keep_directory_fresh(live))
            try:
                yield
            finally:
                refreshing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refreshing

    app = FastAPI(
        title=TITLE,
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        openapi_tags=[
            {"name": "信访事项 petitions", "description": "登记、办理、查询 register, act, read"},
            {"name": "单位 units", "description": "单位名录 the directory of units"},
            {"name": "信访人查询 tracking", "description": "凭查询码查询（无需令牌）"},
            {"name": "防篡改 chain", "description": "哈希链校验 tamper evidence"},
            {"name": "台账 ledger", "description": "台账：筛选、分页、CSV 导出 the case ledger"},
            {"name": "督办 supervision", "description": "五级书记抓信访看板，可查任一时刻 roll-up"},
            {"name": "预警 warnings", "description": "期限预警 deadlines due soon or past due"},
            {
                "name": "考核 figures",
                "description": "考核数据与月通报 assessment figures, bulletin",
            },
            {"name": "问责轨迹 audit", "description": "纪检监察问责轨迹 accountability trail"},
            {"name": "三项建议 recommendations", "description": "改进工作、完善政策、追究责任建议"},
        ],
    )
    install_error_handlers(app)
    include_routers(app)
    if settings.http_speedups:
        speedups.install(app)

    @app.get("/health", response_model=Health, tags=["运行 operations"], summary="健康检查 health")
    def health(deps: Deps) -> Any:
        """Liveness, the store's last position and the years the holiday calendar covers (no
        token needed)."""
        live = deps.service
        return {
            "status": "ok",
            "store": "postgres" if deps.settings.uses_postgres else "sqlite",
            "position": live.store.recorder.max_notification_id() or 0,
            "calendar": calendar_health(live.rules.calendar, deps.settings.holidays_file),
        }

    return app


def app_from_env() -> FastAPI:
    """What each uvicorn worker builds: settings from the environment, its own service."""
    return create_app(Settings.from_env())
