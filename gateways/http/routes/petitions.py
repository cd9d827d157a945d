"""信访事项 over HTTP: register, one route per act of the lifecycle, the case and its history.

Thin on purpose: parse the body, take the caller from the token, call ``CaseService``, build the
view. Who may do what, and when, is decided by the domain (``domain.access``, the aggregate).
The commands (registration and the acts) are ``async``: their rules run on the event loop and
only the store's I/O leaves it (``gateways.http.commands``). The reads are plain ``def`` and
run in the server's thread pool, since they read the store more than once.
"""

# No ``from __future__ import annotations`` here: the act routes are made in a loop and FastAPI
# must see each body model as a real class, not a name to look up in this module.

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse

from domain.application import Registered
from domain.commands import CASE_COMMANDS, Register
from domain.errors import not_found
from gateways.http import commands
from gateways.http.deps import AsOf, Caller, Service, today_of
from gateways.http.errors import error_responses
from gateways.http.schemas import ACTION_BODIES, CaseView, Command, EventView, RegisterPetition
from gateways.http.views import candidate_view, case_view, history_view

router = APIRouter(prefix="/api/v1/petitions", tags=["信访事项 petitions"])
# Registered after every other router, so that it only catches what nothing else matched.
fallback_router = APIRouter(prefix="/api/v1/petitions")

CaseId = Annotated[UUID, Path(description="信访事项编号 case id")]

ACTION_SUMMARIES: dict[str, str] = {
    "transfer": "转送 transfer (Art.22)",
    "assign": "交办 assign (Art.22)",
    "route": "导入法定途径 route to a lawful channel (Art.22, 28, 31)",
    "inform": "告知 inform the petitioner (Art.23)",
    "accept": "受理 accept (Art.23)",
    "object": "异议 object to a transfer (Art.23)",
    "objection-decision": "异议审核 decide an objection (Art.23, 24)",
    "decline": "不予受理 decline (Art.19, 31)",
    "extend": "延期 extend the answer period (Art.34)",
    "answer": "答复 answer / 信访处理意见书 (Art.32, 34)",
    "serve": "送达 record service of the written opinion",
    "review-request": "复查申请 request a review (Art.35)",
    "review": "复查意见 review opinion (Art.35)",
    "recheck-request": "复核申请 request a recheck (Art.36)",
    "hearing": "听证 hold a hearing (Art.31, 36)",
    "recheck": "复核意见 recheck opinion, final (Art.36)",
    "urge": "督办 urge a unit (Art.38, 40)",
    "evaluate": "满意度评价 record the petitioner's evaluation",
    "leader": "包案 a leader owns the case (Art.18)",
    "conclude": "办结 conclude after the windows lapsed",
}
assert set(ACTION_SUMMARIES) == set(CASE_COMMANDS) == set(ACTION_BODIES)

COMMAND_ERRORS = error_responses(401, 403, 404, 409, 422)


# ------------------------------------------------------------------ register
@router.post(
    "",
    status_code=201,
    response_model=None,
    summary="登记信访事项 register a petition",
    responses={
        201: {"model": CaseView, "description": "新登记的事项（含查询码 query_code）"},
        200: {"model": CaseView, "description": "external_id 已登记过：返回原事项（幂等）"},
        **error_responses(401, 403, 409, 422),
    },
)
async def register(body: RegisterPetition, actor: Caller, service: Service) -> JSONResponse:
    """登记 (Art.22, 23). Repeats, level-skipping visits and re-raised facts are detected here.
    An ``external_id`` already registered returns that case with 200 and records nothing."""
    status, view, headers = await registration_answer(body, actor, service)
    return JSONResponse(view, status_code=status, headers=headers or None)


async def registration_answer(
    body: RegisterPetition, actor: Any, service: Any
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, case view and headers a registration answers with (also the hot path's:
    ``gateways.http.fast_acts``)."""
    registered: Registered = await commands.register(service, actor, _registration(body))
    case = registered.case
    view = case_view(case, actor, service.directory, service.rules, today_of(service))
    view["created"] = registered.created
    view["position"] = registered.position
    view["candidates"] = [candidate_view(c) for c in registered.candidates]
    if registered.created:
        view["query_code"] = registered.query_code
        return 201, view, {"Location": f"/api/v1/petitions/{case.id}"}
    return 200, view, {}


def _registration(body: RegisterPetition) -> Register:
    return Register(
        channel=body.channel.value,
        category=body.category.value,
        division_code=body.division_code,
        subject=body.subject,
        content=body.content,
        matter_kind=body.matter_kind,
        petitioners=[p.as_record() for p in body.petitioners],
        anonymous=body.anonymous,
        people_count=body.people_count,
        representatives=body.representatives,
        signatures=body.signatures,
        accused_unit_id=body.accused_unit_id,
        accused_persons=list(body.accused_persons),
        external_id=body.external_id,
        same_matter_as=body.same_matter_as,
        competent_unit_id=body.competent_unit_id,
        new_facts=body.new_facts,
        major=body.major,
        occurred_at=body.occurred_at,
    )


# ------------------------------------------------------------------ queries
@router.get(
    "/{case_id}",
    response_model=None,
    summary="信访事项详情 a case: state, flags, deadlines",
    responses={200: {"model": CaseView}, **error_responses(401, 403, 404, 422)},
)
def get_case(case_id: CaseId, actor: Caller, service: Service, as_of: AsOf = None) -> JSONResponse:
    """The case now, or as recorded at ``as_of``; deadlines are judged on that day."""
    case = service.case(case_id, actor, as_of)
    view = case_view(case, actor, service.directory, service.rules, today_of(service, as_of))
    return JSONResponse(view)


@router.get(
    "/{case_id}/history",
    response_model=None,
    summary="办理过程 every event of a case, with its hash-chain link",
    responses={200: {"model": list[EventView]}, **error_responses(401, 403, 404, 422)},
)
def get_history(
    case_id: CaseId, actor: Caller, service: Service, as_of: AsOf = None
) -> JSONResponse:
    """Every event (recorded up to ``as_of``): who, for which unit, when it happened, when it
    was recorded, what, and the digests linking it to the event before."""
    events = service.history(case_id, actor, as_of)
    return JSONResponse(history_view(events, actor, service.directory))


# ------------------------------------------------------------------ acts
def _act_route(action: str, model: type[Command]) -> Callable[..., Awaitable[JSONResponse]]:
    if model.body_optional():

        async def act_without_body(
            case_id: CaseId,
            actor: Caller,
            service: Service,
            body: Annotated[model | None, Body()] = None,  # type: ignore[valid-type]
        ) -> JSONResponse:
            return await perform_act(service, case_id, actor, action, body or model())

        endpoint: Callable[..., Awaitable[JSONResponse]] = act_without_body
    else:

        async def act_with_body(
            case_id: CaseId,
            body: model,  # type: ignore[valid-type]
            actor: Caller,
            service: Service,
        ) -> JSONResponse:
            return await perform_act(service, case_id, actor, action, body)

        endpoint = act_with_body
    endpoint.__name__ = f"act_{action.replace('-', '_')}"
    endpoint.__doc__ = model.__doc__
    return endpoint


async def perform_act(
    service: Any, case_id: UUID, actor: Any, action: str, body: Command
) -> JSONResponse:
    """One act and the case as the caller sees it after it."""
    return JSONResponse(await act_answer(service, case_id, actor, action, body))


async def act_answer(
    service: Any, case_id: UUID, actor: Any, action: str, body: Command
) -> dict[str, Any]:
    """The case view an act answers with (also the hot path's: ``gateways.http.fast_acts``)."""
    case, position = await commands.perform(
        service, case_id, actor, action, body.occurred_at, body.params()
    )
    view = case_view(case, actor, service.directory, service.rules, today_of(service))
    view["position"] = position
    return view


for _action, _model in ACTION_BODIES.items():
    router.add_api_route(
        f"/{{case_id}}/{_action}",
        _act_route(_action, _model),
        methods=["POST"],
        response_model=None,
        summary=ACTION_SUMMARIES[_action],
        operation_id=f"petition_{_action.replace('-', '_')}",
        responses={200: {"model": CaseView}, **COMMAND_ERRORS},
    )


@fallback_router.post("/{case_id}/{action}", include_in_schema=False)
async def unknown_action(case_id: str, action: str) -> None:
    raise not_found("UNKNOWN_ACTION", action=action)
