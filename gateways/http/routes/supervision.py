"""五级书记抓信访 over HTTP: ``GET /api/v1/supervision/{division_prefix}?as_of=``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from gateways.http.deps import AsOf, Caller, Service, Views, today_of
from gateways.http.errors import error_responses
from gateways.http.recommendation_schemas import RecommendationSection
from gateways.http.routes.ledger import record_reads, scope_of
from projections.supervision_query import rollup

router = APIRouter(prefix="/api/v1", tags=["督办 supervision"])


class StageCount(BaseModel):
    stage: str
    label: str = Field(examples=["办理中"])
    count: int


class StepDeadlines(BaseModel):
    step: str
    label: str = Field(examples=["受理"])
    running: int = Field(description="undone, last day today or later")
    missed: int = Field(description="undone, last day already past")


class LeaderCase(BaseModel):
    case_id: str
    serial_number: str
    division_code: str
    category: str = Field(examples=["appeal"])
    leaders: str = Field(examples=["王书记"])
    stage: str
    stage_label: str
    open: bool
    overdue: bool
    registered_on: str
    concluded_on: str | None
    days_open: int


class LeaderOwned(BaseModel):
    total: int
    open: int
    resolved: int
    resolution_rate: float | None
    cases: list[LeaderCase]


class AreaRank(BaseModel):
    division: str
    name: str | None
    registrations: int
    open: int
    missed: int
    running: int
    backlog: int
    repeats: int
    repeat_rate: float | None
    rank: int


class Rollup(BaseModel):
    division: str = Field(examples=["330106"])
    tier: str = Field(examples=["县"])
    name: str | None = Field(examples=["西湖区人民政府"])
    as_of: str | None = Field(description="the instant shown, or null for now")
    today: str = Field(description="the China date deadlines are judged on")
    registrations: int
    open: int
    stages: list[StageCount]
    deadlines: list[StepDeadlines]
    running_total: int
    missed_total: int
    backlog: int = Field(description="积案: open with a missed duty, or petitioned again")
    repeats: int
    repeat_rate: float | None
    leader_owned: LeaderOwned
    recommendations: RecommendationSection = Field(description="三项建议及逾期未答复")
    areas: list[AreaRank] = Field(description="the areas one tier down, worst first")


@router.get(
    "/supervision/{division_prefix}",
    response_model=Rollup,
    summary="五级书记督导看板：一个区域的汇总",
    responses=error_responses(401, 403, 422),
)
def supervision_rollup(
    division_prefix: Annotated[
        str, Path(description="2, 4, 6, 9 or 12 digits", examples=["330106"])
    ],
    actor: Caller,
    service: Service,
    db: Views,
    as_of: AsOf = None,
) -> Any:
    """Cases by stage, running and missed deadlines by step, backlog, leader-owned cases and the
    areas one tier down ranked; with ``as_of`` (an instant, or a date = the end of that China
    day), exactly what it showed at that instant, whatever was recorded since."""
    directory = service.directory
    scope = scope_of(service, actor)
    if as_of is not None:
        board = rollup(db, scope, division_prefix, directory, as_of=as_of)
    else:
        board = rollup(db, scope, division_prefix, directory, today=today_of(service))
    # A leader-owned accusation listed on the board is a read of it (§7).
    record_reads(service, actor, board["leader_owned"]["cases"], "supervision")
    return board
