"""The use cases of the 三项建议: issue, answer, read. Saved through the case service's store, so
the recommendation's events share the notification log (and the projections) with the cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain import access
from domain.acts import Act, Actor
from domain.application import CaseService
from domain.errors import forbidden, not_found
from domain.petition import Petition
from domain.recommendations import Recommendation, message, recommendation_id

ISSUE_ROLES = ("bureau",)
ANSWER_ROLES = ("handler", "bureau", "leader", "registrar")


class RecommendationService:
    """Issue and answer recommendations; one aggregate per recommendation."""

    def __init__(self, service: CaseService) -> None:
        self.service = service

    def _act(self, actor: Actor, occurred_at: datetime | None) -> Act:
        now = self.service.clock.now()
        return Act(actor, occurred_at or now, now, self.service.directory, self.service.rules)

    def issue(
        self,
        actor: Actor,
        *,
        kind: str,
        to_unit_id: str,
        grounds: str,
        cited_event_ids: Sequence[str] = (),
        cited_case_ids: Sequence[str] = (),
        serious_consequences: str | None = None,
        candidate_key: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Recommendation:
        """A bureau issues a recommendation to a unit within its jurisdiction, citing cases it
        may see (Art.14, 40)."""
        if not actor.has_any(*ISSUE_ROLES):
            raise forbidden("ROLE_REQUIRED", action="recommend", needs=list(ISSUE_ROLES))
        directory = self.service.directory
        recipient = directory.get(to_unit_id)
        # The body with management authority may sit one tier up (accountability, Art.40).
        reachable = recipient.division_code.startswith(actor.jurisdiction) or any(
            u.division_code.startswith(actor.jurisdiction)
            for u in directory
            if u.superior_id == recipient.unit_id
        )
        if "admin" not in actor.roles and not (actor.jurisdiction and reachable):
            raise forbidden("OUT_OF_JURISDICTION", jurisdiction=actor.jurisdiction)
        for case_id in cited_case_ids:
            access.check_visible(actor, self._case(case_id), directory)
        recommendation = Recommendation.issue(
            self._act(actor, occurred_at),
            kind=kind,
            to_unit_id=to_unit_id,
            grounds=grounds,
            cited_event_ids=[str(e) for e in cited_event_ids],
            cited_case_ids=[str(c) for c in cited_case_ids],
            serious_consequences=serious_consequences,
            candidate_key=candidate_key,
        )
        self.service.save(recommendation)
        return recommendation

    def answer(
        self,
        rec_id: UUID | str,
        actor: Actor,
        *,
        adopted: bool,
        text: str,
        occurred_at: datetime | None = None,
    ) -> Recommendation:
        """The receiving unit (or its successor after a merger) answers in writing."""
        if not actor.has_any(*ANSWER_ROLES):
            raise forbidden("ROLE_REQUIRED", action="answer-recommendation")
        recommendation = self._get(rec_id)
        recommendation.answer_in_writing(self._act(actor, occurred_at), adopted=adopted, text=text)
        self.service.save(recommendation)
        return recommendation

    def get(self, rec_id: UUID | str, actor: Actor) -> Recommendation:
        """The recommendation, for its recipient, a caller whose jurisdiction covers it, or the
        issuing bureau."""
        recommendation = self._get(rec_id)
        directory = self.service.directory
        if not (
            "admin" in actor.roles
            or directory.answers_for(actor.unit_id, recommendation.to_unit_id)
            or actor.unit_id == recommendation.issued_by.get("unit_id")
            or (actor.jurisdiction and recommendation.division_code.startswith(actor.jurisdiction))
        ):
            raise forbidden("OUT_OF_JURISDICTION", jurisdiction=actor.jurisdiction)
        return recommendation

    def _get(self, rec_id: UUID | str) -> Recommendation:
        key = rec_id if isinstance(rec_id, UUID) else recommendation_id(rec_id)
        try:
            found = self.service.repository.get(key)
        except AggregateNotFoundError:
            raise not_found(
                "RECOMMENDATION_NOT_FOUND", message("RECOMMENDATION_NOT_FOUND")
            ) from None
        if not isinstance(found, Recommendation):
            raise not_found("RECOMMENDATION_NOT_FOUND", message("RECOMMENDATION_NOT_FOUND"))
        return found

    def _case(self, case_id: str) -> Petition:
        try:
            found = self.service.repository.get(UUID(str(case_id)))
        except (AggregateNotFoundError, ValueError):
            raise not_found() from None
        if not isinstance(found, Petition):
            raise not_found()
        return found
