"""Oversight: what bureaus, leaders and readers do around a case without moving it on (Art.18,
30, 38, 40, 46; domain.md §7). None of these events moves a deadline. Each act, its event and
the event's state change, side by side."""

from __future__ import annotations

from datetime import date

from domain.acts import Act
from domain.case.event import CaseEvent
from domain.case.guards import CaseGuards
from domain.case.state import CaseState
from domain.errors import invalid, refuse


class Oversight(CaseGuards):
    """督办, 领导包案, 关联重复信访, reads of an accusation."""

    # ---------------------------------------------------------------- urge
    class Urged(CaseEvent):
        moves_deadlines = False

        target_unit_id: str
        reason: str
        due_on: date | None

        def change(self, case: CaseState) -> None:
            case.urges.append(
                {
                    "target_unit_id": self.target_unit_id,
                    "by_unit_id": self.actor["unit_id"],
                    "at": self.occurred_at.isoformat(),
                    "reason": self.reason,
                }
            )

    def urge(
        self, act: Act, *, target_unit_id: str, reason: str, due_on: date | None = None
    ) -> None:
        """督办 (Art.38, 40): a bureau urges a unit that breaks the rules or stalls."""
        self._check_time(act)
        if not act.directory.get(act.actor.unit_id).is_bureau:
            raise refuse("NOT_A_BUREAU")
        involved = {r["unit_id"] for r in self.receipts}
        involved |= {u for u in (self.reviewing_unit_id, self.rechecking_unit_id) if u}
        target = act.directory.current(target_unit_id).unit_id
        if target not in involved and not any(
            act.directory.answers_for(target, u) for u in involved if u in act.directory
        ):
            raise refuse("URGE_TARGET_NOT_INVOLVED", target_unit_id=target_unit_id)
        if not reason.strip():
            raise invalid("URGE_REASON_REQUIRED")
        self._trigger(act, self.Urged, target_unit_id=target, reason=reason, due_on=due_on)

    # ------------------------------------------------------- assign leader
    class LeaderAssigned(CaseEvent):
        moves_deadlines = False

        leader_id: str
        leader_name: str
        leader_unit_id: str

        def change(self, case: CaseState) -> None:
            case.leaders.append(
                {
                    "leader_id": self.leader_id,
                    "name": self.leader_name,
                    "unit_id": self.leader_unit_id,
                    "at": self.occurred_at.isoformat(),
                }
            )

    def assign_leader(
        self, act: Act, *, leader_id: str, leader_name: str, leader_unit_id: str
    ) -> None:
        """包案 (Art.18): a leader personally owns a hard case."""
        self._check_time(act)
        act.directory.get(leader_unit_id)
        if any(x["leader_id"] == leader_id for x in self.leaders):
            raise refuse("LEADER_ALREADY_OWNS")
        self._trigger(
            act,
            self.LeaderAssigned,
            leader_id=leader_id,
            leader_name=leader_name,
            leader_unit_id=leader_unit_id,
        )

    # --------------------------------------------------------- link repeat
    class RepeatLinked(CaseEvent):
        moves_deadlines = False

        repeat_case_id: str
        relation: str = "repeat"  # ``domain.repeats.Relation``

        def change(self, case: CaseState) -> None:
            case.repeats.append(self.repeat_case_id)

    def link_repeat(self, act: Act, *, repeat_case_id: str, relation: str = "repeat") -> None:
        """A later registration the registrar names as this matter is linked to this case
        (``domain.repeats.Relation`` says how)."""
        self._check_time(act)
        self._trigger(act, self.RepeatLinked, repeat_case_id=repeat_case_id, relation=relation)

    # ----------------------------------------------------------- reads
    class AccusationViewed(CaseEvent):
        """Who read an accusation is itself recorded (domain.md §7)."""

        moves_deadlines = False

        purpose: str

    def record_view(self, act: Act, *, purpose: str = "read") -> None:
        """Who read an accusation is itself recorded (domain.md §7)."""
        self._trigger(act, self.AccusationViewed, purpose=purpose)

    class AccusationReadRefused(CaseEvent):
        """An official of the accused unit (or a unit under it) tried to read an accusation
        about it and was told the case does not exist. Recorded for discipline inspection: it
        is what the system can see of an attempt to learn an accuser's materials (Art.30, 46)."""

        moves_deadlines = False

        purpose: str

    def record_refused_read(self, act: Act, *, purpose: str = "read") -> None:
        """An accused unit's attempt to read the accusation about it (Art.30, 46)."""
        self._trigger(act, self.AccusationReadRefused, purpose=purpose)
