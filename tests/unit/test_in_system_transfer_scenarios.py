"""转送、交办 within a unit's own system (Art.23): a department or a township government that
receives a matter may pass it to units of its own system below it, with the same 15-day
duties; anything else it cannot pass on, only object to or handle."""

from __future__ import annotations

import pytest

from domain.acts import Actor
from domain.errors import DomainError
from domain.units import UnitKind, UnitRecord
from tests.scenario_support import (
    COUNTY_BUREAU,
    COUNTY_HRSS,
    TOWN_1,
    TOWN_1_CODE,
    TOWN_2,
    VILLAGE_1,
    World,
    refusal,
)

TOWN_1_HRSS = "330106001-hrss"  # the township's social-security office, in the county HRSS system


def with_township_office(world: World) -> None:
    world.service.register_units(
        [
            UnitRecord(
                TOWN_1_HRSS, "转塘街道人力社保所", UnitKind.DEPARTMENT, TOWN_1_CODE, COUNTY_HRSS
            )
        ]
    )


def test_a_township_passes_a_matter_to_its_village_committee_for_fact_finding(
    world: World,
) -> None:
    """Art.23: the township received it from the bureau; passing it on within 15 days
    discharges its own duty, and the village committee's 15 days start."""
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(3)

    case = world.act(case_id, TOWN_1, "transfer", to_unit_id=VILLAGE_1, note="请村委会核实情况")

    assert case.holder_unit_id == VILLAGE_1
    accepts = [s for s in world.statuses(case_id, on=40) if s.deadline.step == "accept"]
    by_unit = {s.deadline.unit_id: s for s in accepts}
    assert by_unit[TOWN_1].status == "met"
    village = by_unit[VILLAGE_1]
    assert (village.deadline.start, village.deadline.due) == (world.day(3), world.day(18))


def test_a_county_department_assigns_a_matter_to_its_township_office(world: World) -> None:
    with_township_office(world)
    case_id = world.transferred(to=COUNTY_HRSS, day=1, matter_kind="social_insurance")
    world.on(4)

    case = world.act(
        case_id,
        COUNTY_HRSS,
        "assign",
        to_unit_id=TOWN_1_HRSS,
        due_on=world.day(40),
        note="限期办结",
    )

    assert case.holder_unit_id == TOWN_1_HRSS
    world.on(6)
    office = Actor("330106001-hrss/li", "李所长", TOWN_1_HRSS, frozenset({"handler"}), "330106001")
    assert world.act(case_id, office, "accept", path="6").accepted_by == TOWN_1_HRSS


def test_a_matter_received_directly_by_a_township_may_go_down_to_its_village(
    world: World,
) -> None:
    world.on(0)
    case_id = world.register(by=TOWN_1)
    world.on(2)

    case = world.act(case_id, TOWN_1, "transfer", to_unit_id=VILLAGE_1)

    assert case.holder_unit_id == VILLAGE_1


@pytest.mark.parametrize("target", [TOWN_2, COUNTY_HRSS])
def test_a_township_cannot_pass_a_matter_outside_its_own_system(world: World, target: str) -> None:
    """Not below it: another township, or a county department. It objects instead (Art.23)."""
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(3)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "transfer", to_unit_id=target)

    assert refusal(excinfo) == "TRANSFER_OUTSIDE_OWN_SYSTEM"
    assert world.top() == top
    assert world.case(case_id).holder_unit_id == TOWN_1


def test_a_bureau_still_transfers_anywhere_in_its_area(world: World) -> None:
    case_id = world.transferred(to=COUNTY_HRSS, day=1)

    assert world.case(case_id).holder_unit_id == COUNTY_HRSS
    assert world.status(case_id, "transfer").deadline.unit_id == COUNTY_BUREAU
