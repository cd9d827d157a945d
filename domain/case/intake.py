"""Intake: a matter is registered, then passed to the unit that must handle it or routed out
(Art.20-23, 28, 30). Each act, its event and the event's state change, side by side."""

from __future__ import annotations

from datetime import date
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.acts import Act
from domain.calendar import china_date
from domain.case.event import CaseEvent
from domain.case.guards import CaseGuards, enum_value
from domain.case.state import MAX_VISIT_REPRESENTATIVES, CaseState
from domain.chain import GENESIS
from domain.classification import Category, Channel, RouteChannel
from domain.errors import invalid, refuse
from domain.units import Directory, Tier, UnitKind, UnitRecord

COLLECTIVE_THRESHOLD = 5  # practice: five or more people make a collective petition

# Who takes a matter routed out (Art.22, 28, 31(1)-(4)): a litigation matter the political-legal
# organ of the routing bureau's own tier and area, an accusation the discipline inspection body
# with management authority over the accused unit (both found in the directory when not named).
# The other channels may name the organ that takes the matter, which must be of a kind that
# holds such a procedure: an arbitration commission sits with a government or its department
# (labour and personnel disputes with human resources), a Party-member appeal goes to a Party
# committee or its discipline inspection, administrative review and rulings to a government or
# a department. Never a petition bureau, a village committee or an unrelated kind.
ROUTE_TARGET_KINDS: dict[RouteChannel, frozenset[UnitKind]] = {
    RouteChannel.POLITICAL_LEGAL: frozenset({UnitKind.POLITICAL_LEGAL}),
    RouteChannel.DISCIPLINE_INSPECTION: frozenset({UnitKind.DISCIPLINE_INSPECTION}),
    RouteChannel.ARBITRATION: frozenset({UnitKind.GOVERNMENT, UnitKind.DEPARTMENT}),
    RouteChannel.PARTY_APPEAL: frozenset(
        {UnitKind.PARTY_COMMITTEE, UnitKind.DISCIPLINE_INSPECTION}
    ),
    RouteChannel.ADMINISTRATIVE: frozenset({UnitKind.GOVERNMENT, UnitKind.DEPARTMENT}),
}


class Intake(CaseGuards):
    """登记, 转送, 交办, 导入法定途径, 告知."""

    # ------------------------------------------------------------ register
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
        # How the registration relates to ``repeat_of`` (``domain.repeats.Relation``);
        # registrations recorded before issue 15 lack it.
        repeat_relation: str | None = None

        def apply(self, aggregate: Any) -> None:
            aggregate._init_state(self)
            CaseEvent.apply(self, aggregate)

    @classmethod
    def register(
        cls,
        act: Act,
        *,
        case_id: UUID,
        serial_number: str,
        channel: str,
        category: str,
        division_code: str,
        subject: str,
        content: str,
        matter_kind: str,
        petitioners: list[dict[str, str]],
        anonymous: bool = False,
        people_count: int = 1,
        representatives: int = 0,
        signatures: int = 0,
        accused_unit_id: str | None = None,
        accused_persons: list[str] | None = None,
        external_id: str | None = None,
        level_skipping: bool = False,
        repeat_of: str | None = None,
        repeat_relation: str | None = None,
        query_code_hash: str = "",
        major: bool = False,
    ) -> Self:
        """登记 (Art.22, 23): every matter received is registered."""
        channel_value = enum_value(Channel, channel, "CHANNEL_INVALID")
        category_value = enum_value(Category, category, "CATEGORY_INVALID")
        receiving = act.directory.get(act.actor.unit_id)
        if not anonymous and not any(p.get("name") for p in petitioners):
            raise invalid("NO_PETITIONER")
        if people_count < 1 or representatives < 0 or signatures < 0:
            raise invalid("PEOPLE_COUNT_INVALID")
        # Art.20: a collective visit elects at most 5 representatives; joint letters are not capped.
        if channel_value is Channel.VISIT and representatives > MAX_VISIT_REPRESENTATIVES:
            raise refuse("TOO_MANY_REPRESENTATIVES", representatives=representatives)
        if category_value is Category.ACCUSATION:
            if not accused_unit_id:
                raise invalid("ACCUSED_UNIT_REQUIRED")
            act.directory.get(accused_unit_id)
        return cls._create(  # type: ignore[attr-defined,no-any-return]
            cls.Registered,
            id=case_id,
            timestamp=act.recorded_at,
            actor=act.actor.as_record(),
            occurred_at=act.occurred_at,
            prev_hash=GENESIS,
            serial_number=serial_number,
            external_id=external_id,
            channel=channel_value.value,
            category=category_value.value,
            division_code=division_code,
            subject=subject,
            content=content,
            matter_kind=matter_kind,
            petitioners=[dict(p) for p in petitioners],
            anonymous=anonymous,
            people_count=people_count,
            representatives=representatives,
            signatures=signatures,
            accused_unit_id=accused_unit_id,
            accused_persons=list(accused_persons or []),
            received_by=receiving.unit_id,
            received_by_bureau=receiving.is_bureau,
            level_skipping=level_skipping,
            collective=people_count >= COLLECTIVE_THRESHOLD,
            repeat_of=repeat_of,
            repeat_relation=repeat_relation,
            query_code_hash=query_code_hash,
            major=major,
        )

    # ------------------------------------------------------------ transfer
    class Transferred(CaseEvent):
        to_unit_id: str
        to_bureau: bool
        note: str
        # 越级访 judged again at the first competent unit (Art.20); None: this transfer says nothing.
        level_skipping: bool | None = None

        def change(self, case: CaseState) -> None:
            if self.level_skipping is not None:
                case.level_skipping = self.level_skipping
            case._receive(
                self.to_unit_id,
                "transfer",
                self.actor["unit_id"],
                self.occurred_at,
                bureau=self.to_bureau,
            )

    def transfer(self, act: Act, *, to_unit_id: str, note: str = "") -> None:
        """转送 (Art.22, 23): a bureau sends the matter to the competent unit; a department or
        a township government passes it to a unit of its own system below it."""
        self._check_open(act)
        self._check_passing_holder(act)
        target = self._check_target(act, to_unit_id)
        self._check_own_system(act, target)
        self._trigger(
            act,
            self.Transferred,
            to_unit_id=target.unit_id,
            to_bureau=target.is_bureau,
            note=note,
            level_skipping=self._level_skipping_at(act.directory, target),
        )

    # -------------------------------------------------------------- assign
    class Assigned(CaseEvent):
        to_unit_id: str
        to_bureau: bool
        due_on: date
        note: str
        level_skipping: bool | None = None  # as for ``Transferred``

        def change(self, case: CaseState) -> None:
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

    def assign(self, act: Act, *, to_unit_id: str, due_on: date, note: str = "") -> None:
        """交办 (Art.22, 23): a transfer with a set deadline and a completion report demanded
        back; by a bureau, or by a department or township government within its own system."""
        self._check_open(act)
        self._check_passing_holder(act)
        target = self._check_target(act, to_unit_id)
        self._check_own_system(act, target)
        if due_on <= china_date(act.occurred_at):
            raise invalid("ASSIGN_DUE_INVALID", due_on=due_on.isoformat())
        self._trigger(
            act,
            self.Assigned,
            to_unit_id=target.unit_id,
            to_bureau=target.is_bureau,
            due_on=due_on,
            note=note,
            level_skipping=self._level_skipping_at(act.directory, target),
        )

    # --------------------------------------------------------------- route
    class Routed(CaseEvent):
        channel: str
        to_unit_id: str | None
        note: str

        def change(self, case: CaseState) -> None:
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

    def route(
        self, act: Act, *, channel: str, to_unit_id: str | None = None, note: str = ""
    ) -> None:
        """Route out (Art.22, 28): an accusation to the discipline inspection body with
        management authority over the accused unit (管理权限); a litigation matter to the
        political-legal organ of the bureau's own tier and area (诉访分离); other channelled
        matters to their procedure (``ROUTE_TARGET_KINDS``). The first two go where the
        directory says: a bureau may leave ``to_unit_id`` out and the directory names the
        body, or name it and be refused if it names another."""
        self._check_open(act)
        self._check_bureau_holder(act)
        route = enum_value(RouteChannel, channel, "ROUTE_CHANNEL_INVALID")
        owned = (
            Category.ACCUSATION if route is RouteChannel.DISCIPLINE_INSPECTION else Category.APPEAL
        )
        if self.category != owned.value:
            raise refuse("ROUTE_CHANNEL_MISMATCH", channel=route.value)
        named = act.directory.current(to_unit_id) if to_unit_id else None
        if named is not None and named.kind not in ROUTE_TARGET_KINDS[route]:
            raise refuse(
                "ROUTE_TARGET_WRONG_KIND",
                channel=route.value,
                to_unit_id=named.unit_id,
                kind=named.kind.value,
                expected_kinds=sorted(k.value for k in ROUTE_TARGET_KINDS[route]),
            )
        if route is RouteChannel.DISCIPLINE_INSPECTION:
            named = self._discipline_inspection(act, named)
        elif route is RouteChannel.POLITICAL_LEGAL:
            named = self._political_legal_organ(act, named)
        target = self._check_target(act, named.unit_id) if named is not None else None
        self._trigger(
            act,
            self.Routed,
            channel=route.value,
            to_unit_id=target.unit_id if target else None,
            note=note,
        )

    def _discipline_inspection(self, act: Act, named: UnitRecord | None) -> UnitRecord:
        """Art.22, 30: the body with management authority over the accused unit, never another
        (an accusation against a county government goes to the city's, not the county's)."""
        accused = self.accused_unit_id or ""
        expected = act.directory.discipline_inspection_for(accused)
        if expected is None:
            raise refuse("NO_DISCIPLINE_INSPECTION_FOR_ACCUSED", accused_unit_id=accused)
        if named is not None and named.unit_id != expected.unit_id:
            raise refuse(
                "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY",
                to_unit_id=named.unit_id,
                expected_unit_id=expected.unit_id,
            )
        return expected

    @staticmethod
    def _political_legal_organ(act: Act, named: UnitRecord | None) -> UnitRecord:
        """Art.28 (诉访分离): the political-legal organ of the routing bureau's tier and area."""
        bureau = act.directory.get(act.actor.unit_id)
        if named is None:
            found = act.directory.organ_at(UnitKind.POLITICAL_LEGAL, bureau.division_code)
            if found is None:
                raise refuse("NO_POLITICAL_LEGAL_ORGAN", division_code=bureau.division_code)
            return found
        if named.division_code != bureau.division_code:
            raise refuse(
                "ROUTE_TARGET_WRONG_TIER",
                to_unit_id=named.unit_id,
                division_code=named.division_code,
                expected_division_code=bureau.division_code,
            )
        return named

    # -------------------------------------------------------------- inform
    class Informed(CaseEvent):
        method: str
        note: str

        def change(self, case: CaseState) -> None:
            case.informed_at = self.occurred_at

    def inform(self, act: Act, *, method: str = "written", note: str = "") -> None:
        """告知 (Art.23): a unit petitioned directly tells the petitioner how it proceeds."""
        self._check_open(act)
        self._check_holder(act)
        if self.received_by_bureau:
            raise refuse("NOT_A_DIRECT_PETITION")
        if self.anonymous or self.informed_at is not None:
            raise refuse("INFORM_NOT_REQUIRED")
        self._trigger(act, self.Informed, method=method, note=note)

    # ------------------------------------------------ passing a matter on
    def _check_bureau_holder(self, act: Act) -> None:
        if not act.directory.get(act.actor.unit_id).is_bureau:
            raise refuse("NOT_A_BUREAU")
        self._check_passing_holder(act)

    def _check_passing_holder(self, act: Act) -> None:
        """The unit passing a matter on holds it and has neither accepted it nor objected."""
        self._check_holder(act)
        if self.accepted_at is not None:
            raise refuse("ALREADY_ACCEPTED")
        if self.objection_pending:
            raise refuse("OBJECTION_PENDING")

    def _check_own_system(self, act: Act, target: UnitRecord) -> None:
        """Art.23: a unit that is not a petition bureau passes a matter only down its own
        system (a county department to its township office, a township to a village
        committee); anything else it objects to, or handles."""
        acting = act.directory.get(act.actor.unit_id)
        if acting.is_bureau:
            return
        if acting.kind is UnitKind.VILLAGE_COMMITTEE or not act.directory.is_under(
            target.unit_id, acting.unit_id
        ):
            raise refuse("TRANSFER_OUTSIDE_OWN_SYSTEM", to_unit_id=target.unit_id)

    def _level_skipping_at(self, directory: Directory, target: UnitRecord) -> bool | None:
        """越级访 judged again when a visit first reaches a competent unit (Art.20): received
        more than one tier above it. None when this transfer does not tell (a bureau, or a
        competent unit already reached)."""
        if (
            self.channel != Channel.VISIT.value
            or target.is_bureau
            or self.transfer_done_at is not None
            or self.received_by not in directory
        ):
            return None
        home = min(target.tier.rank, Tier.TOWNSHIP.rank)  # villages are not organs (Art.2)
        return home - directory.get(self.received_by).tier.rank > 1
