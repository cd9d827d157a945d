"""The base of every case event: who acted, when, the chain link, and how it is folded.

Every event keeps who acted (``actor``), when the act happened (``occurred_at``), when it was
recorded (``timestamp``) and the digest of the case's previous event (``prev_hash``). An event's
``change`` never fails: the act checked the rules before it triggered the event.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.chain import event_digest

if TYPE_CHECKING:
    from domain.case.state import CaseState

# Where stored case events are found. Stored topics are ``domain.case_events:<ClassName>``
# (databases hold them; projections and the relay filter by them) and the chain digests the
# bare class name, so the classes, wherever they are written, keep that module and name.
STORED_MODULE = "domain.case_events"


class CaseEvent(Aggregate.Event):
    __module__ = STORED_MODULE  # see STORED_MODULE: the topic of stored events never changes

    actor: dict[str, str]
    occurred_at: datetime
    prev_hash: str

    # False for an event that touches nothing ``domain.deadlines`` reads: the deadlines
    # computed before it still hold after it (``projections.case_memory`` keeps them).
    moves_deadlines = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # An event is written next to its act, inside a phase's class; stored, it keeps its
        # old topic and the chain keeps digesting its bare name (see STORED_MODULE).
        cls.__module__ = STORED_MODULE
        cls.__qualname__ = cls.__name__

    def apply(self, aggregate: Any) -> None:
        aggregate.last_occurred_at = self.occurred_at
        aggregate.last_hash = event_digest(self)
        self.change(aggregate)

    def change(self, case: CaseState) -> None:
        """The event's effect on the case; overridden by each kind of event."""
