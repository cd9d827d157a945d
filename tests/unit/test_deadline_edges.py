"""Edges of day counting and of the lifecycle around the scenarios: China dates, bureau chains,
assigned deadlines, the end of the review window, level-skipping without an open case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from tests.scenario_support import (
    BASIS,
    CITY_BUREAU,
    COUNTY_BUREAU,
    FACTS,
    PROVINCE_BUREAU,
    TOWN_1,
    World,
    at,
    refusal,
)


def test_days_are_china_days_half_past_midnight_in_beijing_is_the_next_day(world: World) -> None:
    world.on(0)
    case_id = world.register()
    # 00:30 in Beijing on day 16 is still day 15 in UTC.
    world.clock.set(at(world.day(16), 0) + timedelta(minutes=30))
    assert world.clock.now().astimezone(UTC).date() == world.day(15)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    assert world.status(case_id, "transfer").status == "missed"


def test_a_utc_clock_late_on_day_15_is_still_day_15_in_beijing(world: World) -> None:
    world.on(0)
    case_id = world.register()
    world.clock.set(datetime.combine(world.day(15), datetime.min.time(), UTC) + timedelta(hours=15))
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    assert world.status(case_id, "transfer").status == "met"


def test_a_chain_of_bureaus_shares_the_15_days_and_the_last_bureau_answers_for_lateness(
    world: World,
) -> None:
    world.on(0)
    case_id = world.register(by=CITY_BUREAU)
    world.on(3)
    world.act(case_id, CITY_BUREAU, "transfer", to_unit_id=COUNTY_BUREAU)
    world.on(16)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    transfer = world.status(case_id, "transfer")
    assert (transfer.status, transfer.deadline.unit_id) == ("missed", COUNTY_BUREAU)
    assert transfer.deadline.start == world.day(0)


def test_an_assignment_sets_its_own_report_deadline(world: World) -> None:
    world.on(0)
    case_id = world.register()
    world.on(1)
    world.act(case_id, COUNTY_BUREAU, "assign", to_unit_id=TOWN_1, due_on=world.day(40))
    world.on(2)
    world.act(case_id, TOWN_1, "accept", path="6")
    world.on(45)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )
    world.act(case_id, TOWN_1, "serve")  # given when served (Art.32, 35)

    report = world.status(case_id, "assigned_report")
    assert (report.status, report.days_late, report.deadline.unit_id) == ("missed", 5, TOWN_1)
    assert world.status(case_id, "answer").status == "met"


def test_an_assigned_unit_that_declines_in_writing_has_reported_back(world: World) -> None:
    world.on(0)
    case_id = world.register()
    world.on(1)
    world.act(case_id, COUNTY_BUREAU, "assign", to_unit_id=TOWN_1, due_on=world.day(40))
    world.on(3)
    world.act(case_id, TOWN_1, "decline", reason="属于行政复议事项，请依法申请行政复议", path="4")

    report = world.status(case_id, "assigned_report", on=60)
    assert (report.status, report.deadline.done_on) == ("met", world.day(3))


def test_the_case_concludes_only_after_the_30_day_review_window_has_passed(world: World) -> None:
    case_id = world.answered(served=14)  # the 30th day, day 44, is a Wednesday
    world.on(14 + 30)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "conclude")
    assert refusal(excinfo) == "CANNOT_CONCLUDE_YET"

    world.on(14 + 31)
    case = world.act(case_id, TOWN_1, "conclude")
    assert (case.concluded, case.conclusion) == (True, "window_lapsed")


def test_a_running_duty_warns_as_its_last_day_approaches(world: World) -> None:
    case_id = world.accepted(day=10)  # answer due on day 70, Monday 11 May

    levels = [world.status(case_id, "answer", on=d).warning_level for d in (48, 64, 68, 69, 71)]

    assert levels == ["normal", "warning", "alert", "severe", "overdue"]


def test_a_unit_declining_a_litigation_matter_names_the_lawful_channel(world: World) -> None:
    case_id = world.transferred(day=1)
    world.on(3)

    case = world.act(case_id, TOWN_1, "decline", reason="属于诉讼程序，请向人民法院起诉", path="1")

    assert (case.conclusion, case.path) == ("declined", "1")
    assert world.status(case_id, "accept").status == "met"


@pytest.mark.parametrize(
    ("bureau", "channel", "skipping"),
    [
        (COUNTY_BUREAU, "visit", False),  # one tier above the township
        (CITY_BUREAU, "visit", True),  # two tiers above
        (PROVINCE_BUREAU, "visit", True),
        (PROVINCE_BUREAU, "letter", False),  # only visits skip levels
    ],
)
def test_level_skipping_of_a_new_village_matter_depends_on_where_it_is_received(
    world: World, bureau: str, channel: str, skipping: bool
) -> None:
    case = world.registered(by=bureau, channel=channel).case

    assert case.level_skipping is skipping
    assert case.repeat_of is None
