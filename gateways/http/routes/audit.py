"""问责轨迹 over HTTP, for discipline inspection: ``GET /api/v1/audit/cases/{case_id}`` (one
case's trail) and ``GET /api/v1/audit/faults`` (the search over faults).

Thin: the trail query decides who may read what (inspectors and administrators, inside their
jurisdiction; accusations hidden from the accused unit) and judges lateness on today's China
date. Opening an accusation's trail is a read of the accusation, which the domain records
(domain.md §7): the route hands it to ``CaseService.case``, the use case that records it; an
accusation listed on a page of faults is recorded the same way, with the purpose ``faults``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from gateways.http.deps import Caller, Service, Views, today_of
from gateways.http.errors import error_responses
from gateways.http.routes.ledger import record_reads
from projections.trail_query import FaultFilter, case_trail, fault_page, trail_scope

router = APIRouter(prefix="/api/v1/audit", tags=["问责轨迹 audit"])

EVENT_ID = "8c56a56f-5a63-590c-a093-689b8152a4d1"


# ----------------------------------------------------------------- schemas
class Fault(BaseModel):
    """One fault: a duty done late or undone past its last day, an urge a bureau did not make,
    or an act that shows one; each names its article, item and the fact that makes it."""

    source: str = Field(
        description="duty (a late duty) | urge (a late duty its bureau did not urge, Art.43) "
        "| mark (an act that shows a fault)"
    )
    case_id: str
    serial_number: str = Field(examples=["33010620260302123456"])
    division_code: str = Field(examples=["330106001001"])
    category: str
    category_label: str = Field(examples=["申诉求决类"])
    fault: str = Field(description="art42 … art46 (domain.md §5)", examples=["art44"])
    fault_label: str = Field(examples=["第四十四条 受理失职"])
    ground: str = Field(description="the fault's key in domain.faults", examples=["accept"])
    article: str = Field(description="the article of Chapter 5", examples=["第四十四条"])
    paragraph: int | None = Field(
        description="the item (项) of the article as the regulation numbers it; none for "
        "Art.43, which has no items",
        examples=[3],
    )
    citation: str = Field(examples=["第四十四条第（三）项"])
    fact: str = Field(examples=["收到转送、交办的信访事项后未在15日内书面告知受理"])
    fault_on: str = Field(description="the day it became a fault, or the day of the act")
    status: str = Field(description="missed (done late) | overdue (undone) | not_urged | marked")
    status_label: str = Field(examples=["逾期办理"])
    step: str | None = Field(examples=["accept"])
    step_label: str | None = Field(examples=["受理"])
    start_on: str | None
    due_on: str | None = Field(examples=["2026-03-18"])
    done_on: str | None = Field(examples=["2026-03-19"])
    days_late: int | None = Field(examples=[1])
    duty_article: str | None = Field(
        description="the article that sets the late duty's period", examples=["第二十三条"]
    )
    unit_id: str = Field(examples=["330106002-gov"])
    unit_name: str | None = Field(examples=["双浦镇人民政府"])
    late_unit_id: str | None = Field(description="urge: the unit whose duty was late")
    late_unit_name: str | None
    official_id: str | None = Field(description="who discharged it, or did the unit's last act")
    official_name: str | None = Field(examples=["双浦镇人民政府工作人员"])
    detail: str = Field(examples=["受理期限至2026-03-18，逾期1日办理"])
    event_ids: list[str] = Field(description="the events that justify it", examples=[[EVENT_ID]])


class FaultPage(BaseModel):
    total: int
    limit: int
    offset: int
    today: str = Field(description="the China date lateness is judged on")
    counts: dict[str, int] = Field(
        examples=[{"art42": 0, "art43": 2, "art44": 1, "art45": 1, "art46": 0}]
    )
    items: list[Fault]


class TrailCase(BaseModel):
    case_id: str
    serial_number: str
    division_code: str
    category: str
    category_label: str
    accusation: bool
    accused_unit_id: str | None
    accused_unit_name: str | None
    matter_kind: str
    channel: str
    channel_label: str = Field(examples=["来信"])
    received_by: str
    received_by_name: str | None
    registered_on: str
    answered_on: str | None
    answered_by: str | None
    concluded_on: str | None


class TimelineEntry(BaseModel):
    version: int
    event_id: str = Field(examples=[EVENT_ID])
    type: str = Field(examples=["Transferred"])
    label: str = Field(examples=["转送"])
    official_id: str
    official_name: str = Field(examples=["西湖区信访局工作人员"])
    unit_id: str
    unit_name: str | None
    target_unit_id: str | None
    target_unit_name: str | None = Field(examples=["转塘街道办事处"])
    occurred_at: str = Field(examples=["2026-03-18T10:00:00+08:00"])
    occurred_on: str
    recorded_at: str


class DutyEntry(BaseModel):
    step: str = Field(examples=["accept"])
    step_label: str = Field(examples=["受理"])
    unit_id: str
    unit_name: str | None
    start_on: str
    due_on: str
    done_on: str | None
    article: str = Field(examples=["第二十三条"])
    status: str = Field(description="met | missed (done late) | running | overdue (undone)")
    status_label: str = Field(examples=["超期未办"])
    days_left: int | None
    days_late: int | None
    fault: str | None = Field(description="the fault a late duty shows", examples=["art44"])
    fault_label: str | None
    fault_article: str | None = Field(examples=["第四十四条"])
    fault_paragraph: int | None = Field(description="the item (项) of that article", examples=[3])
    fault_citation: str | None = Field(examples=["第四十四条第（三）项"])
    fault_fact: str | None = Field(examples=["收到转送、交办的信访事项后未在15日内书面告知受理"])
    official_id: str | None = Field(description="the official a late duty names")
    official_name: str | None
    origin_event_id: str | None = Field(description="the event that opened the duty")
    done_event_id: str | None = Field(description="the event after which it stood done")
    done_by_official_id: str | None
    done_by_official_name: str | None


class MarkEntry(BaseModel):
    fault: str = Field(examples=["art45"])
    fault_label: str
    ground: str = Field(examples=["overturned_answer"])
    article: str = Field(examples=["第四十五条"])
    paragraph: int | None = Field(examples=[2])
    citation: str = Field(examples=["第四十五条第（二）项"])
    fact: str = Field(examples=["信访处理意见未予支持的投诉请求，经复查予以支持"])
    unit_id: str
    unit_name: str | None
    official_id: str | None
    official_name: str | None = Field(examples=["李科长"])
    occurred_on: str
    detail: str = Field(examples=["信访处理意见未予支持的投诉请求，经复查予以支持"])
    event_id: str | None
    event_ids: list[str]


class CaseTrail(BaseModel):
    case: TrailCase
    today: str
    timeline: list[TimelineEntry]
    duties: list[DutyEntry]
    marks: list[MarkEntry] = Field(description="faults an act itself shows (Art.45(2), 46)")
    faults: list[Fault]
    reads: list[TimelineEntry] = Field(
        description="who read this accusation, or tried to from the accused unit, and when"
    )


READ_ERRORS = error_responses(401, 403, 404, 422)


# ------------------------------------------------------------------ routes
@router.get(
    "/cases/{case_id}",
    response_model=CaseTrail,
    summary="问责轨迹：一件信访事项的全过程与失职情形",
    responses=READ_ERRORS,
)
def audit_case(
    case_id: Annotated[UUID, Path(description="信访事项编号 case id")],
    actor: Caller,
    service: Service,
    db: Views,
) -> Any:
    """Every act with its official and unit, each duty's standing today, each fault with its
    article, item and fact (late duties, Art.43-45; urges a bureau did not make, Art.43; acts
    that show one, Art.45(2), 46) and the unit and official responsible, and who read it (or
    tried to) if an accusation. Inspectors only, in their jurisdiction; an accusation is absent
    (404) for the unit it accuses and the units under it."""
    directory = service.directory
    scope = trail_scope(actor, directory)
    trail = case_trail(db, scope, str(case_id), today_of(service), directory, service.rules)
    if trail["case"]["accusation"]:
        service.case(
            case_id, actor, purpose="trail"
        )  # this read of the accusation is itself recorded (§7)
    return trail


@router.get(
    "/faults",
    response_model=FaultPage,
    summary="问责检索：按单位、人员、失职类型、期间查询失职情形",
    responses=READ_ERRORS,
)
def audit_faults(
    actor: Caller,
    service: Service,
    db: Views,
    division: Annotated[
        str | None, Query(description="区划代码前缀（默认本人管辖范围）", examples=["330106"])
    ] = None,
    unit_id: Annotated[str | None, Query(description="责任单位")] = None,
    official_id: Annotated[str | None, Query(description="责任人员")] = None,
    fault: Annotated[str | None, Query(description="art42 … art46", examples=["art44"])] = None,
    period_from: Annotated[date | None, Query(alias="from", description="期间起始日")] = None,
    period_to: Annotated[date | None, Query(alias="to", description="期间截止日")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    """Late duties (by the day they became late), urges not made (by the day the grace ran
    out) and faults acts show (by their day) in the reader's jurisdiction, oldest first, paged,
    each citing its case, step, days, unit, official, article, item, fact and events. Lateness
    is judged on today's China date."""
    directory = service.directory
    filters = FaultFilter(
        division=division,
        unit_id=unit_id,
        official_id=official_id,
        fault=fault,
        period_from=period_from,
        period_to=period_to,
        limit=limit,
        offset=offset,
    )
    scope = trail_scope(actor, directory)
    page = fault_page(db, scope, filters, today_of(service), directory, service.rules)
    record_reads(service, actor, page["items"], "faults")
    return page
