"""管理权限: the directory says which body manages a unit's leadership, and so which discipline
inspection body receives accusations against it (Art.22, 30; domain.md §4 "route out")."""

from __future__ import annotations

from domain.units import UnitKind, UnitRecord, unit_aggregate_id
from gateways.kafka.cloudevents import FactsCache, to_cloudevent
from tests.scenario_support import (
    CITY_DI,
    CITY_GOV,
    COUNTY_CODE,
    COUNTY_DI,
    COUNTY_GOV,
    COUNTY_HRSS,
    TOWN_1,
    World,
)


def test_an_accusation_against_a_county_government_goes_to_the_citys_discipline_inspection(
    world: World,
) -> None:
    directory = world.service.directory

    assert directory.management_authority_of(COUNTY_GOV).unit_id == CITY_GOV  # type: ignore[union-attr]
    assert directory.discipline_inspection_for(COUNTY_GOV).unit_id == CITY_DI  # type: ignore[union-attr]


def test_a_township_and_a_county_department_answer_to_the_countys_discipline_inspection(
    world: World,
) -> None:
    directory = world.service.directory

    assert directory.discipline_inspection_for(TOWN_1).unit_id == COUNTY_DI  # type: ignore[union-attr]
    assert directory.discipline_inspection_for(COUNTY_HRSS).unit_id == COUNTY_DI  # type: ignore[union-attr]


def test_a_recorded_authority_overrides_the_review_superior(world: World) -> None:
    """A county department whose leadership the city manages (vertical management)."""
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
    directory = world.service.directory

    assert directory.get("330106-tax").authority_id == CITY_GOV
    assert directory.discipline_inspection_for("330106-tax").unit_id == CITY_DI  # type: ignore[union-attr]

    world.service.set_authority("330106-tax", None)

    assert world.service.directory.discipline_inspection_for("330106-tax").unit_id == COUNTY_DI  # type: ignore[union-attr]


def test_a_recorded_authority_is_published_on_the_events_topic(world: World) -> None:
    """Other tiers' systems route accusations too: the change travels like any unit event."""
    world.service.set_authority(COUNTY_HRSS, CITY_GOV)
    events = list(world.service.store.events.get(unit_aggregate_id(COUNTY_HRSS)))
    facts = FactsCache(lambda _: events[0])

    body = to_cloudevent(events[-1], 99, facts.get(events[-1].originator_id))

    assert body["type"] == "cn.gov.xinfang.unit.authority_set"
    assert body["source"] == "/xinfang/units" and body["division"] == COUNTY_CODE
    assert body["data"]["unit_id"] == COUNTY_HRSS
    assert body["data"]["authority_id"] == CITY_GOV
