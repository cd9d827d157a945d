"""三项建议 (Art.40): who may issue which recommendation to whom, and how it is answered.

Told through ``RecommendationService`` over the scenario world: the county bureau issues, the
units of the directory receive and answer. Every refusal records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from domain import errors
from domain import recommendations as rec
from domain.chain import event_id
from domain.errors import DomainError, InvalidInput, NotFound, OutOfScope, RuleViolation
from domain.recommendation_service import RecommendationService
from domain.units import UnitKind, UnitRecord
from tests.scenario_support import (
    CITY_BUREAU,
    CITY_CODE,
    CITY_DI,
    CITY_GOV,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    COUNTY_HRSS,
    PROVINCE_BUREAU,
    PROVINCE_GOV,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
    World,
    official,
)

GROUNDS = "该单位受理信访事项逾期，经督办后仍未改正。"


def refusal(excinfo: pytest.ExceptionInfo[DomainError]) -> str:
    """The code of a refusal, once its message is checked against its catalogue."""
    error = excinfo.value
    assert error.message == errors.MESSAGES[error.code]
    return error.code


def refused(world: World, attempt: Callable[[], Any], kind: type[DomainError]) -> str:
    """Run ``attempt``, expect a refusal of ``kind``, and check nothing was recorded."""
    top = world.top()
    with pytest.raises(kind) as excinfo:
        attempt()
    assert world.top() == top
    return refusal(excinfo)


@pytest.fixture
def recs(world: World) -> RecommendationService:
    world.on(20)
    return RecommendationService(world.service)


def improve_work(recs: RecommendationService, **overrides: Any) -> Any:
    params: dict[str, Any] = {"kind": "improve_work", "to_unit_id": TOWN_1, "grounds": GROUNDS}
    params.update(overrides)
    by = params.pop("by", COUNTY_BUREAU)
    return recs.issue(official(by) if isinstance(by, str) else by, **params)


def accountability(recs: RecommendationService, **overrides: Any) -> Any:
    params: dict[str, Any] = {
        "kind": "accountability",
        "to_unit_id": COUNTY_GOV,
        "concerned_unit_id": TOWN_1,
        "grounds": "经督办3次，受理期限届满后仍未办理。",
        "serious_consequences": "信访人多次赴省上访，造成不良社会影响。",
    }
    params.update(overrides)
    return improve_work(recs, **params)


# ------------------------------------------------------------------ issuing
def test_a_bureau_issues_an_improve_work_recommendation_answer_due_in_30_days(
    world: World, recs: RecommendationService
) -> None:
    issued = improve_work(recs)
    recommendation = issued.recommendation
    assert issued.created and issued.position == world.top()
    assert recommendation.to_unit_id == TOWN_1 and recommendation.concerned_unit_id == TOWN_1
    assert recommendation.division_code == "330106001000"
    assert recommendation.answer_due_on == world.day(50)
    assert recommendation.issued_by["unit_id"] == COUNTY_BUREAU


def test_the_answer_period_is_a_setting(make_world: Callable[..., World]) -> None:
    world = make_world(recommendation_answer_days=15)
    world.on(22)  # + 15 days: Wednesday 8 April, a working day
    issued = improve_work(RecommendationService(world.service))
    assert issued.recommendation.answer_due_on == world.day(37)


def test_only_a_petition_bureau_issues(world: World, recs: RecommendationService) -> None:
    assert refused(world, lambda: improve_work(recs, by=TOWN_2), OutOfScope) == "ROLE_REQUIRED"
    town_with_bureau_role = official(TOWN_1, "bureau")
    code = refused(world, lambda: improve_work(recs, by=town_with_bureau_role), RuleViolation)
    assert code == "ISSUER_NOT_A_BUREAU"


def test_grounds_are_required(world: World, recs: RecommendationService) -> None:
    code = refused(world, lambda: improve_work(recs, grounds="  "), InvalidInput)
    assert code == "RECOMMENDATION_GROUNDS_REQUIRED"
    code = refused(world, lambda: improve_work(recs, kind="praise"), InvalidInput)
    assert code == "RECOMMENDATION_KIND_INVALID"


def test_accountability_needs_the_serious_consequences_stated(
    world: World, recs: RecommendationService
) -> None:
    for missing in (None, "", "   "):
        code = refused(
            world, lambda m=missing: accountability(recs, serious_consequences=m), RuleViolation
        )
        assert code == "SERIOUS_CONSEQUENCES_REQUIRED"
    issued = accountability(recs)
    assert issued.recommendation.serious_consequences == "信访人多次赴省上访，造成不良社会影响。"


def test_accountability_goes_to_the_body_with_management_authority(
    world: World, recs: RecommendationService
) -> None:
    """Art.40(3): 向有管理权限的机关、单位提出 — the body managing the unit (the directory's 管理
    权限, by default its review superior), or the discipline inspection body acting for it."""
    with pytest.raises(RuleViolation) as excinfo:
        accountability(recs, to_unit_id=TOWN_1)
    assert refusal(excinfo) == "NOT_MANAGING_AUTHORITY"
    assert excinfo.value.details["expected"] == [COUNTY_GOV, COUNTY_DI]
    assert accountability(recs, to_unit_id=COUNTY_DI).recommendation.to_unit_id == COUNTY_DI
    code = refused(world, lambda: accountability(recs, concerned_unit_id=None), InvalidInput)
    assert code == "CONCERNED_UNIT_REQUIRED"


def test_a_recorded_management_authority_is_the_recipient_not_the_review_superior(
    world: World, recs: RecommendationService
) -> None:
    world.service.set_authority(TOWN_1, CITY_GOV)
    code = refused(world, lambda: accountability(recs), RuleViolation)
    assert code == "NOT_MANAGING_AUTHORITY"
    issued = accountability(recs, to_unit_id=CITY_GOV)
    assert issued.recommendation.to_unit_id == CITY_GOV
    assert accountability(recs, to_unit_id=CITY_DI).created  # the city's discipline inspection


def test_accountability_about_a_unit_nobody_manages_is_refused(
    world: World, recs: RecommendationService
) -> None:
    # The province government has no superior in the directory: no body to pursue it.
    def attempt() -> Any:
        return accountability(
            recs, by=PROVINCE_BUREAU, to_unit_id=PROVINCE_GOV, concerned_unit_id=PROVINCE_GOV
        )

    assert refused(world, attempt, RuleViolation) == "NO_MANAGING_BODY"
    # About the county government itself: its managing body is the city government, one tier
    # above the county bureau's area, yet the finding is about a unit of the area.
    issued = accountability(recs, to_unit_id=CITY_GOV, concerned_unit_id=COUNTY_GOV)
    assert issued.recommendation.division_code == "330106000000"


def test_improve_policy_goes_only_to_the_issuing_bureaus_own_tier(
    world: World, recs: RecommendationService
) -> None:
    """Art.40(2): 向本级党委和政府报告，并提出完善政策的建议 — the city bureau's goes to the city."""
    policy = {"kind": "improve_policy", "grounds": "同类征地补偿信访事项集中。", "by": CITY_BUREAU}
    code = refused(
        world, lambda: improve_work(recs, to_unit_id=COUNTY_GOV, **policy), RuleViolation
    )
    assert code == "POLICY_RECIPIENT_NOT_OWN_TIER"
    assert improve_work(recs, to_unit_id=CITY_GOV, **policy).created
    party = UnitRecord("3301-party", "中共杭州市委", UnitKind.PARTY_COMMITTEE, CITY_CODE, None)
    world.service.register_units([party])
    assert improve_work(recs, to_unit_id="3301-party", **policy).created
    code = refused(world, lambda: improve_work(recs, to_unit_id=CITY_DI, **policy), RuleViolation)
    assert code == "RECOMMENDATION_WRONG_RECIPIENT"


LI = {"official_id": "330106001-gov/li", "name": "李科长", "unit_id": TOWN_1}


def test_a_recommendation_may_name_officials_of_the_unit_concerned(
    world: World, recs: RecommendationService
) -> None:
    """Art.40: 机关、单位及其工作人员 — persons, not only units, by id, name and unit."""
    issued = accountability(recs, named_officials=[LI, dict(LI)])
    assert issued.recommendation.named_officials == [LI]
    rec_id = issued.recommendation.id
    assert recs.get(rec_id, official(COUNTY_GOV)).as_dict()["named_officials"] == [LI]
    assert improve_work(recs, named_officials=[LI]).recommendation.named_officials == [LI]
    assert improve_work(recs, grounds="又一项").recommendation.named_officials == []
    other = {"official_id": "330106002-gov/zhao", "name": "赵副镇长", "unit_id": TOWN_2}
    code = refused(world, lambda: accountability(recs, named_officials=[other]), RuleViolation)
    assert code == "NAMED_OFFICIAL_NOT_OF_UNIT"
    nameless = {"official_id": "330106001-gov/li", "name": " ", "unit_id": TOWN_1}
    code = refused(world, lambda: accountability(recs, named_officials=[nameless]), InvalidInput)
    assert code == "NAMED_OFFICIAL_INVALID"
    policy = {"kind": "improve_policy", "grounds": "政策问题。", "to_unit_id": COUNTY_GOV}
    code = refused(world, lambda: improve_work(recs, named_officials=[LI], **policy), RuleViolation)
    assert code == "NAMED_OFFICIALS_NOT_FOR_POLICY"


def test_a_recommendation_stored_before_officials_were_named_names_nobody(
    world: World, recs: RecommendationService
) -> None:
    """Events are immutable: one recorded before v2 has no ``named_officials`` and is read as
    naming nobody (``Recommendation.Issued.upcast_v1_v2``)."""
    rec_id = accountability(recs, named_officials=[LI]).recommendation.id
    [issued] = list(world.service.store.events.get(rec_id))
    plain = Mapper(transcoder=world.service.store.mapper.transcoder)
    state = {k: v for k, v in vars(issued).items() if k != "named_officials"}
    v1 = plain.transcoder.encode(
        {k: v for k, v in state.items() if k not in ("originator_id", "originator_version")}
    )
    stored = StoredEvent(rec_id, issued.originator_version, get_topic(type(issued)), v1)
    old = plain.to_domain_event(stored)
    assert old.named_officials == []  # type: ignore[attr-defined]
    folded = old.mutate(None)  # type: ignore[attr-defined]
    assert folded.as_dict()["named_officials"] == [] and folded.kind == "accountability"


def test_improve_work_goes_to_the_unit_and_improve_policy_to_committee_or_government(
    world: World, recs: RecommendationService
) -> None:
    code = refused(world, lambda: improve_work(recs, concerned_unit_id=TOWN_2), RuleViolation)
    assert code == "RECOMMENDATION_WRONG_RECIPIENT"
    policy = {"kind": "improve_policy", "grounds": "同类征地补偿信访事项集中。"}
    code = refused(
        world, lambda: improve_work(recs, to_unit_id=COUNTY_HRSS, **policy), RuleViolation
    )
    assert code == "RECOMMENDATION_WRONG_RECIPIENT"
    issued = improve_work(recs, to_unit_id=COUNTY_GOV, **policy)
    assert issued.recommendation.concerned_unit_id is None


def test_a_bureau_recommends_within_its_own_area(world: World, recs: RecommendationService) -> None:
    code = refused(world, lambda: improve_work(recs, to_unit_id=CITY_GOV), OutOfScope)
    assert code == "OUT_OF_JURISDICTION"
    assert improve_work(recs, by=CITY_BUREAU).created  # the city's area holds the township


def test_the_same_candidate_issued_twice_is_one_recommendation(
    world: World, recs: RecommendationService
) -> None:
    first = accountability(recs, candidate_key="accountability:case-1:" + TOWN_1)
    top = world.top()
    again = accountability(recs, candidate_key="accountability:case-1:" + TOWN_1)
    assert not again.created and again.position is None and world.top() == top
    assert again.recommendation.id == first.recommendation.id
    assert first.recommendation.id == rec.recommendation_key_id("accountability:case-1:" + TOWN_1)
    code = refused(
        world,
        lambda: improve_work(recs, candidate_key="accountability:case-1:" + TOWN_1),
        RuleViolation,
    )
    assert code == "RECOMMENDATION_KEY_CONFLICT"


def test_cited_events_must_be_events_of_the_cited_cases(
    world: World, recs: RecommendationService
) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(20)
    good = [str(event_id(case_id, 1)), str(event_id(case_id, 2))]
    issued = improve_work(recs, cited_case_ids=[str(case_id)], cited_event_ids=good)
    assert issued.recommendation.cited_event_ids == good
    code = refused(
        world,
        lambda: improve_work(
            recs, cited_case_ids=[str(case_id)], cited_event_ids=[str(event_id(case_id, 3))]
        ),
        InvalidInput,
    )
    assert code == "CITED_EVENT_UNKNOWN"
    code = refused(world, lambda: improve_work(recs, cited_case_ids=[str(uuid4())]), NotFound)
    assert code == "CASE_NOT_FOUND"


def test_a_recommendation_citing_an_accusation_never_reaches_the_accused(
    world: World, recs: RecommendationService
) -> None:
    world.on(0)
    accusation = world.register(
        category="accusation", accused_unit_id=TOWN_2, division_code=VILLAGE_2_CODE
    )
    world.on(20)
    cites = {"cited_case_ids": [str(accusation)]}
    code = refused(world, lambda: improve_work(recs, to_unit_id=TOWN_2, **cites), RuleViolation)
    assert code == "RECOMMENDATION_TO_ACCUSED_UNIT"
    issued = accountability(recs, concerned_unit_id=TOWN_2, **cites)
    rec_id = issued.recommendation.id
    assert issued.recommendation.accused_unit_ids == [TOWN_2]
    with pytest.raises(NotFound):
        recs.get(rec_id, official(TOWN_2))
    assert recs.get(rec_id, official(COUNTY_GOV)).id == rec_id


# ------------------------------------------------------------------ answering
def test_the_recipient_answers_once_in_writing(world: World, recs: RecommendationService) -> None:
    rec_id = improve_work(recs).recommendation.id
    world.on(30)
    answered, position = recs.answer(rec_id, official(TOWN_1), adopted=True, text="采纳，已整改。")
    assert answered.answer is not None and answered.answer["adopted"] is True
    assert position == world.top()
    code = refused(
        world,
        lambda: recs.answer(rec_id, official(TOWN_1), adopted=False, text="再答复一次。"),
        RuleViolation,
    )
    assert code == "RECOMMENDATION_ALREADY_ANSWERED"


def test_only_the_recipient_answers(world: World, recs: RecommendationService) -> None:
    rec_id = improve_work(recs).recommendation.id

    def answer(by: str, text: str = "不予采纳。") -> Any:
        return recs.answer(rec_id, official(by), adopted=False, text=text)

    assert refused(world, lambda: answer(COUNTY_GOV), RuleViolation) == (
        "NOT_RECOMMENDATION_RECIPIENT"
    )
    assert refused(world, lambda: answer(TOWN_2), OutOfScope) == "OUT_OF_JURISDICTION"
    assert refused(world, lambda: answer(TOWN_1, text=" "), InvalidInput) == (
        "RECOMMENDATION_ANSWER_REQUIRED"
    )
    early = world.clock.now() - timedelta(days=1)
    code = refused(
        world,
        lambda: recs.answer(
            rec_id, official(TOWN_1), adopted=True, text="采纳。", occurred_at=early
        ),
        RuleViolation,
    )
    assert code == "OCCURRED_BEFORE_PREVIOUS"


def test_an_unanswered_recommendation_is_overdue_after_its_last_day(
    world: World, recs: RecommendationService
) -> None:
    rec_id = improve_work(recs).recommendation.id
    found = recs.get(rec_id, official(COUNTY_BUREAU))
    assert not found.overdue_on(world.day(50)) and found.overdue_on(world.day(51))
    world.on(60)
    answered, _ = recs.answer(rec_id, official(TOWN_1), adopted=False, text="经研究不予采纳。")
    assert not answered.overdue_on(world.day(61))
    assert answered.as_dict(world.day(61))["overdue"] is False


def test_an_unknown_recommendation_is_not_found(recs: RecommendationService) -> None:
    for unknown in (uuid4(), "not-an-id", str(UUID(int=0))):
        with pytest.raises(NotFound) as excinfo:
            recs.get(unknown, official(COUNTY_BUREAU))
        assert refusal(excinfo) == "RECOMMENDATION_NOT_FOUND"
