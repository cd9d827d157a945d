"""``xinfang report figures|bulletin`` as a person at a terminal uses it: on the demo data, and
on scenario 1 of domain.md §8 told through the service (a letter transferred on day 10,
accepted on day 20 and answered on day 70 from 2026-03-02: every figure counts it on time)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from domain.acts import SYSTEM
from domain.calendar import china_date
from gateways.cli import build_parser, main
from gateways.settings import Settings
from gateways.wiring import build_service
from tests.scenario_support import BASIS, COUNTY_BUREAU, FACTS, TOWN_1, build_world

SPRING = ["--from", "2026-03-01", "--to", "2026-05-31"]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty embedded store of the test's own, named the way a user names it."""
    path = tmp_path / "xinfang.db"
    for name in [v for v in os.environ if v.startswith("XINFANG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XINFANG_SQLITE_PATH", str(path))
    return path


@pytest.fixture
def scenario_1(store: Path) -> None:
    world = build_world(Settings(sqlite_path=str(store)))
    try:
        world.on(0)
        case = world.register()
        world.on(10)
        world.act(case, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
        world.on(20)
        world.act(case, TOWN_1, "accept", path="6")
        world.on(70)
        world.act(
            case,
            TOWN_1,
            "answer",
            outcome="supported",
            opinion="予以支持。",
            facts=FACTS,
            basis=BASIS,
        )
        world.act(case, TOWN_1, "serve")  # the opinion is given when served (Art.32, 35)
        world.on(72)
        world.act(case, COUNTY_BUREAU, "evaluate", satisfaction="satisfied")
    finally:
        world.service.close()


def last_month() -> str:
    first = china_date(datetime.now(UTC)).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def test_report_offers_figures_and_bulletin() -> None:
    args = build_parser().parse_args(["report", "figures", "330106", *SPRING, "--json"])
    assert (args.report_kind, args.division, args.start, args.end, args.json) == (
        "figures",
        "330106",
        date(2026, 3, 1),
        date(2026, 5, 31),
        True,
    )
    args = build_parser().parse_args(["report", "bulletin", "3301", "--month", "2026-05"])
    assert (args.report_kind, args.month, args.out) == ("bulletin", "2026-05", None)


def test_a_day_that_is_not_a_day_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "figures", "330106", "--from", "2026-13-01"])
    assert exited.value.code == 2


def test_figures_as_json(scenario_1: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "figures", "330106", *SPRING, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    rates = [found["bureaus"]["timely_acceptance"], *found["handling_units"].values()]
    assert [(f["numerator"], f["denominator"], f["rate"]) for f in rates] == [(1, 1, 1.0)] * 5


def test_figures_as_text(scenario_1: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "figures", "330106", *SPRING, "--as-unit", COUNTY_BUREAU]) == 0
    out = capsys.readouterr().out
    assert out.startswith("西湖区（县，330106）考核数据 2026-03-01 至 2026-05-31")
    assert "及时受理率：信访部门 100.0% (1/1)；承办单位 100.0% (1/1)" in out
    assert "按期办结率：信访部门 —；承办单位 100.0% (1/1)" in out


def test_a_reader_outside_the_area_is_refused(
    scenario_1: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "figures", "330106", *SPRING, "--as-unit", "330106002-gov"]) == 1
    assert "OUT_OF_JURISDICTION" in capsys.readouterr().err
    assert main(["report", "bulletin", "330106", "--month", "2026-3"]) == 1
    assert "MONTH_INVALID" in capsys.readouterr().err


def test_the_bulletin_of_the_demo_city_as_a_file(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--cases", "40", "--seed", "4"]) == 0
    out = tmp_path / "bulletin.html"
    month = last_month()
    assert main(["report", "bulletin", "3301", "--month", month, "--out", str(out)]) == 0
    year, number = month.split("-")
    title = f"杭州市信访工作月通报（{year}年{int(number)}月）"
    assert title in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert f"<h1>{title}</h1>" in page and "<svg" in page and "@media print" in page
    assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", page)  # no identity number
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", page)  # no mobile number
    service = build_service(Settings.from_env())
    try:
        names = {
            p["name"]
            for case_id in service.case_ids()
            for p in service.case(case_id, SYSTEM).petitioners
            if p.get("name")
        }
    finally:
        service.close()
    assert names and not [n for n in names if n in page]
