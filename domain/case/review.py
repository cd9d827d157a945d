"""Review and recheck: the petitioner asks the answering unit's superior to review a path-6
opinion, then that reviewer's superior to recheck it; hearings pause the clock (Art.31(6),
35, 36). Each act, its event and the event's state change, side by side."""

from __future__ import annotations

from datetime import date

from domain.acts import Act
from domain.calendar import china_date
from domain.case.event import CaseEvent
from domain.case.guards import CaseGuards, enum_value
from domain.case.state import CaseState
from domain.classification import OPINION_OUTCOMES, Document, Outcome
from domain.deadlines import recheck_request_window, review_request_window
from domain.errors import invalid, refuse
from domain.units import Directory, UnitKind


class Review(CaseGuards):
    """复查申请, 复查意见, 复核申请, 听证, 复核意见."""

    # ------------------------------------------------------ request review
    class ReviewRequested(CaseEvent):
        reviewing_unit_id: str

        def change(self, case: CaseState) -> None:
            case.review_requested_at = self.occurred_at
            case.reviewing_unit_id = self.reviewing_unit_id

    def request_review(self, act: Act) -> None:
        """复查申请 (Art.35): within 30 days of receiving a path-6 opinion, to the answering
        unit's superior."""
        self._check_time(act)
        # Art.35: only a path-6 opinion is reviewable; say so even of a routed or replied case,
        # which is already concluded.
        if not self.is_path_6 or self.answered_at is None:
            raise refuse("REVIEW_NOT_PATH_6", path=self.path)
        self._check_open(act)
        if self.review_requested_at is not None:
            raise refuse("REVIEW_ALREADY_REQUESTED")
        window = review_request_window(self, act.rules)
        if window is None:
            raise refuse("REVIEW_NOT_SERVED")
        served_on, last_day = window
        if china_date(act.occurred_at) > last_day:
            raise refuse(
                "REVIEW_WINDOW_EXPIRED",
                served_on=served_on.isoformat(),
                last_day=last_day.isoformat(),
            )
        reviewer = self._superior_reviewer(act.directory, self.answered_by or "")
        self._trigger(act, self.ReviewRequested, reviewing_unit_id=reviewer)

    # -------------------------------------------------------------- review
    class Reviewed(CaseEvent):
        outcome: str
        opinion: str

        def change(self, case: CaseState) -> None:
            case.reviewed_at = self.occurred_at
            case.review_outcome = self.outcome
            case.unserved = Document.REVIEW.value

    def review(self, act: Act, *, outcome: str, opinion: str) -> None:
        """复查意见 (Art.35): by the superior of the answering unit, within 30 days."""
        self._check_open(act)
        if self.review_requested_at is None or self.reviewing_unit_id is None:
            raise refuse("NO_REVIEW_REQUESTED")
        if self.reviewed_at is not None:
            raise refuse("ALREADY_ANSWERED")
        self._check_deciding_unit(act, self.reviewing_unit_id, "REVIEW_WRONG_UNIT")
        self._trigger(
            act,
            self.Reviewed,
            outcome=self._opinion_outcome(outcome),
            opinion=self._opinion_text(opinion),
        )

    # ----------------------------------------------------- request recheck
    class RecheckRequested(CaseEvent):
        rechecking_unit_id: str

        def change(self, case: CaseState) -> None:
            case.recheck_requested_at = self.occurred_at
            case.rechecking_unit_id = self.rechecking_unit_id

    def request_recheck(self, act: Act) -> None:
        """复核申请 (Art.36): only after a review, within 30 days of receiving its opinion."""
        self._check_open(act)
        if self.reviewed_at is None or self.reviewing_unit_id is None:
            raise refuse("RECHECK_WITHOUT_REVIEW")
        if self.recheck_requested_at is not None:
            raise refuse("RECHECK_ALREADY_REQUESTED")
        window = recheck_request_window(self, act.rules)
        if window is None:
            raise refuse("REVIEW_OPINION_NOT_SERVED")
        served_on, last_day = window
        if china_date(act.occurred_at) > last_day:
            raise refuse(
                "RECHECK_WINDOW_EXPIRED",
                served_on=served_on.isoformat(),
                last_day=last_day.isoformat(),
            )
        rechecker = self._superior_reviewer(act.directory, self.reviewing_unit_id)
        self._trigger(act, self.RecheckRequested, rechecking_unit_id=rechecker)

    # ------------------------------------------------------------- hearing
    class HearingHeld(CaseEvent):
        started_on: date
        ended_on: date
        stage: str
        note: str

        def change(self, case: CaseState) -> None:
            days = (self.ended_on - self.started_on).days + 1
            case.hearings.append(
                {
                    "started_on": self.started_on.isoformat(),
                    "ended_on": self.ended_on.isoformat(),
                    "stage": self.stage,
                    "days": days,
                }
            )
            if self.stage == "recheck":
                # Art.36: the time a recheck hearing takes is not counted.
                case.recheck_hearing_days += days

    def hold_hearing(self, act: Act, *, started_on: date, ended_on: date, note: str = "") -> None:
        """听证 (Art.31(6), 36): in a recheck its duration is not counted."""
        self._check_open(act)
        if ended_on < started_on:
            raise invalid("HEARING_DATES_INVALID")
        if self.recheck_requested_at is not None and self.rechecked_at is None:
            self._check_deciding_unit(act, self.rechecking_unit_id or "", "RECHECK_WRONG_UNIT")
            stage, stage_start = "recheck", self.recheck_requested_at
        elif self.review_requested_at is not None and self.reviewed_at is None:
            self._check_deciding_unit(act, self.reviewing_unit_id or "", "REVIEW_WRONG_UNIT")
            stage, stage_start = "review", self.review_requested_at
        elif self.is_path_6 and self.accepted_at is not None and self.answered_at is None:
            self._check_holder(act)
            stage, stage_start = "handling", self.accepted_at
        else:
            raise refuse("HEARING_NOT_ALLOWED")
        # Art.36 leaves hearing days out of the recheck period: only days of this stage, already
        # past, and each day once.
        overlaps = any(
            h["stage"] == stage
            and started_on <= date.fromisoformat(h["ended_on"])
            and date.fromisoformat(h["started_on"]) <= ended_on
            for h in self.hearings
        )
        if (
            started_on < china_date(stage_start)
            or ended_on > china_date(act.occurred_at)
            or overlaps
        ):
            raise refuse(
                "HEARING_OUTSIDE_STAGE",
                stage=stage,
                stage_started_on=china_date(stage_start).isoformat(),
            )
        self._trigger(
            act, self.HearingHeld, started_on=started_on, ended_on=ended_on, stage=stage, note=note
        )

    # ------------------------------------------------------------- recheck
    class Rechecked(CaseEvent):
        outcome: str
        opinion: str

        def change(self, case: CaseState) -> None:
            case.rechecked_at = self.occurred_at
            case.recheck_outcome = self.outcome
            case.unserved = Document.RECHECK.value
            case._conclude(self.occurred_at, "rechecked")

    def recheck(self, act: Act, *, outcome: str, opinion: str) -> None:
        """复核意见 (Art.36): by the superior of the reviewing unit; final."""
        self._check_open(act)
        if self.recheck_requested_at is None or self.rechecking_unit_id is None:
            raise refuse(
                "RECHECK_WITHOUT_REVIEW" if self.reviewed_at is None else "NO_RECHECK_REQUESTED"
            )
        self._check_deciding_unit(act, self.rechecking_unit_id, "RECHECK_WRONG_UNIT")
        self._trigger(
            act,
            self.Rechecked,
            outcome=self._opinion_outcome(outcome),
            opinion=self._opinion_text(opinion),
        )

    # ------------------------------------------------- who reviews, and what
    def _superior_reviewer(self, directory: Directory, unit_id: str) -> str:
        superior = directory.superior_of(unit_id)
        if superior is None:
            raise refuse("NO_REVIEWING_SUPERIOR", unit_id=unit_id)
        if superior.kind is UnitKind.VILLAGE_COMMITTEE:
            raise refuse("VILLAGE_CANNOT_REVIEW", unit_id=superior.unit_id)
        return superior.unit_id

    def _check_deciding_unit(self, act: Act, expected_unit_id: str, code: str) -> None:
        acting = act.directory.get(act.actor.unit_id)
        if acting.kind is UnitKind.VILLAGE_COMMITTEE:
            raise refuse("VILLAGE_CANNOT_REVIEW", unit_id=acting.unit_id)
        if not act.directory.answers_for(acting.unit_id, expected_unit_id):
            raise refuse(code, expected_unit_id=expected_unit_id, acting_unit_id=acting.unit_id)

    @staticmethod
    def _opinion_outcome(outcome: str) -> str:
        value = enum_value(Outcome, outcome, "OUTCOME_REQUIRED")
        if value not in OPINION_OUTCOMES:
            raise invalid("OUTCOME_REQUIRED", outcome=outcome)
        return value.value

    @staticmethod
    def _opinion_text(opinion: str) -> str:
        if not opinion.strip():
            raise invalid("OPINION_REQUIRED")
        return opinion
