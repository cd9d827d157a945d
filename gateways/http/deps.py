"""Dependencies every route shares: the caller, the service, the read models, the settings.

``Dependencies`` is built once, when the app starts (``gateways.http.app``), and kept on the
app's state; routes reach it through the annotations below (``actor: Caller``,
``service: Service``, ``db: Views``, ``deps: Deps``). They are ``async``: none of them waits on
I/O, so they cost no thread hop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import AwareDatetime, BeforeValidator

from domain import access
from domain.acts import Actor
from domain.application import CaseService
from domain.calendar import china_date, end_of_day
from gateways.http.auth import authenticate, bearer
from gateways.settings import Settings
from projections.db import ViewDatabase


@dataclass(frozen=True)
class Dependencies:
    """What the routes work with, built when the app starts."""

    settings: Settings
    service: CaseService
    views: ViewDatabase  # the read models' database


async def dependencies(request: Request) -> Dependencies:
    deps: Dependencies = request.app.state.deps
    return deps


Deps = Annotated[Dependencies, Depends(dependencies)]


async def current_actor(
    deps: Deps,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The authenticated official (401 otherwise)."""
    return authenticate(deps.settings, deps.service.directory, credentials)


async def current_service(deps: Deps) -> CaseService:
    return deps.service


async def view_database(deps: Deps) -> ViewDatabase:
    return deps.views


def allowed_to(duty: access.Duty) -> Callable[..., Awaitable[Actor]]:
    """A dependency: the caller, provided the access policy lets them do ``duty``."""

    async def check(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        access.check_may(actor, duty)
        return actor

    return check


def _instant(value: object) -> object:
    """Tolerate what URLs do to instants: ``+08:00`` arrives as `` 08:00`` when the plus sign
    was not encoded; a bare date means the end of that day in China."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if len(text) == 10:
        try:
            return end_of_day(date.fromisoformat(text)) - timedelta(microseconds=1)
        except ValueError:
            return value
    if len(text) > 19 and text[-6] == " ":
        text = f"{text[:-6]}+{text[-5:]}"
    return text


AsOf = Annotated[
    AwareDatetime | None,
    BeforeValidator(_instant),
    Query(
        description="某一时刻的状态（ISO 8601 带时区，或日期=当日终了）。"
        " The state as recorded at that instant (or the end of that China day).",
        examples=["2026-03-05T18:00:00+08:00"],
    ),
]

Caller = Annotated[Actor, Depends(current_actor)]
Service = Annotated[CaseService, Depends(current_service)]
Views = Annotated[ViewDatabase, Depends(view_database)]


def today_of(service: CaseService, as_of: datetime | None = None) -> date:
    """The China date deadlines are judged on: that of ``as_of``, else the service clock's."""
    return china_date(as_of or service.clock.now())
