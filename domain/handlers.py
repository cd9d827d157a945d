"""Which act of the case each command is: the handler table, keyed by command type.

A handler hands the command's fields to the aggregate's act, where the rule is. Reading this
table answers "who calls ``review``?" without searching for strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain import commands as c
from domain.acts import Act
from domain.petition import Petition

Handler = Callable[[Petition, Act, Any], None]


def _transfer(case: Petition, act: Act, cmd: c.Transfer) -> None:
    case.transfer(act, to_unit_id=cmd.to_unit_id, note=cmd.note)


def _assign(case: Petition, act: Act, cmd: c.Assign) -> None:
    case.assign(act, to_unit_id=cmd.to_unit_id, due_on=cmd.due_on, note=cmd.note)


def _route(case: Petition, act: Act, cmd: c.Route) -> None:
    case.route(act, channel=cmd.channel, to_unit_id=cmd.to_unit_id, note=cmd.note)


def _inform(case: Petition, act: Act, cmd: c.Inform) -> None:
    case.inform(act, method=cmd.method, note=cmd.note)


def _accept(case: Petition, act: Act, cmd: c.Accept) -> None:
    case.accept(act, path=cmd.path, note=cmd.note)


def _object(case: Petition, act: Act, cmd: c.Object) -> None:
    case.object(act, reason=cmd.reason)


def _decide_objection(case: Petition, act: Act, cmd: c.DecideObjection) -> None:
    case.decide_objection(
        act, agreed=cmd.agreed, competent_unit_id=cmd.competent_unit_id, note=cmd.note
    )


def _decline(case: Petition, act: Act, cmd: c.Decline) -> None:
    case.decline(act, reason=cmd.reason, path=cmd.path)


def _extend(case: Petition, act: Act, cmd: c.Extend) -> None:
    case.extend(act, days=cmd.days, reason=cmd.reason, approved_by=cmd.approved_by)


def _answer(case: Petition, act: Act, cmd: c.Answer) -> None:
    case.answer(act, outcome=cmd.outcome, opinion=cmd.opinion, basis=cmd.basis, facts=cmd.facts)


def _serve(case: Petition, act: Act, cmd: c.Serve) -> None:
    case.serve(act)


def _request_review(case: Petition, act: Act, cmd: c.RequestReview) -> None:
    case.request_review(act)


def _review(case: Petition, act: Act, cmd: c.Review) -> None:
    case.review(act, outcome=cmd.outcome, opinion=cmd.opinion)


def _request_recheck(case: Petition, act: Act, cmd: c.RequestRecheck) -> None:
    case.request_recheck(act)


def _hold_hearing(case: Petition, act: Act, cmd: c.HoldHearing) -> None:
    case.hold_hearing(act, started_on=cmd.started_on, ended_on=cmd.ended_on, note=cmd.note)


def _recheck(case: Petition, act: Act, cmd: c.Recheck) -> None:
    case.recheck(act, outcome=cmd.outcome, opinion=cmd.opinion)


def _urge(case: Petition, act: Act, cmd: c.Urge) -> None:
    case.urge(act, target_unit_id=cmd.target_unit_id, reason=cmd.reason, due_on=cmd.due_on)


def _evaluate(case: Petition, act: Act, cmd: c.Evaluate) -> None:
    case.evaluate(act, satisfaction=cmd.satisfaction, comment=cmd.comment, source=cmd.source)


def _assign_leader(case: Petition, act: Act, cmd: c.AssignLeader) -> None:
    case.assign_leader(
        act, leader_id=cmd.leader_id, leader_name=cmd.leader_name, leader_unit_id=cmd.leader_unit_id
    )


def _conclude(case: Petition, act: Act, cmd: c.Conclude) -> None:
    case.conclude(act)


HANDLERS: dict[type[c.CaseCommand], Handler] = {
    c.Transfer: _transfer,
    c.Assign: _assign,
    c.Route: _route,
    c.Inform: _inform,
    c.Accept: _accept,
    c.Object: _object,
    c.DecideObjection: _decide_objection,
    c.Decline: _decline,
    c.Extend: _extend,
    c.Answer: _answer,
    c.Serve: _serve,
    c.RequestReview: _request_review,
    c.Review: _review,
    c.RequestRecheck: _request_recheck,
    c.HoldHearing: _hold_hearing,
    c.Recheck: _recheck,
    c.Urge: _urge,
    c.Evaluate: _evaluate,
    c.AssignLeader: _assign_leader,
    c.Conclude: _conclude,
}
