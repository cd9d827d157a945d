"""Answering: the accepting unit answers in time (extended by at most 30 days in all), the answer
reaches the petitioner, who may evaluate it, and the case concludes when no review is asked
(Art.32-35). Each act, its event and the event's state change, side by side."""

from __future__ import annotations

from domain import periods
from domain.acts import Act
from domain.calendar import china_date
from domain.case.event import CaseEvent
from domain.case.guards import CaseGuards, enum_value
from domain.case.state import CaseState
from domain.classification import OPINION_OUTCOMES, Document, Outcome, Satisfaction
from domain.deadlines import answer_due_on, recheck_request_window, review_request_window
from domain.errors import invalid, refuse
from domain.units import Directory


class Answering(CaseGuards):
    """延期, 答复, 送达, 满意度评价, 办结."""

    # -------------------------------------------------------------- extend
    class Extended(CaseEvent):
        days: int
        reason: str
        approved_by: str

        def change(self, case: CaseState) -> None:
            case.extensions.append(
                {"days": self.days, "at": self.occurred_at.isoformat(), "reason": self.reason}
            )

    def extend(self, act: Act, *, days: int, reason: str, approved_by: str) -> None:
        """延期 (Art.34): path 6 only, before the deadline, at most 30 days in all."""
        self._check_open(act)
        self._check_holder(act)
        if self.accepted_at is None:
            raise refuse("NOT_ACCEPTED")
        if self.answered_at is not None:
            raise refuse("ALREADY_ANSWERED")
        if not self.is_path_6:
            raise refuse("EXTENSION_NOT_PATH_6", path=self.path)
        if days < 1:
            raise invalid("EXTENSION_DAYS_INVALID", days=days)
        if not reason.strip():
            # Art.34: the petitioner is told why the period is extended.
            raise invalid("EXTENSION_REASON_REQUIRED")
        if self.extension_days + days > periods.EXTENSION.length(act.rules):
            raise refuse("EXTENSION_OVER_LIMIT", already=self.extension_days, asked=days)
        due = answer_due_on(self, act.rules)
        if due is not None and china_date(act.occurred_at) > due:
            raise refuse("EXTENSION_AFTER_DEADLINE", due_on=due.isoformat())
        self._trigger(act, self.Extended, days=days, reason=reason, approved_by=approved_by)

    # -------------------------------------------------------------- answer
    class Answered(CaseEvent):
        outcome: str
        opinion: str
        basis: str
        # Since issue 15 (Art.32): events recorded before lack them and read as empty.
        facts: str = ""
        review_right: str = ""

        def change(self, case: CaseState) -> None:
            case.answered_at = self.occurred_at
            case.answer_outcome = self.outcome
            case.answered_by = self.actor["unit_id"]
            case.unserved = Document.ANSWER.value

    def answer(
        self, act: Act, *, outcome: str, opinion: str, basis: str = "", facts: str = ""
    ) -> None:
        """答复 (Art.32, 34): a 信访处理意见书 on path 6; a reply on other paths.

        The 信访处理意见书 states the facts found, the opinion with its legal basis, and the
        petitioner's right to ask the answering unit's superior for a review (Art.32, 35); the
        last is written by the system, from the directory, so it is never left out.
        """
        self._check_open(act)
        self._check_holder(act)
        if self.accepted_at is None:
            raise refuse("NOT_ACCEPTED")
        if self.answered_at is not None:
            raise refuse("ALREADY_ANSWERED")
        outcome_value = enum_value(Outcome, outcome, "OUTCOME_REQUIRED")
        if self.is_path_6 != (outcome_value in OPINION_OUTCOMES):
            raise invalid("OUTCOME_NOT_FOR_PATH", outcome=outcome_value.value, path=self.path)
        if not opinion.strip():
            raise invalid("OPINION_REQUIRED")
        review_right = ""
        if self.is_path_6:
            if not facts.strip():
                raise invalid("ANSWER_FACTS_REQUIRED")
            if not basis.strip():
                raise invalid("ANSWER_BASIS_REQUIRED")
            review_right = _review_right(act.directory, act.actor.unit_id)
        self._trigger(
            act,
            self.Answered,
            outcome=outcome_value.value,
            opinion=opinion,
            basis=basis,
            facts=facts,
            review_right=review_right,
        )
        if not self.is_path_6:
            # Paths 5, suggestions and accusations end with the reply (no review).
            self._trigger(act, self.Concluded, reason="replied")

    # --------------------------------------------------------------- serve
    class Served(CaseEvent):
        document: str

        def change(self, case: CaseState) -> None:
            case.served_at[self.document] = self.occurred_at
            case.unserved = None

    def serve(self, act: Act) -> None:
        """送达: the petitioner received the written opinion; windows count from here (Art.35)."""
        # Service never predates the opinion: _check_time keeps every act after the last one.
        self._check_time(act)
        if self.unserved is None:
            issued = [
                doc
                for doc, at in (
                    (Document.ANSWER.value, self.answered_at),
                    (Document.REVIEW.value, self.reviewed_at),
                    (Document.RECHECK.value, self.rechecked_at),
                )
                if at is not None
            ]
            served = bool(issued) and issued[-1] in self.served_at
            raise refuse("ALREADY_SERVED" if served else "NOTHING_TO_SERVE")
        issuer = {
            Document.ANSWER.value: self.answered_by,
            Document.REVIEW.value: self.reviewing_unit_id,
            Document.RECHECK.value: self.rechecking_unit_id,
        }[self.unserved]
        acting = act.directory.get(act.actor.unit_id)
        if not acting.is_bureau and not act.directory.answers_for(acting.unit_id, issuer or ""):
            raise refuse("NOT_ISSUING_UNIT", issuing_unit_id=issuer)
        self._trigger(act, self.Served, document=self.unserved)

    # ------------------------------------------------------------ evaluate
    class Evaluated(CaseEvent):
        moves_deadlines = False

        satisfaction: str
        comment: str
        # "petitioner" (the tracking channel) or "return_visit" (a bureau's 回访).
        source: str = "petitioner"

        def change(self, case: CaseState) -> None:
            case.evaluation = {
                "satisfaction": self.satisfaction,
                "at": self.occurred_at.isoformat(),
                "comment": self.comment,
                "source": self.source,
            }

    def evaluate(
        self, act: Act, *, satisfaction: str, comment: str = "", source: str = "return_visit"
    ) -> None:
        """满意度评价: the petitioner evaluates the published result, once.

        The petitioner records it (``source="petitioner"``, the tracking channel), or a petition
        bureau records the petitioner's words on a return visit (回访). The unit that answered
        never grades itself ("谁初次办理、谁接受评价").
        """
        self._check_time(act)
        if self.anonymous:
            raise refuse("ANONYMOUS_CANNOT_EVALUATE")
        if source != "petitioner":
            acting = act.directory.get(act.actor.unit_id)
            if not acting.is_bureau or (
                self.answered_by and act.directory.answers_for(acting.unit_id, self.answered_by)
            ):
                raise refuse("EVALUATION_BY_PETITIONER_ONLY")
        if self.answered_at is None:
            raise refuse("NOTHING_TO_EVALUATE")
        if self.evaluation is not None:
            raise refuse("ALREADY_EVALUATED")
        value = enum_value(Satisfaction, satisfaction, "SATISFACTION_INVALID")
        self._trigger(
            act,
            self.Evaluated,
            satisfaction=value.value,
            comment=comment,
            source="petitioner" if source == "petitioner" else "return_visit",
        )

    # ------------------------------------------------------------ conclude
    class Concluded(CaseEvent):
        reason: str

        def change(self, case: CaseState) -> None:
            case._conclude(self.occurred_at, self.reason)

    def conclude(self, act: Act) -> None:
        """办结: answered and no review asked within 30 days of service, or reviewed and no
        recheck asked within 30 days of the review's service (Art.35, 36)."""
        self._check_open(act)
        window = None
        if self.reviewed_at is not None and self.recheck_requested_at is None:
            window = recheck_request_window(self, act.rules)
        elif self.answered_at is not None and self.review_requested_at is None:
            window = review_request_window(self, act.rules)
        if window is None or china_date(act.occurred_at) <= window[1]:
            raise refuse("CANNOT_CONCLUDE_YET", stage=self.stage)
        self._trigger(act, self.Concluded, reason="window_lapsed")


def _review_right(directory: Directory, unit_id: str) -> str:
    """The notice of the right to a review that every 信访处理意见书 carries (Art.32, 35)."""
    superior = directory.superior_of(unit_id) if unit_id in directory else None
    to = superior.name if superior is not None else "原办理机关、单位的上一级机关、单位"
    days = periods.REVIEW_REQUEST.days
    return f"信访人对本处理意见不服的，可以自收到本意见书之日起{days}日内请求{to}复查（《信访工作条例》第三十五条）。"
