"""三项建议 over HTTP (Art.40): candidates from the trail, issuing, answering, and the lists.

    GET  /api/v1/recommendations/candidates?division=&from=&to=
    POST /api/v1/recommendations                      (issue; 201, or 200 for a known candidate)
    POST /api/v1/recommendations/{id}/answer
    GET  /api/v1/recommendations?division=&overdue=
    GET  /api/v1/recommendations/{id}

Thin: parse, take the caller from the token, call ``RecommendationService`` or the queries of
``projections.recommendations``; who may issue what to whom is the domain's.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response

from domain import access
from domain.acts import Actor
from domain.errors import invalid
from domain.recommendation_service import RecommendationService
from domain.recommendations import Recommendation
from gateways.http.deps import Caller, Deps, Service, Views, allowed_to, today_of
from gateways.http.errors import error_responses
from gateways.http.recommendation_schemas import (
    AnswerRecommendation,
    CandidatesPage,
    IssuedList,
    IssueRecommendation,
    RecommendationView,
)
from gateways.http.routes.ledger import scope_of
from projections.recommendations import Period, candidates, issued

router = APIRouter(prefix="/api/v1/recommendations", tags=["三项建议 recommendations"])

Reader = Annotated[Actor, Depends(allowed_to(access.Duty.READ_RECOMMENDATIONS))]
RecommendationId = Annotated[UUID, Path(description="建议编号 recommendation id")]
Division = Annotated[
    str | None,
    Query(description="区划代码前缀（缺省为本人管辖范围）", examples=["330106"]),
]


def _division(actor: Actor, division: str | None) -> str:
    chosen = division or actor.jurisdiction
    if not chosen:
        raise invalid("DIVISION_PREFIX_INVALID", "请指定区划代码前缀", value=division)
    return chosen


def _view(recommendation: Recommendation, service: Any, **extra: Any) -> dict[str, Any]:
    view = recommendation.as_dict(today_of(service))
    view.update(extra)
    return view


@router.get(
    "/candidates",
    response_model=CandidatesPage,
    summary="候选建议：由问责轨迹生成的三项建议候选",
    responses=error_responses(401, 403, 422),
)
def list_candidates(
    actor: Reader,
    deps: Deps,
    db: Views,
    start: Annotated[date, Query(alias="from", description="统计期间起始日")],
    end: Annotated[date, Query(alias="to", description="统计期间截止日（含）")],
    division: Division = None,
) -> Any:
    """Candidates in the area and period, each with its recipient, grounds (a first draft of the
    recommendation) and the events and cases it cites; those already issued are left out.
    Thresholds are settings (``XINFANG_RECOMMENDATION_*``)."""
    service = deps.service
    return candidates(
        db,
        scope_of(service, actor),
        _division(actor, division),
        Period(start, end),
        deps.settings.recommendation_thresholds(),
        today_of(service),
        service.directory,
        service.rules,
    )


@router.post(
    "",
    status_code=201,
    response_model=RecommendationView,
    summary="提出建议：改进工作、完善政策或追究责任（第四十条）",
    responses={
        201: {"description": "新提出的建议; Location: the recommendation"},
        200: {"model": RecommendationView, "description": "该候选已提出过：返回原建议（幂等）"},
        **error_responses(401, 403, 404, 409, 422),
    },
)
def issue_recommendation(
    body: IssueRecommendation, actor: Caller, service: Service, response: Response
) -> Any:
    """A petition bureau issues a recommendation; the recipient's written answer falls due after
    ``XINFANG_RECOMMENDATION_ANSWER_DAYS`` days. An accountability recommendation is refused
    (409 ``SERIOUS_CONSEQUENCES_REQUIRED``) until the serious consequences are stated."""
    result = RecommendationService(service).issue(
        actor,
        kind=body.kind.value,
        to_unit_id=body.to_unit_id,
        grounds=body.grounds,
        cited_event_ids=body.cited_event_ids,
        cited_case_ids=body.cited_case_ids,
        serious_consequences=body.serious_consequences,
        candidate_key=body.candidate_key,
        concerned_unit_id=body.concerned_unit_id,
        occurred_at=body.occurred_at,
        named_officials=[o.model_dump() for o in body.named_officials],
    )
    rec = result.recommendation
    view = _view(rec, service, created=result.created, position=result.position)
    if result.created:
        response.headers["Location"] = f"/api/v1/recommendations/{rec.id}"
    else:
        response.status_code = 200
    return view


@router.post(
    "/{rec_id}/answer",
    response_model=RecommendationView,
    summary="书面答复是否采纳建议（第四十条）",
    responses=error_responses(401, 403, 404, 409, 422),
)
def answer_recommendation(
    rec_id: RecommendationId, body: AnswerRecommendation, actor: Caller, service: Service
) -> Any:
    """Only the receiving unit (or its successor after a merger) answers, once."""
    rec, position = RecommendationService(service).answer(
        rec_id, actor, adopted=body.adopted, text=body.text, occurred_at=body.occurred_at
    )
    return _view(rec, service, position=position)


@router.get(
    "",
    response_model=IssuedList,
    summary="已提出的建议及答复情况（含逾期未答复）",
    responses=error_responses(401, 403, 422),
)
def list_recommendations(
    actor: Caller,
    service: Service,
    db: Views,
    division: Division = None,
    overdue: Annotated[bool | None, Query(description="true: 只看逾期未答复的")] = None,
) -> Any:
    """The recommendations about the area, overdue answers first; "overdue" is judged today."""
    return issued(
        db,
        scope_of(service, actor),
        _division(actor, division),
        today_of(service),
        service.directory,
        overdue=overdue,
    )


@router.get(
    "/{rec_id}",
    response_model=RecommendationView,
    summary="建议详情",
    responses=error_responses(401, 403, 404, 422),
)
def get_recommendation(rec_id: RecommendationId, actor: Caller, service: Service) -> Any:
    """The recommendation and its answer, for the recipient, the issuing bureau and officials
    whose jurisdiction covers it; never for a unit accused in a case it cites (404)."""
    return _view(RecommendationService(service).get(rec_id, actor), service)
