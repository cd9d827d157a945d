"""The base of every case event: who acted, when, the chain link, and how it is folded.

Every event keeps who acted (``actor``), when the act happened (``occurred_at``), when it was
recorded (``timestamp``) and the digest of the case's previous event (``prev_hash``). An event's
``change`` never fails: the act checked the rules before it triggered the event.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from domain.chain import event_digest

if TYPE_CHECKING:
    from domain.case.state import CaseState

# Where stored case events are found. Stored topics are ``domain.case_events:<ClassName>``
# (databases hold them; projections and the relay filter by them) and the chain digests the
# bare class name, so every case event, wherever it is written, keeps that topic (the
# library's explicit ``TOPIC``) and a bare qualified name.
STORED_MODULE = "domain.case_events"


def _stored_topic(cls: type) -> str:
    return f"{STORED_MODULE}:{cls.__name__}"


class CaseEvent(Aggregate.Event):
    TOPIC = f"{STORED_MODULE}:CaseEvent"  # see STORED_MODULE

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
        cls.TOPIC = _stored_topic(cls)
        cls.__qualname__ = cls.__name__
        register_topic(cls.TOPIC, cls)

    def apply(self, aggregate: Any) -> None:
        aggregate.last_occurred_at = self.occurred_at
        aggregate.last_hash = event_digest(self)
        self.change(aggregate)

    def change(self, case: CaseState) -> None:
        """The event's effect on the case; overridden by each kind of event."""
