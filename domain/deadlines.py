"""Every deadline of a case, computed from its events, and where each stands on a given day.

Duties (transfer, inform, accept, answer, assigned report, review, recheck) are met or missed;
windows (objection, review request, recheck request) are open or closed to the petitioner or
unit. One place computes them all (style habit 3), with the numbers of ``domain.periods``: the
acts' guards, queries, projections and the trail ask here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from domain import periods
from domain.acts import Rules
from domain.calendar import NOT_COVERED, NOT_COVERED_MESSAGE, china_date
from domain.classification import Category, Document
from domain.periods import Period

# What a unit may do with a matter it received to meet its Art.23 duty in time.
ACTED_ON = frozenset({"accepted", "objected", "declined", "passed_on"})

# Deadlines whose last day a bureau sets instead of the calendar counting it (Art.22).
_SET_BY_THE_BUREAU = frozenset({"assigned_report"})

# Warning levels (domain.md §6): normal, warning, alert, severe, overdue.
WARNING_LEVELS = ("normal", "warning", "alert", "severe", "overdue")


@dataclass(frozen=True)
class Deadline:
    """One period: who must act (or may act), from when, until which day, and if done, when."""

    step: str
    kind: str  # "duty" or "window"
    unit_id: str | None
    start: date
    due: date
    done_on: date | None
    article: str
    # False when the calendar counted this period over days no holiday notice covers: the due
    # day then assumes weekends are the only rest days, and every reader is told so.
    calendar_covered: bool = True

    def status_on(self, day: date) -> DeadlineStatus:
        if self.kind == "window":
            if self.done_on is not None:
                return DeadlineStatus(self, "used", None, None)
            if day <= self.due:
                return DeadlineStatus(self, "open", (self.due - day).days, None)
            return DeadlineStatus(self, "closed", None, None)
        if self.done_on is not None:
            late = (self.done_on - self.due).days
            if late > 0:
                return DeadlineStatus(self, "missed", None, late)
            return DeadlineStatus(self, "met", None, None)
        if day <= self.due:
            return DeadlineStatus(self, "running", (self.due - day).days, None)
        return DeadlineStatus(self, "missed", None, (day - self.due).days)


@dataclass(frozen=True)
class DeadlineStatus:
    deadline: Deadline
    status: str  # running | met | missed | open | used | closed
    days_left: int | None
    days_late: int | None

    @property
    def warning_level(self) -> str:
        """Five practice levels, by days left on a running duty."""
        if self.status == "missed" and self.deadline.done_on is None:
            return "overdue"
        if self.status != "running" or self.days_left is None:
            return "normal"
        if self.days_left <= 1:
            return "severe"
        if self.days_left <= 3:
            return "alert"
        if self.days_left <= 7:
            return "warning"
        return "normal"

    def as_dict(self) -> dict[str, Any]:
        d = self.deadline
        return {
            "step": d.step,
            "kind": d.kind,
            "unit_id": d.unit_id,
            "start": d.start.isoformat(),
            "due": d.due.isoformat(),
            "done_on": d.done_on.isoformat() if d.done_on else None,
            "article": d.article,
            "status": self.status,
            "days_left": self.days_left,
            "days_late": self.days_late,
            "warning_level": self.warning_level,
            "calendar_warning": None if d.calendar_covered else NOT_COVERED,
            "calendar_warning_message": None if d.calendar_covered else NOT_COVERED_MESSAGE,
        }


def _day(value: datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return china_date(value)


def last_day(period: Period, start: date, rules: Rules, extra_days: int = 0) -> date:
    """The last day of ``period`` counted from ``start`` (plus days not counted against it)."""
    days = period.length(rules) + extra_days
    if period.working_days:
        return rules.calendar.due_after_working_days(start, days)
    return rules.calendar.due_after_days(start, days)


def answer_due_on(case: Any, rules: Rules) -> date | None:
    """The last day to answer: 60 days from acceptance plus extensions on path 6 (Art.34);
    the configured periods on other paths and categories."""
    if case.accepted_at is None:
        return None
    accepted_on = china_date(case.accepted_at)
    if case.is_path_6:
        return last_day(periods.ANSWER, accepted_on, rules, case.extension_days)
    if case.category == Category.SUGGESTION.value:
        return last_day(periods.SUGGESTION_ANSWER, accepted_on, rules)
    if case.category == Category.ACCUSATION.value:
        return last_day(periods.ACCUSATION_ANSWER, accepted_on, rules)
    return last_day(periods.PATH5_ANSWER, accepted_on, rules)


def objection_last_day(case: Any, rules: Rules) -> date:
    """Art.23: the last day the unit now holding the case may object (5 working days)."""
    return last_day(periods.OBJECTION, china_date(case.holder_received_at), rules)


def review_request_window(case: Any, rules: Rules) -> tuple[date, date] | None:
    """Art.35: the day the opinion reached the petitioner and the last day to ask for a review
    (30 days from service); None while it is unserved."""
    return _served_window(case, Document.ANSWER, periods.REVIEW_REQUEST, rules)


def recheck_request_window(case: Any, rules: Rules) -> tuple[date, date] | None:
    """Art.36: the day the review opinion reached the petitioner and the last day to ask for a
    recheck (30 days from service); None while it is unserved."""
    return _served_window(case, Document.REVIEW, periods.RECHECK_REQUEST, rules)


def _served_window(
    case: Any, document: Document, period: Period, rules: Rules
) -> tuple[date, date] | None:
    served = case.served_at.get(document.value)
    if served is None:
        return None
    served_on = china_date(served)
    return served_on, last_day(period, served_on, rules)


def deadlines_of(case: Any, rules: Rules) -> list[Deadline]:
    """All deadlines of ``case`` (a ``Petition``), in the order they arise."""
    cal = rules.calendar
    out: list[Deadline] = []
    received_on = china_date(case.received_at)

    if case.received_by_bureau:
        # Art.22: a bureau (or a chain of bureaus) transfers within 15 days of receipt.
        done = _day(case.transfer_done_at)
        holder = _bureau_responsible(case)
        out.append(
            Deadline(
                "transfer",
                "duty",
                holder,
                received_on,
                last_day(periods.TRANSFER, received_on, rules),
                done,
                periods.TRANSFER.article,
            )
        )
    elif _notice_owed(case):
        # Art.23: a unit petitioned directly tells the petitioner within 15 days; 不再受理 of
        # rechecked facts (Art.36) answers the registration at once.
        not_reaccepted_at = case.concluded_at if case.not_reaccepted else None
        done = _first_day(case.informed_at, case.accepted_at, case.declined_at, not_reaccepted_at)
        out.append(
            Deadline(
                "inform",
                "duty",
                case.received_by,
                received_on,
                last_day(periods.INFORM, received_on, rules),
                done,
                periods.INFORM.article,
            )
        )

    for receipt in case.receipts:
        got = _day(receipt["at"])
        assert got is not None
        outcome_on = _day(receipt["outcome_at"])
        if receipt["bureau"]:
            if receipt["via"] == "returned":
                # Art.22, 23: materials back after an agreed objection; the bureau transfers
                # again within 15 days of getting them.
                out.append(
                    Deadline(
                        "transfer",
                        "duty",
                        receipt["unit_id"],
                        got,
                        last_day(periods.TRANSFER, got, rules),
                        outcome_on,
                        periods.TRANSFER.article,
                    )
                )
            continue
        if _notice_owed(case):
            # Art.23: written notice of acceptance within 15 days of receipt (no notice duty
            # for anonymous letters, so never counted late for notice). Passing the matter
            # down the unit's own system in time also answers for it; so does an objection
            # (a right), and the days the bureau took to refuse one are not counted.
            done = outcome_on if receipt["outcome"] in ACTED_ON else None
            out.append(
                Deadline(
                    "accept",
                    "duty",
                    receipt["unit_id"],
                    got,
                    last_day(periods.ACCEPT, got, rules, receipt.get("paused_days", 0)),
                    done,
                    periods.ACCEPT.article,
                )
            )
        # The objection window matters only while the unit has not yet acted on the receipt.
        if receipt["via"] in ("transfer", "assign", "route", "decision") and receipt["outcome"] in (
            None,
            "objected",
        ):
            used = outcome_on if receipt["outcome"] == "objected" else None
            out.append(
                Deadline(
                    "objection",
                    "window",
                    receipt["unit_id"],
                    got,
                    last_day(periods.OBJECTION, got, rules),
                    used,
                    periods.OBJECTION.article,
                )
            )

    if case.accepted_at is not None:
        due = answer_due_on(case, rules)
        assert due is not None
        out.append(
            Deadline(
                "answer",
                "duty",
                case.accepted_by,
                china_date(case.accepted_at),
                due,
                _answer_given_on(case),
                periods.ANSWER.article,
            )
        )
    if case.assigned_due_on is not None:
        assigned = next(r for r in reversed(case.receipts) if r["via"] == "assign")
        out.append(
            Deadline(
                "assigned_report",
                "duty",
                assigned["unit_id"],
                _day(assigned["at"]),
                case.assigned_due_on,
                # The report back is the answer, or the written notice that the unit does not
                # accept the matter (the lawful channel for paths 1-4, Art.31).
                _first_day(case.answered_at, case.declined_at),
                "第二十二条",
            )
        )

    review_window = review_request_window(case, rules)
    if case.is_path_6 and review_window is not None:
        out.append(
            Deadline(
                "review_request",
                "window",
                None,
                *review_window,
                _day(case.review_requested_at),
                periods.REVIEW_REQUEST.article,
            )
        )
    if case.review_requested_at is not None:
        start = china_date(case.review_requested_at)
        out.append(
            Deadline(
                "review",
                "duty",
                case.reviewing_unit_id,
                start,
                last_day(periods.REVIEW, start, rules),
                _day(case.reviewed_at),
                periods.REVIEW.article,
            )
        )
    recheck_window = recheck_request_window(case, rules)
    if recheck_window is not None:
        out.append(
            Deadline(
                "recheck_request",
                "window",
                None,
                *recheck_window,
                _day(case.recheck_requested_at),
                periods.RECHECK_REQUEST.article,
            )
        )
    if case.recheck_requested_at is not None:
        start = china_date(case.recheck_requested_at)
        # Art.36: the time a hearing takes is not counted.
        due = last_day(periods.RECHECK, start, rules, case.recheck_hearing_days)
        out.append(
            Deadline(
                "recheck",
                "duty",
                case.rechecking_unit_id,
                start,
                due,
                _day(case.rechecked_at),
                periods.RECHECK.article,
            )
        )
    return [
        d
        if d.step in _SET_BY_THE_BUREAU or cal.covers_period(d.start, d.due)
        else replace(d, calendar_covered=False)
        for d in out
    ]


def statuses_on(case: Any, rules: Rules, day: date) -> list[DeadlineStatus]:
    return [d.status_on(day) for d in deadlines_of(case, rules)]


def _answer_given_on(case: Any) -> date | None:
    """A 信访处理意见书 is given when it reaches the petitioner (Art.32, 35): one never served
    keeps the handling period running. Other replies, and answers to an anonymous letter
    (no one to serve), count when issued."""
    if case.is_path_6 and not case.anonymous:
        return _day(case.served_at.get(Document.ANSWER.value))
    return _day(case.answered_at)


def _first_day(*instants: datetime | None) -> date | None:
    days = [china_date(i) for i in instants if i is not None]
    return min(days) if days else None


def _bureau_responsible(case: Any) -> str:
    """The bureau answering for the transfer period: the last bureau that held the case while
    the period ran (the one holding it when it left the chain, or holding it now)."""
    bureaus = [r for r in case.receipts if r["bureau"] and r["via"] != "returned"]
    return str(bureaus[-1]["unit_id"]) if bureaus else str(case.received_by)


def _notice_owed(case: Any) -> bool:
    """Art.23's notices (inform, written acceptance within 15 days) are owed to a named
    petitioner. Not for an anonymous letter (Art.23), nor for an accusation: it is received,
    accepted and answered by discipline-inspection rules (Art.30; domain.md §4 "route out"),
    so neither the discipline inspection body nor any unit holding it owes the 15-day notice.
    The bureau still owes the transfer within 15 days (Art.22): routing it to that body."""
    return not case.anonymous and case.category != Category.ACCUSATION.value
