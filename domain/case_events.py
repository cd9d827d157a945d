"""The events of a case: one class per act, each saying how it changes the case.

Every event keeps who acted (``actor``), when the act happened (``occurred_at``), when it was
recorded (``timestamp``) and the digest of the case's previous event (``prev_hash``). An event's
``change`` never fails: the rules were checked by the act before it was triggered.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.calendar import china_date
from domain.chain import event_digest
from domain.classification import Document, RouteChannel


class CaseEvent(Aggregate.Event):
    actor: dict[str, str]
    occurred_at: datetime
    prev_hash: str

    def apply(self, aggregate: Any) -> None:
        aggregate.last_occurred_at = self.occurred_at
        aggregate.last_hash = event_digest(self)
        self.change(aggregate)

    def change(self, case: Any) -> None:
        """The event's effect on the case; overridden by each kind of event."""


class Registered(Aggregate.Created, CaseEvent):
    serial_number: str
    external_id: str | None
    channel: str
    category: str
    division_code: str
    subject: str
    content: str
    matter_kind: str
    petitioners: list[dict[str, str]]
    anonymous: bool
    people_count: int
    representatives: int
    signatures: int
    accused_unit_id: str | None
    accused_persons: list[str]
    received_by: str
    received_by_bureau: bool
    level_skipping: bool
    collective: bool
    repeat_of: str | None
    query_code_hash: str
    major: bool
    # How the registration relates to ``repeat_of`` (``domain.repeats.Relation``); registrations
    # recorded before issue 15 lack it.
    repeat_relation: str | None = None

    def apply(self, aggregate: Any) -> None:
        aggregate._init_state(self)
        CaseEvent.apply(self, aggregate)


class Transferred(CaseEvent):
    to_unit_id: str
    to_bureau: bool
    note: str
    # 越级访 judged again at the first competent unit (Art.20); None: this transfer says nothing.
    level_skipping: bool | None = None

    def change(self, case: Any) -> None:
        if self.level_skipping is not None:
            case.level_skipping = self.level_skipping
        case._receive(
            self.to_unit_id,
            "transfer",
            self.actor["unit_id"],
            self.occurred_at,
            bureau=self.to_bureau,
        )


class Assigned(CaseEvent):
    to_unit_id: str
    to_bureau: bool
    due_on: date
    note: str
    level_skipping: bool | None = None  # as for ``Transferred``

    def change(self, case: Any) -> None:
        if self.level_skipping is not None:
            case.level_skipping = self.level_skipping
        case._receive(
            self.to_unit_id,
            "assign",
            self.actor["unit_id"],
            self.occurred_at,
            bureau=self.to_bureau,
        )
        case.assigned_due_on = self.due_on
        case.assigned_by = self.actor["unit_id"]


class Routed(CaseEvent):
    channel: str
    to_unit_id: str | None
    note: str

    def change(self, case: Any) -> None:
        route = RouteChannel(self.channel)
        case.routed_channel = route.value
        if route is RouteChannel.DISCIPLINE_INSPECTION and self.to_unit_id:
            case._receive(
                self.to_unit_id, "route", self.actor["unit_id"], self.occurred_at, bureau=False
            )
        else:
            case._close_receipt("passed_on", self.occurred_at)
            path = route.path
            case.path = path.value if path else case.path
            case._conclude(self.occurred_at, "routed")


class Informed(CaseEvent):
    method: str
    note: str

    def change(self, case: Any) -> None:
        case.informed_at = self.occurred_at


class Accepted(CaseEvent):
    path: str | None
    note: str

    def change(self, case: Any) -> None:
        case.accepted_at = self.occurred_at
        case.accepted_by = self.actor["unit_id"]
        case.path = self.path
        case._close_receipt("accepted", self.occurred_at)


class Objected(CaseEvent):
    reason: str

    def change(self, case: Any) -> None:
        case.objection = {
            "unit_id": self.actor["unit_id"],
            "reason": self.reason,
            "at": self.occurred_at.isoformat(),
            "decided": False,
        }
        case._close_receipt("objected", self.occurred_at)


class ObjectionDecided(CaseEvent):
    agreed: bool
    competent_unit_id: str | None
    competent_is_bureau: bool
    note: str

    def change(self, case: Any) -> None:
        objection = dict(case.objection or {})
        objection.update(decided=True, agreed=self.agreed)
        case.objection = objection
        if not self.agreed:
            # The unit must handle it after all; its acceptance duty runs on from where it
            # stood: the days the bureau took to decide are not counted against it (Art.23).
            case._reopen_receipt()
            objected_at = datetime.fromisoformat(objection["at"])
            paused = (china_date(self.occurred_at) - china_date(objected_at)).days
            receipt = case.receipts[-1]
            receipt["paused_days"] = receipt.get("paused_days", 0) + max(0, paused)
            return
        if self.competent_unit_id:
            case._receive(
                self.competent_unit_id,
                "decision",
                self.actor["unit_id"],
                self.occurred_at,
                bureau=self.competent_is_bureau,
            )
        else:
            # Materials go back to the transferring bureau, which transfers again.
            case._receive(
                case.transferred_by or self.actor["unit_id"],
                "returned",
                self.actor["unit_id"],
                self.occurred_at,
                bureau=True,
            )


class Declined(CaseEvent):
    reason: str
    path: str | None

    def change(self, case: Any) -> None:
        case.declined_at = self.occurred_at
        case.decline_reason = self.reason
        if self.path:
            case.path = self.path
        case._close_receipt("declined", self.occurred_at)
        case._conclude(self.occurred_at, "declined")


class Extended(CaseEvent):
    days: int
    reason: str
    approved_by: str

    def change(self, case: Any) -> None:
        case.extensions.append(
            {"days": self.days, "at": self.occurred_at.isoformat(), "reason": self.reason}
        )


class Answered(CaseEvent):
    outcome: str
    opinion: str
    basis: str
    # Since issue 15 (Art.32): events recorded before lack them and read as empty.
    facts: str = ""
    review_right: str = ""

    def change(self, case: Any) -> None:
        case.answered_at = self.occurred_at
        case.answer_outcome = self.outcome
        case.answered_by = self.actor["unit_id"]
        case.unserved = Document.ANSWER.value


class Served(CaseEvent):
    document: str

    def change(self, case: Any) -> None:
        case.served_at[self.document] = self.occurred_at
        case.unserved = None


class ReviewRequested(CaseEvent):
    reviewing_unit_id: str

    def change(self, case: Any) -> None:
        case.review_requested_at = self.occurred_at
        case.reviewing_unit_id = self.reviewing_unit_id


class Reviewed(CaseEvent):
    outcome: str
    opinion: str

    def change(self, case: Any) -> None:
        case.reviewed_at = self.occurred_at
        case.review_outcome = self.outcome
        case.unserved = Document.REVIEW.value


class RecheckRequested(CaseEvent):
    rechecking_unit_id: str

    def change(self, case: Any) -> None:
        case.recheck_requested_at = self.occurred_at
        case.rechecking_unit_id = self.rechecking_unit_id


class HearingHeld(CaseEvent):
    started_on: date
    ended_on: date
    stage: str
    note: str

    def change(self, case: Any) -> None:
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


class Rechecked(CaseEvent):
    outcome: str
    opinion: str

    def change(self, case: Any) -> None:
        case.rechecked_at = self.occurred_at
        case.recheck_outcome = self.outcome
        case.unserved = Document.RECHECK.value
        case._conclude(self.occurred_at, "rechecked")


class Urged(CaseEvent):
    target_unit_id: str
    reason: str
    due_on: date | None

    def change(self, case: Any) -> None:
        case.urges.append(
            {
                "target_unit_id": self.target_unit_id,
                "by_unit_id": self.actor["unit_id"],
                "at": self.occurred_at.isoformat(),
                "reason": self.reason,
            }
        )


class Evaluated(CaseEvent):
    satisfaction: str
    comment: str
    # "petitioner" (the tracking channel) or "return_visit" (a bureau's 回访).
    source: str = "petitioner"

    def change(self, case: Any) -> None:
        case.evaluation = {
            "satisfaction": self.satisfaction,
            "at": self.occurred_at.isoformat(),
            "comment": self.comment,
            "source": self.source,
        }


class LeaderAssigned(CaseEvent):
    leader_id: str
    leader_name: str
    leader_unit_id: str

    def change(self, case: Any) -> None:
        case.leaders.append(
            {
                "leader_id": self.leader_id,
                "name": self.leader_name,
                "unit_id": self.leader_unit_id,
                "at": self.occurred_at.isoformat(),
            }
        )


class Concluded(CaseEvent):
    reason: str

    def change(self, case: Any) -> None:
        case._conclude(self.occurred_at, self.reason)


class NotReaccepted(CaseEvent):
    """Art.36: same facts and reasons after a recheck are not accepted again."""

    original_case_id: str

    def change(self, case: Any) -> None:
        case.not_reaccepted = True
        case._close_receipt("declined", self.occurred_at)
        case._conclude(self.occurred_at, "not_reaccepted")


class RepeatLinked(CaseEvent):
    repeat_case_id: str
    relation: str = "repeat"  # ``domain.repeats.Relation``

    def change(self, case: Any) -> None:
        case.repeats.append(self.repeat_case_id)


class AccusationViewed(CaseEvent):
    """Who read an accusation is itself recorded (domain.md §7)."""

    purpose: str


class AccusationReadRefused(CaseEvent):
    """An official of the accused unit (or a unit under it) tried to read an accusation about
    it and was told the case does not exist. Recorded for discipline inspection: it is what
    the system can see of an attempt to learn an accuser's materials (Art.30, 46)."""

    purpose: str
