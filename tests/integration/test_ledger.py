"""台账: what the ledger lists for whom, under each filter, page by page, and as CSV.

The cases are those of ``projection_support.populate``; the ledger is read on day 21
(2026-03-23), when b, d, f and h are past a deadline (e, an accusation, owes no acceptance
notice: Art.30).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from domain.errors import InvalidInput
from gateways.commands.views import view
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.ledger_query import LedgerFilter, ledger_csv, ledger_page
from tests.integration.projection_support import populate, runner, view_db
from tests.scenario_support import (
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    TOWN_1,
    TOWN_2,
    VILLAGE_2,
    World,
    official,
)


@pytest.fixture
def ledger(world: World, store_settings: Settings) -> Iterator[tuple[World, ViewDatabase, dict]]:
    db = view_db(store_settings)
    cases = populate(world)
    runner(world, db, batch_size=10).catch_up()
    yield world, db, cases
    db.close()


def listed(
    ledger: tuple[World, ViewDatabase, dict],
    actor: Actor | None = None,
    on: int = 21,
    **filters: object,
) -> set[str]:
    """Which of the story's cases (by key) the ledger lists for ``actor`` with ``filters``."""
    _world, _db, cases = ledger
    page = _page(ledger, actor, on, **filters)
    keys = {str(v): k for k, v in cases.items()}
    return {keys[item["case_id"]] for item in page["items"]}


def _page(
    ledger: tuple[World, ViewDatabase, dict],
    actor: Actor | None = None,
    on: int = 21,
    **filters: object,
) -> dict:
    world, db, _ = ledger
    directory = world.service.directory
    scope = ReadScope.of(actor or official(COUNTY_BUREAU), directory)
    return ledger_page(db, scope, LedgerFilter(**filters), world.day(on), directory)  # type: ignore[arg-type]


def test_the_county_bureau_lists_every_case_of_its_county(ledger) -> None:
    assert listed(ledger) == set("abcdefgh")
    page = _page(ledger)
    assert page["total"] == 8
    # Earliest deadline first; cases with nothing owed last.
    dues = [i["next_due"] for i in page["items"]]
    owed = [d for d in dues if d is not None]
    assert owed == sorted(owed) and dues[: len(owed)] == owed


def test_filters_by_status_stage_and_step(ledger) -> None:
    assert listed(ledger, status="open") == set("abcdefh")
    assert listed(ledger, status="concluded") == {"g"}
    assert listed(ledger, stage="awaiting_acceptance") == {"b", "e", "h"}
    assert listed(ledger, step="accept") == {"b", "h"}  # e owes no notice (Art.30)
    assert listed(ledger, step="transfer") == {"d", "f"}
    assert listed(ledger, step="answer") == {"c"}


def test_overdue_is_judged_on_the_day_asked(ledger) -> None:
    # f's transfer period ends on day 20, a Sunday: it runs to the end of Monday, day 21
    # (a period ending on a rest day ends on the next working day), so f is late from day 22.
    # The accusation e owes no acceptance notice (Art.30): never overdue for it.
    assert listed(ledger, overdue=True) == {"b", "d", "h"}
    assert listed(ledger, overdue=False) == {"a", "c", "e", "f", "g"}
    assert listed(ledger, on=22, overdue=True) == {"b", "d", "f", "h"}
    # On day 16 the acceptance notices of b and h are due today: not yet late.
    assert listed(ledger, on=16, overdue=True) == set()
    assert listed(ledger, on=17, overdue=True) == {"b", "h"}


def test_filters_by_category_repeat_level_skipping_and_leader(ledger) -> None:
    assert listed(ledger, category="accusation") == {"e"}
    assert listed(ledger, repeat=True) == {"b", "g"}
    assert listed(ledger, level_skipping=True) == {"f"}
    assert listed(ledger, leader_owned=True) == {"c"}
    assert listed(ledger, leader_owned=False, status="open") == set("abdefh")


def test_filters_by_unit_held_and_by_area(ledger) -> None:
    assert listed(ledger, unit_id=TOWN_1) == {"a", "b"}
    assert listed(ledger, unit_id=TOWN_2) == {"c", "h"}
    assert listed(ledger, division="330106002") == {"e", "f", "h"}


def test_an_official_sees_their_area_and_the_cases_their_unit_holds(ledger) -> None:
    # Town 1 holds a and b; c, d and g arose in its area (village 1).
    assert listed(ledger, official(TOWN_1)) == {"a", "b", "c", "d", "g"}


def test_an_accusation_is_absent_for_the_accused_unit_and_units_under_it(ledger) -> None:
    # e accuses town 2 about village 2: inside town 2's area, yet never listed for it.
    assert listed(ledger, official(TOWN_2)) == {"c", "f", "h"}
    assert listed(ledger, official(TOWN_2, "admin")) == set("abcdfgh")
    assert "e" not in listed(ledger, official(VILLAGE_2))
    assert listed(ledger, official(TOWN_2), category="accusation") == set()
    # The county government, above town 2, sees it.
    assert "e" in listed(ledger, official(COUNTY_GOV))


def test_paging_counts_every_match(ledger) -> None:
    first = _page(ledger, limit=3, offset=0)
    last = _page(ledger, limit=3, offset=6)
    assert first["total"] == last["total"] == 8
    assert len(first["items"]) == 3 and len(last["items"]) == 2
    middle = _page(ledger, limit=3, offset=3)
    ids = [i["case_id"] for p in (first, middle, last) for i in p["items"]]
    assert len(set(ids)) == 8


def test_a_row_tells_where_its_next_duty_stands(ledger) -> None:
    _world, _, cases = ledger
    items = {UUID(i["case_id"]): i for i in _page(ledger)["items"]}
    b = items[cases["b"]]
    assert b["next_step"] == "accept" and b["next_due"] == "2026-03-18"
    assert b["overdue"] and b["days_overdue"] == 5 and b["warning_level"] == "overdue"
    assert b["repeats_count"] == 1 and b["holder_unit_name"] == "转塘街道办事处"
    c = items[cases["c"]]
    assert c["leaders"] == "王书记" and c["next_step"] == "answer" and not c["overdue"]
    # 60 days from acceptance on day 4 end on 5 May, in the Labour Day holiday: on 6 May.
    assert c["next_due"] == date(2026, 5, 6).isoformat()
    assert items[cases["h"]]["urges_count"] == 1
    assert items[cases["a"]]["next_due"] is None and items[cases["a"]]["stage"] == "answered"


def test_personal_data_never_reaches_the_ledger(ledger) -> None:
    _world, db, _ = ledger
    for table in ("v_ledger_cases", "v_ledger_deadlines", "v_ledger_units"):
        text = repr(db.query(f"SELECT * FROM {table}"))
        assert "李明" not in text and "198001010" not in text and "1390000" not in text
    assert {i["petitioner"] for i in _page(ledger)["items"]} == {"李**"}


def test_a_bad_filter_is_refused(ledger) -> None:
    for bad in ({"stage": "lost"}, {"step": "dance"}, {"limit": 0}, {"division": "33x"}):
        with pytest.raises(InvalidInput):
            _page(ledger, **bad)


def test_the_csv_export_opens_in_excel_with_chinese_headers(ledger) -> None:
    world, db, _ = ledger
    directory = world.service.directory
    text = "".join(
        ledger_csv(
            db,
            ReadScope.of(official(COUNTY_BUREAU), directory),
            LedgerFilter(),
            world.day(22),  # the day after f's transfer period ran out (see the story)
            directory,
        )
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["信访编号", "区划代码", "类别"]
    assert len(rows) == 9
    assert "李明" not in text and "李**" in text
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    overdue = [r for r in rows[1:] if r[rows[0].index("预警等级")] == "超期"]
    assert len(overdue) == 4
    kinds = {r[rows[0].index("事项类型")] for r in rows[1:]}
    assert {"拖欠工资", "养老保险"} <= kinds and "wage_arrears" not in kinds
    assert "road" in kinds  # a kind outside the catalogue is shown by its code


def test_the_csv_export_hides_the_accusation_from_the_accused(ledger) -> None:
    world, db, _ = ledger
    directory = world.service.directory
    text = "".join(
        ledger_csv(
            db,
            ReadScope.of(official(TOWN_2), directory),
            LedgerFilter(),
            world.day(21),
            directory,
            page=1,
        )
    )
    assert "举报" not in text and "检举控告类" not in text
    assert len(list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))) == 4


def test_the_cli_records_each_accusation_it_shows_an_official(
    ledger, store_settings: Settings, tmp_path
) -> None:
    """domain.md §7: ``xinfang view ledger`` read as an official records one read of each
    accusation its page or its CSV export shows, with the purpose; read as the system (the
    default), nothing."""
    world, _, cases = ledger
    top = world.top()
    assert view(store_settings, ["ledger", "--no-catch-up", "--json"]) == 0
    assert world.top() == top
    as_inspector = ["--as-unit", COUNTY_DI, "--no-catch-up"]
    assert view(store_settings, ["ledger", *as_inspector, "--json"]) == 0
    assert view(store_settings, ["ledger", *as_inspector, "--csv", str(tmp_path / "l.csv")]) == 0
    assert world.top() == top + 2
    viewed = [
        e
        for e in world.service.store.events.get(cases["e"])
        if type(e).__name__ == "AccusationViewed"
    ]
    assert [(e.actor["official_id"], e.purpose) for e in viewed] == [
        (f"cli:{COUNTY_DI}", "ledger"),
        (f"cli:{COUNTY_DI}", "ledger_csv"),
    ]
