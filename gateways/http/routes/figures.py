"""考核 over HTTP: ``GET /api/v1/figures?division=&from=&to=`` (JSON) and
``GET /api/v1/bulletins/{division}/{month}`` (the 月通报 as a printable page, or ``?format=json``).

Thin: parse the days, take the caller from the token (bureau, leader, inspector or admin, in
their jurisdiction), read the trail's tables, judge on today's China date.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse

from domain import access
from domain.acts import Actor
from domain.errors import invalid
from gateways.http.deps import Service, Views, allowed_to, today_of
from gateways.http.errors import error_responses
from gateways.http.figures_schemas import Bulletin, Figures
from gateways.http.routes.ledger import scope_of
from projections.bulletin import bulletin, render
from projections.figures import figures

router = APIRouter(prefix="/api/v1", tags=["考核 figures"])

Reader = Annotated[Actor, Depends(allowed_to(access.Duty.READ_FIGURES))]


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid("DATE_INVALID", "日期应为YYYY-MM-DD格式", field=field, value=value) from None


def _division(value: str | None, actor: Actor) -> str:
    division = value or actor.jurisdiction
    if not division:
        raise invalid("DIVISION_PREFIX_INVALID", "请指定区划代码前缀（division）")
    return division


@router.get(
    "/figures",
    response_model=Figures,
    response_model_by_alias=True,
    summary="考核数据：一个地区一个期间的各项指标",
    responses=error_responses(401, 403, 422),
)
def assessment_figures(
    actor: Reader,
    service: Service,
    db: Views,
    division: Annotated[
        str | None,
        Query(description="区划代码前缀（2/4/6/9/12位），默认本人管辖范围", examples=["330106"]),
    ] = None,
    start: Annotated[
        str | None,
        Query(
            alias="from",
            description="起始日期（含），默认截止日期所在月的1日",
            examples=["2026-05-01"],
        ),
    ] = None,
    end: Annotated[
        str | None,
        Query(alias="to", description="截止日期（含），默认今天", examples=["2026-05-31"]),
    ] = None,
) -> Any:
    """The figures of domain.md §6 for the area and period, for petition bureaus and for
    handling units apart, with the same per area one tier down and per unit (for rankings).

    A duty counts in the period it was done in (on time or late), and in every period at
    whose close it is still undone and overdue. A rate over an empty denominator is null.
    Accusations hidden from the caller's unit count nowhere in the caller's figures."""
    day = today_of(service)
    last = parse_day(end, "to") if end else day
    first = parse_day(start, "from") if start else last.replace(day=1)
    directory = service.directory
    scope = scope_of(service, actor)
    return figures(db, scope, _division(division, actor), first, last, directory, day)


@router.get(
    "/bulletins/{division}/{month}",
    response_model=Bulletin,
    response_model_by_alias=True,
    summary="月通报：一个地区一个月的考核情况（可打印的HTML，或JSON）",
    responses={
        200: {
            "model": Bulletin,
            "description": "text/html: the page (A4, inline SVG charts); application/json with "
            "?format=json",
            "content": {"text/html": {"schema": {"type": "string"}, "example": "<!DOCTYPE html>…"}},
        },
        **error_responses(401, 403, 422),
    },
)
def monthly_bulletin(
    actor: Reader,
    service: Service,
    db: Views,
    division: Annotated[str, Path(description="区划代码前缀", examples=["3301"])],
    month: Annotated[str, Path(description="月份 YYYY-MM", examples=["2026-05"])],
    format: Annotated[Literal["html", "json"], Query(description="html（默认）或 json")] = "html",
) -> Any:
    """The 月通报 of the area for the month: title, figures with a short narrative, rankings
    of the areas one tier down and of the units (best and worst), the worst-late cases, and
    bar charts of the rates by area. Meant for circulation: accusations are left out and no
    petitioner is named."""
    directory = service.directory
    doc = bulletin(db, scope_of(service, actor), division, month, directory, today_of(service))
    if format == "json":
        return doc
    return HTMLResponse(render(doc))
