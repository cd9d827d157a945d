"""五级书记: the roll-up of an area, checked against the story of ``projection_support``, and
scenario 15: the dashboard as of an instant equals what it showed then, whatever came after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from domain.errors import InvalidInput, OutOfScope
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.supervision_query import rollup
from tests.integration.projection_support import later, petitioner, populate, runner, view_db
from tests.scenario_support import (
    CITY_BUREAU,
    COUNTY_BUREAU,
    COUNTY_GOV,
    PROVINCE_BUREAU,
    TOWN_2,
    World,
    at,
    official,
)


@pytest.fixture
def db(store_settings: Settings) -> Iterator[ViewDatabase]:
    database = view_db(store_settings)
    yield database
    database.close()


def dashboard(
    world: World,
    db: ViewDatabase,
    prefix: str,
    actor: Actor | None = None,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    directory = world.service.directory
    scope = ReadScope.of(actor or official(COUNTY_BUREAU), directory)
    if as_of is not None:
        return rollup(db, scope, prefix, directory, as_of=as_of)
    return rollup(db, scope, prefix, directory, today=world.today())


def by_stage(figures: dict[str, Any]) -> dict[str, int]:
    return {s["stage"]: s["count"] for s in figures["stages"] if s["count"]}


def by_step(figures: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {
        d["step"]: (d["running"], d["missed"])
        for d in figures["deadlines"]
        if d["running"] or d["missed"]
    }


def test_the_county_dashboard_on_day_21(world: World, db: ViewDatabase) -> None:
    populate(world)
    runner(world, db).catch_up()
    world.on(21)
    county = dashboard(world, db, "330106")
    assert county["registrations"] == 8 and county["open"] == 7
    assert by_stage(county) == {
        "registered": 2,  # d, f
        "awaiting_acceptance": 3,  # b, e, h
        "handling": 1,  # c
        "answered": 1,  # a
        "concluded": 1,  # g, a repeat declined at once
    }
    # (running, missed): d and f were never transferred; b and h never accepted (e, an
    # accusation, owes no acceptance notice: Art.30). f's 15 days end on day 20, a Sunday, so
    # they run to the end of today, Monday (day 21).
    assert by_step(county) == {"transfer": (1, 1), "accept": (0, 2), "answer": (1, 0)}
    assert county["backlog"] == 3
    assert county["repeats"] == 1 and county["repeat_rate"] == 0.125
    leaders = county["leader_owned"]
    assert (leaders["total"], leaders["open"], leaders["resolved"]) == (1, 1, 0)
    assert leaders["cases"][0]["leaders"] == "王书记"
    assert leaders["cases"][0]["stage"] == "handling" and leaders["cases"][0]["days_open"] == 21
    # Town 1 has two missed duties today (b, d), town 2 one (h); f's is missed from tomorrow.
    areas = {a["division"]: (a["missed"], a["backlog"]) for a in county["areas"]}
    assert areas == {"330106002": (1, 1), "330106001": (2, 2)}
    town_1 = next(a for a in county["areas"] if a["division"] == "330106001")
    assert town_1["registrations"] == 5 and town_1["repeat_rate"] == 0.2
    assert town_1["name"] == "转塘街道办事处"
    world.on(22)
    county = dashboard(world, db, "330106")
    areas_ranked = [(a["division"], a["rank"], a["missed"], a["backlog"]) for a in county["areas"]]
    # Level on missed duties and backlog, town 1 ranks worse on its repeat rate.
    assert areas_ranked == [("330106001", 1, 2, 2), ("330106002", 2, 2, 2)]


def test_the_roll_up_of_a_city_and_a_village(world: World, db: ViewDatabase) -> None:
    populate(world)
    runner(world, db).catch_up()
    world.on(21)
    city = dashboard(world, db, "3301", official(CITY_BUREAU))
    assert city["registrations"] == 8 and city["tier"] == "市"
    assert [a["division"] for a in city["areas"]] == ["330106"]
    village = dashboard(world, db, "330106002001", official(CITY_BUREAU))
    assert village["registrations"] == 3 and village["areas"] == []
    assert dashboard(world, db, "330106002001000"[:12], official(CITY_BUREAU)) == village


def test_counts_seen_by_the_accused_unit_leave_the_accusation_out(
    world: World, db: ViewDatabase
) -> None:
    populate(world)
    runner(world, db).catch_up()
    world.on(21)
    seen_by_town_2 = dashboard(world, db, "330106002", official(TOWN_2))
    assert seen_by_town_2["registrations"] == 2  # f and h; the accusation e is not counted
    # f's transfer period ran to the end of today, Monday (its 15th day was a Sunday).
    assert by_step(seen_by_town_2) == {"transfer": (1, 0), "accept": (0, 1)}
    assert seen_by_town_2["backlog"] == 1
    seen_above = dashboard(world, db, "330106002", official(COUNTY_GOV))
    assert seen_above["registrations"] == 3
    assert by_step(seen_above) == {"transfer": (1, 0), "accept": (0, 1)}
    as_of = dashboard(world, db, "330106002", official(TOWN_2), as_of=world.clock.now())
    assert as_of["registrations"] == 2


def test_an_area_outside_the_jurisdiction_is_refused(world: World, db: ViewDatabase) -> None:
    runner(world, db).catch_up()
    with pytest.raises(OutOfScope):
        dashboard(world, db, "330106", official(TOWN_2))
    for bad in ("3", "33010", "abc"):
        with pytest.raises(InvalidInput):
            dashboard(world, db, bad)


def test_as_of_a_past_instant_counts_what_was_recorded_by_then(
    world: World, db: ViewDatabase
) -> None:
    cases = populate(world)
    later(world, cases)
    runner(world, db).catch_up()
    day_3 = dashboard(world, db, "330106", as_of=at(world.day(3), 23))
    assert day_3["registrations"] == 6 and day_3["today"] == "2026-03-05"
    assert by_stage(day_3) == {"registered": 1, "awaiting_acceptance": 4, "handling": 1}
    assert by_step(day_3) == {"transfer": (1, 0), "accept": (3, 0), "answer": (1, 0)}
    assert day_3["backlog"] == 0 and day_3["leader_owned"]["total"] == 0
    before = dashboard(world, db, "330106", as_of=at(world.day(-1)))
    assert before["registrations"] == 0 and before["areas"] == []


def test_scenario_15_the_dashboard_as_of_an_instant_equals_what_it_showed_then(
    world: World, db: ViewDatabase
) -> None:
    live = runner(world, db, batch_size=4)
    shown: list[tuple[datetime, str, str, dict[str, Any]]] = []
    viewers = {
        "330106": official(COUNTY_BUREAU),
        "3301": official(CITY_BUREAU),
        "330106002": official(TOWN_2),
    }

    def look(day: int) -> None:
        live.catch_up()
        for prefix, viewer in viewers.items():
            shown.append(
                (world.clock.now(), prefix, viewer.unit_id, dashboard(world, db, prefix, viewer))
            )

    cases = populate(world, after_day=look)
    later(world, cases)
    live.catch_up()
    assert len(shown) == 30  # ten days of acts, three dashboards each
    for instant, prefix, unit_id, then in shown:
        viewer = viewers[prefix]
        now_of_then = dashboard(world, db, prefix, viewer, as_of=instant)
        assert now_of_then.pop("as_of") == instant.isoformat()
        assert then.pop("as_of") is None
        assert now_of_then == then, (instant, prefix, unit_id)
    # And now is the latest instant: the current roll-up equals the as-of roll-up of now.
    current = dashboard(world, db, "330106")
    latest = dashboard(world, db, "330106", as_of=world.clock.now())
    current.pop("as_of"), latest.pop("as_of")
    assert current == latest
    assert current["leader_owned"]["total"] == 2


def test_both_ways_of_reading_the_past_agree(world: World, db: ViewDatabase) -> None:
    """From the monthly checkpoint before T plus the changes since, or counting the versions
    valid at T: the same dashboard at every instant of the story, for every viewer, even
    after an act recorded with a time before a checkpoint already taken."""
    live = runner(world, db, batch_size=5)
    cases = populate(world)
    later(world, cases)  # runs into April: a checkpoint at 2026-04-01 00:00
    live.catch_up()
    world.on(28)  # recorded late: before the April checkpoint
    late = world.register(petitioners=[petitioner(10)], matter_kind="late")
    world.act(late, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    live.catch_up()
    directory = world.service.directory
    wide_town_2 = Actor("t2", "双浦镇干部", TOWN_2, frozenset({"handler"}), "330106")
    viewers = (
        (official(COUNTY_BUREAU), "330106"),
        (official(CITY_BUREAU), "3301"),
        (official(PROVINCE_BUREAU), "33"),
        (wide_town_2, "330106"),
    )
    for viewer, prefix in viewers:
        scope = ReadScope.of(viewer, directory)
        for day in range(-1, 45):
            for hour in (0, 10, 11):
                instant = at(world.day(day), hour)
                checkpoint = rollup(db, scope, prefix, directory, as_of=instant)
                scan = rollup(db, scope, prefix, directory, as_of=instant, method="scan")
                assert checkpoint == scan, (prefix, instant)
    checkpoints = db.query("SELECT snap FROM v_sup_snaps ORDER BY snap")
    assert len(checkpoints) == 2  # 2026-03-01 and 2026-04-01
