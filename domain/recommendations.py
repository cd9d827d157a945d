"""三项建议 (Art.40): a recommendation a petition bureau issues and the receiving body answers.

A recommendation is its own aggregate, saved in the same store (and notification log) as the
cases, so issuing and answering it are recorded facts with an actor and two times, like every
act on a case. Serious consequences (the ground of an accountability recommendation, Art.40) are
stated by the bureau when it issues one and kept in the ``Issued`` event: they are a finding of
the bureau, not a change to the case.

Who receives which recommendation is a rule of Art.40 and is checked here, once: an improve-work
recommendation goes to the unit concerned; an improve-policy one to the Party committee or the
government of the issuing bureau's own tier (本级党委和政府: same division code), nothing else;
an accountability one to the body with management authority over the unit concerned (管理权限,
``Directory.management_authority_of``) or the discipline inspection body for it
(``Directory.discipline_inspection_for``). A recommendation about a unit may name persons
(工作人员, Art.40): officials of that unit, by id, name and unit. A recommendation that cites an
accusation never goes to the accused unit or a unit under it, and is hidden from them like the
accusation (Art.30).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate

from domain import periods
from domain.acts import Act
from domain.calendar import china_date
from domain.deadlines import last_day
from domain.errors import MESSAGES, invalid, not_found, refuse
from domain.labels import RECOMMENDATION_KIND_LABELS
from domain.units import Directory, UnitKind, UnitRecord


class RecommendationKind(StrEnum):
    IMPROVE_WORK = "improve_work"  # 改进工作建议
    IMPROVE_POLICY = "improve_policy"  # 完善政策建议
    ACCOUNTABILITY = "accountability"  # 追究责任建议

    @property
    def label(self) -> str:
        return RECOMMENDATION_KIND_LABELS[self]


# The refusals of the 三项建议 (their messages stand in the domain's one catalogue).
RECOMMENDATION_CODES = frozenset(
    {
        "RECOMMENDATION_KIND_INVALID",
        "RECOMMENDATION_GROUNDS_REQUIRED",
        "SERIOUS_CONSEQUENCES_REQUIRED",
        "RECOMMENDATION_ALREADY_ANSWERED",
        "RECOMMENDATION_ANSWER_REQUIRED",
        "NOT_RECOMMENDATION_RECIPIENT",
        "RECOMMENDATION_NOT_FOUND",
        "ISSUER_NOT_A_BUREAU",
        "RECOMMENDATION_WRONG_RECIPIENT",
        "CONCERNED_UNIT_REQUIRED",
        "NO_MANAGING_BODY",
        "RECOMMENDATION_TO_ACCUSED_UNIT",
        "RECOMMENDATION_KEY_CONFLICT",
        "CITED_EVENT_UNKNOWN",
        "POLICY_RECIPIENT_NOT_OWN_TIER",
        "NOT_MANAGING_AUTHORITY",
        "NAMED_OFFICIAL_INVALID",
        "NAMED_OFFICIAL_NOT_OF_UNIT",
        "NAMED_OFFICIALS_NOT_FOR_POLICY",
    }
)

# Art.40: an improve-policy recommendation goes to the same-tier Party committee and government.
POLICY_RECIPIENT_KINDS = (UnitKind.PARTY_COMMITTEE, UnitKind.GOVERNMENT)


def message(code: str) -> str:
    return MESSAGES[code]


class Recommendation(Aggregate):
    """One recommendation: issued once, answered at most once."""

    class Issued(Aggregate.Created):
        # v2 adds ``named_officials``; events stored before it named nobody.
        class_version = 2

        kind: str
        to_unit_id: str
        grounds: str
        cited_event_ids: list[str]
        cited_case_ids: list[str]
        serious_consequences: str | None
        candidate_key: str | None
        concerned_unit_id: str | None
        accused_unit_ids: list[str]
        division_code: str
        actor: dict[str, str]
        occurred_at: datetime
        answer_due_on: date
        named_officials: list[dict[str, str]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["named_officials"] = []

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
        concerned_unit_id: str | None,
        accused_unit_ids: list[str],
        division_code: str,
        actor: dict[str, str],
        occurred_at: datetime,
        answer_due_on: date,
        named_officials: list[dict[str, str]],
    ) -> None:
        self.kind = kind
        self.to_unit_id = to_unit_id
        self.grounds = grounds
        self.cited_event_ids = list(cited_event_ids)
        self.cited_case_ids = list(cited_case_ids)
        self.serious_consequences = serious_consequences
        self.candidate_key = candidate_key
        self.concerned_unit_id = concerned_unit_id
        self.accused_unit_ids = list(accused_unit_ids)
        self.division_code = division_code
        self.issued_by = dict(actor)
        self.issued_at = occurred_at
        self.answer_due_on = answer_due_on
        self.named_officials = [dict(o) for o in named_officials]
        self.answer: dict[str, Any] | None = None

    @classmethod
    def issue(
        cls,
        act: Act,
        *,
        kind: str,
        to_unit_id: str,
        grounds: str,
        cited_event_ids: Sequence[str] = (),
        cited_case_ids: Sequence[str] = (),
        serious_consequences: str | None = None,
        candidate_key: str | None = None,
        concerned_unit_id: str | None = None,
        accused_unit_ids: Sequence[str] = (),
        named_officials: Sequence[dict[str, str]] = (),
    ) -> Recommendation:
        """Art.40: a bureau issues a recommendation; the answer is due after the configured
        number of days (Art.40 sets none; the 2005 rules had 30).

        ``concerned_unit_id`` is the unit whose work is at issue (for an improve-work
        recommendation, the recipient itself); ``accused_unit_ids`` the units accused in the
        cited cases, from whom the recommendation is hidden. With a ``candidate_key`` the id is
        derived from it, so the same finding is issued once (``recommendation_key_id``).
        ``named_officials`` are the persons it names (official id, name, unit), officials of
        the unit concerned (Art.40: 机关、单位及其工作人员)."""
        try:
            value = RecommendationKind(kind)
        except ValueError:
            raise invalid(
                "RECOMMENDATION_KIND_INVALID", message("RECOMMENDATION_KIND_INVALID")
            ) from None
        issuer = act.directory.find(act.actor.unit_id)
        if issuer is None or not issuer.is_bureau:
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
        concerned = concerned_unit(act.directory, value, recipient, concerned_unit_id, issuer)
        named = _named_officials(act.directory, concerned, named_officials)
        accused = sorted({a for a in accused_unit_ids if a})
        if any(act.directory.is_under(recipient.unit_id, a) for a in accused):
            # Art.30: the accuser's materials and related circumstances never reach the accused.
            raise refuse(
                "RECOMMENDATION_TO_ACCUSED_UNIT", message("RECOMMENDATION_TO_ACCUSED_UNIT")
            )
        issued_on = china_date(act.occurred_at)
        due = last_day(periods.RECOMMENDATION_ANSWER, issued_on, act.rules)
        return cls._create(
            cls.Issued,
            id=recommendation_key_id(candidate_key) if candidate_key else uuid4(),
            timestamp=act.recorded_at,
            kind=value.value,
            to_unit_id=recipient.unit_id,
            grounds=grounds,
            cited_event_ids=[str(e) for e in cited_event_ids],
            cited_case_ids=[str(c) for c in cited_case_ids],
            serious_consequences=(serious_consequences or "").strip() or None,
            candidate_key=candidate_key or None,
            concerned_unit_id=concerned.unit_id if concerned else None,
            accused_unit_ids=accused,
            # The area the finding is about: the unit concerned, or the policy's own tier.
            division_code=(concerned or recipient).division_code,
            actor=act.actor.as_record(),
            occurred_at=act.occurred_at,
            answer_due_on=due,
            named_officials=named,
        )

    def answer_in_writing(self, act: Act, *, adopted: bool, text: str) -> None:
        """Art.40: the recipient answers in writing whether it adopts the recommendation."""
        if not act.directory.answers_for(act.actor.unit_id, self.to_unit_id):
            raise refuse("NOT_RECOMMENDATION_RECIPIENT", message("NOT_RECOMMENDATION_RECIPIENT"))
        if self.answer is not None:
            raise refuse(
                "RECOMMENDATION_ALREADY_ANSWERED", message("RECOMMENDATION_ALREADY_ANSWERED")
            )
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

    def hidden_from(self, unit_id: str, directory: Directory) -> bool:
        """True when the recommendation cites an accusation against ``unit_id`` or a unit above
        it (Art.30, 46): such a unit must not learn of it."""
        return unit_id in directory and any(
            directory.is_under(unit_id, accused) for accused in self.accused_unit_ids
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
            "concerned_unit_id": self.concerned_unit_id,
            "named_officials": [dict(o) for o in self.named_officials],
            "issued_by": dict(self.issued_by),
            "issued_at": self.issued_at.isoformat(),
            "answer_due_on": self.answer_due_on.isoformat(),
            "answered": self.answer is not None,
            "answer": dict(self.answer) if self.answer else None,
            "overdue": self.overdue_on(today) if today is not None else None,
        }


def concerned_unit(
    directory: Directory,
    kind: RecommendationKind,
    recipient: UnitRecord,
    concerned_unit_id: str | None,
    issuer: UnitRecord,
) -> UnitRecord | None:
    """The unit whose work is at issue, once the recipient is checked against Art.40."""
    if kind is RecommendationKind.IMPROVE_POLICY:
        if recipient.kind not in POLICY_RECIPIENT_KINDS:
            raise refuse(
                "RECOMMENDATION_WRONG_RECIPIENT",
                message("RECOMMENDATION_WRONG_RECIPIENT"),
                expected_kinds=[k.value for k in POLICY_RECIPIENT_KINDS],
            )
        if recipient.division_code != issuer.division_code:
            # Art.40(2): 向本级党委和政府报告，并提出完善政策的建议.
            raise refuse(
                "POLICY_RECIPIENT_NOT_OWN_TIER",
                message("POLICY_RECIPIENT_NOT_OWN_TIER"),
                division_code=issuer.division_code,
            )
        return None
    if kind is RecommendationKind.IMPROVE_WORK:
        concerned = directory.current(concerned_unit_id or recipient.unit_id)
        if concerned.unit_id != recipient.unit_id:
            raise refuse(
                "RECOMMENDATION_WRONG_RECIPIENT",
                message("RECOMMENDATION_WRONG_RECIPIENT"),
                expected=concerned.unit_id,
            )
        return concerned
    if not concerned_unit_id:
        raise invalid("CONCERNED_UNIT_REQUIRED", message("CONCERNED_UNIT_REQUIRED"))
    concerned = directory.current(concerned_unit_id)
    # Art.40(3): 向有管理权限的机关、单位提出追究责任的建议 — the body managing the unit, or the
    # discipline inspection body that acts for that authority.
    bodies = [
        b.unit_id
        for b in (
            directory.management_authority_of(concerned.unit_id),
            directory.discipline_inspection_for(concerned.unit_id),
        )
        if b is not None
    ]
    if not bodies:
        raise refuse("NO_MANAGING_BODY", message("NO_MANAGING_BODY"), unit_id=concerned.unit_id)
    if recipient.unit_id not in bodies:
        raise refuse(
            "NOT_MANAGING_AUTHORITY",
            message("NOT_MANAGING_AUTHORITY"),
            expected=bodies,
        )
    return concerned


def _named_officials(
    directory: Directory, concerned: UnitRecord | None, officials: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    """The persons a recommendation names: officials of the unit concerned (Art.40)."""
    if officials and concerned is None:
        raise refuse("NAMED_OFFICIALS_NOT_FOR_POLICY", message("NAMED_OFFICIALS_NOT_FOR_POLICY"))
    named: dict[str, dict[str, str]] = {}
    for official in officials:
        official_id = str(official.get("official_id") or "").strip()
        name = str(official.get("name") or "").strip()
        unit_id = str(official.get("unit_id") or "").strip()
        if not (official_id and name and unit_id):
            raise invalid("NAMED_OFFICIAL_INVALID", message("NAMED_OFFICIAL_INVALID"))
        assert concerned is not None
        if directory.current(unit_id).unit_id != concerned.unit_id:
            raise refuse(
                "NAMED_OFFICIAL_NOT_OF_UNIT",
                message("NAMED_OFFICIAL_NOT_OF_UNIT"),
                official_id=official_id,
                unit_id=unit_id,
                expected=concerned.unit_id,
            )
        named.setdefault(
            official_id, {"official_id": official_id, "name": name, "unit_id": unit_id}
        )
    return list(named.values())


def recommendation_key_id(candidate_key: str) -> UUID:
    """The id of the recommendation issued for a candidate: the same key, the same id, so a
    second issue of one finding finds the first (and two at once cannot both be stored)."""
    return uuid5(NAMESPACE_URL, f"/xinfang/recommendations/{candidate_key}")


def recommendation_id(value: str) -> UUID:
    """A recommendation id from a caller; malformed is simply unknown."""
    try:
        return UUID(str(value))
    except ValueError:
        raise not_found("RECOMMENDATION_NOT_FOUND", message("RECOMMENDATION_NOT_FOUND")) from None
