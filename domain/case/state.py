"""What a case knows about itself: the fields its events write, its receipts, and what is
derived from them (stage, holder, extension days) for acts and queries alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from domain.chain import GENESIS
from domain.classification import Category, Path

if TYPE_CHECKING:
    from domain.case.intake import Intake

MAX_VISIT_REPRESENTATIVES = 5  # Art.20: a collective visit elects at most 5 representatives


class Stage:
    """Where a case stands; a derived label, not stored."""

    REGISTERED = "registered"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    OBJECTION_PENDING = "objection_pending"
    HANDLING = "handling"
    ANSWERED = "answered"
    REVIEWING = "reviewing"
    REVIEWED = "reviewed"
    RECHECKING = "rechecking"
    CONCLUDED = "concluded"


class CaseState:
    """The fields of a case and the labels derived from them."""

    def _init_state(self, e: Intake.Registered) -> None:
        """The case as its registration makes it (``Registered``'s state change)."""
        self.serial_number = e.serial_number
        self.external_id = e.external_id
        self.channel = e.channel
        self.category = e.category
        self.division_code = e.division_code
        self.subject = e.subject
        self.content = e.content
        self.matter_kind = e.matter_kind
        self.petitioners = list(e.petitioners)
        self.anonymous = e.anonymous
        self.people_count = e.people_count
        self.representatives = e.representatives
        self.signatures = e.signatures
        self.accused_unit_id = e.accused_unit_id
        self.accused_persons = list(e.accused_persons)
        self.received_by = e.received_by
        self.received_by_bureau = e.received_by_bureau
        self.received_at = e.occurred_at
        self.level_skipping = e.level_skipping
        self.collective = e.collective
        self.repeat_of = e.repeat_of
        self.repeat_relation = e.repeat_relation
        self.query_code_hash = e.query_code_hash
        self.major = e.major
        self.registered_by = dict(e.actor)
        self.path: str | None = None
        self.receipts: list[dict[str, Any]] = []
        self.holder_unit_id = e.received_by
        self.transferred_by: str | None = None
        self.transfer_done_at: datetime | None = None
        self.routed_channel: str | None = None
        self.informed_at: datetime | None = None
        self.accepted_at: datetime | None = None
        self.accepted_by: str | None = None
        self.objection: dict[str, Any] | None = None
        self.declined_at: datetime | None = None
        self.decline_reason: str | None = None
        self.extensions: list[dict[str, Any]] = []
        self.assigned_due_on: date | None = None
        self.assigned_by: str | None = None
        self.answered_at: datetime | None = None
        self.answer_outcome: str | None = None
        self.answered_by: str | None = None
        self.unserved: str | None = None
        self.served_at: dict[str, datetime] = {}
        self.review_requested_at: datetime | None = None
        self.reviewing_unit_id: str | None = None
        self.reviewed_at: datetime | None = None
        self.review_outcome: str | None = None
        self.recheck_requested_at: datetime | None = None
        self.rechecking_unit_id: str | None = None
        self.recheck_hearing_days = 0
        self.hearings: list[dict[str, Any]] = []
        self.rechecked_at: datetime | None = None
        self.recheck_outcome: str | None = None
        self.urges: list[dict[str, Any]] = []
        self.evaluation: dict[str, Any] | None = None
        self.leaders: list[dict[str, Any]] = []
        self.concluded_at: datetime | None = None
        self.conclusion: str | None = None
        self.not_reaccepted = False
        self.repeats: list[str] = []
        self.last_occurred_at: datetime = e.occurred_at
        self.last_hash = GENESIS
        self.receipts.append(
            self._receipt(
                e.received_by, "registration", None, e.occurred_at, bureau=e.received_by_bureau
            )
        )

    @staticmethod
    def _receipt(
        unit_id: str, via: str, by: str | None, at: datetime, *, bureau: bool
    ) -> dict[str, Any]:
        return {
            "unit_id": unit_id,
            "via": via,
            "by": by,
            "at": at.isoformat(),
            "bureau": bureau,
            "outcome": None,
            "outcome_at": None,
        }

    def _receive(self, unit_id: str, via: str, by: str, at: datetime, *, bureau: bool) -> None:
        """The case reaches ``unit_id``: it now holds the case and its acceptance duty runs."""
        self._close_receipt("passed_on", at)
        self.receipts.append(self._receipt(unit_id, via, by, at, bureau=bureau))
        self.holder_unit_id = unit_id
        if via in ("transfer", "assign", "route"):
            self.transferred_by = by
        if not bureau and self.transfer_done_at is None:
            self.transfer_done_at = at

    def _close_receipt(self, outcome: str, at: datetime) -> None:
        current = self.receipts[-1]
        if current["outcome"] is None:
            current["outcome"] = outcome
            current["outcome_at"] = at.isoformat()
        if self.transfer_done_at is None and outcome in ("accepted", "declined"):
            self.transfer_done_at = at
        if outcome == "passed_on" and self.transfer_done_at is None and self.routed_channel:
            self.transfer_done_at = at

    def _reopen_receipt(self) -> None:
        self.receipts[-1]["outcome"] = None
        self.receipts[-1]["outcome_at"] = None

    def _conclude(self, at: datetime, reason: str) -> None:
        if self.concluded_at is None:
            self.concluded_at = at
            self.conclusion = reason

    # ------------------------------------------------------------ derived
    @property
    def concluded(self) -> bool:
        return self.concluded_at is not None

    @property
    def rechecked(self) -> bool:
        return self.rechecked_at is not None

    @property
    def objection_pending(self) -> bool:
        return bool(self.objection) and not self.objection.get("decided", False)

    @property
    def holder_received_at(self) -> datetime:
        return datetime.fromisoformat(self.receipts[-1]["at"])

    @property
    def extension_days(self) -> int:
        return sum(int(x["days"]) for x in self.extensions)

    @property
    def stage(self) -> str:
        if self.concluded:
            return Stage.CONCLUDED
        if self.recheck_requested_at is not None:
            return Stage.RECHECKING
        if self.reviewed_at is not None:
            return Stage.REVIEWED
        if self.review_requested_at is not None:
            return Stage.REVIEWING
        if self.answered_at is not None:
            return Stage.ANSWERED
        if self.accepted_at is not None:
            return Stage.HANDLING
        if self.objection_pending:
            return Stage.OBJECTION_PENDING
        if self.receipts[-1]["bureau"]:
            return Stage.REGISTERED
        return Stage.AWAITING_ACCEPTANCE

    @property
    def needs_representatives(self) -> bool:
        """A visit of five or more people that named no representatives: the receiving unit
        asks them to elect at most 5 (Art.20)."""
        return (
            self.channel == "visit"
            and self.people_count >= MAX_VISIT_REPRESENTATIVES
            and self.representatives == 0
        )

    @property
    def is_path_6(self) -> bool:
        return self.category == Category.APPEAL.value and self.path == Path.OPINION.value
