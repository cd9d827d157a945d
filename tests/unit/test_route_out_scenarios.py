"""Routes out (domain.md §4 "route out", §3; scenario 12): an accusation goes only to the
discipline inspection body with management authority (管理权限) over the accused unit (Art.22,
30), a litigation matter only to the political-legal organ of the bureau's own tier and area
(诉访分离, Art.28), other channelled matters only to an organ of a plausible kind (Art.31(2)-(4)).
Accusations then follow discipline-inspection rules, not Art.23's 15-day notice."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.acts import SYSTEM
from domain.errors import DomainError
from domain.petition import Petition
from domain.units import UnitKind, UnitRecord
from tests.scenario_support import (
    CITY_BUREAU,
    CITY_DI,
    CITY_GOV,
    CITY_POLITICAL_LEGAL,
    COUNTY_BUREAU,
    COUNTY_CODE,
    COUNTY_DI,
    COUNTY_GOV,
    COUNTY_HRSS,
    COUNTY_POLITICAL_LEGAL,
    TOWN_1,
    VILLAGE_1,
    World,
    refusal,
)


def accusation_against(world: World, accused: str, by: str = COUNTY_BUREAU) -> UUID:
    world.on(0)
    return world.register(
        by=by,
        category="accusation",
        accused_unit_id=accused,
        accused_persons=["李四"],
        matter_kind="misconduct",
        subject="反映干部违规发放补偿款",
    )


def route(
    world: World, case_id: UUID, channel: str, to: str | None = None, by: str = COUNTY_BUREAU
) -> Petition:
    params = {"to_unit_id": to} if to is not None else {}
    return world.act(case_id, by, "route", channel=channel, **params)


def refused_route(
    world: World, case_id: UUID, channel: str, to: str | None = None, by: str = COUNTY_BUREAU
) -> str:
    version = world.case(case_id).version
    with pytest.raises(DomainError) as excinfo:
        route(world, case_id, channel, to, by)
    assert world.case(case_id).version == version
    return refusal(excinfo)


# --------------------------------------------------------------- scenario 12
def test_scenario_12_an_accusation_against_a_township_goes_to_the_county_discipline_inspection(
    world: World,
) -> None:
    case_id = accusation_against(world, TOWN_1)
    world.on(1)

    # Art.30, 46: never to the accused township, nor anywhere under it.
    assert refused_route(world, case_id, "discipline_inspection", TOWN_1) == (
        "ROUTE_TARGET_WRONG_KIND"
    )
    assert refused_route(world, case_id, "discipline_inspection", VILLAGE_1) == (
        "ROUTE_TARGET_WRONG_KIND"
    )
    # Art.22: the city's body has no management authority over a township.
    assert refused_route(world, case_id, "discipline_inspection", CITY_DI) == (
        "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY"
    )
    case = route(world, case_id, "discipline_inspection", COUNTY_DI)

    assert case.holder_unit_id == COUNTY_DI
    assert case.receipts[-1]["via"] == "route"


def test_a_bureau_that_names_no_body_routes_the_accusation_where_the_directory_says(
    world: World,
) -> None:
    case_id = accusation_against(world, TOWN_1)
    world.on(1)

    case = route(world, case_id, "discipline_inspection")

    assert case.holder_unit_id == COUNTY_DI


def test_an_accusation_against_the_county_government_goes_only_to_the_city_discipline_inspection(
    world: World,
) -> None:
    """Art.22: a county government's leadership is managed by the city, so the county's own
    discipline inspection does not receive accusations against it."""
    case_id = accusation_against(world, COUNTY_GOV)
    world.on(1)

    assert refused_route(world, case_id, "discipline_inspection", COUNTY_DI) == (
        "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY"
    )
    assert route(world, case_id, "discipline_inspection", CITY_DI).holder_unit_id == CITY_DI


def test_the_authority_the_directory_records_decides_the_discipline_inspection(
    world: World,
) -> None:
    """A county branch managed by the city (vertical management): accusations against it go
    to the city's body although the county government reviews it."""
    world.service.register_units(
        [
            UnitRecord(
                "330106-tax",
                "西湖区税务局",
                UnitKind.DEPARTMENT,
                COUNTY_CODE,
                COUNTY_GOV,
                authority_id=CITY_GOV,
            )
        ]
    )
    case_id = accusation_against(world, "330106-tax")
    world.on(1)

    assert refused_route(world, case_id, "discipline_inspection", COUNTY_DI) == (
        "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY"
    )
    assert route(world, case_id, "discipline_inspection").holder_unit_id == CITY_DI


def test_an_accusation_with_no_discipline_inspection_in_the_directory_is_refused_clearly(
    world: World,
) -> None:
    """The city government is managed by the province, whose body the directory lacks."""
    case_id = accusation_against(world, CITY_GOV)
    world.on(1)

    assert refused_route(world, case_id, "discipline_inspection") == (
        "NO_DISCIPLINE_INSPECTION_FOR_ACCUSED"
    )


# ----------------------------------------------------- 诉访分离 (Art.28, 31(1))
def litigation_letter(world: World, by: str = COUNTY_BUREAU) -> UUID:
    world.on(0)
    petitioner = {"name": "王五" if by == COUNTY_BUREAU else "赵六"}
    case_id = world.register(
        by=by, subject="不服法院判决", matter_kind="litigation", petitioners=[petitioner]
    )
    world.on(1)
    return case_id


def test_a_litigation_matter_goes_to_the_political_legal_organ_of_the_bureaus_tier(
    world: World,
) -> None:
    case_id = litigation_letter(world)

    case = route(world, case_id, "political_legal", COUNTY_POLITICAL_LEGAL)

    assert case.concluded and case.conclusion == "routed" and case.path == "1"
    assert world.service.history(case_id, SYSTEM)[-1].to_unit_id == COUNTY_POLITICAL_LEGAL


def test_a_litigation_route_that_names_no_organ_goes_to_the_same_tier_one(world: World) -> None:
    county = litigation_letter(world)
    city = litigation_letter(world, by=CITY_BUREAU)

    route(world, county, "political_legal")
    route(world, city, "political_legal", by=CITY_BUREAU)

    assert world.service.history(county, SYSTEM)[-1].to_unit_id == COUNTY_POLITICAL_LEGAL
    assert world.service.history(city, SYSTEM)[-1].to_unit_id == CITY_POLITICAL_LEGAL


@pytest.mark.parametrize(
    ("target", "code"),
    [
        (COUNTY_HRSS, "ROUTE_TARGET_WRONG_KIND"),  # a department is no political-legal organ
        (COUNTY_GOV, "ROUTE_TARGET_WRONG_KIND"),
        (CITY_POLITICAL_LEGAL, "ROUTE_TARGET_WRONG_TIER"),  # one tier up
    ],
)
def test_a_litigation_route_to_another_kind_or_tier_is_refused(
    world: World, target: str, code: str
) -> None:
    case_id = litigation_letter(world)

    assert refused_route(world, case_id, "political_legal", target) == code
    assert world.case(case_id).holder_unit_id == COUNTY_BUREAU


@pytest.mark.parametrize(
    ("channel", "target"),
    [
        ("arbitration", COUNTY_HRSS),  # 劳动人事争议仲裁委员会 sits with human resources
        ("administrative", COUNTY_GOV),  # 行政复议机关
        ("party_appeal", COUNTY_DI),
    ],
)
def test_other_channels_go_to_an_organ_of_a_kind_that_holds_the_procedure(
    world: World, channel: str, target: str
) -> None:
    case_id = litigation_letter(world)

    case = route(world, case_id, channel, target)

    assert case.concluded and case.conclusion == "routed"


@pytest.mark.parametrize(
    ("channel", "target"),
    [
        ("arbitration", COUNTY_POLITICAL_LEGAL),
        ("administrative", VILLAGE_1),  # a village committee is no organ (Art.2)
        ("party_appeal", CITY_BUREAU),
    ],
)
def test_other_channels_refuse_an_organ_of_the_wrong_kind(
    world: World, channel: str, target: str
) -> None:
    case_id = litigation_letter(world)

    assert refused_route(world, case_id, channel, target) == "ROUTE_TARGET_WRONG_KIND"


# -------------------------------------- discipline-inspection rules, not Art.23
def test_an_accusation_routed_to_discipline_inspection_owes_no_15_day_notice(
    world: World,
) -> None:
    """Art.30: the body receives, accepts and answers by discipline-inspection rules; Art.23's
    written acceptance notice is not among its duties, so a late acceptance is never late for
    notice. The bureau's transfer (Art.22) still counts: routing is how it discharges it."""
    case_id = accusation_against(world, TOWN_1)
    world.on(3)
    route(world, case_id, "discipline_inspection")
    world.on(40)
    world.act(case_id, COUNTY_DI, "accept")

    steps = [s.deadline.step for s in world.statuses(case_id, on=41)]
    assert "accept" not in steps and "inform" not in steps
    transfer = world.status(case_id, "transfer", on=41)
    assert (transfer.status, transfer.deadline.unit_id) == ("met", COUNTY_BUREAU)
    answer = world.status(case_id, "answer", on=41)
    assert answer.deadline.unit_id == COUNTY_DI


def test_a_bureau_that_routes_an_accusation_late_is_still_late(world: World) -> None:
    """Art.22: the 15 days to route an accusation on are the bureau's, like any transfer."""
    case_id = accusation_against(world, TOWN_1)
    world.on(17)
    route(world, case_id, "discipline_inspection")

    transfer = world.status(case_id, "transfer", on=17)
    assert (transfer.status, transfer.days_late) == ("missed", 2)


def test_an_accusation_brought_straight_to_discipline_inspection_owes_no_inform_notice(
    world: World,
) -> None:
    case_id = accusation_against(world, TOWN_1, by=COUNTY_DI)

    assert [s.deadline.step for s in world.statuses(case_id, on=30)] == []
