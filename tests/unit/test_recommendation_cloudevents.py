"""三项建议 on the events topic: issued and answered recommendations are published like the
cases' events, with their free text masked, and one resting on an accusation withholds
everything but ids and times (Art.30)."""

from __future__ import annotations

import json
from typing import Any

from domain.recommendation_service import RecommendationService
from gateways.kafka.cloudevents import FactsCache, facts_of_created, to_cloudevent
from tests.scenario_support import COUNTY_BUREAU, COUNTY_DI, TOWN_1, TOWN_2, World, official


def published(world: World, recommendation_id: Any) -> list[dict[str, Any]]:
    """The CloudEvents of one recommendation's stored events, as the relay maps them."""
    events = list(world.service.store.events.get(recommendation_id))
    facts = FactsCache(lambda _: events[0])
    return [
        to_cloudevent(e, position, facts.get(e.originator_id))
        for position, e in enumerate(events, start=1)
    ]


def test_issued_and_answered_recommendations_are_published_with_text_masked(
    world: World,
) -> None:
    world.on(20)
    recs = RecommendationService(world.service)
    issued = recs.issue(
        official(COUNTY_BUREAU),
        kind="improve_work",
        to_unit_id=TOWN_1,
        grounds="张三反映的征地补偿事项受理逾期，联系电话13812345678。",
    )
    recommendation = issued.recommendation
    world.on(25)
    recs.answer(recommendation.id, official(TOWN_1), adopted=True, text="已整改，建立受理台账。")

    issued_body, answered_body = published(world, recommendation.id)

    assert issued_body["type"] == "cn.gov.xinfang.recommendation.issued"
    assert answered_body["type"] == "cn.gov.xinfang.recommendation.answered"
    assert {b["source"] for b in (issued_body, answered_body)} == {"/xinfang/recommendations"}
    assert issued_body["division"] == recommendation.division_code
    assert issued_body["data"]["kind"] == "improve_work"
    assert issued_body["data"]["to_unit_id"] == TOWN_1
    assert answered_body["data"]["adopted"] is True
    text = json.dumps(issued_body, ensure_ascii=False)
    assert "13812345678" not in text


def test_a_recommendation_resting_on_an_accusation_is_published_with_ids_and_times_only(
    world: World,
) -> None:
    world.on(0)
    accusation = world.register(
        category="accusation",
        subject="举报镇干部侵占补偿款",
        accused_unit_id=TOWN_2,
        accused_persons=["王五"],
        matter_kind="misconduct",
    )
    world.act(
        accusation, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )
    world.on(20)
    issued = RecommendationService(world.service).issue(
        official(COUNTY_BUREAU),
        kind="improve_work",
        to_unit_id=COUNTY_DI,
        grounds="对举报王五侵占补偿款一事查处迟缓。",
        cited_case_ids=[str(accusation)],
    )
    recommendation = issued.recommendation
    assert facts_of_created(next(iter(world.service.store.events.get(recommendation.id))))

    (body,) = published(world, recommendation.id)

    text = json.dumps(body, ensure_ascii=False)
    for secret in ("王五", "侵占", "迟缓", TOWN_2, str(accusation)):
        assert secret not in text, secret
    assert body["data"]["to_unit_id"] == COUNTY_DI
    assert body["type"] == "cn.gov.xinfang.recommendation.issued"
    # like an accusation's own events: who acted (no name), ids, dates and times
    assert body["data"]["actor"] == {
        "official_id": official(COUNTY_BUREAU).official_id,
        "unit_id": COUNTY_BUREAU,
    }
    assert "answer_due_on" in body["data"] and "grounds" not in body["data"]
