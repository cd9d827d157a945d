"""预警: per unit, the duties falling due within N days and those past due, at the five levels
(normal, warning, alert, severe, overdue) of ``domain.deadlines``.

Story of ``projection_support.populate``: town 1 owes the acceptance notice of b by day 16,
town 2 that of h by day 16 and the answer of c by day 65 (its 60th day, 2026-05-05, falls in
the Labour Day holiday: due 2026-05-06), the county bureau the
transfer of d by day 17, the county discipline inspection the acceptance of e by day 17.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from domain.errors import InvalidInput, OutOfScope
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.warnings import unit_warnings
from tests.integration.projection_support import populate, runner, view_db
from tests.scenario_support import COUNTY_BUREAU, COUNTY_DI, TOWN_1, TOWN_2, World, official


@pytest.fixture
def story(world: World, store_settings: Settings) -> Iterator[tuple[World, ViewDatabase, dict]]:
    db = view_db(store_settings)
    cases = populate(world)
    runner(world, db).catch_up()
    yield world, db, cases
    db.close()


def warnings_of(
    story: tuple[World, ViewDatabase, dict],
    unit_id: str,
    on: int,
    within: int,
    viewer: Actor | None = None,
) -> dict[str, Any]:
    world, db, _ = story
    directory = world.service.directory
    scope = ReadScope.of(viewer or official(unit_id), directory)
    return unit_warnings(db, scope, unit_id, within, world.day(on), directory)


def steps(found: dict[str, Any], key: str, story: tuple[World, ViewDatabase, dict]) -> list[tuple]:
    names = {str(v): k for k, v in story[2].items()}
    return [(names[i["case_id"]], i["step"], i["level"]) for i in found[key]]


def test_a_duty_a_week_away_is_a_warning(story) -> None:
    found = warnings_of(story, TOWN_1, on=9, within=7)
    assert steps(found, "due_soon", story) == [("b", "accept", "warning")]
    assert found["due_soon"][0]["days_left"] == 7


def test_levels_rise_as_the_day_approaches(story) -> None:
    assert warnings_of(story, TOWN_1, on=13, within=7)["due_soon"][0]["level"] == "alert"
    assert warnings_of(story, TOWN_1, on=15, within=7)["due_soon"][0]["level"] == "severe"
    assert warnings_of(story, TOWN_1, on=16, within=0)["due_soon"][0]["level"] == "severe"
    assert warnings_of(story, TOWN_1, on=5, within=30)["due_soon"][0]["level"] == "normal"


def test_past_due_duties_are_listed_as_overdue(story) -> None:
    found = warnings_of(story, TOWN_1, on=21, within=0)
    assert steps(found, "overdue", story) == [("b", "accept", "overdue")]
    assert found["overdue"][0]["days_overdue"] == 5 and found["due_soon"] == []
    assert found["counts"] == {"normal": 0, "warning": 0, "alert": 0, "severe": 0, "overdue": 1}


def test_only_duties_within_the_horizon_are_listed(story) -> None:
    near = warnings_of(story, TOWN_2, on=14, within=7)
    assert steps(near, "due_soon", story) == [("h", "accept", "alert")]
    assert near["due_soon"][0]["urges_count"] == 1  # urged on day 20
    far = warnings_of(story, TOWN_2, on=14, within=60)
    assert steps(far, "due_soon", story) == [("h", "accept", "alert"), ("c", "answer", "normal")]
    assert far["due_soon"][1]["due_on"] == "2026-05-06" and far["due_soon"][1]["leader_owned"]


def test_each_unit_sees_its_own_duties(story) -> None:
    bureau = warnings_of(story, COUNTY_BUREAU, on=21, within=3)
    assert steps(bureau, "overdue", story) == [("d", "transfer", "overdue")]
    # The accusation routed to the county discipline inspection owes no 15-day acceptance
    # notice there (Art.30: discipline-inspection rules), so nothing is overdue for it.
    inspection = warnings_of(story, COUNTY_DI, on=21, within=3)
    assert steps(inspection, "overdue", story) == []
    assert steps(inspection, "due_soon", story) == []


def test_a_bureau_reads_the_warnings_of_units_in_its_area(story) -> None:
    found = warnings_of(story, TOWN_2, on=21, within=3, viewer=official(COUNTY_BUREAU))
    assert steps(found, "overdue", story) == [("h", "accept", "overdue")]


def test_warnings_of_units_outside_the_area_are_refused(story) -> None:
    with pytest.raises(OutOfScope):
        warnings_of(story, COUNTY_DI, on=21, within=3, viewer=official(TOWN_2))
    with pytest.raises(InvalidInput):
        warnings_of(story, TOWN_2, on=21, within=-1)
