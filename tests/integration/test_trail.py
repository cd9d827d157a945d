"""问责轨迹: what discipline inspection reads about a case and finds by unit, official, fault
kind and period, who may read it, and that the trail is built exactly once and rebuilds equal.

The story is that of ``trail_support.story``, read on day 40 (2026-04-11) unless told; every
test runs on the SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.acts import Actor
from domain.chain import event_id
from domain.errors import InvalidInput, NotFound, OutOfScope
from gateways.commands.views import view
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.trail_query import FaultFilter, case_trail, fault_page, trail_scope
from tests.integration.projection_support import dump, runner, view_db
from tests.integration.trail_support import LI, WANG, inspector, story
from tests.scenario_support import (
    CITY_BUREAU,
    CITY_DI,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    TOWN_1,
    TOWN_2,
    VILLAGE_2,
    World,
    official,
)

Story = tuple[World, ViewDatabase, dict[str, UUID]]
APRIL_11 = 40


@pytest.fixture
def told(world: World, store_settings: Settings) -> Iterator[Story]:
    db = view_db(store_settings)
    cases = story(world)
    runner(world, db, batch_size=10).catch_up()
    yield world, db, cases
    db.close()


def faults(told: Story, reader: Actor | None = None, on: int = APRIL_11, **filters: Any) -> dict:
    world, db, _ = told
    directory = world.service.directory
    scope = trail_scope(reader or inspector(COUNTY_DI), directory)
    return fault_page(db, scope, FaultFilter(**filters), world.day(on), directory)


def found(told: Story, reader: Actor | None = None, on: int = APRIL_11, **filters: Any) -> list:
    """The faults as (case key, fault kind, unit), in the order the search lists them."""
    names = {str(v): k for k, v in told[2].items()}
    page = faults(told, reader, on, **filters)
    return [(names[i["case_id"]], i["fault"], i["unit_id"]) for i in page["items"]]


def trail(told: Story, key: str, reader: Actor | None = None, on: int = APRIL_11) -> dict:
    world, db, cases = told
    directory = world.service.directory
    scope = trail_scope(reader or inspector(COUNTY_DI), directory)
    return case_trail(db, scope, str(cases[key]), world.day(on), directory)


def ids(told: Story, key: str, *kinds: str) -> list[str]:
    """The event ids of the case's events of ``kinds``, in the order given."""
    world, _, cases = told
    events = world.service.events.get(cases[key])
    by_kind = {type(e).__name__: e.originator_version for e in events}
    return [str(event_id(cases[key], by_kind[k])) for k in kinds]


EVERY_FAULT = [
    ("obj", "art44", TOWN_1),
    ("s2", "art43", COUNTY_BUREAU),
    ("s3", "art44", TOWN_2),
    ("acc", "art44", COUNTY_DI),
    ("rev", "art42", TOWN_1),
    ("s4", "art43", COUNTY_BUREAU),
]


# ------------------------------------------------------------ the scenarios
def test_a_transfer_on_day_16_is_late_and_names_the_bureau(told: Story) -> None:
    duty = next(d for d in trail(told, "s2")["duties"] if d["step"] == "transfer")
    assert (duty["due_on"], duty["done_on"], duty["status"], duty["days_late"]) == (
        "2026-03-17",
        "2026-03-18",
        "missed",
        1,
    )
    assert (duty["fault"], duty["unit_id"], duty["unit_name"]) == (
        "art43",
        COUNTY_BUREAU,
        "西湖区信访局",
    )
    assert duty["official_id"] == official(COUNTY_BUREAU).official_id
    assert duty["done_event_id"] == ids(told, "s2", "Transferred")[0]
    assert duty["fault_label"].startswith("第四十三条")


def test_an_acceptance_notice_16_days_after_the_transfer_is_an_art44_fault(told: Story) -> None:
    s3 = trail(told, "s3")
    accept = next(d for d in s3["duties"] if d["step"] == "accept")
    assert (accept["status"], accept["days_late"], accept["fault"]) == ("missed", 1, "art44")
    assert accept["official_id"] == official(TOWN_2).official_id
    [row] = s3["faults"]
    assert (row["step"], row["fault_on"], row["article"]) == ("accept", "2026-03-19", "第二十三条")
    assert row["event_ids"] == ids(told, "s3", "Transferred", "Accepted")


def test_an_objection_the_bureau_refused_marks_art44_on_the_official_who_objected(
    told: Story,
) -> None:
    [mark] = trail(told, "obj")["marks"]
    assert (mark["fault"], mark["unit_id"], mark["official_id"]) == (
        "art44",
        TOWN_1,
        LI.official_id,
    )
    assert mark["official_name"] == "李科长" and mark["occurred_on"] == "2026-03-05"
    assert mark["event_ids"] == ids(told, "obj", "Objected", "ObjectionDecided")
    # The acceptance duty ran on after the refusal and was met on day 4.
    accept = next(d for d in trail(told, "obj")["duties"] if d["step"] == "accept")
    assert accept["status"] == "met" and accept["fault"] is None


def test_a_review_supporting_what_the_answer_refused_marks_art42(told: Story) -> None:
    rev = trail(told, "rev")
    [mark] = rev["marks"]
    assert (mark["fault"], mark["unit_id"], mark["official_id"]) == (
        "art42",
        TOWN_1,
        official(TOWN_1).official_id,
    )
    assert mark["event_ids"] == ids(told, "rev", "Answered", "Reviewed")
    assert [d["status"] for d in rev["duties"]] == ["met", "met", "met", "met"]
    # the timeline says where the request went: the answering unit's superior
    requested = next(e for e in rev["timeline"] if e["type"] == "ReviewRequested")
    assert requested["target_unit_id"] == COUNTY_GOV


def test_the_timeline_names_every_act_with_its_official_and_times(told: Story) -> None:
    s2 = trail(told, "s2")
    assert [(e["type"], e["unit_id"], e["occurred_on"]) for e in s2["timeline"]] == [
        ("Registered", COUNTY_BUREAU, "2026-03-02"),
        ("Transferred", COUNTY_BUREAU, "2026-03-18"),
        ("Accepted", TOWN_1, "2026-03-19"),
    ]
    transferred = s2["timeline"][1]
    assert transferred["label"] == "转送" and transferred["target_unit_id"] == TOWN_1
    assert transferred["occurred_at"] == "2026-03-18T10:00:00+08:00"
    assert transferred["event_id"] == ids(told, "s2", "Transferred")[0]
    answer = next(d for d in s2["duties"] if d["step"] == "answer")
    assert (answer["status"], answer["days_left"]) == ("running", 37)


def test_an_undone_duty_names_the_official_of_the_units_last_act(told: Story) -> None:
    [s4] = trail(told, "s4")["faults"]
    # Due Monday 23 March (its 15th day was a Sunday): 19 days late on 11 April.
    assert (s4["status"], s4["days_late"], s4["official_id"]) == ("overdue", 19, WANG.official_id)
    assert s4["event_ids"] == ids(told, "s4", "Registered")
    # Nobody at the county discipline inspection has acted on the accusation yet.
    [acc] = trail(told, "acc")["faults"]
    assert (acc["status"], acc["days_late"], acc["official_id"]) == ("overdue", 23, None)


def test_a_transfer_period_passed_down_a_chain_of_bureaus_blames_no_one(told: Story) -> None:
    duties = trail(told, "ch")["duties"]
    assert [(d["step"], d["unit_id"], d["status"]) for d in duties if d["step"] == "transfer"] == [
        ("transfer", COUNTY_BUREAU, "met")
    ]
    assert found(told, unit_id=CITY_BUREAU) == []


# -------------------------------------------------------------- the search
def test_the_county_inspection_finds_every_fault_of_its_county_in_order(told: Story) -> None:
    page = faults(told)
    assert found(told) == EVERY_FAULT
    assert page["total"] == 6 and page["today"] == "2026-04-11"
    assert page["counts"] == {"art42": 1, "art43": 2, "art44": 3, "art45": 0, "art46": 0}
    s2 = page["items"][1]
    assert (s2["serial_number"], s2["step"], s2["due_on"], s2["done_on"], s2["days_late"]) == (
        trail(told, "s2")["case"]["serial_number"],
        "transfer",
        "2026-03-17",
        "2026-03-18",
        1,
    )
    assert s2["event_ids"] == ids(told, "s2", "Registered", "Transferred")


def test_search_by_unit_official_and_fault_kind(told: Story) -> None:
    assert found(told, unit_id=TOWN_1) == [("obj", "art44", TOWN_1), ("rev", "art42", TOWN_1)]
    assert found(told, official_id=LI.official_id) == [("obj", "art44", TOWN_1)]
    assert found(told, official_id=WANG.official_id) == [("s4", "art43", COUNTY_BUREAU)]
    bureau_official = official(COUNTY_BUREAU).official_id
    assert found(told, official_id=bureau_official) == [("s2", "art43", COUNTY_BUREAU)]
    assert found(told, official_id=official(TOWN_1).official_id) == [("rev", "art42", TOWN_1)]
    assert found(told, fault="art43") == [
        ("s2", "art43", COUNTY_BUREAU),
        ("s4", "art43", COUNTY_BUREAU),
    ]
    assert found(told, fault="art42") == [("rev", "art42", TOWN_1)]
    assert [k for k, _, _ in found(told, fault="art44")] == ["obj", "s3", "acc"]
    assert found(told, fault="art45") == []
    assert found(told, fault="art44", unit_id=TOWN_2) == [("s3", "art44", TOWN_2)]


def test_a_fault_falls_in_the_period_of_the_day_it_arose(told: Story) -> None:
    period = {"period_from": date(2026, 3, 18), "period_to": date(2026, 3, 20)}
    assert [k for k, _, _ in found(told, **period)] == ["s2", "s3", "acc"]
    assert [k for k, _, _ in found(told, period_to=date(2026, 3, 18))] == ["obj", "s2"]
    assert [k for k, _, _ in found(told, period_from=date(2026, 3, 21))] == ["rev", "s4"]
    assert found(told, division="330106002") == [
        ("s3", "art44", TOWN_2),
        ("acc", "art44", COUNTY_DI),
    ]


def test_late_is_judged_on_the_day_asked(told: Story) -> None:
    # s4's 15th day is day 20, a Sunday: the transfer is due on Monday, day 21 (a period
    # ending on a rest day ends on the next working day). Not yet a fault then, late the next.
    assert "s4" not in [k for k, _, _ in found(told, on=20)]
    assert "s4" not in [k for k, _, _ in found(told, on=21)]
    s4 = faults(told, on=22, official_id=WANG.official_id)["items"]
    assert [(i["status"], i["days_late"]) for i in s4] == [("overdue", 1)]
    assert [k for k, _, _ in found(told, on=17)] == ["obj", "s2", "s3"]


def test_paging_counts_every_match(told: Story) -> None:
    first, rest = faults(told, limit=4), faults(told, limit=4, offset=4)
    assert first["total"] == rest["total"] == 6
    names = {str(v): k for k, v in told[2].items()}
    keys = [names[i["case_id"]] for p in (first, rest) for i in p["items"]]
    assert keys == [k for k, _, _ in EVERY_FAULT]


def test_a_bad_filter_is_refused(told: Story) -> None:
    for bad in (
        {"fault": "art47"},
        {"limit": 0},
        {"division": "33010"},
        {"period_from": date(2026, 3, 20), "period_to": date(2026, 3, 19)},
    ):
        with pytest.raises(InvalidInput):
            faults(told, **bad)


# ------------------------------------------------------------------ access
def test_only_inspectors_read_the_trail(told: Story) -> None:
    world = told[0]
    with pytest.raises(OutOfScope) as refused:
        trail_scope(official(COUNTY_BUREAU), world.service.directory)
    assert refused.value.code == "ROLE_REQUIRED"
    assert (
        trail_scope(official(COUNTY_BUREAU, "admin"), world.service.directory).jurisdiction is None
    )


def test_an_inspector_reads_only_inside_the_jurisdiction(told: Story) -> None:
    town_1 = inspector(TOWN_1)
    with pytest.raises(OutOfScope) as refused:
        trail(told, "s3", town_1)
    assert refused.value.code == "OUT_OF_JURISDICTION"
    with pytest.raises(OutOfScope):
        faults(told, town_1, division="330106")
    with pytest.raises(OutOfScope):
        faults(told, inspector(COUNTY_DI), division="3301")
    # Its own township's area: the county-wide accusation and town 2's cases are outside it.
    assert [k for k, _, _ in found(told, town_1)] == ["obj", "s2", "rev", "s4"]


def test_the_accused_unit_never_sees_the_accusation(told: Story) -> None:
    for reader in (inspector(TOWN_2), inspector(VILLAGE_2), official(TOWN_2, "admin")):
        with pytest.raises(NotFound):
            trail(told, "acc", reader)
    assert found(told, inspector(TOWN_2)) == [("s3", "art44", TOWN_2)]
    assert found(told, inspector(TOWN_2), fault="art44", unit_id=COUNTY_DI) == []


def test_an_inspection_unit_sees_accusations_unless_itself_accused(told: Story) -> None:
    with pytest.raises(NotFound):
        trail(told, "acc2")
    assert "acc2" not in [k for k, _, _ in found(told)]
    city = found(told, inspector(CITY_DI))
    assert ("acc2", "art44", CITY_DI) in city and ("acc", "art44", COUNTY_DI) in city
    assert len(city) == 7
    assert trail(told, "acc", inspector(CITY_DI))["case"]["accused_unit_id"] == TOWN_2


def test_who_read_an_accusation_is_shown_in_its_trail(told: Story) -> None:
    world, db, cases = told
    assert trail(told, "acc")["reads"] == []
    world.on(41, hour=15)
    world.service.case(cases["acc"], inspector(COUNTY_DI))
    runner(world, db).catch_up()
    acc = trail(told, "acc")
    [read] = acc["reads"]
    assert (read["official_id"], read["unit_id"], read["occurred_at"]) == (
        inspector(COUNTY_DI).official_id,
        COUNTY_DI,
        "2026-04-12T15:00:00+08:00",
    )
    assert "AccusationViewed" not in [e["type"] for e in acc["timeline"]]
    # A read is not an act: the undone acceptance still names no official.
    assert acc["faults"][0]["official_id"] is None


def test_the_trail_holds_no_personal_data(told: Story) -> None:
    _, db, _ = told
    for table in ("v_trail_cases", "v_trail_events", "v_trail_duties", "v_trail_marks"):
        text = repr(db.query(f"SELECT * FROM {table}"))
        assert "李明" not in text and "1390000" not in text


# ---------------------------------------------------- building the trail
def trail_dump(db: ViewDatabase) -> dict[str, list[tuple[object, ...]]]:
    return {t: rows for t, rows in dump(db).items() if t.startswith("v_trail")}


def test_rebuilding_the_trail_equals_the_incremental_build(
    world: World, store_settings: Settings
) -> None:
    db = view_db(store_settings)
    try:
        live = runner(world, db, batch_size=3)
        story(world, after_day=lambda _: live.catch_up())
        live.catch_up()
        incremental = trail_dump(db)
        assert len(incremental["v_trail_marks"]) == 2 and incremental["v_trail_duties"]
        runner(world, db).rebuild("trail")
        assert trail_dump(db) == incremental
    finally:
        db.close()


class Crash(Exception):
    """The power cut a test injects."""


@pytest.mark.parametrize("stage", ["between_batches", "inside_batch"])
def test_the_trail_is_built_exactly_once_across_a_crash(
    world: World, store_settings: Settings, stage: str
) -> None:
    db = view_db(store_settings)
    try:
        cases = story(world)
        seen = {"n": 0}

        def crash(at: str) -> None:
            if at == stage:
                seen["n"] += 1
                if seen["n"] == 3:
                    raise Crash(at)

        crashing = runner(world, db, batch_size=7)
        crashing.fault = crash  # type: ignore[assignment]
        with pytest.raises(Crash):
            crashing.catch_up()
        assert 0 < crashing.position("trail") < world.top()
        runner(world, db, batch_size=7).catch_up()
        resumed = trail_dump(db)
        events = sum(len(list(world.service.events.get(c))) for c in cases.values())
        assert len(resumed["v_trail_events"]) == events
        clean = runner(world, db)
        clean.rebuild("trail")
        assert trail_dump(db) == resumed
    finally:
        db.close()


# ------------------------------------------------------------------- the CLI
def test_the_cli_prints_the_faults_and_a_trail(
    told: Story, store_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    world, _, cases = told
    on = ["--today", "2026-04-11", "--no-catch-up"]
    assert view(store_settings, ["faults", "--unit", TOWN_1, *on]) == 0
    table = capsys.readouterr().out
    assert "第四十四条" in table and "李科长" in table and "共 2 条（art42 1，art44 1）" in table
    assert view(store_settings, ["trail", str(cases["s2"]), "--json", *on]) == 0
    assert json.loads(capsys.readouterr().out)["faults"][0]["fault"] == "art43"
    top = world.top()
    assert view(store_settings, ["trail", str(cases["acc"]), "--as-unit", COUNTY_DI, *on]) == 0
    text = capsys.readouterr().out
    assert "受理期限至2026-03-19，超期23日未办" in text and "查阅记录" in text
    assert world.top() == top + 1  # the read of the accusation was recorded
    with pytest.raises(OutOfScope):
        view(store_settings, ["faults", "--as-unit", TOWN_1, "--division", "330106", *on])
