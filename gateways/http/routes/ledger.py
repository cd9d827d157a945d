"""台账 over HTTP: ``GET /api/v1/petitions`` (the ledger listing) and ``GET /api/v1/ledger.csv``.

Thin: parse the filters, take the caller from the token, read the ledger projection, judge
"overdue" on today's China date. Accusations against the caller's unit never appear; each one a
page or an export shows is a read of it, recorded (domain.md §7) like a read of the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from domain.access import ReadScope
from domain.acts import Actor
from domain.application import CaseService
from gateways.http.deps import Caller, Service, Views, today_of
from gateways.http.errors import error_responses
from projections.ledger_query import (
    LedgerFilter,
    accusation_case_ids,
    ledger_csv,
    ledger_page,
)

router = APIRouter(prefix="/api/v1", tags=["台账 ledger"])


# ------------------------------------------------------------- shared plumbing
def scope_of(service: CaseService, actor: Actor) -> ReadScope:
    return ReadScope.of(actor, service.directory)


def record_reads(
    service: CaseService, actor: Actor, rows: Iterable[Mapping[str, Any]], purpose: str
) -> None:
    """The accusations among ``rows`` were shown to ``actor``: record each read (§7)."""
    shown = accusation_case_ids(rows)
    if shown:
        service.record_accusation_reads(actor, shown, purpose)


# ----------------------------------------------------------------- schemas
class LedgerRow(BaseModel):
    case_id: str
    serial_number: str = Field(examples=["33010620260302123456"])
    division_code: str = Field(examples=["330106001001"])
    category: str
    category_label: str = Field(examples=["申诉求决类"])
    channel: str
    channel_label: str
    matter_kind: str
    matter_label: str = Field(examples=["征地补偿"])
    subject: str
    petitioner: str = Field(description="masked: 王**", examples=["王**"])
    people_count: int
    stage: str
    stage_label: str = Field(examples=["办理中"])
    is_open: bool
    holder_unit_id: str
    holder_unit_name: str
    received_by: str
    registered_at: str
    registered_on: str
    accepted_at: str | None
    answered_at: str | None
    concluded_at: str | None
    conclusion: str | None
    path: str | None
    is_repeat: bool
    repeat_of: str | None
    repeats_count: int
    level_skipping: bool
    collective: bool
    major: bool
    leader_owned: bool
    leaders: str
    urges_count: int
    accused_unit_id: str | None
    next_due: str | None = Field(description="the earliest undone duty's last day")
    next_step: str | None
    next_step_label: str | None
    next_unit_id: str | None
    overdue: bool
    days_overdue: int
    warning_level: str = Field(examples=["alert"])
    warning_label: str = Field(examples=["预警"])


class LedgerPage(BaseModel):
    total: int
    limit: int
    offset: int
    today: str
    items: list[LedgerRow]


class LedgerQuery(BaseModel):
    """The filters of the ledger (all optional)."""

    unit_id: str | None = Field(None, description="cases this unit holds or held")
    division: str | None = Field(None, description="a division-code prefix", examples=["330106"])
    status: str | None = Field(None, description="open | concluded")
    stage: str | None = Field(None, examples=["awaiting_acceptance"])
    step: str | None = Field(None, description="has an undone duty of this step")
    category: str | None = Field(None, description="suggestion | accusation | appeal")
    overdue: bool | None = Field(None, description="has an undone duty past its last day")
    repeat: bool | None = Field(None, description="a repeat petition, or repeated by others")
    level_skipping: bool | None = None
    leader_owned: bool | None = None
    limit: int = Field(50, ge=1, le=1000)
    offset: int = Field(0, ge=0)

    def to_filter(self) -> LedgerFilter:
        return LedgerFilter(**self.model_dump())


Filters = Annotated[LedgerQuery, Query()]


# ------------------------------------------------------------------ routes
@router.get(
    "/petitions",
    response_model=LedgerPage,
    summary="台账：信访事项列表",
    responses=error_responses(401, 403, 422),
)
def list_petitions(filters: Filters, actor: Caller, service: Service, db: Views) -> Any:
    """The ledger of the caller's jurisdiction (and of the cases their unit holds or held),
    filtered and paged; "overdue" is judged on today's date."""
    directory = service.directory
    scope = scope_of(service, actor)
    page = ledger_page(db, scope, filters.to_filter(), today_of(service), directory)
    record_reads(service, actor, page["items"], "ledger")
    return page


@router.get(
    "/ledger.csv",
    response_class=StreamingResponse,
    summary="台账导出（CSV）",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **error_responses(401, 403, 422),
    },
)
def export_ledger(filters: Filters, actor: Caller, service: Service, db: Views) -> Any:
    """The filtered ledger as CSV for Excel (UTF-8 with BOM, Chinese headers, masked data)."""
    directory = service.directory
    day = today_of(service)
    chunks: Iterator[str] = ledger_csv(
        db,
        scope_of(service, actor),
        filters.to_filter(),
        day,
        directory,
        shown=lambda rows: record_reads(service, actor, rows, "ledger_csv"),
    )
    first = next(chunks)  # validate the filters before the response starts

    def body() -> Iterator[bytes]:
        yield first.encode("utf-8")
        for chunk in chunks:
            yield chunk.encode("utf-8")

    name = quote(f"台账-{day.isoformat()}.csv")
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f"attachment; filename=ledger-{day}.csv; filename*=UTF-8''{name}"
        },
    )
