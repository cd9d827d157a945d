"""信访人查询 over HTTP: a petitioner follows their own case with the serial number and the
query code given at registration; no token. Only non-sensitive items are shown."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from gateways.http.case_schemas import TrackingView
from gateways.http.deps import Service, today_of
from gateways.http.errors import error_responses
from gateways.http.schemas import TrackingEvaluation
from gateways.http.views import tracking_view

router = APIRouter(prefix="/api/v1/tracking", tags=["信访人查询 tracking"])

Serial = Annotated[str, Path(max_length=64, description="信访事项编号（流水号）serial number")]


@router.get(
    "/{serial_number}",
    response_model=TrackingView,
    summary="信访人凭查询码查询办理进度 a petitioner's own tracking",
    responses=error_responses(404, 422),
)
def track(
    serial_number: Serial,
    code: Annotated[str, Query(min_length=1, max_length=32, description="查询码 query code")],
    service: Service,
) -> Any:
    """Stage, dates of registration, transfer, acceptance and answer, outcome, deadlines."""
    case = service.track(serial_number, code)
    return tracking_view(case, service.directory, service.rules, today_of(service))


@router.post(
    "/{serial_number}/evaluate",
    response_model=TrackingView,
    summary="信访人评价办理结果 the petitioner evaluates the result",
    responses=error_responses(404, 409, 422),
)
def evaluate(serial_number: Serial, body: TrackingEvaluation, service: Service) -> Any:
    case = service.evaluate_by_petitioner(
        serial_number, body.code, body.satisfaction.value, body.comment
    )
    return tracking_view(case, service.directory, service.rules, today_of(service))
