"""The case (信访事项): every act of the 2022 《信访工作条例》, checked, then recorded.

Each public method is an act in the domain's words. It checks the rules first and raises a
refusal before anything is recorded; only then it triggers one event (``domain.case_events``),
whose ``change`` updates the state (``domain.case_state``) and never fails.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import case_events as ev
from domain.acts import Act
from domain.calendar import china_date
from domain.case_state import MAX_VISIT_REPRESENTATIVES, CaseState
from domain.chain import GENESIS
from domain.classification import (
    OPINION_OUTCOMES,
    Category,
    Channel,
    Document,
    Outcome,
    Path,
    RouteChannel,
    Satisfaction,
)
from domain.deadlines import OBJECTION_WORKING_DAYS, RECHECK_REQUEST_DAYS, REVIEW_REQUEST_DAYS
from domain.errors import invalid, refuse
from domain.units import Directory, Tier, UnitKind, UnitRecord

COLLECTIVE_THRESHOLD = 5  # practice: five or more people make a collective petition
MAX_EXTENSION_DAYS = 30  # Art.34

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


class Petition(CaseState, Aggregate):
    """One 信访事项 and everything done about it, across every tier."""

    # ------------------------------------------------------------- the acts
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
    ) -> Petition:
        """登记 (Art.22, 23): every matter received is registered."""
        channel_value = _enum(Channel, channel, "CHANNEL_INVALID")
        category_value = _enum(Category, category, "CATEGORY_INVALID")
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
        return cls._create(
            ev.Registered,
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

    def transfer(self, act: Act, *, to_unit_id: str, note: str = "") -> None:
        """转送 (Art.22, 23): a bureau sends the matter to the competent unit; a department or
        a township government passes it to a unit of its own system below it."""
        self._check_open(act)
        self._check_passing_holder(act)
        target = self._check_target(act, to_unit_id)
        self._check_own_system(act, target)
        self._trigger(
            act,
            ev.Transferred,
            to_unit_id=target.unit_id,
            to_bureau=target.is_bureau,
            note=note,
            level_skipping=self._level_skipping_at(act.directory, target),
        )

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
            ev.Assigned,
            to_unit_id=target.unit_id,
            to_bureau=target.is_bureau,
            due_on=due_on,
            note=note,
            level_skipping=self._level_skipping_at(act.directory, target),
        )

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
        route = _enum(RouteChannel, channel, "ROUTE_CHANNEL_INVALID")
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
            ev.Routed,
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

    def inform(self, act: Act, *, method: str = "written", note: str = "") -> None:
        """告知 (Art.23): a unit petitioned directly tells the petitioner how it proceeds."""
        self._check_open(act)
        self._check_holder(act)
        if self.received_by_bureau:
            raise refuse("NOT_A_DIRECT_PETITION")
        if self.anonymous or self.informed_at is not None:
            raise refuse("INFORM_NOT_REQUIRED")
        self._trigger(act, ev.Informed, method=method, note=note)

    def accept(self, act: Act, *, path: str | None = None, note: str = "") -> None:
        """受理 (Art.23): written notice of acceptance by the unit holding the matter."""
        self._check_open(act)
        if self.accepted_at is not None:
            raise refuse("ALREADY_ACCEPTED")
        self._check_holder(act)
        if self.objection_pending:
            raise refuse("OBJECTION_PENDING")
        path_value = self._path_for_acceptance(path)
        self._trigger(act, ev.Accepted, path=path_value, note=note)

    def _path_for_acceptance(self, path: str | None) -> str | None:
        if self.category != Category.APPEAL.value:
            if path is not None:
                raise invalid("PATH_NOT_FOR_CATEGORY")
            return None
        if path is None:
            raise invalid("ACCEPT_PATH_REQUIRED")
        value = _enum(Path, str(path), "UNKNOWN_PATH")
        if value.is_channelled:
            # Art.31(1)-(4): channelled into the lawful procedure, not accepted as a petition.
            raise refuse("CHANNEL_PATH_NOT_ACCEPTED", path=value.value)
        return value.value

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
        received_on = china_date(self.holder_received_at)
        last_day = act.rules.calendar.due_after_working_days(received_on, OBJECTION_WORKING_DAYS)
        if china_date(act.occurred_at) > last_day:
            raise refuse(
                "OBJECTION_WINDOW_EXPIRED",
                received_on=received_on.isoformat(),
                last_day=last_day.isoformat(),
            )
        self._trigger(act, ev.Objected, reason=reason)

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
            ev.ObjectionDecided,
            agreed=agreed,
            competent_unit_id=competent_unit_id,
            competent_is_bureau=competent_is_bureau,
            note=note,
        )

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
        path_value = _enum(Path, str(path), "UNKNOWN_PATH")
        if not path_value.is_channelled:
            raise refuse("DECLINE_NOT_ALLOWED", path=path_value.value)
        self._trigger(act, ev.Declined, reason=reason, path=path_value.value)

    def decline_as_repeat(self, act: Act) -> None:
        """不予受理 (Art.19): the same matter, accepted or being handled and still within its
        period, brought to a superior of the unit handling it."""
        self._check_open(act)
        self._trigger(
            act,
            ev.Declined,
            reason="重复信访：同一信访事项已由下级机关受理、正在办理期限内，本机关不予受理（第十九条）",
            path=None,
        )

    def extend(self, act: Act, *, days: int, reason: str, approved_by: str) -> None:
        """延期 (Art.34): path 6 only, before the deadline, at most 30 days in all."""
        self._check_open(act)
        self._check_holder(act)
        if self.accepted_at is None:
            raise refuse("NOT_ACCEPTED")
        if self.answered_at is not None:
            raise refuse("ALREADY_ANSWERED")
        if not self.is_path_6:
            raise refuse("EXTENSION_NOT_PATH_6", path=self.path)
        if days < 1:
            raise invalid("EXTENSION_DAYS_INVALID", days=days)
        if not reason.strip():
            # Art.34: the petitioner is told why the period is extended.
            raise invalid("EXTENSION_REASON_REQUIRED")
        if self.extension_days + days > MAX_EXTENSION_DAYS:
            raise refuse("EXTENSION_OVER_LIMIT", already=self.extension_days, asked=days)
        due = self.answer_due_on(act.rules)
        if due is not None and china_date(act.occurred_at) > due:
            raise refuse("EXTENSION_AFTER_DEADLINE", due_on=due.isoformat())
        self._trigger(act, ev.Extended, days=days, reason=reason, approved_by=approved_by)

    def answer(
        self, act: Act, *, outcome: str, opinion: str, basis: str = "", facts: str = ""
    ) -> None:
        """答复 (Art.32, 34): a 信访处理意见书 on path 6; a reply on other paths.

        The 信访处理意见书 states the facts found, the opinion with its legal basis, and the
        petitioner's right to ask the answering unit's superior for a review (Art.32, 35); the
        last is written by the system, from the directory, so it is never left out.
        """
        self._check_open(act)
        self._check_holder(act)
        if self.accepted_at is None:
            raise refuse("NOT_ACCEPTED")
        if self.answered_at is not None:
            raise refuse("ALREADY_ANSWERED")
        outcome_value = _enum(Outcome, outcome, "OUTCOME_REQUIRED")
        if self.is_path_6 != (outcome_value in OPINION_OUTCOMES):
            raise invalid("OUTCOME_NOT_FOR_PATH", outcome=outcome_value.value, path=self.path)
        if not opinion.strip():
            raise invalid("OPINION_REQUIRED")
        review_right = ""
        if self.is_path_6:
            if not facts.strip():
                raise invalid("ANSWER_FACTS_REQUIRED")
            if not basis.strip():
                raise invalid("ANSWER_BASIS_REQUIRED")
            review_right = _review_right(act.directory, act.actor.unit_id)
        self._trigger(
            act,
            ev.Answered,
            outcome=outcome_value.value,
            opinion=opinion,
            basis=basis,
            facts=facts,
            review_right=review_right,
        )
        if not self.is_path_6:
            # Paths 5, suggestions and accusations end with the reply (no review).
            self._trigger(act, ev.Concluded, reason="replied")

    def serve(self, act: Act) -> None:
        """送达: the petitioner received the written opinion; windows count from here (Art.35)."""
        # Service never predates the opinion: _check_time keeps every act after the last one.
        self._check_time(act)
        if self.unserved is None:
            issued = [
                doc
                for doc, at in (
                    (Document.ANSWER.value, self.answered_at),
                    (Document.REVIEW.value, self.reviewed_at),
                    (Document.RECHECK.value, self.rechecked_at),
                )
                if at is not None
            ]
            served = bool(issued) and issued[-1] in self.served_at
            raise refuse("ALREADY_SERVED" if served else "NOTHING_TO_SERVE")
        issuer = {
            Document.ANSWER.value: self.answered_by,
            Document.REVIEW.value: self.reviewing_unit_id,
            Document.RECHECK.value: self.rechecking_unit_id,
        }[self.unserved]
        acting = act.directory.get(act.actor.unit_id)
        if not acting.is_bureau and not act.directory.answers_for(acting.unit_id, issuer or ""):
            raise refuse("NOT_ISSUING_UNIT", issuing_unit_id=issuer)
        self._trigger(act, ev.Served, document=self.unserved)

    def request_review(self, act: Act) -> None:
        """复查申请 (Art.35): within 30 days of receiving a path-6 opinion, to the answering
        unit's superior."""
        self._check_time(act)
        # Art.35: only a path-6 opinion is reviewable; say so even of a routed or replied case,
        # which is already concluded.
        if not self.is_path_6 or self.answered_at is None:
            raise refuse("REVIEW_NOT_PATH_6", path=self.path)
        self._check_open(act)
        if self.review_requested_at is not None:
            raise refuse("REVIEW_ALREADY_REQUESTED")
        window = self._served_window(act, Document.ANSWER, REVIEW_REQUEST_DAYS)
        if window is None:
            raise refuse("REVIEW_NOT_SERVED")
        served_on, last_day = window
        if china_date(act.occurred_at) > last_day:
            raise refuse(
                "REVIEW_WINDOW_EXPIRED",
                served_on=served_on.isoformat(),
                last_day=last_day.isoformat(),
            )
        reviewer = self._superior_reviewer(act.directory, self.answered_by or "")
        self._trigger(act, ev.ReviewRequested, reviewing_unit_id=reviewer)

    def _served_window(self, act: Act, document: Document, days: int) -> tuple[date, date] | None:
        """The day ``document`` reached the petitioner and the last day of the window that
        opens then (Art.35, 36: counted from service), or None while it is unserved."""
        served = self.served_at.get(document.value)
        if served is None:
            return None
        served_on = china_date(served)
        return served_on, act.rules.calendar.due_after_days(served_on, days)

    def review(self, act: Act, *, outcome: str, opinion: str) -> None:
        """复查意见 (Art.35): by the superior of the answering unit, within 30 days."""
        self._check_open(act)
        if self.review_requested_at is None or self.reviewing_unit_id is None:
            raise refuse("NO_REVIEW_REQUESTED")
        if self.reviewed_at is not None:
            raise refuse("ALREADY_ANSWERED")
        self._check_deciding_unit(act, self.reviewing_unit_id, "REVIEW_WRONG_UNIT")
        self._trigger(
            act,
            ev.Reviewed,
            outcome=self._opinion_outcome(outcome),
            opinion=self._opinion_text(opinion),
        )

    def request_recheck(self, act: Act) -> None:
        """复核申请 (Art.36): only after a review, within 30 days of receiving its opinion."""
        self._check_open(act)
        if self.reviewed_at is None or self.reviewing_unit_id is None:
            raise refuse("RECHECK_WITHOUT_REVIEW")
        if self.recheck_requested_at is not None:
            raise refuse("RECHECK_ALREADY_REQUESTED")
        window = self._served_window(act, Document.REVIEW, RECHECK_REQUEST_DAYS)
        if window is None:
            raise refuse("REVIEW_OPINION_NOT_SERVED")
        served_on, last_day = window
        if china_date(act.occurred_at) > last_day:
            raise refuse(
                "RECHECK_WINDOW_EXPIRED",
                served_on=served_on.isoformat(),
                last_day=last_day.isoformat(),
            )
        rechecker = self._superior_reviewer(act.directory, self.reviewing_unit_id)
        self._trigger(act, ev.RecheckRequested, rechecking_unit_id=rechecker)

    def hold_hearing(self, act: Act, *, started_on: date, ended_on: date, note: str = "") -> None:
        """听证 (Art.31(6), 36): in a recheck its duration is not counted."""
        self._check_open(act)
        if ended_on < started_on:
            raise invalid("HEARING_DATES_INVALID")
        if self.recheck_requested_at is not None and self.rechecked_at is None:
            self._check_deciding_unit(act, self.rechecking_unit_id or "", "RECHECK_WRONG_UNIT")
            stage, stage_start = "recheck", self.recheck_requested_at
        elif self.review_requested_at is not None and self.reviewed_at is None:
            self._check_deciding_unit(act, self.reviewing_unit_id or "", "REVIEW_WRONG_UNIT")
            stage, stage_start = "review", self.review_requested_at
        elif self.is_path_6 and self.accepted_at is not None and self.answered_at is None:
            self._check_holder(act)
            stage, stage_start = "handling", self.accepted_at
        else:
            raise refuse("HEARING_NOT_ALLOWED")
        # Art.36 leaves hearing days out of the recheck period: only days of this stage, already
        # past, and each day once.
        overlaps = any(
            h["stage"] == stage
            and started_on <= date.fromisoformat(h["ended_on"])
            and date.fromisoformat(h["started_on"]) <= ended_on
            for h in self.hearings
        )
        if (
            started_on < china_date(stage_start)
            or ended_on > china_date(act.occurred_at)
            or overlaps
        ):
            raise refuse(
                "HEARING_OUTSIDE_STAGE",
                stage=stage,
                stage_started_on=china_date(stage_start).isoformat(),
            )
        self._trigger(
            act, ev.HearingHeld, started_on=started_on, ended_on=ended_on, stage=stage, note=note
        )

    def recheck(self, act: Act, *, outcome: str, opinion: str) -> None:
        """复核意见 (Art.36): by the superior of the reviewing unit; final."""
        self._check_open(act)
        if self.recheck_requested_at is None or self.rechecking_unit_id is None:
            raise refuse(
                "RECHECK_WITHOUT_REVIEW" if self.reviewed_at is None else "NO_RECHECK_REQUESTED"
            )
        self._check_deciding_unit(act, self.rechecking_unit_id, "RECHECK_WRONG_UNIT")
        self._trigger(
            act,
            ev.Rechecked,
            outcome=self._opinion_outcome(outcome),
            opinion=self._opinion_text(opinion),
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
        self._trigger(act, ev.Urged, target_unit_id=target, reason=reason, due_on=due_on)

    def evaluate(
        self, act: Act, *, satisfaction: str, comment: str = "", source: str = "return_visit"
    ) -> None:
        """满意度评价: the petitioner evaluates the published result, once.

        The petitioner records it (``source="petitioner"``, the tracking channel), or a petition
        bureau records the petitioner's words on a return visit (回访). The unit that answered
        never grades itself ("谁初次办理、谁接受评价").
        """
        self._check_time(act)
        if self.anonymous:
            raise refuse("ANONYMOUS_CANNOT_EVALUATE")
        if source != "petitioner":
            acting = act.directory.get(act.actor.unit_id)
            if not acting.is_bureau or (
                self.answered_by and act.directory.answers_for(acting.unit_id, self.answered_by)
            ):
                raise refuse("EVALUATION_BY_PETITIONER_ONLY")
        if self.answered_at is None:
            raise refuse("NOTHING_TO_EVALUATE")
        if self.evaluation is not None:
            raise refuse("ALREADY_EVALUATED")
        value = _enum(Satisfaction, satisfaction, "SATISFACTION_INVALID")
        self._trigger(
            act,
            ev.Evaluated,
            satisfaction=value.value,
            comment=comment,
            source="petitioner" if source == "petitioner" else "return_visit",
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
            ev.LeaderAssigned,
            leader_id=leader_id,
            leader_name=leader_name,
            leader_unit_id=leader_unit_id,
        )

    def conclude(self, act: Act) -> None:
        """办结: answered and no review asked within 30 days of service, or reviewed and no
        recheck asked within 30 days of the review's service."""
        self._check_open(act)
        window = None
        if self.reviewed_at is not None and self.recheck_requested_at is None:
            window = self._served_window(act, Document.REVIEW, RECHECK_REQUEST_DAYS)
        elif self.answered_at is not None and self.review_requested_at is None:
            window = self._served_window(act, Document.ANSWER, REVIEW_REQUEST_DAYS)
        if window is None or china_date(act.occurred_at) <= window[1]:
            raise refuse("CANNOT_CONCLUDE_YET", stage=self.stage)
        self._trigger(act, ev.Concluded, reason="window_lapsed")

    def refuse_reacceptance(self, act: Act, *, original_case_id: str) -> None:
        """不再受理 (Art.36): a new registration of rechecked facts is closed as such."""
        self._check_open(act)
        self._trigger(act, ev.NotReaccepted, original_case_id=original_case_id)

    def link_repeat(self, act: Act, *, repeat_case_id: str, relation: str = "repeat") -> None:
        """A later registration the registrar names as this matter is linked to this case
        (``domain.repeats.Relation`` says how)."""
        self._check_time(act)
        self._trigger(act, ev.RepeatLinked, repeat_case_id=repeat_case_id, relation=relation)

    def record_view(self, act: Act, *, purpose: str = "read") -> None:
        """Who read an accusation is itself recorded (domain.md §7)."""
        self._trigger(act, ev.AccusationViewed, purpose=purpose)

    def record_refused_read(self, act: Act, *, purpose: str = "read") -> None:
        """An accused unit's attempt to read the accusation about it (Art.30, 46)."""
        self._trigger(act, ev.AccusationReadRefused, purpose=purpose)

    # --------------------------------------------------------- deadlines
    def answer_due_on(self, rules: Any) -> date | None:
        """The last day to answer: 60 days from acceptance plus extensions on path 6 (Art.34);
        configurable periods on other paths and categories."""
        if self.accepted_at is None:
            return None
        if self.is_path_6:
            days = 60 + self.extension_days
        elif self.category == Category.SUGGESTION.value:
            days = rules.suggestion_days
        elif self.category == Category.ACCUSATION.value:
            days = rules.accusation_days
        else:
            days = rules.path5_days
        return rules.calendar.due_after_days(china_date(self.accepted_at), days)

    # ----------------------------------------------------------- guards
    def _trigger(self, act: Act, event_class: type[Any], **payload: Any) -> None:
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

    def _superior_reviewer(self, directory: Directory, unit_id: str) -> str:
        superior = directory.superior_of(unit_id)
        if superior is None:
            raise refuse("NO_REVIEWING_SUPERIOR", unit_id=unit_id)
        if superior.kind is UnitKind.VILLAGE_COMMITTEE:
            raise refuse("VILLAGE_CANNOT_REVIEW", unit_id=superior.unit_id)
        return superior.unit_id

    def _check_deciding_unit(self, act: Act, expected_unit_id: str, code: str) -> None:
        acting = act.directory.get(act.actor.unit_id)
        if acting.kind is UnitKind.VILLAGE_COMMITTEE:
            raise refuse("VILLAGE_CANNOT_REVIEW", unit_id=acting.unit_id)
        if not act.directory.answers_for(acting.unit_id, expected_unit_id):
            raise refuse(code, expected_unit_id=expected_unit_id, acting_unit_id=acting.unit_id)

    @staticmethod
    def _opinion_outcome(outcome: str) -> str:
        value = _enum(Outcome, outcome, "OUTCOME_REQUIRED")
        if value not in OPINION_OUTCOMES:
            raise invalid("OUTCOME_REQUIRED", outcome=outcome)
        return value.value

    @staticmethod
    def _opinion_text(opinion: str) -> str:
        if not opinion.strip():
            raise invalid("OPINION_REQUIRED")
        return opinion


def _review_right(directory: Directory, unit_id: str) -> str:
    """The notice of the right to a review that every 信访处理意见书 carries (Art.32, 35)."""
    superior = directory.superior_of(unit_id) if unit_id in directory else None
    to = superior.name if superior is not None else "原办理机关、单位的上一级机关、单位"
    return f"信访人对本处理意见不服的，可以自收到本意见书之日起30日内请求{to}复查（《信访工作条例》第三十五条）。"


def _enum(enum_cls: Any, value: str, code: str, message: str | None = None) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        raise invalid(code, message, value=value, allowed=[m.value for m in enum_cls]) from None
