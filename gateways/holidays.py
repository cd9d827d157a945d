"""The holiday calendar the service counts deadlines with: the State Council's notices, shipped.

The ``chinese-calendar`` package carries the yearly notices (statutory holidays and the weekend
days worked in exchange, 调休); the service runs on them with no configuration, and a deadline
ending on a rest day ends on the next working day. See docs/decisions/0009-holiday-calendar.md.

``XINFANG_HOLIDAYS_FILE`` names a JSON file that adds to or overrides them::

    {"holidays": ["2027-01-01"], "workdays": ["2027-02-07"], "years": [2027, 2027]}

``holidays`` are days off, ``workdays`` days worked (both override the notices for that day);
``years`` (optional) are the first and last year whose notice the file carries in full, which
extends the years the calendar covers; ``roll_forward: false`` switches the roll-forward off.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from domain.calendar import WorkCalendar

PACKAGE = "chinese-calendar"

# How close to the last covered day start-up begins to warn: the State Council publishes the
# next year's notice in the autumn, so two months is time to upgrade or add a holidays file.
COVERAGE_MARGIN = timedelta(days=60)


@cache
def statutory_calendar() -> WorkCalendar:
    """The notices ``chinese-calendar`` ships, with roll-forward on."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    years = sorted({d.year for d in holidays | workdays})
    return WorkCalendar.of(
        holidays=holidays,
        workdays=workdays,
        roll_forward=True,
        years=(years[0], years[-1]),
        source=f"{PACKAGE} {_package_version()}",
    )


def _package_version() -> str:
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # installed under its other name, ``chinesecalendar``
        import chinese_calendar

        return str(getattr(chinese_calendar, "__version__", "unknown"))


def load_calendar(path: str | None) -> WorkCalendar:
    """The statutory calendar, amended by the holidays file at ``path`` when one is named."""
    calendar = statutory_calendar()
    if not path:
        return calendar
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    years = data.get("years")
    try:
        return calendar.amended(
            holidays=[date.fromisoformat(d) for d in data.get("holidays", [])],
            workdays=[date.fromisoformat(d) for d in data.get("workdays", [])],
            years=(int(years[0]), int(years[-1])) if years else None,
            roll_forward=bool(data.get("roll_forward", True)),
        )
    except ValueError as error:
        raise ValueError(f"holidays file {path}: {error}") from error


def coverage_warning(calendar: WorkCalendar, today: date) -> str | None:
    """What start-up warns about when ``today`` is near the end of the years the calendar
    covers, or past them (None: nothing to say)."""
    if calendar.years is None:
        return (
            "节假日安排缺失，期限仅按周末推算 no holiday notices loaded: "
            "deadlines assume weekends are the only rest days"
        )
    first, last = calendar.years
    last_day = date(last, 12, 31)
    if not calendar.covers(today):
        return (
            f"今天 {today} 不在节假日安排覆盖的年份（{first}–{last}）内，期限仅按周末推算；"
            f"请升级 {PACKAGE} 或在 XINFANG_HOLIDAYS_FILE 中补充当年安排 "
            f"today is outside the years the holiday calendar covers ({first}-{last}): "
            f"deadlines assume weekends only; upgrade {PACKAGE} or add the year to "
            "XINFANG_HOLIDAYS_FILE"
        )
    if last_day - today <= COVERAGE_MARGIN:
        return (
            f"节假日安排只覆盖到 {last} 年底，{last_day} 之后的期限仅按周末推算；"
            f"请升级 {PACKAGE} 或在 XINFANG_HOLIDAYS_FILE 中补充 {last + 1} 年安排 "
            f"the holiday calendar covers {first}-{last} only: deadlines past {last_day} "
            f"assume weekends only; upgrade {PACKAGE} or add {last + 1} to XINFANG_HOLIDAYS_FILE"
        )
    return None


def calendar_health(calendar: WorkCalendar, extra_file: str | None) -> dict[str, Any]:
    """What ``/health`` says about the calendar: where it comes from and which years."""
    return {
        "source": calendar.source or None,
        "years": list(calendar.years) if calendar.years else None,
        "extra_file": extra_file,
        "roll_forward": calendar.roll_forward,
    }
