"""三项建议 end to end (Art.40): candidates from the trail, issued and answered as events, and
the overdue answers on the supervision roll-up. Scenarios 13 and 14 of domain.md §8.

Cases are built only through the acts of ``CaseService``; the projections of
``projections.registry`` are caught up by a runner over the test's own view database.
Day 0 is 2026-03-02; the period looked at is the first quarter of 2026 unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from domain.chain import event_id
from domain.errors import NotFound, RuleViolation
from domain.recommendation_service import RecommendationService
from domain.units import UnitKind, UnitRecord
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.recommendations import Period, Thresholds, candidates, issued
from projections.registry import all_projections
from projections.runner import ProjectionRunner
from projections.supervision_query import rollup
from tests.integration.projection_support import petitioner, view_db
from tests.scenario_support import (
    CITY_BUREAU,
    CITY_GOV,
    COUNTY_BUREAU,
    COUNTY_CODE,
    COUNTY_DI,
    COUNTY_GOV,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
    World,
    at,
    official,
)

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
SERIOUS = "信访人因久拖不决多次赴省上访，造成不良社会影响。"


@pytest.fixture
def db(store_settings: Settings) -> Iterator[ViewDatabase]:
    database = view_db(store_settings)
    yield database
    database.close()


@pytest.fixture
def runner(world: World, db: ViewDatabase) -> ProjectionRunner:
    return ProjectionRunner(world.service, db, all_projections())


@pytest.fixture
def recs(world: World) -> RecommendationService:
    return RecommendationService(world.service)


def found(
    world: World,
    db: ViewDatabase,
    runner: ProjectionRunner,
    viewer: Actor | None = None,
    prefix: str = "330106",
    period: Period = Q1,
) -> list[dict[str, Any]]:
    runner.catch_up()
    directory = world.service.directory
    scope = ReadScope.of(viewer or official(COUNTY_BUREAU), directory)
    page = candidates(db, scope, prefix, period, Thresholds(), world.today(), directory)
    return list(page["candidates"])


def of_kind(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [c for c in items if c["kind"] == kind]


def urge_ids(world: World, case_id: UUID) -> list[str]:
    return [
        str(event_id(case_id, e.originator_version))
        for e in world.service.history(case_id, official(COUNTY_BUREAU))
        if type(e).__name__ == "Urged"
    ]


def urged(world: World, case_id: UUID, target: str, days: tuple[int, ...]) -> None:
    for day in days:
        world.on(day)
        world.act(
            case_id, COUNTY_BUREAU, "urge", target_unit_id=target, reason="逾期未受理，督促办理"
        )


def issue(recs: RecommendationService, candidate: dict[str, Any], **extra: Any) -> Any:
    return recs.issue(
        official(COUNTY_BUREAU),
        kind=candidate["kind"],
        to_unit_id=candidate["to_unit_id"],
        grounds=candidate["grounds"],
        cited_event_ids=candidate["cited_event_ids"],
        cited_case_ids=candidate["cited_case_ids"],
        candidate_key=candidate["candidate_key"],
        concerned_unit_id=candidate["concerned_unit_id"],
        **extra,
    )


# ---------------------------------------------------------------- scenario 13
def test_scenario_13_urged_three_times_and_still_late_is_an_accountability_candidate(
    world: World, db: ViewDatabase, runner: ProjectionRunner
) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)  # acceptance due on day 16
    urged(world, case_id, TOWN_1, (17, 20))
    world.on(26)
    assert of_kind(found(world, db, runner), "accountability") == []  # twice is not enough
    urged(world, case_id, TOWN_1, (25,))
    world.on(28)
    [candidate] = of_kind(found(world, db, runner), "accountability")
    assert candidate["to_unit_id"] == COUNTY_GOV  # the body with management authority
    assert candidate["concerned_unit_id"] == TOWN_1
    assert candidate["cited_event_ids"] == urge_ids(world, case_id)
    assert len(candidate["cited_event_ids"]) == 3
    assert candidate["cited_case_ids"] == [str(case_id)]
    assert candidate["serious_consequences_required"] is True
    assert "督办3次" in candidate["grounds"] and "至今仍未办理" in candidate["grounds"]
    assert candidate["facts"]["missed_duties"] == [
        {"step": "accept", "due_on": "2026-03-18", "done_on": None}
    ]
    # Accepted at last, late: still a finding of the case, now "done late".
    world.on(29)
    world.act(case_id, TOWN_1, "accept", path="6")
    [late] = of_kind(found(world, db, runner), "accountability")
    assert late["candidate_key"] == candidate["candidate_key"]
    assert late["facts"]["missed_duties"][0]["done_on"] == "2026-03-31"
    # Art.40: the recommendation may name the unit's staff; the trail names who accepted late.
    assert candidate["named_officials"] == []  # nobody at town 1 had acted on it
    assert late["named_officials"] == [
        {
            "official_id": official(TOWN_1).official_id,
            "name": "转塘街道办事处工作人员",
            "unit_id": TOWN_1,
        }
    ]
    assert [(f["citation"], f["count"]) for f in late["fault_kinds"]] == [
        ("第四十四条第（三）项", 1)
    ]


def test_scenario_13_the_candidate_is_issuable_only_with_serious_consequences(
    world: World, db: ViewDatabase, runner: ProjectionRunner, recs: RecommendationService
) -> None:
    case_id = world.transferred(to=TOWN_1, day=1)
    urged(world, case_id, TOWN_1, (17, 20, 25))
    world.on(28)
    [candidate] = of_kind(found(world, db, runner), "accountability")
    top = world.top()
    with pytest.raises(RuleViolation) as refused:
        issue(recs, candidate)
    assert refused.value.code == "SERIOUS_CONSEQUENCES_REQUIRED" and world.top() == top
    first = issue(recs, candidate, serious_consequences=SERIOUS)
    assert first.created and first.recommendation.cited_event_ids == urge_ids(world, case_id)
    assert of_kind(found(world, db, runner), "accountability") == []  # issued: no longer offered
    again = issue(recs, candidate, serious_consequences=SERIOUS)
    assert not again.created and again.recommendation.id == first.recommendation.id
    listed = issued(
        db,
        ReadScope.of(official(COUNTY_BUREAU), world.service.directory),
        "330106",
        world.today(),
        world.service.directory,
    )
    assert [i["candidate_key"] for i in listed["items"]] == [candidate["candidate_key"]]
    assert listed["items"][0]["serious_consequences"] == SERIOUS


def test_scenario_13_an_unanswered_improve_work_recommendation_shows_on_the_dashboard(
    world: World, db: ViewDatabase, runner: ProjectionRunner, recs: RecommendationService
) -> None:
    world.on(20)
    rec_id = recs.issue(
        official(COUNTY_BUREAU),
        kind="improve_work",
        to_unit_id=TOWN_1,
        grounds="转塘街道办事处受理信访事项多次逾期，经督办仍未改正。",
    ).recommendation.id  # answer due on day 50
    runner.catch_up()
    directory = world.service.directory
    scope = ReadScope.of(official(COUNTY_BUREAU), directory)

    def board(day: int) -> dict[str, Any]:
        return rollup(db, scope, "330106", directory, today=world.day(day))["recommendations"]

    assert (board(50)["issued"], board(50)["unanswered"], board(50)["overdue"]) == (1, 1, 0)
    late = board(51)
    assert late["overdue"] == 1 and late["overdue_items"][0]["id"] == str(rec_id)
    assert late["overdue_items"][0]["days_overdue"] == 1
    assert late["overdue_items"][0]["status_label"] == "逾期未答复"
    overdue = issued(db, scope, "330106", world.day(51), directory, overdue=True)["items"]
    assert [i["id"] for i in overdue] == [str(rec_id)]
    # The town sees its own recommendation on its own dashboard.
    town = rollup(
        db, ReadScope.of(official(TOWN_1), directory), "330106001", directory, today=world.day(51)
    )
    assert town["recommendations"]["overdue"] == 1

    world.on(55)
    recs.answer(rec_id, official(TOWN_1), adopted=True, text="采纳，已建立受理台账逐件销号。")
    runner.catch_up()
    answered = board(56)
    assert (answered["answered"], answered["adopted"], answered["overdue"]) == (1, 1, 0)
    assert issued(db, scope, "330106", world.day(56), directory, overdue=True)["items"] == []
    # As of day 53 the answer was not yet recorded: overdue then, whatever came after.
    then = rollup(db, scope, "330106", directory, as_of=at(world.day(53)))["recommendations"]
    assert then["overdue"] == 1 and then["answered"] == 0
    before = rollup(db, scope, "330106", directory, as_of=at(world.day(19)))["recommendations"]
    assert before["issued"] == 0


def test_a_unit_late_repeatedly_is_an_improve_work_candidate(
    world: World, db: ViewDatabase, runner: ProjectionRunner
) -> None:
    late = [world.transferred(to=TOWN_1, day=1, petitioners=[petitioner(n)]) for n in (1, 2)]
    objected = world.transferred(to=TOWN_1, day=1, petitioners=[petitioner(3)])
    world.on(2)
    world.act(objected, TOWN_1, "object", reason="不属于本单位职责")
    world.on(3)
    world.act(objected, COUNTY_BUREAU, "objection-decision", agreed=False)
    world.on(10)
    world.act(objected, TOWN_1, "accept", path="6")
    world.on(20)
    # Two late acceptances; the objection the bureau refused is a right exercised (Art.23),
    # not a third fault.
    assert of_kind(found(world, db, runner), "improve_work") == []
    late.append(world.transferred(to=TOWN_1, day=1, petitioners=[petitioner(4)]))
    world.on(20)
    [candidate] = of_kind(found(world, db, runner), "improve_work")
    assert (candidate["to_unit_id"], candidate["concerned_unit_id"]) == (TOWN_1, TOWN_1)
    assert sorted(candidate["cited_case_ids"]) == sorted(str(c) for c in late)
    assert candidate["facts"] == {"missed_duties": 3, "by_step": {"accept": 3}}
    assert [f["fault"] for f in candidate["fault_kinds"]] == ["art44"]
    transferred = {str(event_id(c, 2)) for c in late}  # the transfers that opened the duties
    assert transferred <= set(candidate["cited_event_ids"])
    assert "逾期办理或逾期未办3项" in candidate["grounds"] and "异议" not in candidate["grounds"]
    # The bureau's own transfers were on time; it is never offered a recommendation to itself.
    assert all(c["to_unit_id"] != COUNTY_BUREAU for c in found(world, db, runner))


def test_an_opinion_a_review_overturned_is_an_art45_item_2_candidate_naming_its_official(
    world: World, db: ViewDatabase, runner: ProjectionRunner
) -> None:
    """Town 1 did not support the request (day 10); the county government's review supported
    it (day 20): Art.45(2) on town 1, to the body with management authority over it."""
    case_id = world.under_review()
    world.on(20)
    world.act(
        case_id, COUNTY_GOV, "review", outcome="supported", opinion="原处理意见不当，予以支持。"
    )
    [candidate] = of_kind(found(world, db, runner), "accountability")
    assert (candidate["to_unit_id"], candidate["concerned_unit_id"]) == (COUNTY_GOV, TOWN_1)
    assert [(f["fault"], f["article"], f["paragraph"]) for f in candidate["fault_kinds"]] == [
        ("art45", "第四十五条", 2)
    ]
    assert candidate["named_officials"] == [
        {
            "official_id": official(TOWN_1).official_id,
            "name": "转塘街道办事处工作人员",
            "unit_id": TOWN_1,
        }
    ]
    assert (
        "第四十五条第（二）项" in candidate["grounds"] and "第四十二条" not in candidate["grounds"]
    )
    assert "转塘街道办事处工作人员" in candidate["grounds"]
    # Management authority as the directory records it, where it is not the review superior.
    world.service.set_authority(TOWN_1, CITY_GOV)
    [moved] = of_kind(found(world, db, runner), "accountability")
    assert moved["to_unit_id"] == CITY_GOV


def test_a_bureau_that_never_urged_is_an_art43_candidate_for_the_bureau_above(
    world: World, db: ViewDatabase, runner: ProjectionRunner
) -> None:
    """Transferred to town 1 on day 1 (acceptance due day 16) and never urged: from day 32 the
    county bureau is at fault (Art.43). The city bureau is offered the finding; the county
    bureau is never offered one about itself. An accused township's attempt to read an
    accusation (Art.46) is for the discipline inspection, not a 追究责任建议."""
    case_id = world.transferred(to=TOWN_1, day=1)
    accusation = world.register(
        category="accusation",
        accused_unit_id=TOWN_2,
        division_code=VILLAGE_2_CODE,
        subject="举报某镇干部违规",
        matter_kind="official_misconduct",
        petitioners=[petitioner(7)],
    )
    with pytest.raises(NotFound):
        world.service.case(accusation, official(TOWN_2))
    world.on(40)
    march_april = Period(date(2026, 3, 1), date(2026, 4, 30))
    city = of_kind(
        found(world, db, runner, viewer=official(CITY_BUREAU), period=march_april),
        "accountability",
    )
    [candidate] = [c for c in city if c["cited_case_ids"] == [str(case_id)]]
    assert (candidate["to_unit_id"], candidate["concerned_unit_id"]) == (COUNTY_GOV, COUNTY_BUREAU)
    assert [(f["fault"], f["citation"], f["paragraph"]) for f in candidate["fault_kinds"]] == [
        ("art43", "第四十三条", None)
    ]
    assert candidate["facts"]["not_urged"] == [
        {"step": "accept", "unit_id": TOWN_1, "due_on": "2026-03-18", "fault_on": "2026-04-03"}
    ]
    assert candidate["named_officials"] == [
        {
            "official_id": official(COUNTY_BUREAU).official_id,
            "name": "西湖区信访局工作人员",
            "unit_id": COUNTY_BUREAU,
        }
    ]
    assert candidate["cited_event_ids"] == [str(event_id(case_id, 2))]  # the transfer
    assert all(c["concerned_unit_id"] != TOWN_2 for c in city)
    assert of_kind(found(world, db, runner, period=march_april), "accountability") == []


# ---------------------------------------------------------------- scenario 14
def more_townships(world: World) -> list[str]:
    """Four more townships of the county (six in all) and the county Party committee."""
    codes = [f"330106{n:03d}000" for n in range(3, 7)]
    world.service.register_units(
        [UnitRecord("330106-party", "中共西湖区委", UnitKind.PARTY_COMMITTEE, COUNTY_CODE, None)]
        + [
            UnitRecord(f"{code[:9]}-gov", f"第{n}街道办事处", UnitKind.GOVERNMENT, code, COUNTY_GOV)
            for n, code in enumerate(codes, start=3)
        ]
    )
    return ["330106001000", "330106002000", *codes]


def register_many(
    world: World, kind: str, areas: list[str], count: int, first: int, day: int
) -> list[UUID]:
    """``count`` matters of ``kind`` from different petitioners, spread over ``areas``, four a
    day from ``day`` on."""
    ids = []
    for n in range(count):
        world.on(day + n // 4)
        ids.append(
            world.register(
                division_code=areas[n % len(areas)],
                matter_kind=kind,
                petitioners=[petitioner(first + n)],
            )
        )
    return ids


def test_scenario_14_forty_matters_of_one_kind_across_six_townships(
    world: World, db: ViewDatabase, runner: ProjectionRunner
) -> None:
    townships = more_townships(world)
    cases = register_many(world, "land_compensation", townships, 39, first=100, day=0)
    register_many(world, "housing_demolition", townships[:2], 40, first=200, day=10)
    assert of_kind(found(world, db, runner), "improve_policy") == []  # 39, and two townships
    cases += register_many(world, "land_compensation", townships[5:], 1, first=300, day=28)
    [candidate] = of_kind(found(world, db, runner), "improve_policy")
    assert candidate["to_unit_id"] == "330106-party"  # the same-tier Party committee …
    assert candidate["also_to_unit_ids"] == [COUNTY_GOV]  # … and government
    assert sorted(candidate["cited_case_ids"]) == sorted(str(c) for c in cases)
    assert len(candidate["cited_case_ids"]) == 40
    assert candidate["cited_event_ids"][0] == str(event_id(candidate["cited_case_ids"][0], 1))
    assert candidate["facts"]["areas"] == [t[:9] for t in townships]
    assert "6个下级区域" in candidate["grounds"] and "40件" in candidate["grounds"]
    assert (
        "“征地补偿”类" in candidate["grounds"] and candidate["facts"]["matter_label"] == "征地补偿"
    )
    # Art.40(2): the city bureau, finding the same, recommends to its own tier, the city.
    [city] = of_kind(found(world, db, runner, viewer=official(CITY_BUREAU)), "improve_policy")
    assert (city["to_unit_id"], city["also_to_unit_ids"]) == (CITY_GOV, [])
    # A township's own area has no townships below it; the next quarter has none of them.
    assert of_kind(found(world, db, runner, prefix="330106001"), "improve_policy") == []
    q2 = Period(date(2026, 4, 1), date(2026, 6, 30))
    assert of_kind(found(world, db, runner, period=q2), "improve_policy") == []


# ---------------------------------------------------------------- confidentiality
def test_accusations_never_show_in_the_accused_units_candidates(
    make_world: Callable[..., World], db: ViewDatabase
) -> None:
    # An accusation owes no 15-day acceptance notice (Art.30): the discipline inspection body
    # is late here on its answer, due in the period configured for accusations (10 days).
    world = make_world(accusation_days=10)
    runner = ProjectionRunner(world.service, db, all_projections())
    recs = RecommendationService(world.service)
    world.on(2)
    accusation = world.register(
        category="accusation",
        accused_unit_id=TOWN_2,
        division_code=VILLAGE_2_CODE,
        subject="举报某镇干部违规",
        matter_kind="official_misconduct",
    )
    world.act(
        accusation, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )
    world.on(3)
    world.act(accusation, COUNTY_DI, "accept")  # the answer is due on day 13
    urged(world, accusation, COUNTY_DI, (18, 19, 20))
    world.on(21)
    [candidate] = of_kind(found(world, db, runner), "accountability")
    assert candidate["concerned_unit_id"] == COUNTY_DI
    wide_town_2 = Actor("t2", "双浦镇干部", TOWN_2, frozenset({"handler"}), "330106")
    assert found(world, db, runner, viewer=wide_town_2) == []
    issue(recs, candidate, serious_consequences=SERIOUS)
    runner.catch_up()
    directory = world.service.directory
    for viewer, shown in ((official(COUNTY_BUREAU), 1), (wide_town_2, 0)):
        scope = ReadScope.of(viewer, directory)
        assert issued(db, scope, "330106", world.today(), directory)["total"] == shown
        board = rollup(db, scope, "330106", directory, today=world.day(60))
        assert board["recommendations"]["issued"] == shown
