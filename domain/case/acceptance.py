"""Acceptance: the unit holding a matter accepts it, objects to it, or declines it (Art.19,
23, 24, 31, 36). Each act, its event and the event's state change, side by side."""

from __future__ import annotations

from datetime import datetime

from domain.acts import Act
from domain.calendar import china_date
from domain.case.event import CaseEvent
from domain.case.guards import CaseGuards, enum_value
from domain.case.state import CaseState
from domain.classification import Category, Path
from domain.deadlines import objection_last_day
from domain.errors import invalid, refuse

# Art.19: what the superior writes when it declines the same matter brought to it.
REPEAT_DECLINE_REASON = (
    "重复信访：同一信访事项已由下级机关受理、正在办理期限内，本机关不予受理（第十九条）"
)


class Acceptance(CaseGuards):
    """受理, 异议 and its decision, 不予受理, 不再受理."""

    # -------------------------------------------------------------- accept
    class Accepted(CaseEvent):
        path: str | None
        note: str

        def change(self, case: CaseState) -> None:
            case.accepted_at = self.occurred_at
            case.accepted_by = self.actor["unit_id"]
            case.path = self.path
            case._close_receipt("accepted", self.occurred_at)

    def accept(self, act: Act, *, path: str | None = None, note: str = "") -> None:
        """受理 (Art.23): written notice of acceptance by the unit holding the matter."""
        self._check_open(act)
        if self.accepted_at is not None:
            raise refuse("ALREADY_ACCEPTED")
        self._check_holder(act)
        if self.objection_pending:
            raise refuse("OBJECTION_PENDING")
        path_value = self._path_for_acceptance(path)
        self._trigger(act, self.Accepted, path=path_value, note=note)

    def _path_for_acceptance(self, path: str | None) -> str | None:
        if self.category != Category.APPEAL.value:
            if path is not None:
                raise invalid("PATH_NOT_FOR_CATEGORY")
            return None
        if path is None:
            raise invalid("ACCEPT_PATH_REQUIRED")
        value = enum_value(Path, str(path), "UNKNOWN_PATH")
        if value.is_channelled:
            # Art.31(1)-(4): channelled into the lawful procedure, not accepted as a petition.
            raise refuse("CHANNEL_PATH_NOT_ACCEPTED", path=value.value)
        return value.value

    # -------------------------------------------------------------- object
    class Objected(CaseEvent):
        reason: str

        def change(self, case: CaseState) -> None:
            case.objection = {
                "unit_id": self.actor["unit_id"],
                "reason": self.reason,
                "at": self.occurred_at.isoformat(),
                "decided": False,
            }
            case._close_receipt("objected", self.occurred_at)

    def object(self, act: Act, *, reason: str) -> None:
        """异议 (Art.23): within 5 working days of receipt, if the matter is not its business."""
        self._check_open(act)
        if self.accepted_at is not None:
            raise refuse("ALREADY_ACCEPTED")
        self._check_holder(act)
        if self.objection_pending:
            raise refuse("OBJECTION_PENDING")
        receipt = self.receipts[-1]
        if receipt["via"] not in ("transfer", "assign", "route", "decision"):
            raise refuse("NOT_RECEIVED_BY_TRANSFER")
        if self.objection and self.objection["at"] >= receipt["at"]:
            # A rejected objection settles competence for this receipt (Art.23, 24).
            raise refuse("OBJECTION_ALREADY_DECIDED")
        if not reason.strip():
            raise invalid("OBJECTION_REASON_REQUIRED")
        last_day = objection_last_day(self, act.rules)
        if china_date(act.occurred_at) > last_day:
            raise refuse(
                "OBJECTION_WINDOW_EXPIRED",
                received_on=china_date(self.holder_received_at).isoformat(),
                last_day=last_day.isoformat(),
            )
        self._trigger(act, self.Objected, reason=reason)

    # ---------------------------------------------------- decide objection
    class ObjectionDecided(CaseEvent):
        agreed: bool
        competent_unit_id: str | None
        competent_is_bureau: bool
        note: str

        def change(self, case: CaseState) -> None:
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

    def decide_objection(
        self, act: Act, *, agreed: bool, competent_unit_id: str | None = None, note: str = ""
    ) -> None:
        """The transferring bureau (or the common superior) agrees or not (Art.23, 24): only
        then do the materials go back."""
        self._check_open(act)
        if not self.objection_pending:
            raise refuse("NO_OBJECTION_PENDING")
        deciders = {self.transferred_by}
        objector = self.objection["unit_id"] if self.objection else None
        superior = act.directory.superior_of(objector) if objector in act.directory else None
        if superior is not None:
            deciders.add(superior.unit_id)
        if not any(d and act.directory.answers_for(act.actor.unit_id, d) for d in deciders):
            raise refuse("OBJECTION_WRONG_DECIDER")
        competent_is_bureau = False
        if competent_unit_id is not None:
            if not agreed:
                raise invalid("COMPETENT_UNIT_WITHOUT_AGREEMENT")
            competent = self._check_target(act, competent_unit_id, allow_self=True)
            competent_unit_id, competent_is_bureau = competent.unit_id, competent.is_bureau
        self._trigger(
            act,
            self.ObjectionDecided,
            agreed=agreed,
            competent_unit_id=competent_unit_id,
            competent_is_bureau=competent_is_bureau,
            note=note,
        )

    # ------------------------------------------------------------- decline
    class Declined(CaseEvent):
        reason: str
        path: str | None

        def change(self, case: CaseState) -> None:
            case.declined_at = self.occurred_at
            case.decline_reason = self.reason
            if self.path:
                case.path = self.path
            case._close_receipt("declined", self.occurred_at)
            case._conclude(self.occurred_at, "declined")

    def decline(self, act: Act, *, reason: str, path: str | None = None) -> None:
        """不予受理 (Art.31): written notice naming the lawful channel of a path 1-4 matter.

        Only paths 1-4 leave the petition system. A matter on path 5 or 6, a suggestion or an
        accusation is within the unit's power or goes elsewhere by objection or routing:
        refusing it is 推诿 (Art.44(2)). The Art.19 repeat is declined at registration.
        """
        self._check_open(act)
        if self.accepted_at is not None:
            raise refuse("ALREADY_ACCEPTED")
        self._check_holder(act)
        if not reason.strip():
            raise invalid("DECLINE_REASON_REQUIRED")
        if self.category != Category.APPEAL.value:
            raise refuse("DECLINE_NOT_ALLOWED", category=self.category)
        if path is None:
            raise invalid("DECLINE_PATH_REQUIRED")
        path_value = enum_value(Path, str(path), "UNKNOWN_PATH")
        if not path_value.is_channelled:
            raise refuse("DECLINE_NOT_ALLOWED", path=path_value.value)
        self._trigger(act, self.Declined, reason=reason, path=path_value.value)

    def decline_as_repeat(self, act: Act) -> None:
        """不予受理 (Art.19): the same matter, accepted or being handled and still within its
        period, brought to a superior of the unit handling it."""
        self._check_open(act)
        self._trigger(act, self.Declined, reason=REPEAT_DECLINE_REASON, path=None)

    # ------------------------------------------------- refuse reacceptance
    class NotReaccepted(CaseEvent):
        """Art.36: same facts and reasons after a recheck are not accepted again."""

        original_case_id: str

        def change(self, case: CaseState) -> None:
            case.not_reaccepted = True
            case._close_receipt("declined", self.occurred_at)
            case._conclude(self.occurred_at, "not_reaccepted")

    def refuse_reacceptance(self, act: Act, *, original_case_id: str) -> None:
        """不再受理 (Art.36): a new registration of rechecked facts is closed as such."""
        self._check_open(act)
        self._trigger(act, self.NotReaccepted, original_case_id=original_case_id)
