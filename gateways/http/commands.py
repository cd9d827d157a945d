"""Acts on a case, run on the event loop: only the store's I/O leaves it.

A plain ``def`` endpoint costs two thread hops per request, and under load forty pool threads
take turns at one GIL with the loop that parses and answers requests. Here the command's rules
run on the loop (they are pure computation on a cached case), a save is queued for the group
commit's single committer thread, and only a case not in memory is read in a pool thread. So
two threads share the GIL, and every command waiting at one moment is written in one
transaction, however many there are.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from starlette.concurrency import run_in_threadpool

from domain.acts import Actor
from domain.application import CaseService, Registered, Registration
from domain.petition import Petition
from domain.steps import Driver, Save, Steps

T = TypeVar("T")


async def perform(
    service: CaseService,
    case_id: UUID,
    actor: Actor,
    action: str,
    occurred_at: datetime | None,
    params: dict[str, Any],
) -> tuple[Petition, int | None]:
    """``CaseService.perform``, awaiting its I/O instead of blocking on it."""
    return await drive(service, service.perform_steps(case_id, actor, action, occurred_at, params))


async def register(service: CaseService, actor: Actor, reg: Registration) -> Registered:
    """``CaseService.register``, awaiting its I/O: a new petitioner's registration reads
    nothing, so it leaves the loop only for its save."""
    return await drive(service, service.register_steps(actor, reg))


async def drive(service: CaseService, steps: Steps[T]) -> T:
    """Drive a command's steps (``domain.steps``) to its result."""
    driver = Driver(steps)
    while (step := driver.next()) is not None:
        try:
            if isinstance(step, Save) and step.tracking is None:
                saved = service.commits.submit(*step.aggregates)
                driver.answer(await asyncio.wrap_future(saved))
            else:
                driver.answer(await run_in_threadpool(service.step, step))
        except Exception as failed:
            driver.fail(failed)
    return driver.result
