"""问责轨迹: what discipline inspection reads about a case and finds by unit, official, fault
kind and period, and who may read it (how the trail is built: ``test_trail_build``; the faults
by article and item: ``test_trail_faults``).

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
from tests.integration.projection_support import runner, view_db
from tests.integration.trail_support import LI, WANG, ZHAO, inspector, story
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
    events = world.service.store.events.get(cases[key])
    by_kind = {type(e).__name__: e.originator_version for e in events}
    return [str(event_id(cases[key], by_kind[k])) for k in kinds]


EVERY_FAULT = [
    ("acc", "art46", TOWN_2),
    ("s2", "art43", COUNTY_BUREAU),
    ("s3", "art44", TOWN_2),
    ("acc", "art43", COUNTY_BUREAU),
    ("rev", "art45", TOWN_1),
    ("s4", "art43", COUNTY_BUREAU),
]


def cited(item: dict[str, Any]) -> tuple[str, str, int | None, str]:
    """What a fault cites of the regulation: kind, article, item, and the fact."""
    return item["fault"], item["article"], item["paragraph"], item["fact"]


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
    # Art.43 is one sentence without items: no item is cited.
    assert (duty["fault_article"], duty["fault_paragraph"], duty["fault_citation"]) == (
        "第四十三条",
        None,
        "第四十三条",
    )
    [fault] = trail(told, "s2")["faults"]
    assert cited(fault) == ("art43", "第四十三条", None, "收到信访事项后未在15日内转送、交办")


def test_an_acceptance_notice_16_days_after_the_transfer_is_art44_item_3(told: Story) -> None:
    s3 = trail(told, "s3")
    accept = next(d for d in s3["duties"] if d["step"] == "accept")
    assert (accept["status"], accept["days_late"], accept["fault"]) == ("missed", 1, "art44")
    assert (accept["fault_citation"], accept["article"]) == ("第四十四条第（三）项", "第二十三条")
    assert accept["official_id"] == official(TOWN_2).official_id
    # One day late is within the grace a bureau has to urge: the bureau is not at fault.
    [row] = s3["faults"]
    assert cited(row) == (
        "art44",
        "第四十四条",
        3,
        "收到转送、交办的信访事项后未在15日内书面告知受理",
    )
    assert (row["step"], row["fault_on"], row["duty_article"]) == (
        "accept",
        "2026-03-19",
        "第二十三条",
    )
    assert row["citation"] == "第四十四条第（三）项"
    assert row["event_ids"] == ids(told, "s3", "Transferred", "Accepted")


def test_an_objection_the_bureau_refused_is_no_fault(told: Story) -> None:
    """Art.23: objecting within 5 working days is a right, whether or not the bureau agrees."""
    obj = trail(told, "obj")
    assert obj["marks"] == [] and obj["faults"] == []
    # The acceptance duty ran on after the refusal and was met on day 4.
    accept = next(d for d in obj["duties"] if d["step"] == "accept")
    assert accept["status"] == "met" and accept["fault"] is None
    assert found(told, official_id=LI.official_id) == []


def test_a_review_supporting_what_the_answer_refused_is_art45_item_2(told: Story) -> None:
    """Art.45(2): the answering unit did not support a request the review found clear and
    lawful. Not Art.42, which is about causing the matter, with serious consequences."""
    rev = trail(told, "rev")
    [mark] = rev["marks"]
    assert (mark["fault"], mark["unit_id"], mark["official_id"]) == (
        "art45",
        TOWN_1,
        official(TOWN_1).official_id,
    )
    assert cited(mark) == (
        "art45",
        "第四十五条",
        2,
        "信访处理意见未予支持的投诉请求，经复查予以支持",
    )
    assert mark["citation"] == "第四十五条第（二）项" and mark["detail"] == mark["fact"]
    assert mark["event_ids"] == ids(told, "rev", "Answered", "Reviewed")
    [fault] = rev["faults"]
    assert cited(fault) == cited(mark) and fault["status"] == "marked"
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
    # The accusation was routed on late by the bureau; the discipline inspection body that
    # has not accepted it owes no 15-day notice (Art.30), so it shows no duty of its own.
    [acc] = [f for f in trail(told, "acc")["faults"] if f["source"] == "duty"]
    assert (acc["status"], acc["days_late"], acc["unit_id"]) == ("missed", 1, COUNTY_BUREAU)
    assert [d["step"] for d in trail(told, "acc")["duties"]] == ["transfer"]


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
    assert page["counts"] == {"art42": 0, "art43": 3, "art44": 1, "art45": 1, "art46": 1}
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
    assert found(told, unit_id=TOWN_1) == [("rev", "art45", TOWN_1)]
    assert found(told, official_id=LI.official_id) == []
    assert found(told, official_id=WANG.official_id) == [("s4", "art43", COUNTY_BUREAU)]
    assert found(told, official_id=ZHAO.official_id) == [("acc", "art46", TOWN_2)]
    bureau_official = official(COUNTY_BUREAU).official_id
    assert found(told, official_id=bureau_official) == [
        ("s2", "art43", COUNTY_BUREAU),
        ("acc", "art43", COUNTY_BUREAU),
    ]
    assert found(told, official_id=official(TOWN_1).official_id) == [("rev", "art45", TOWN_1)]
    assert found(told, fault="art43") == [
        ("s2", "art43", COUNTY_BUREAU),
        ("acc", "art43", COUNTY_BUREAU),
        ("s4", "art43", COUNTY_BUREAU),
    ]
    assert found(told, fault="art42") == []
    assert [k for k, _, _ in found(told, fault="art44")] == ["s3"]  # objecting is no fault
    assert found(told, fault="art45") == [("rev", "art45", TOWN_1)]
    assert found(told, fault="art46") == [("acc", "art46", TOWN_2)]
    assert found(told, fault="art44", unit_id=TOWN_2) == [("s3", "art44", TOWN_2)]
    assert [k for k, _, _ in found(told, unit_id=COUNTY_BUREAU)] == ["s2", "acc", "s4"]


def test_a_fault_falls_in_the_period_of_the_day_it_arose(told: Story) -> None:
    period = {"period_from": date(2026, 3, 18), "period_to": date(2026, 3, 20)}
    assert [k for k, _, _ in found(told, **period)] == ["s2", "s3", "acc"]
    assert [k for k, _, _ in found(told, period_to=date(2026, 3, 18))] == ["acc", "s2"]
    assert [k for k, _, _ in found(told, period_from=date(2026, 3, 21))] == ["rev", "s4"]
    assert found(told, period_from=date(2026, 3, 25)) == []  # s4 is late from 03-24
    assert found(told, division="330106002") == [
        ("acc", "art46", TOWN_2),
        ("s3", "art44", TOWN_2),
        ("acc", "art43", COUNTY_BUREAU),
    ]


def test_late_is_judged_on_the_day_asked(told: Story) -> None:
    # s4's 15th day is day 20, a Sunday: the transfer is due on Monday, day 21 (a period
    # ending on a rest day ends on the next working day). Not yet a fault then, late the next.
    assert "s4" not in [k for k, _, _ in found(told, on=20)]
    assert "s4" not in [k for k, _, _ in found(told, on=21)]
    s4 = faults(told, on=22, official_id=WANG.official_id)["items"]
    assert [(i["status"], i["days_late"]) for i in s4] == [("overdue", 1)]
    assert [k for k, _, _ in found(told, on=17)] == ["acc", "s2", "s3"]
    # The accusation's 15 days to be routed on end on day 17 (2026-03-19): late from day 18.
    assert ("acc", "art43", COUNTY_BUREAU) not in found(told, on=17)
    assert ("acc", "art43", COUNTY_BUREAU) in found(told, on=18)


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
    # A case outside the reader's area is not found, like an unknown one (existence does not
    # leak); an area outside it is refused.
    with pytest.raises(NotFound):
        trail(told, "s3", town_1)
    with pytest.raises(OutOfScope):
        faults(told, town_1, division="330106")
    with pytest.raises(OutOfScope):
        faults(told, inspector(COUNTY_DI), division="3301")
    # Its own township's area: the county-wide accusation and town 2's cases are outside it.
    assert [k for k, _, _ in found(told, town_1)] == ["s2", "rev", "s4"]


def test_the_accused_unit_never_sees_the_accusation(told: Story) -> None:
    for reader in (inspector(TOWN_2), inspector(VILLAGE_2), official(TOWN_2, "admin")):
        with pytest.raises(NotFound):
            trail(told, "acc", reader)
    assert found(told, inspector(TOWN_2)) == [("s3", "art44", TOWN_2)]
    assert found(told, inspector(TOWN_2), fault="art43", unit_id=COUNTY_BUREAU) == []


def test_an_inspection_unit_sees_accusations_unless_itself_accused(told: Story) -> None:
    with pytest.raises(NotFound):
        trail(told, "acc2")
    assert "acc2" not in [k for k, _, _ in found(told)]
    city = found(told, inspector(CITY_DI))
    assert ("acc2", "art43", COUNTY_BUREAU) in city and ("acc", "art43", COUNTY_BUREAU) in city
    assert ("acc", "art46", TOWN_2) in city
    assert len(city) == 7
    assert trail(told, "acc", inspector(CITY_DI))["case"]["accused_unit_id"] == TOWN_2


def test_who_read_an_accusation_is_shown_in_its_trail(told: Story) -> None:
    world, db, cases = told
    # The accused township's attempt on day 6 is the only read so far.
    assert [(r["type"], r["official_id"]) for r in trail(told, "acc")["reads"]] == [
        ("AccusationReadRefused", ZHAO.official_id)
    ]
    world.on(41, hour=15)
    world.service.case(cases["acc"], inspector(COUNTY_DI))
    runner(world, db).catch_up()
    acc = trail(told, "acc")
    [attempt, read] = acc["reads"]
    assert (read["official_id"], read["unit_id"], read["occurred_at"]) == (
        inspector(COUNTY_DI).official_id,
        COUNTY_DI,
        "2026-04-12T15:00:00+08:00",
    )
    assert attempt["label"] == "被检举控告单位人员试图查阅（已拒绝）"
    types = [e["type"] for e in acc["timeline"]]
    assert "AccusationViewed" not in types and "AccusationReadRefused" not in types
    # A read is not an act: the late duty still names the bureau official who routed it late.
    [duty] = [f for f in acc["faults"] if f["source"] == "duty"]
    assert duty["official_id"] == official(COUNTY_BUREAU).official_id


def test_the_trail_holds_no_personal_data(told: Story) -> None:
    _, db, _ = told
    for table in ("v_trail_cases", "v_trail_events", "v_trail_duties", "v_trail_marks"):
        text = repr(db.query(f"SELECT * FROM {table}"))
        assert "李明" not in text and "1390000" not in text


# ------------------------------------------------------------------- the CLI
def test_the_cli_prints_the_faults_and_a_trail(
    told: Story, store_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    world, _, cases = told
    on = ["--today", "2026-04-11", "--no-catch-up"]
    assert view(store_settings, ["faults", "--unit", TOWN_1, *on]) == 0
    table = capsys.readouterr().out
    assert "第四十五条第（二）项" in table and "共 1 条（art45 1）" in table
    assert "经复查予以支持" in table
    assert view(store_settings, ["trail", str(cases["s2"]), "--json", *on]) == 0
    assert json.loads(capsys.readouterr().out)["faults"][0]["fault"] == "art43"
    top = world.top()
    assert view(store_settings, ["trail", str(cases["acc"]), "--as-unit", COUNTY_DI, *on]) == 0
    text = capsys.readouterr().out
    assert "转送期限至2026-03-19，逾期1日办理" in text and "查阅记录" in text
    assert world.top() == top + 1  # the read of the accusation was recorded
    # A page of faults read by the county's inspection shows the accusation: one read more.
    assert view(store_settings, ["faults", "--as-unit", COUNTY_DI, "--json", *on]) == 0
    assert world.top() == top + 2
    last = list(world.service.store.events.get(cases["acc"]))[-1]
    assert (type(last).__name__, last.purpose) == ("AccusationViewed", "faults")
    with pytest.raises(OutOfScope):
        view(store_settings, ["faults", "--as-unit", TOWN_1, "--division", "330106", *on])
