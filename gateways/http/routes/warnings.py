"""预警 over HTTP: ``GET /api/v1/warnings?unit_id=&within_days=``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateways.http.deps import Caller, Service, Views, today_of
from gateways.http.errors import error_responses
from gateways.http.routes.ledger import record_reads, scope_of
from projections.warnings import unit_warnings

router = APIRouter(prefix="/api/v1", tags=["预警 warnings"])


class DutyWarning(BaseModel):
    case_id: str
    serial_number: str
    subject: str
    category: str
    stage: str
    stage_label: str
    division_code: str
    step: str
    step_label: str = Field(examples=["受理"])
    article: str = Field(examples=["第二十三条"])
    unit_id: str
    start_on: str
    due_on: str
    days_left: int | None
    days_overdue: int
    level: str = Field(description="normal | warning | alert | severe | overdue")
    level_label: str = Field(examples=["预警"])
    urges_count: int
    leader_owned: bool


class UnitWarnings(BaseModel):
    unit_id: str
    unit_name: str
    today: str
    within_days: int
    counts: dict[str, int] = Field(description="how many duties at each level")
    due_soon: list[DutyWarning]
    overdue: list[DutyWarning]


@router.get(
    "/warnings",
    response_model=UnitWarnings,
    summary="期限预警：本单位到期与超期事项",
    responses=error_responses(401, 403, 422),
)
def warnings(
    actor: Caller,
    service: Service,
    db: Views,
    unit_id: Annotated[str | None, Query(description="default: the caller's unit")] = None,
    within_days: Annotated[int, Query(ge=0, le=366, description="horizon in days")] = 7,
) -> Any:
    """The unit's undone duties falling due within ``within_days`` days, and those past due,
    each at its warning level (normal, warning ≤7 days, alert ≤3, severe ≤1, overdue)."""
    found = unit_warnings(
        db,
        scope_of(service, actor),
        unit_id or actor.unit_id,
        within_days,
        today_of(service),
        service.directory,
    )
    record_reads(service, actor, found["overdue"] + found["due_soon"], "warnings")
    return found
