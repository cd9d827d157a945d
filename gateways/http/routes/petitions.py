"""信访事项 over HTTP: register, one route per command of ``domain.commands``, the case and its
history.

Thin on purpose: parse the body into its command, take the caller from the token, call
``CaseService`` in the thread pool (it blocks on the store), build the view. Who may do what,
and when, is decided by the domain (``domain.access``, the aggregate).
"""

# No ``from __future__ import annotations`` here: the act routes are made in a loop and FastAPI
# must see each body model as a real class, not a name to look up in this module.

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path, Response
from starlette.concurrency import run_in_threadpool

from domain.acts import Actor
from domain.application import CaseService, Registered
from domain.commands import CASE_COMMANDS, CaseCommand, Command, Register
from domain.errors import not_found
from domain.petition import Petition
from gateways.http.case_schemas import ActedCase, CaseView, EventView, RegisteredCase
from gateways.http.deps import AsOf, Caller, Service, today_of
from gateways.http.errors import error_responses
from gateways.http.schemas import BODIES, CommandBody, RegisterPetition
from gateways.http.views import candidate_view, case_view, history_view

router = APIRouter(prefix="/api/v1/petitions", tags=["信访事项 petitions"])
# Registered after every other router, so that it only catches what nothing else matched.
fallback_router = APIRouter(prefix="/api/v1/petitions")

CaseId = Annotated[UUID, Path(description="信访事项编号 case id")]


def manual(command: type[Command], doc: str | None) -> str:
    """A command route's description: what the act is, its article and who may give it."""
    roles = "、".join(sorted(command.roles))
    return f"{(doc or '').strip()}\n\n依据{command.article}。角色 roles: {roles}（admin 可为全部操作）。"


REGISTRATION = """登记 (Art.22, 23). Repeats, level-skipping visits and re-raised facts are detected here.
An ``external_id`` already registered returns that case with 200 and records nothing."""


# ------------------------------------------------------------------ the use cases
async def run_act(
    service: CaseService, case_id: UUID, actor: Actor, command: CaseCommand
) -> tuple[Petition, int | None]:
    """``CaseService.perform`` in the thread pool: the one call of an act into the domain."""
    return await run_in_threadpool(service.perform, case_id, actor, command)


async def run_registration(service: CaseService, actor: Actor, command: Register) -> Registered:
    """``CaseService.register`` in the thread pool: the one call of a registration."""
    return await run_in_threadpool(service.register, actor, command)


# ------------------------------------------------------------------ register
@router.post(
    "",
    status_code=201,
    response_model=RegisteredCase,
    response_model_exclude_unset=True,
    summary=Register.summary,
    description=manual(Register, REGISTRATION),
    responses={
        201: {"description": "新登记的事项（含查询码 query_code）; Location: the case"},
        200: {"model": RegisteredCase, "description": "external_id 已登记过：返回原事项（幂等）"},
        **error_responses(401, 403, 409, 422),
    },
)
async def register(
    body: RegisterPetition, actor: Caller, service: Service, response: Response
) -> dict[str, Any]:
    """登记: see ``REGISTRATION``."""
    created, view = await registration(service, actor, body.to_command())
    if created:
        response.headers["Location"] = location(view)
    else:
        response.status_code = 200
    return view


async def registration(
    service: CaseService, actor: Actor, command: Register
) -> tuple[bool, dict[str, Any]]:
    """Whether the registration created the case, and the case as its registrar sees it."""
    registered = await run_registration(service, actor, command)
    view = case_view(registered.case, actor, service.directory, service.rules, today_of(service))
    view["position"] = registered.position
    view["created"] = registered.created
    view["candidates"] = [candidate_view(c) for c in registered.candidates]
    if registered.created:
        view["query_code"] = registered.query_code
    return registered.created, view


def location(view: dict[str, Any]) -> str:
    return f"/api/v1/petitions/{view['id']}"


# ------------------------------------------------------------------ queries
@router.get(
    "/{case_id}",
    response_model=CaseView,
    response_model_exclude_unset=True,
    summary="信访事项详情 a case: state, flags, deadlines",
    responses=error_responses(401, 403, 404, 422),
)
def get_case(case_id: CaseId, actor: Caller, service: Service, as_of: AsOf = None) -> Any:
    """The case now, or as recorded at ``as_of``; deadlines are judged on that day."""
    case = service.case(case_id, actor, as_of)
    return case_view(case, actor, service.directory, service.rules, today_of(service, as_of))


@router.get(
    "/{case_id}/history",
    response_model=list[EventView],
    summary="办理过程 every event of a case, with its hash-chain link",
    responses=error_responses(401, 403, 404, 422),
)
def get_history(case_id: CaseId, actor: Caller, service: Service, as_of: AsOf = None) -> Any:
    """Every event (recorded up to ``as_of``): who, for which unit, when it happened, when it
    was recorded, what, and the digests linking it to the event before."""
    events = service.history(case_id, actor, as_of)
    return history_view(events, actor, service.directory)


# ------------------------------------------------------------------ acts
async def perform(
    service: CaseService, case_id: UUID, actor: Actor, command: CaseCommand
) -> dict[str, Any]:
    """One act, and the case as the caller sees it after it."""
    case, position = await run_act(service, case_id, actor, command)
    view = case_view(case, actor, service.directory, service.rules, today_of(service))
    view["position"] = position
    return view


def _act_route(model: type[CommandBody]) -> Callable[..., Awaitable[dict[str, Any]]]:
    if model.body_optional():

        async def act_without_body(
            case_id: CaseId,
            actor: Caller,
            service: Service,
            body: Annotated[model | None, Body()] = None,  # type: ignore[valid-type]
        ) -> dict[str, Any]:
            return await perform(service, case_id, actor, (body or model()).to_command())

        endpoint: Callable[..., Awaitable[dict[str, Any]]] = act_without_body
    else:

        async def act_with_body(
            case_id: CaseId,
            body: model,  # type: ignore[valid-type]
            actor: Caller,
            service: Service,
        ) -> dict[str, Any]:
            return await perform(service, case_id, actor, body.to_command())

        endpoint = act_with_body
    endpoint.__name__ = f"act_{model.command.name.replace('-', '_')}"
    endpoint.__doc__ = model.__doc__
    return endpoint


for _name, _command in CASE_COMMANDS.items():
    router.add_api_route(
        f"/{{case_id}}/{_name}",
        _act_route(BODIES[_command]),
        methods=["POST"],
        response_model=ActedCase,
        response_model_exclude_unset=True,
        summary=_command.summary,
        description=manual(_command, BODIES[_command].__doc__),
        operation_id=f"petition_{_name.replace('-', '_')}",
        responses=error_responses(401, 403, 404, 409, 422),
    )


@fallback_router.post("/{case_id}/{action}", include_in_schema=False)
async def unknown_action(case_id: str, action: str) -> None:
    raise not_found("UNKNOWN_ACTION", action=action)
