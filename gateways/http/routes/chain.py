"""防篡改校验 over HTTP: recompute a case's hash chain, or every visible case's (inspectors).

Checking a chain reads nothing of the case's contents, so it is not recorded as a read of an
accusation; who may check a case is still decided by ``domain.access``.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from fastapi import APIRouter, Depends, Path, Query

from domain import access
from domain.acts import Actor
from domain.application import CaseService
from domain.errors import not_found
from domain.petition import Petition
from gateways.http.deps import Caller, Service, allowed_to
from gateways.http.errors import error_responses
from gateways.http.schemas import ResponseBody

router = APIRouter(prefix="/api/v1", tags=["防篡改 chain"])

Auditor = Annotated[Actor, Depends(allowed_to(access.Duty.VERIFY_CHAINS))]
MAX_LIMIT = 100_000


class ChainReportView(ResponseBody):
    case_id: str
    events: int
    ok: bool
    head: str
    broken_at_version: int | None


class ChainSummary(ResponseBody):
    checked: int
    ok: int
    broken: list[ChainReportView]
    truncated: bool


def _stored_case(service: CaseService, case_id: UUID) -> Petition | None:
    try:
        case: Any = service.store.repository.get(case_id)
    except AggregateNotFoundError:
        return None
    return case if isinstance(case, Petition) else None


@router.get(
    "/petitions/{case_id}/chain",
    response_model=ChainReportView,
    summary="校验一个事项的哈希链 verify one case's hash chain",
    responses=error_responses(401, 403, 404, 422),
)
def verify_case(
    case_id: Annotated[UUID, Path(description="信访事项编号 case id")],
    actor: Caller,
    service: Service,
) -> Any:
    case = _stored_case(service, case_id)
    if case is None:
        raise not_found()
    access.check_visible(actor, case, service.directory)
    return service.verify(case_id).as_dict()


@router.get(
    "/chain/verify",
    response_model=ChainSummary,
    summary="校验管辖范围内全部事项的哈希链 verify every visible case (inspector, admin)",
    responses=error_responses(401, 403, 422),
)
def verify_all(
    actor: Auditor,
    service: Service,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="最多校验的事项数")] = 1000,
) -> Any:
    """Cases in store order, those the caller may see, at most ``limit`` of them. A case whose
    events no longer even decode counts as broken for administrators (its division is unknown)."""
    directory = service.directory
    checked = ok = 0
    broken: list[dict[str, Any]] = []
    truncated = False
    for case_id in service.case_ids():
        try:
            case = _stored_case(service, case_id)
        except Exception:  # tampered beyond decoding: only an administrator sees it
            case = None
            if "admin" not in actor.roles:
                continue
        else:
            if case is None or not access.can_see(actor, case, directory):
                continue
        if checked >= limit:
            truncated = True
            break
        report = service.verify(case_id)
        checked += 1
        if report.ok:
            ok += 1
        else:
            broken.append(report.as_dict())
    return {"checked": checked, "ok": ok, "broken": broken, "truncated": truncated}
