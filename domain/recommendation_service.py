"""The use cases of the 三项建议: issue, answer, read. Saved through the case service's store, so
the recommendation's events share the notification log (and the projections) with the cases.

Issuing a candidate twice: a recommendation issued with a ``candidate_key`` takes its id from
the key, so the second issue of the same finding (a double click, a retried request, a second
bureau that saw the same candidate) returns the recommendation already issued and records
nothing (``created`` is False), as registering a known ``external_id`` does. A second issue that
names another kind or recipient for the same key is refused (``RECOMMENDATION_KEY_CONFLICT``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain import access
from domain.acts import Act, Actor
from domain.application import CaseService
from domain.chain import event_id
from domain.errors import NotFound, forbidden, invalid, not_found, refuse
from domain.petition import Petition
from domain.recommendations import (
    Recommendation,
    RecommendationKind,
    message,
    recommendation_id,
    recommendation_key_id,
)


@dataclass(frozen=True)
class Issued:
    """What issuing answers: the recommendation, whether this call recorded it, and where."""

    recommendation: Recommendation
    created: bool
    position: int | None


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
        concerned_unit_id: str | None = None,
        occurred_at: datetime | None = None,
        named_officials: Sequence[dict[str, str]] = (),
    ) -> Issued:
        """A bureau issues a recommendation about a unit in its jurisdiction, citing cases it
        may see and events of those cases, and naming officials of that unit if it will
        (Art.14, 40)."""
        access.check_may(actor, access.Duty.RECOMMEND)
        directory = self.service.directory
        if candidate_key:
            existing = self._find(recommendation_key_id(candidate_key))
            if existing is not None:
                return Issued(self._same_finding(existing, actor, kind, to_unit_id), False, None)
        # The unit the recommendation is about must be in the bureau's area; the recipient of
        # an accountability recommendation (a body with management authority) may sit above.
        policy = kind == RecommendationKind.IMPROVE_POLICY.value
        about = directory.get(to_unit_id if policy or not concerned_unit_id else concerned_unit_id)
        if not _covers(actor, about.division_code):
            raise forbidden(
                "OUT_OF_JURISDICTION",
                message("OUT_OF_JURISDICTION"),
                jurisdiction=actor.jurisdiction,
            )
        cases = [self._case(c) for c in dict.fromkeys(str(c) for c in cited_case_ids)]
        for case in cases:
            access.check_visible(actor, case, directory)
        _check_cited_events(cases, cited_event_ids)
        recommendation = Recommendation.issue(
            self._act(actor, occurred_at),
            kind=kind,
            to_unit_id=to_unit_id,
            grounds=grounds,
            cited_event_ids=[str(e) for e in cited_event_ids],
            cited_case_ids=[str(c.id) for c in cases],
            serious_consequences=serious_consequences,
            candidate_key=candidate_key,
            concerned_unit_id=concerned_unit_id,
            accused_unit_ids=[c.accused_unit_id for c in cases if c.accused_unit_id],
            named_officials=named_officials,
        )
        try:
            position = self.service.store.save(recommendation)
        except IntegrityError:
            # The same candidate issued at the same moment elsewhere: that one stands.
            assert candidate_key
            stored = self._get(recommendation.id)
            return Issued(self._same_finding(stored, actor, kind, to_unit_id), False, None)
        return Issued(recommendation, True, position)

    def _same_finding(
        self, existing: Recommendation, actor: Actor, kind: str, to_unit_id: str
    ) -> Recommendation:
        """The recommendation already issued for a candidate key, if it is the same finding
        and the caller may see it."""
        self._check_visible(existing, actor)
        recipient = self.service.directory.current(to_unit_id).unit_id
        if existing.kind != kind or existing.to_unit_id not in (to_unit_id, recipient):
            raise refuse(
                "RECOMMENDATION_KEY_CONFLICT",
                message("RECOMMENDATION_KEY_CONFLICT"),
                existing_id=str(existing.id),
            )
        return existing

    def answer(
        self,
        rec_id: UUID | str,
        actor: Actor,
        *,
        adopted: bool,
        text: str,
        occurred_at: datetime | None = None,
    ) -> tuple[Recommendation, int | None]:
        """The receiving unit (or its successor after a merger) answers in writing."""
        access.check_may(actor, access.Duty.ANSWER_RECOMMENDATION)
        recommendation = self.get(rec_id, actor)
        recommendation.answer_in_writing(self._act(actor, occurred_at), adopted=adopted, text=text)
        return recommendation, self.service.store.save(recommendation)

    def get(self, rec_id: UUID | str, actor: Actor) -> Recommendation:
        """The recommendation, for its recipient, a caller whose jurisdiction covers it, or the
        issuing bureau; never for a unit accused in a case it cites (as if it did not exist)."""
        recommendation = self._get(rec_id)
        self._check_visible(recommendation, actor)
        return recommendation

    def _check_visible(self, recommendation: Recommendation, actor: Actor) -> None:
        directory = self.service.directory
        if recommendation.hidden_from(actor.unit_id, directory):
            raise not_found("RECOMMENDATION_NOT_FOUND", message("RECOMMENDATION_NOT_FOUND"))
        if not (
            directory.answers_for(actor.unit_id, recommendation.to_unit_id)
            or actor.unit_id == recommendation.issued_by.get("unit_id")
            or _covers(actor, recommendation.division_code)
        ):
            raise forbidden(
                "OUT_OF_JURISDICTION",
                message("OUT_OF_JURISDICTION"),
                jurisdiction=actor.jurisdiction,
            )

    def _find(self, key: UUID) -> Recommendation | None:
        try:
            return self._get(key)
        except NotFound:
            return None

    def _get(self, rec_id: UUID | str) -> Recommendation:
        key = rec_id if isinstance(rec_id, UUID) else recommendation_id(rec_id)
        found = self.service.store.load(key, latest=True)
        if not isinstance(found, Recommendation):
            raise not_found("RECOMMENDATION_NOT_FOUND", message("RECOMMENDATION_NOT_FOUND"))
        return found

    def _case(self, case_id: str) -> Petition:
        try:
            found = self.service.store.load(UUID(str(case_id)), latest=True)
        except ValueError:
            raise not_found(case_id=str(case_id)) from None
        if not isinstance(found, Petition):
            raise not_found(case_id=str(case_id))
        return found


def _covers(actor: Actor, division_code: str) -> bool:
    return "admin" in actor.roles or (
        bool(actor.jurisdiction) and division_code.startswith(actor.jurisdiction)
    )


def _check_cited_events(cases: Sequence[Petition], cited_event_ids: Sequence[str]) -> None:
    """Every cited event is one of the cited cases' own (``domain.chain.event_id``), so a
    citation always leads back to a recorded act."""
    known = {str(event_id(c.id, v)) for c in cases for v in range(1, c.version + 1)}
    unknown = [str(e) for e in cited_event_ids if str(e) not in known]
    if unknown:
        raise invalid("CITED_EVENT_UNKNOWN", message("CITED_EVENT_UNKNOWN"), event_ids=unknown)
