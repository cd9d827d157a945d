"""The commands over HTTP: the blocking use cases, run in the server's thread pool."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool

from domain.acts import Actor
from domain.application import CaseService, Registered
from domain.commands import Register, case_command
from domain.petition import Petition


async def perform(
    service: CaseService,
    case_id: UUID,
    actor: Actor,
    action: str,
    occurred_at: datetime | None,
    params: dict[str, Any],
) -> tuple[Petition, int | None]:
    command = case_command(action, occurred_at, **params)
    return await run_in_threadpool(service.perform, case_id, actor, command)


async def register(service: CaseService, actor: Actor, reg: Register) -> Registered:
    return await run_in_threadpool(service.register, actor, reg)
