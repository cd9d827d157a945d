"""The commands: one typed value per act of the 《信访工作条例》, imperative, as the caller sends it.

Each command class says, once, its name over the API, the roles that may give it, the article
it rests on and a one-line summary. Everything that lists the acts (the access policy, the HTTP
routes and their documentation, the CLI) reads ``COMMANDS``; the application hands a command to
its handler by type (``domain.handlers.HANDLERS``). ``occurred_at`` is when the act happened,
if the caller records it after the fact; the service's clock says when it was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from domain.acts import BUREAU, HANDLER, LEADER, REGISTRAR
from domain.errors import invalid, not_found


@dataclass(frozen=True, kw_only=True)
class Command:
    """What every command carries: when the act happened (None: now)."""

    name: ClassVar[str]
    roles: ClassVar[frozenset[str]]  # who may give it (an administrator may give any)
    article: ClassVar[str]
    summary: ClassVar[str]

    occurred_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Register(Command):
    """登记: the facts of a newly received matter, as a gateway hands them over."""

    name = "register"
    roles = frozenset({REGISTRAR, HANDLER, BUREAU})
    article = "第二十二条、第二十三条"
    summary = "登记信访事项 register a petition (Art.22, 23)"

    channel: str
    category: str
    division_code: str
    subject: str
    content: str
    matter_kind: str
    petitioners: list[dict[str, str]] = field(default_factory=list)
    anonymous: bool = False
    people_count: int = 1
    representatives: int = 0
    signatures: int = 0
    accused_unit_id: str | None = None
    accused_persons: list[str] = field(default_factory=list)
    external_id: str | None = None
    same_matter_as: UUID | None = None
    new_facts: bool = False
    major: bool = False
    # The unit the registrar knows to be competent, if any: level-skipping is judged by its
    # tier (Art.20), not by the tier of the division code.
    competent_unit_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class CaseCommand(Command):
    """A command on a case already registered."""


@dataclass(frozen=True, kw_only=True)
class Transfer(CaseCommand):
    name = "transfer"
    # A department or township passes a matter down its own system (Art.23): its handlers.
    roles = frozenset({BUREAU, HANDLER})
    article = "第二十二条、第二十三条"
    summary = "转送 transfer (Art.22)"

    to_unit_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Assign(CaseCommand):
    name = "assign"
    roles = frozenset({BUREAU, HANDLER})
    article = "第二十二条、第二十三条"
    summary = "交办 assign (Art.22)"

    to_unit_id: str
    due_on: date
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Route(CaseCommand):
    name = "route"
    roles = frozenset({BUREAU})
    article = "第二十二条、第二十八条、第三十一条"
    summary = "导入法定途径 route to a lawful channel (Art.22, 28, 31)"

    channel: str
    to_unit_id: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Inform(CaseCommand):
    name = "inform"
    roles = frozenset({HANDLER, BUREAU, REGISTRAR})
    article = "第二十三条"
    summary = "告知 inform the petitioner (Art.23)"

    method: str = "written"
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Accept(CaseCommand):
    name = "accept"
    roles = frozenset({HANDLER, BUREAU})
    article = "第二十三条、第三十一条"
    summary = "受理 accept (Art.23)"

    path: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Object(CaseCommand):
    name = "object"
    roles = frozenset({HANDLER})
    article = "第二十三条"
    summary = "异议 object to a transfer (Art.23)"

    reason: str


@dataclass(frozen=True, kw_only=True)
class DecideObjection(CaseCommand):
    name = "objection-decision"
    roles = frozenset({BUREAU, HANDLER})
    article = "第二十三条、第二十四条"
    summary = "异议审核 decide an objection (Art.23, 24)"

    agreed: bool
    competent_unit_id: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Decline(CaseCommand):
    name = "decline"
    roles = frozenset({HANDLER, BUREAU})
    article = "第十九条、第三十一条"
    summary = "不予受理 decline (Art.19, 31)"

    reason: str
    path: str | None = None


@dataclass(frozen=True, kw_only=True)
class Extend(CaseCommand):
    name = "extend"
    roles = frozenset({HANDLER})
    article = "第三十四条"
    summary = "延期 extend the answer period (Art.34)"

    days: int
    reason: str
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class Answer(CaseCommand):
    name = "answer"
    roles = frozenset({HANDLER, BUREAU})
    article = "第三十二条、第三十四条"
    summary = "答复 answer / 信访处理意见书 (Art.32, 34)"

    outcome: str
    opinion: str
    basis: str = ""
    facts: str = ""


@dataclass(frozen=True, kw_only=True)
class Serve(CaseCommand):
    name = "serve"
    roles = frozenset({HANDLER, BUREAU, REGISTRAR})
    article = "第三十二条"
    summary = "送达 record service of the written opinion"


@dataclass(frozen=True, kw_only=True)
class RequestReview(CaseCommand):
    name = "review-request"
    roles = frozenset({REGISTRAR, HANDLER, BUREAU})
    article = "第三十五条"
    summary = "复查申请 request a review (Art.35)"


@dataclass(frozen=True, kw_only=True)
class Review(CaseCommand):
    name = "review"
    roles = frozenset({HANDLER, BUREAU})
    article = "第三十五条"
    summary = "复查意见 review opinion (Art.35)"

    outcome: str
    opinion: str


@dataclass(frozen=True, kw_only=True)
class RequestRecheck(CaseCommand):
    name = "recheck-request"
    roles = frozenset({REGISTRAR, HANDLER, BUREAU})
    article = "第三十六条"
    summary = "复核申请 request a recheck (Art.36)"


@dataclass(frozen=True, kw_only=True)
class HoldHearing(CaseCommand):
    name = "hearing"
    roles = frozenset({HANDLER, BUREAU})
    article = "第三十一条、第三十六条"
    summary = "听证 hold a hearing (Art.31, 36)"

    started_on: date
    ended_on: date
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Recheck(CaseCommand):
    name = "recheck"
    roles = frozenset({HANDLER, BUREAU})
    article = "第三十六条"
    summary = "复核意见 recheck opinion, final (Art.36)"

    outcome: str
    opinion: str


@dataclass(frozen=True, kw_only=True)
class Urge(CaseCommand):
    name = "urge"
    roles = frozenset({BUREAU})
    article = "第三十八条、第四十条"
    summary = "督办 urge a unit (Art.38, 40)"

    target_unit_id: str
    reason: str
    due_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class Evaluate(CaseCommand):
    name = "evaluate"
    roles = frozenset({REGISTRAR, HANDLER, BUREAU})
    article = "第三十三条"
    summary = "满意度评价 record the petitioner's evaluation"

    satisfaction: str
    comment: str = ""
    # "petitioner" (the tracking channel) or "return_visit" (a bureau's 回访).
    source: str = "return_visit"


@dataclass(frozen=True, kw_only=True)
class AssignLeader(CaseCommand):
    name = "leader"
    roles = frozenset({LEADER})
    article = "第十八条"
    summary = "包案 a leader owns the case (Art.18)"

    leader_id: str
    leader_name: str
    leader_unit_id: str


@dataclass(frozen=True, kw_only=True)
class Conclude(CaseCommand):
    name = "conclude"
    roles = frozenset({HANDLER, BUREAU})
    article = "第三十五条、第三十六条"
    summary = "办结 conclude after the windows lapsed"


# Every act on a case, by its API name, in the order of the lifecycle.
CASE_COMMANDS: dict[str, type[CaseCommand]] = {
    c.name: c
    for c in (
        Transfer,
        Assign,
        Route,
        Inform,
        Accept,
        Object,
        DecideObjection,
        Decline,
        Extend,
        Answer,
        Serve,
        RequestReview,
        Review,
        RequestRecheck,
        HoldHearing,
        Recheck,
        Urge,
        Evaluate,
        AssignLeader,
        Conclude,
    )
}
COMMANDS: dict[str, type[Command]] = {Register.name: Register, **CASE_COMMANDS}


def case_command(name: str, occurred_at: datetime | None = None, **params: Any) -> CaseCommand:
    """The command named ``name`` (its API name) with ``params``, for callers that hold the
    act as a name and fields (the CLI, scenarios): unknown acts are 404, unknown or missing
    fields 422."""
    kind = CASE_COMMANDS.get(name)
    if kind is None:
        raise not_found("UNKNOWN_ACTION", action=name)
    try:
        return kind(occurred_at=occurred_at, **params)
    except TypeError as wrong:
        raise invalid("ACT_FIELDS_INVALID", action=name, detail=str(wrong)) from None
