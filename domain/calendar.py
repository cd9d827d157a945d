"""Counting days the way the regulation does.

The 条例 counts calendar days (日) everywhere except the 5 working days to object to a
transfer (Art.23). It has no counting rule of its own, so we follow the Civil Code by analogy:
the start day is not counted (Art.201), and a period whose last day is a rest day (a weekend not
worked, or a statutory holiday) ends on the next working day (Art.203).

Which days are rest days follows the State Council's yearly notice of holidays and adjusted
working days (调休). The domain only counts over the days it is given: the service is handed a
calendar built from the notices shipped with the software (``gateways.holidays``), with
roll-forward on. A calendar knows the years its notices cover; past them it can only assume
that weekends are the rest days, and says so (``covers_period``) instead of guessing silently.

Dates are China dates: an instant is turned into a date in UTC+8 before counting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

# What a deadline carries when it was counted over days no holiday notice covers.
NOT_COVERED = "CALENDAR_NOT_COVERED"
NOT_COVERED_MESSAGE = "本期限跨越节假日安排未覆盖的日期，仅按周末推算，请核对当年国务院节假日安排"


def china_date(instant: datetime) -> date:
    """The calendar date in China at ``instant`` (which must be timezone-aware)."""
    return instant.astimezone(CHINA).date()


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in China: a period ending on ``day`` runs until this instant."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), CHINA)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, whether deadlines roll past rest days, and the years the
    holiday notices cover.

    ``holidays`` are statutory days off; ``workdays`` are the weekend days worked in exchange
    (调休). Weekends are never working days unless listed in ``workdays``, with or without
    holiday data: "working day" has a plain meaning. ``years`` is the first and last year whose
    notices the calendar holds (None: it holds none, weekends only); ``source`` says where they
    came from.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    roll_forward: bool = False
    years: tuple[int, int] | None = None
    source: str = ""

    @classmethod
    def of(
        cls,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        roll_forward: bool = True,
        years: tuple[int, int] | None = None,
        source: str = "",
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays), roll_forward, years, source)

    def amended(
        self,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        years: tuple[int, int] | None = None,
        roll_forward: bool | None = None,
    ) -> WorkCalendar:
        """This calendar with days added or overridden: a listed holiday is a day off even if
        this calendar had it as a working day, and the other way round. ``years`` extends the
        coverage by the notices the amendment carries in full; it must touch the years already
        covered, so that coverage stays one run of years."""
        added_off, added_on = frozenset(holidays), frozenset(workdays)
        both = added_off & added_on
        if both:
            raise ValueError(f"days listed both as holiday and as workday: {sorted(both)}")
        return WorkCalendar(
            holidays=(self.holidays - added_on) | added_off,
            workdays=(self.workdays - added_off) | added_on,
            roll_forward=self.roll_forward if roll_forward is None else roll_forward,
            years=_joined(self.years, years),
            source=self.source,
        )

    def covers(self, day: date) -> bool:
        """Whether a holiday notice covers ``day`` (outside, only weekends are known)."""
        return self.years is not None and self.years[0] <= day.year <= self.years[1]

    def covers_period(self, start: date, due: date) -> bool:
        """Whether every day counted in a period from ``start`` to ``due`` (the day after
        ``start`` through ``due``) is covered: otherwise ``due`` rests on an assumption."""
        first = start + timedelta(days=1)
        return due < first or (self.covers(first) and self.covers(due))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def due_after_days(self, start: date, days: int) -> date:
        """Last day of a period of ``days`` calendar days starting the day after ``start``."""
        due = start + timedelta(days=days)
        # Civil Code Art.203: a period ending on a rest day ends on the next working day.
        return self.next_working_day(due) if self.roll_forward else due

    def due_after_working_days(self, start: date, days: int) -> date:
        """Last day of ``days`` working days counted from the day after ``start`` (Art.23)."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


def _joined(years: tuple[int, int] | None, more: tuple[int, int] | None) -> tuple[int, int] | None:
    if more is None:
        return years
    if more[0] > more[1]:
        raise ValueError(f"years run backwards: {list(more)}")
    if years is None:
        return more
    if more[0] > years[1] + 1 or more[1] < years[0] - 1:
        raise ValueError(f"years {list(more)} leave a gap after the years covered {list(years)}")
    return (min(years[0], more[0]), max(years[1], more[1]))


# Weekends only, no roll-forward, no holiday notice: the pure domain's default in unit tests of
# the acts. The service never runs on it (``gateways.holidays.load_calendar``).
NO_HOLIDAYS = WorkCalendar()
