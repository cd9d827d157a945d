"""Counting days the way the regulation does.

The 条例 counts calendar days (日) everywhere except the 5 working days to object to a
transfer (Art.23). It has no counting rule of its own, so we follow the Civil Code by analogy:
the start day is not counted (Art.201), and a period whose last day is a statutory holiday ends
on the next working day (Art.203). That roll-forward is configuration, off by default.

Dates are China dates: an instant is turned into a date in UTC+8 before counting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_date(instant: datetime) -> date:
    """The calendar date in China at ``instant`` (which must be timezone-aware)."""
    return instant.astimezone(CHINA).date()


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in China: a period ending on ``day`` runs until this instant."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), CHINA)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, and whether deadlines roll past holidays.

    ``holidays`` are statutory days off that fall on weekdays; ``workdays`` are the weekend
    days worked in exchange (调休). Weekends are never working days unless listed in
    ``workdays``, with or without the calendar switched on: "working day" has a plain meaning.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    roll_forward: bool = False

    @classmethod
    def of(
        cls, holidays: Iterable[date] = (), workdays: Iterable[date] = (), roll_forward: bool = True
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays), roll_forward)

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
        # Civil Code Art.203: a period ending on a holiday ends on the next working day.
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


NO_HOLIDAYS = WorkCalendar()
