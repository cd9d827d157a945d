"""The HTTP API: FastAPI over one ``CaseService``, with the routers of every resource.

``create_app(settings, service=None, clock=None)`` builds the app. With no service it builds
one from the settings when the app starts and closes it when the app stops; a service handed
in belongs to the caller. ``uvicorn --factory gateways.http.app:create_app`` (and
``app_from_env``) build it from the ``XINFANG_`` environment.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import gateways.http.routes.audit as audit
import gateways.http.routes.figures as figures
import gateways.http.routes.recommendations as recommendations
from domain.application import CaseService, Clock
from gateways.holidays import calendar_health
from gateways.http import fast_acts, heap
from gateways.http.errors import install_error_handlers
from gateways.http.routes import chain, ledger, petitions, supervision, tracking, units, warnings
from gateways.settings import Settings
from gateways.wiring import build_service

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


# FastAPI ≥ 0.16x asks OpenTelemetry on every request whether anyone is listening (an
# environment lookup per call, 2% of a command). Nobody is: operations read the heartbeat and
# the store's position instead. Older releases have no such parameter.
_NO_TELEMETRY: dict[str, Any] = (
    {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    if "telemetry" in inspect.signature(FastAPI).parameters
    else {}
)


class PetitionAPI(FastAPI):
    """FastAPI, with the commands' hot path in front of it (``gateways.http.fast_acts``)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        act = fast_acts.act_of(scope)
        if act is None:
            await super().__call__(scope, receive, send)
            return
        await fast_acts.serve(self, scope, receive, send, act, super().__call__)


def include_routers(app: FastAPI) -> None:
    """Mount every router of ``ROUTERS``, then the catch-all for unknown acts."""
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(petitions.fallback_router)


def create_app(
    settings: Settings | None = None,
    service: CaseService | None = None,
    clock: Clock | None = None,
    *,
    server_heap: bool | None = None,
) -> FastAPI:
    """The app. ``server_heap`` (by default: when the app builds its own service, as each
    uvicorn worker does) sets the garbage collector for a long-running server
    (``gateways.http.heap``)."""
    settings = settings or Settings.from_env()
    owned = service is None
    tune_heap = owned if server_heap is None else server_heap

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if owned:
            app.state.service = build_service(settings, clock=clock)
        if tune_heap:
            heap.settle()
        try:
            yield
        finally:
            views = getattr(app.state, "views", None)
            if views is not None:
                views.close()
                app.state.views = None
            if owned:
                app.state.service.close()

    app = PetitionAPI(
        **_NO_TELEMETRY,
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
    app.state.settings = settings
    app.state.service = service
    app.state.views = None
    app.state.known_units = set()
    install_error_handlers(app)
    include_routers(app)

    @app.get("/health", response_model=Health, tags=["运行 operations"], summary="健康检查 health")
    def health(request: Request) -> Any:
        """Liveness, the store's last position and the years the holiday calendar covers (no
        token needed)."""
        live: CaseService = request.app.state.service
        position = live.store.recorder.max_notification_id() or 0
        store = "postgres" if settings.uses_postgres else "sqlite"
        calendar = calendar_health(live.rules.calendar, settings.holidays_file)
        return JSONResponse(
            {"status": "ok", "store": store, "position": position, "calendar": calendar}
        )

    return app


def app_from_env() -> FastAPI:
    """What each uvicorn worker builds: settings from the environment, its own service."""
    return create_app(Settings.from_env())
