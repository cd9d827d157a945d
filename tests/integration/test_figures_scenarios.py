"""The figures in the scenarios of domain.md §8, and the accused unit's figures (§7).

Day 0 is 2026-03-02 (the world of ``tests/scenario_support``); days 0-29 are March, 30-60
April, 61-91 May.

Scenario 1: a letter registered at the county bureau on day 0, transferred to town 1 on day 10
(≤ 15), accepted on day 20 (10 days after receipt, ≤ 15), answered on day 70 (50 days after
acceptance, ≤ 60), served on day 71 and evaluated satisfied on day 72:

==========  ==========================  =====  =====  =====
figure      counted in                  March  April  May
==========  ==========================  =====  =====  =====
及时受理率  bureau: transfer (day 10)     1/1    —      —
及时受理率  unit: acceptance (day 20)     1/1    —      —
按期办结率  unit: answer (day 70)         —      —      1/1
参评率      result of day 70              —      —      1/1
满意率      satisfied                     —      —      1/1
==========  ==========================  =====  =====  =====

Over March-May every figure is 1/1 = 100 %; there is no backlog at either end.

Scenario 18: an anonymous letter transferred to town 1 on day 1 and accepted only on day 40
(late by 24 days, were it named), and an anonymous letter registered at town 1 itself on day 0
and accepted on day 30: neither carries a notice duty (Art.23), so town 1's 及时受理率 has
nothing to count (None), where the same named letter counts 1 late. Their answers are still
owed: the direct one, due day 90 (05-31), is the only late duty listed.

The accused unit: an accusation against town 2 (about village 2), routed to the county
discipline inspection on day 17 (the bureau's 15 days ended on day 15: late) and accepted
there on day 30, next to a letter from village 2 transferred to town 2 on day 1 and accepted
on day 2. The discipline inspection body owes no 15-day acceptance notice (Art.30: it follows
discipline-inspection rules), so its acceptance is counted nowhere. The county bureau counts
both transfers (bureaus 1/2); town 2's leader counts only the letter (registrations 1, units
1/1) and sees no trace of the other, not even in its village's registrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from gateways.settings import Settings
from projections.bulletin import bulletin, render
from projections.db import ViewDatabase
from projections.figures import figures
from projections.runner import ProjectionRunner
from projections.trail import TrailProjection
from projections.worst_late import worst_late
from tests.integration.figures_story import petitioner
from tests.integration.projection_support import view_db
from tests.scenario_support import (
    BASIS,
    COUNTY_BUREAU,
    COUNTY_DI,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
    World,
    official,
)

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
MAY = (date(2026, 5, 1), date(2026, 5, 31))
SPRING = (date(2026, 3, 1), date(2026, 5, 31))


@pytest.fixture
def db(store_settings: Settings) -> Iterator[ViewDatabase]:
    database = view_db(store_settings)
    yield database
    database.close()


def read(
    world: World,
    db: ViewDatabase,
    period: tuple[date, date],
    prefix: str = "330106",
    viewer: Actor | None = None,
) -> dict[str, Any]:
    ProjectionRunner(world.service, db, [TrailProjection()]).catch_up()
    directory = world.service.directory
    scope = ReadScope.of(viewer or official(COUNTY_BUREAU), directory)
    return figures(db, scope, prefix, *period, directory, date(2026, 6, 1))


def share(figure: dict[str, Any]) -> tuple[int, int]:
    return figure["numerator"], figure["denominator"]


def scenario_1(world: World) -> None:
    world.on(0)
    case = world.register(petitioners=[petitioner(1)])
    world.on(10)
    world.act(case, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(20)
    world.act(case, TOWN_1, "accept", path="6")
    world.on(70)
    world.act(
        case, TOWN_1, "answer", outcome="supported", opinion="予以支持。", facts=FACTS, basis=BASIS
    )
    world.on(71)
    world.act(case, TOWN_1, "serve")
    world.on(72)
    world.act(case, COUNTY_BUREAU, "evaluate", satisfaction="satisfied")


def test_scenario_1_every_figure_counts_it_on_time(world: World, db: ViewDatabase) -> None:
    scenario_1(world)
    spring = read(world, db, SPRING)
    rates = [spring["bureaus"]["timely_acceptance"], *spring["handling_units"].values()]
    assert [share(f) for f in rates] == [(1, 1)] * 5
    assert all(f["rate"] == 1.0 for f in rates)
    cases = spring["cases"]
    assert share(cases["repeat_rate"]) == (0, 1) and cases["level_skipping"] == 0
    assert (cases["backlog_start"], cases["backlog_end"]) == (0, 0)


def test_scenario_1_each_duty_counts_in_the_month_it_was_done(
    world: World, db: ViewDatabase
) -> None:
    scenario_1(world)
    march, april, may = (read(world, db, p) for p in (MARCH, APRIL, MAY))
    assert share(march["bureaus"]["timely_acceptance"]) == (1, 1)
    assert share(march["handling_units"]["timely_acceptance"]) == (1, 1)
    assert march["handling_units"]["on_time_completion"]["rate"] is None
    assert all(f["rate"] is None for f in april["handling_units"].values())
    assert april["bureaus"]["timely_acceptance"]["rate"] is None
    assert share(may["handling_units"]["on_time_completion"]) == (1, 1)
    assert share(may["handling_units"]["satisfaction"]) == (1, 1)
    assert may["handling_units"]["timely_acceptance"]["rate"] is None


def test_scenario_18_an_anonymous_letter_is_never_late_for_notice(
    world: World, db: ViewDatabase
) -> None:
    world.on(0)
    sent = world.register(anonymous=True, petitioners=[])
    direct = world.register(by=TOWN_1, anonymous=True, petitioners=[], matter_kind="road")
    world.on(1)
    world.act(sent, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(28)  # its answer is due on day 88, Friday 29 May: overdue at the close of May
    world.act(direct, TOWN_1, "accept", path="6")
    world.on(40)
    world.act(sent, TOWN_1, "accept", path="6")
    accept = read(world, db, SPRING)["handling_units"]["timely_acceptance"]
    assert (share(accept), accept["rate"]) == ((0, 0), None)
    scope = ReadScope.of(official(COUNTY_BUREAU), world.service.directory)
    late = worst_late(db, scope, "330106", *SPRING, world.service.directory, date(2026, 6, 1))
    # No notice duty is listed; the answer, which anonymity does not remove, still counts.
    assert [c["step"] for c in late] == ["answer"] and late[0]["case_id"] == str(direct)


def test_scenario_18_the_same_letter_named_is_counted_late(world: World, db: ViewDatabase) -> None:
    world.on(0)
    named = world.register(petitioners=[petitioner(2)])
    world.on(1)
    world.act(named, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    world.on(40)
    world.act(named, TOWN_1, "accept", path="6")
    accept = read(world, db, SPRING)["handling_units"]["timely_acceptance"]
    assert (share(accept), accept["rate"], accept["parts"]["late"]) == ((0, 1), 0.0, 1)


def test_an_accusation_received_by_discipline_inspection_is_never_late_for_notice(
    world: World, db: ViewDatabase
) -> None:
    """Art.30 (domain.md §4 "route out"): routed to the county discipline inspection on day 1
    and accepted there on day 20, 19 days after receipt: discipline-inspection rules, not
    Art.23's 15-day notice, so 及时受理率 of handling units has nothing to count. The
    bureau's routing within 15 days (Art.22) counts on time; the answer is still owed within
    the configured period (domain.md §3), and on 2026-06-01 it is late."""
    world.on(0)
    accusation = world.register(
        petitioners=[petitioner(6)],
        category="accusation",
        accused_unit_id=TOWN_2,
        division_code=VILLAGE_2_CODE,
        matter_kind="official_misconduct",
    )
    world.on(1)
    world.act(accusation, COUNTY_BUREAU, "route", channel="discipline_inspection")
    world.on(20)
    world.act(accusation, COUNTY_DI, "accept")
    found = read(world, db, SPRING)
    accept = found["handling_units"]["timely_acceptance"]
    assert (share(accept), accept["rate"]) == ((0, 0), None)
    assert share(found["bureaus"]["timely_acceptance"]) == (1, 1)
    scope = ReadScope.of(official(COUNTY_BUREAU), world.service.directory)
    late = worst_late(db, scope, "330106", *SPRING, world.service.directory, date(2026, 6, 1))
    # No notice duty is listed; the answer, due by the configured period, still counts.
    assert [(c["step"], c["unit_id"]) for c in late] == [("answer", COUNTY_DI)]


def accusation_and_letter(world: World) -> None:
    world.on(0)
    accusation = world.register(
        petitioners=[petitioner(3)],
        category="accusation",
        accused_unit_id=TOWN_2,
        subject="举报某镇干部违规",
        division_code=VILLAGE_2_CODE,
        matter_kind="official_misconduct",
    )
    letter = world.register(petitioners=[petitioner(4)], division_code=VILLAGE_2_CODE)
    world.on(1)
    world.act(letter, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    world.on(2)
    world.act(letter, TOWN_2, "accept", path="6")
    world.on(17)
    world.act(
        accusation, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )
    world.on(30)
    world.act(accusation, COUNTY_DI, "accept")


def test_the_county_counts_the_accusation(world: World, db: ViewDatabase) -> None:
    accusation_and_letter(world)
    county = read(world, db, MARCH)
    assert county["cases"]["registrations"] == 2
    assert share(county["bureaus"]["timely_acceptance"]) == (1, 2)
    assert share(county["handling_units"]["timely_acceptance"]) == (1, 1)


def test_the_accused_township_counts_no_trace_of_it(world: World, db: ViewDatabase) -> None:
    accusation_and_letter(world)
    town = read(world, db, MARCH, "330106002", official(TOWN_2, "leader"))
    assert town["cases"]["registrations"] == 1
    assert share(town["handling_units"]["timely_acceptance"]) == (1, 1)
    assert [a["cases"]["registrations"] for a in town["by_area"]] == [1]
    village = read(world, db, MARCH, "330106002001", official(TOWN_2, "leader"))
    assert village["cases"]["registrations"] == 1


def test_without_accusations_no_count_and_no_listed_case_shows_one(
    world: World, db: ViewDatabase
) -> None:
    accusation_and_letter(world)
    ProjectionRunner(world.service, db, [TrailProjection()]).catch_up()
    directory = world.service.directory
    scope = ReadScope.of(official(COUNTY_BUREAU), directory)
    day = date(2026, 6, 1)
    kept = figures(db, scope, "330106", *MARCH, directory, day, accusations=False)
    assert kept["cases"]["registrations"] == 1
    assert share(kept["bureaus"]["timely_acceptance"]) == (1, 1)
    listed = worst_late(db, scope, "330106", *MARCH, directory, day)
    assert [(c["unit_id"], c["step"]) for c in listed] == [(COUNTY_BUREAU, "transfer")]
    assert worst_late(db, scope, "330106", *MARCH, directory, day, accusations=False) == []


def test_the_circulated_bulletin_leaves_the_accusation_out(world: World, db: ViewDatabase) -> None:
    accusation_and_letter(world)
    ProjectionRunner(world.service, db, [TrailProjection()]).catch_up()
    directory = world.service.directory
    scope = ReadScope.of(official(COUNTY_BUREAU), directory)
    doc = bulletin(db, scope, "330106", "2026-03", directory, date(2026, 6, 1))
    assert doc["figures"]["cases"]["registrations"] == 1 and doc["late_cases"] == []
    page = render(doc)
    assert "纪委" not in page and "举报" not in page and "检举控告类事项由纪检监察机关" in page


def test_nothing_is_pending_on_a_concluded_case(world: World, db: ViewDatabase) -> None:
    """Assigned to town 1 on day 1 with a report due day 20, declined by it on day 5: the
    domain keeps the report duty open, but the case is over, so it is late in no month."""
    world.on(0)
    case = world.register(petitioners=[petitioner(5)])
    world.on(1)
    world.act(case, COUNTY_BUREAU, "assign", to_unit_id=TOWN_1, due_on=world.day(20))
    world.on(5)
    world.act(case, TOWN_1, "decline", reason="属于行政复议事项，请依法申请行政复议", path="4")
    found = read(world, db, SPRING)
    accept = found["handling_units"]["timely_acceptance"]  # the decline was a timely notice
    assert (accept["numerator"], accept["denominator"]) == (1, 1)
    scope = ReadScope.of(official(COUNTY_BUREAU), world.service.directory)
    assert worst_late(db, scope, "330106", *SPRING, world.service.directory, date(2026, 6, 1)) == []
