"""三项建议 (Art.40): a recommendation a petition bureau issues and the receiving body answers.

A recommendation is its own aggregate, saved in the same store (and notification log) as the
cases, so issuing and answering it are recorded facts with an actor and two times, like every
act on a case. Serious consequences (the ground of an accountability recommendation, Art.40) are
stated by the bureau when it issues one and kept in the ``Issued`` event: they are a finding of
the bureau, not a change to the case.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.acts import Act
from domain.calendar import china_date
from domain.errors import invalid, refuse


class RecommendationKind(StrEnum):
    IMPROVE_WORK = "improve_work"  # 改进工作建议
    IMPROVE_POLICY = "improve_policy"  # 完善政策建议
    ACCOUNTABILITY = "accountability"  # 追究责任建议

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    RecommendationKind.IMPROVE_WORK: "改进工作建议",
    RecommendationKind.IMPROVE_POLICY: "完善政策建议",
    RecommendationKind.ACCOUNTABILITY: "追究责任建议",
}

MESSAGES = {
    "RECOMMENDATION_KIND_INVALID": "建议类型应为改进工作建议、完善政策建议或追究责任建议",
    "RECOMMENDATION_GROUNDS_REQUIRED": "建议应当写明事实和理由",
    "SERIOUS_CONSEQUENCES_REQUIRED": "追究责任建议应当写明造成的严重后果（第四十条）",
    "RECOMMENDATION_ALREADY_ANSWERED": "该建议已书面答复，不得重复答复",
    "RECOMMENDATION_ANSWER_REQUIRED": "书面答复应当写明是否采纳及理由",
    "NOT_RECOMMENDATION_RECIPIENT": "只有建议的接收单位可以答复",
    "RECOMMENDATION_NOT_FOUND": "建议不存在",
    "ISSUER_NOT_A_BUREAU": "三项建议只能由信访部门提出（第十四条、第四十条）",
}


def message(code: str) -> str:
    return MESSAGES[code]


class Recommendation(Aggregate):
    """One recommendation: issued once, answered at most once."""

    class Issued(Aggregate.Created):
        kind: str
        to_unit_id: str
        grounds: str
        cited_event_ids: list[str]
        cited_case_ids: list[str]
        serious_consequences: str | None
        candidate_key: str | None
        division_code: str
        actor: dict[str, str]
        occurred_at: datetime
        answer_due_on: date

    class Answered(Aggregate.Event):
        adopted: bool
        text: str
        actor: dict[str, str]
        occurred_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.answer = {
                "adopted": self.adopted,
                "text": self.text,
                "actor": dict(self.actor),
                "at": self.occurred_at.isoformat(),
            }

    def __init__(
        self,
        kind: str,
        to_unit_id: str,
        grounds: str,
        cited_event_ids: list[str],
        cited_case_ids: list[str],
        serious_consequences: str | None,
        candidate_key: str | None,
        division_code: str,
        actor: dict[str, str],
        occurred_at: datetime,
        answer_due_on: date,
    ) -> None:
        self.kind = kind
        self.to_unit_id = to_unit_id
        self.grounds = grounds
        self.cited_event_ids = list(cited_event_ids)
        self.cited_case_ids = list(cited_case_ids)
        self.serious_consequences = serious_consequences
        self.candidate_key = candidate_key
        self.division_code = division_code
        self.issued_by = dict(actor)
        self.issued_at = occurred_at
        self.answer_due_on = answer_due_on
        self.answer: dict[str, Any] | None = None

    @classmethod
    def issue(
        cls,
        act: Act,
        *,
        kind: str,
        to_unit_id: str,
        grounds: str,
        cited_event_ids: list[str],
        cited_case_ids: list[str],
        serious_consequences: str | None = None,
        candidate_key: str | None = None,
    ) -> Recommendation:
        """Art.40: a bureau issues a recommendation; the answer is due after the configured
        number of days (Art.40 sets none; the 2005 rules had 30)."""
        try:
            value = RecommendationKind(kind)
        except ValueError:
            raise invalid(
                "RECOMMENDATION_KIND_INVALID", message("RECOMMENDATION_KIND_INVALID")
            ) from None
        if not act.directory.get(act.actor.unit_id).is_bureau:
            raise refuse("ISSUER_NOT_A_BUREAU", message("ISSUER_NOT_A_BUREAU"))
        if not grounds.strip():
            raise invalid(
                "RECOMMENDATION_GROUNDS_REQUIRED", message("RECOMMENDATION_GROUNDS_REQUIRED")
            )
        if value is RecommendationKind.ACCOUNTABILITY and not (serious_consequences or "").strip():
            # Art.40: accountability only for shirking, stalling or falsifying that caused
            # serious consequences.
            raise refuse("SERIOUS_CONSEQUENCES_REQUIRED", message("SERIOUS_CONSEQUENCES_REQUIRED"))
        recipient = act.directory.get(to_unit_id)
        if not recipient.active:
            raise invalid("UNIT_INACTIVE", unit_id=to_unit_id)
        issued_on = china_date(act.occurred_at)
        due = act.rules.calendar.due_after_days(issued_on, act.rules.recommendation_answer_days)
        return cls._create(
            cls.Issued,
            timestamp=act.recorded_at,
            kind=value.value,
            to_unit_id=recipient.unit_id,
            grounds=grounds,
            cited_event_ids=[str(e) for e in cited_event_ids],
            cited_case_ids=[str(c) for c in cited_case_ids],
            serious_consequences=(serious_consequences or "").strip() or None,
            candidate_key=candidate_key,
            division_code=recipient.division_code,
            actor=act.actor.as_record(),
            occurred_at=act.occurred_at,
            answer_due_on=due,
        )

    def answer_in_writing(self, act: Act, *, adopted: bool, text: str) -> None:
        """Art.40: the recipient answers in writing whether it adopts the recommendation."""
        if self.answer is not None:
            raise refuse(
                "RECOMMENDATION_ALREADY_ANSWERED", message("RECOMMENDATION_ALREADY_ANSWERED")
            )
        if not act.directory.answers_for(act.actor.unit_id, self.to_unit_id):
            raise refuse("NOT_RECOMMENDATION_RECIPIENT", message("NOT_RECOMMENDATION_RECIPIENT"))
        if not text.strip():
            raise invalid(
                "RECOMMENDATION_ANSWER_REQUIRED", message("RECOMMENDATION_ANSWER_REQUIRED")
            )
        if act.occurred_at < self.issued_at:
            raise refuse("OCCURRED_BEFORE_PREVIOUS", previous=self.issued_at.isoformat())
        self.trigger_event(
            self.Answered,
            timestamp=act.recorded_at,
            adopted=bool(adopted),
            text=text,
            actor=act.actor.as_record(),
            occurred_at=act.occurred_at,
        )

    def overdue_on(self, day: date) -> bool:
        """No written answer and the due day has passed."""
        return self.answer is None and day > self.answer_due_on

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        kind = RecommendationKind(self.kind)
        return {
            "id": str(self.id),
            "kind": kind.value,
            "kind_label": kind.label,
            "to_unit_id": self.to_unit_id,
            "division_code": self.division_code,
            "grounds": self.grounds,
            "serious_consequences": self.serious_consequences,
            "cited_event_ids": list(self.cited_event_ids),
            "cited_case_ids": list(self.cited_case_ids),
            "candidate_key": self.candidate_key,
            "issued_by": dict(self.issued_by),
            "issued_at": self.issued_at.isoformat(),
            "answer_due_on": self.answer_due_on.isoformat(),
            "answer": dict(self.answer) if self.answer else None,
            "overdue": self.overdue_on(today) if today is not None else None,
        }


def recommendation_id(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise invalid("RECOMMENDATION_NOT_FOUND", message("RECOMMENDATION_NOT_FOUND")) from None
