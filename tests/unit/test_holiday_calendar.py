"""The holiday calendar shipped with the service (gateways.holidays): the State Council's
notices from ``chinese-calendar``, what a holidays file adds, and the years covered, so that
a date outside them is a clear warning and not a silent guess (domain.md "Counting days")."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest

from domain.calendar import NO_HOLIDAYS, WorkCalendar
from gateways.commands.serve import warn_about_calendar
from gateways.holidays import (
    calendar_health,
    coverage_warning,
    load_calendar,
    statutory_calendar,
)
from gateways.settings import Settings
from tests.scenario_support import World

COVERED = WorkCalendar.of(years=(2004, 2026), source="chinese-calendar 1.11.0")


def write(tmp_path: Path, **content: object) -> str:
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def test_the_default_settings_give_the_statutory_calendar() -> None:
    calendar = Settings().rules().calendar

    assert calendar == statutory_calendar()
    assert calendar.roll_forward
    assert calendar.covers(date(2026, 10, 1)) and not calendar.covers(date(2003, 12, 31))


def test_the_notices_know_the_2026_golden_week_and_its_exchanged_days() -> None:
    calendar = statutory_calendar()

    assert [calendar.is_working_day(date(2026, 10, d)) for d in range(1, 11)] == [
        *[False] * 7,  # 1-7 October: National Day
        True,
        True,
        True,  # Saturday 10 October is worked
    ]
    assert calendar.is_working_day(date(2026, 9, 20))  # a Sunday worked in exchange


def test_a_holidays_file_extends_the_years_covered_by_the_notices_it_carries(
    tmp_path: Path,
) -> None:
    last = statutory_calendar().years[1]  # type: ignore[index]
    path = write(tmp_path, holidays=[f"{last + 1}-01-01"], years=[last + 1, last + 1])

    calendar = load_calendar(path)

    assert calendar.years == (statutory_calendar().years[0], last + 1)  # type: ignore[index]
    assert calendar.covers(date(last + 1, 6, 1))
    assert not calendar.is_working_day(date(last + 1, 1, 1))


def test_a_holidays_file_that_lists_a_day_both_ways_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, holidays=["2026-03-17"], workdays=["2026-03-17"])

    with pytest.raises(ValueError, match="both as holiday and as workday"):
        load_calendar(path)


def test_a_holidays_file_may_not_leave_a_gap_in_the_years_covered(tmp_path: Path) -> None:
    last = statutory_calendar().years[1]  # type: ignore[index]
    path = write(tmp_path, years=[last + 2, last + 2])

    with pytest.raises(ValueError, match="gap"):
        load_calendar(path)


def test_a_period_reaching_past_the_years_covered_is_not_covered() -> None:
    assert COVERED.covers_period(date(2026, 12, 1), date(2026, 12, 31))
    assert not COVERED.covers_period(date(2026, 12, 20), date(2027, 1, 4))
    assert not NO_HOLIDAYS.covers_period(date(2026, 3, 1), date(2026, 3, 16))


def test_start_up_says_nothing_while_the_end_of_coverage_is_far() -> None:
    assert coverage_warning(COVERED, date(2026, 6, 30)) is None


def test_start_up_warns_within_60_days_of_the_end_of_coverage() -> None:
    warning = coverage_warning(COVERED, date(2026, 11, 15))

    assert warning is not None
    assert "2026" in warning and "2027" in warning and "XINFANG_HOLIDAYS_FILE" in warning


def test_start_up_warns_past_the_end_of_coverage() -> None:
    warning = coverage_warning(COVERED, date(2027, 1, 4))

    assert warning is not None and "2004-2026" in warning and "weekends only" in warning


def test_health_names_the_source_the_years_and_the_extra_file() -> None:
    assert calendar_health(COVERED, "/etc/xinfang/holidays.json") == {
        "source": "chinese-calendar 1.11.0",
        "years": [2004, 2026],
        "extra_file": "/etc/xinfang/holidays.json",
        "roll_forward": True,
    }


def test_serve_logs_the_warning_at_start_up_near_the_end_of_coverage(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    last = world.service.rules.calendar.years[1]  # type: ignore[index]
    world.on(date(last, 11, 20))

    with caplog.at_level(logging.WARNING, logger="xinfang.serve"):
        warning = warn_about_calendar(world.service)

    assert warning is not None and warning in caplog.text


def test_serve_logs_nothing_while_the_end_of_coverage_is_far(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.on(0)  # 2 March 2026

    with caplog.at_level(logging.WARNING, logger="xinfang.serve"):
        assert warn_about_calendar(world.service) is None

    assert caplog.text == ""
