"""Every deadline of a case, computed from its events, and where each stands on a given day.

Duties (transfer, inform, accept, answer, assigned report, review, recheck) are met or missed;
windows (objection, review request, recheck request) are open or closed to the petitioner or
unit. One place computes them all (style habit 3): acts, queries, projections and the trail
ask here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from domain.acts import Rules
from domain.calendar import NOT_COVERED, NOT_COVERED_MESSAGE, china_date
from domain.classification import Category, Document

TRANSFER_DAYS = 15  # Art.22
INFORM_DAYS = 15  # Art.23
ACCEPT_DAYS = 15  # Art.23
OBJECTION_WORKING_DAYS = 5  # Art.23
REVIEW_REQUEST_DAYS = 30  # Art.35
REVIEW_DAYS = 30  # Art.35
RECHECK_REQUEST_DAYS = 30  # Art.36
RECHECK_DAYS = 30  # Art.36

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
                cal.due_after_days(received_on, TRANSFER_DAYS),
                done,
                "第二十二条",
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
                cal.due_after_days(received_on, INFORM_DAYS),
                done,
                "第二十三条",
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
                        cal.due_after_days(got, TRANSFER_DAYS),
                        outcome_on,
                        "第二十二条",
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
                    cal.due_after_days(got, ACCEPT_DAYS + receipt.get("paused_days", 0)),
                    done,
                    "第二十三条",
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
                    cal.due_after_working_days(got, OBJECTION_WORKING_DAYS),
                    used,
                    "第二十三条",
                )
            )

    if case.accepted_at is not None:
        due = case.answer_due_on(rules)
        out.append(
            Deadline(
                "answer",
                "duty",
                case.accepted_by,
                china_date(case.accepted_at),
                due,
                _answer_given_on(case),
                "第三十四条",
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

    answer_served = case.served_at.get(Document.ANSWER.value)
    if case.is_path_6 and answer_served is not None:
        served = china_date(answer_served)
        out.append(
            Deadline(
                "review_request",
                "window",
                None,
                served,
                cal.due_after_days(served, REVIEW_REQUEST_DAYS),
                _day(case.review_requested_at),
                "第三十五条",
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
                cal.due_after_days(start, REVIEW_DAYS),
                _day(case.reviewed_at),
                "第三十五条",
            )
        )
    review_served = case.served_at.get(Document.REVIEW.value)
    if review_served is not None:
        served = china_date(review_served)
        out.append(
            Deadline(
                "recheck_request",
                "window",
                None,
                served,
                cal.due_after_days(served, RECHECK_REQUEST_DAYS),
                _day(case.recheck_requested_at),
                "第三十六条",
            )
        )
    if case.recheck_requested_at is not None:
        start = china_date(case.recheck_requested_at)
        # Art.36: the time a hearing takes is not counted.
        due = cal.due_after_days(start, RECHECK_DAYS + case.recheck_hearing_days)
        out.append(
            Deadline(
                "recheck",
                "duty",
                case.rechecking_unit_id,
                start,
                due,
                _day(case.rechecked_at),
                "第三十六条",
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
