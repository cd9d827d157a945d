"""The checks several acts share, and the one way an act records its event.

Every act checks its rules first and raises a refusal before anything is recorded
(``domain.errors``); ``_trigger`` then records one event, stamped with who acted, when, and the
link to the case's previous event.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from domain.acts import Act
from domain.case.event import CaseEvent
from domain.case.state import CaseState
from domain.errors import invalid, refuse
from domain.units import UnitRecord

E = TypeVar("E", bound=Enum)


class CaseGuards(CaseState):
    """What every phase of a case checks the same way."""

    if TYPE_CHECKING:  # provided by ``eventsourcing.domain.Aggregate`` in ``Petition``

        def trigger_event(self, event_class: type[CaseEvent], **kwargs: Any) -> None: ...

    def _trigger(self, act: Act, event_class: type[CaseEvent], **payload: Any) -> None:
        self._check_time(act)
        self.trigger_event(
            event_class,
            timestamp=act.recorded_at,
            actor=act.actor.as_record(),
            occurred_at=act.occurred_at,
            prev_hash=self.last_hash,
            **payload,
        )

    def _check_time(self, act: Act) -> None:
        if act.occurred_at < self.last_occurred_at:
            raise refuse(
                "OCCURRED_BEFORE_PREVIOUS",
                previous=self.last_occurred_at.isoformat(),
                occurred_at=act.occurred_at.isoformat(),
            )

    def _check_open(self, act: Act) -> None:
        self._check_time(act)
        if self.rechecked:
            raise refuse("CASE_FINAL_AFTER_RECHECK")
        if self.concluded:
            raise refuse("CASE_CONCLUDED", conclusion=self.conclusion)

    def _check_holder(self, act: Act) -> None:
        if not act.directory.answers_for(act.actor.unit_id, self.holder_unit_id):
            raise refuse("NOT_HOLDER", holder_unit_id=self.holder_unit_id)

    def _check_target(self, act: Act, to_unit_id: str, *, allow_self: bool = False) -> UnitRecord:
        target = act.directory.current(to_unit_id)
        if not allow_self and target.unit_id == act.actor.unit_id:
            raise refuse("TRANSFER_TO_SELF")
        # Art.30, 46: an accusation never reaches the unit it accuses, nor units under it.
        if self.accused_unit_id and act.directory.is_under(target.unit_id, self.accused_unit_id):
            raise refuse("ACCUSATION_TO_ACCUSED_UNIT", to_unit_id=target.unit_id)
        if not target.active:
            raise invalid("UNIT_INACTIVE", unit_id=target.unit_id)
        return target


def enum_value(enum_cls: type[E], value: str, code: str, message: str | None = None) -> E:
    """``enum_cls(value)``, or the invalid-input error ``code`` listing the allowed values."""
    try:
        return enum_cls(value)
    except ValueError:
        raise invalid(code, message, value=value, allowed=[m.value for m in enum_cls]) from None
