"""Request bodies, each with an example, so ``/docs`` is a usable manual.

One body per command of ``domain.commands``, named for it, that turns into that command
(``to_command``). Every command may carry ``occurred_at``: when the act really happened (paper
records entered later, migration); the store keeps when it was recorded. Bodies refuse unknown
fields, so a misspelt field is a 422, not silently dropped. The rules of the regulation are not
here: the domain checks them and says why.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain import commands
from domain.classification import Category, Channel, Outcome, RouteChannel, Satisfaction
from domain.units import UnitKind

OCCURRED_AT = Field(
    None,
    description="行为实际发生时间（ISO 8601，须带时区）；缺省为记录时间。"
    " When the act happened (with a timezone); default: now.",
    examples=["2026-03-03T09:30:00+08:00"],
)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class ResponseBody(BaseModel):
    """An answer's model: it documents every field it lets through, and only those (a field a
    route returns undeclared fails it, instead of reaching clients unannounced)."""

    model_config = ConfigDict(extra="forbid")


class ErrorBody(ResponseBody):
    """Every error: a stable English code, a Chinese message, and details when useful."""

    code: str = Field(examples=["ALREADY_ACCEPTED"])
    message: str = Field(examples=["该信访事项已受理，不得重复受理"])
    details: Any = None


# ------------------------------------------------------------------ registration
class PetitionerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100, examples=["李四"])
    id_number: str | None = Field(None, max_length=32, examples=["330106198001011234"])
    phone: str | None = Field(None, max_length=32, examples=["13800000000"])
    address: str | None = Field(None, max_length=300, examples=["杭州市西湖区转塘街道某村5组"])

    def as_record(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class RegisterPetition(BaseModel):
    """登记：信、访、电、网收到的信访事项。 Register a matter as received."""

    model_config = _examples(
        {
            "channel": "letter",
            "category": "appeal",
            "division_code": "330106001001",
            "subject": "征地补偿款未足额发放",
            "content": "本人承包地于2025年被征收，补偿款至今未足额发放，请求依法处理。",
            "matter_kind": "land_compensation",
            "petitioners": [
                {
                    "name": "李四",
                    "id_number": "330106198001011234",
                    "phone": "13800000000",
                    "address": "杭州市西湖区转塘街道某村5组",
                }
            ],
            "external_id": "12345-2026-000123",
            "occurred_at": "2026-03-02T10:00:00+08:00",
        }
    )

    channel: Channel = Field(description="来信 letter / 来访 visit / 电话 phone / 网上 web …")
    category: Category = Field(
        description="建议意见 suggestion / 检举控告 accusation / 申诉求决 appeal"
    )
    division_code: str = Field(
        pattern=r"^\d{12}$", description="事项发生地12位区划代码", examples=["330106001001"]
    )
    subject: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=20000)
    matter_kind: str = Field(
        min_length=1, max_length=100, description="事项类型（用于识别重复信访）"
    )
    petitioners: list[PetitionerIn] = Field(default_factory=list, max_length=500)
    anonymous: bool = False
    people_count: int = Field(1, description="人数（5人以上为集体访）")
    representatives: int = Field(0, description="走访推选代表人数（不超过5人）")
    signatures: int = Field(0, description="联名信签名人数")
    accused_unit_id: str | None = Field(None, description="检举控告类：被检举控告单位")
    accused_persons: list[str] = Field(default_factory=list, max_length=100)
    external_id: str | None = Field(
        None, max_length=200, description="外部渠道编号（如12345热线）：同一编号只登记一次"
    )
    same_matter_as: UUID | None = Field(None, description="明确为同一事项的原事项编号")
    competent_unit_id: str | None = Field(
        None, description="已明确的有权处理机关、单位（按其层级判断是否越级走访，第二十条）"
    )
    new_facts: bool = Field(False, description="提出新的事实和理由（不视为重复信访）")
    major: bool = Field(False, description="重大、紧急事项")
    occurred_at: AwareDatetime | None = OCCURRED_AT

    def to_command(self) -> commands.Register:
        fields = _plain(self)
        fields["petitioners"] = [p.as_record() for p in self.petitioners]
        return commands.Register(**fields)


def _plain(body: BaseModel) -> dict[str, Any]:
    """The body's fields as the domain takes them: enums by their value, lists copied."""
    return {
        k: v.value if isinstance(v, Enum) else list(v) if isinstance(v, list) else v
        for k in type(body).model_fields
        for v in (getattr(body, k),)
    }


# ------------------------------------------------------------------ case acts
class CommandBody(BaseModel):
    """The body of one act: its ``command`` of ``domain.commands``, less what the URL says."""

    model_config = ConfigDict(extra="forbid")
    command: ClassVar[type[commands.CaseCommand]]

    occurred_at: AwareDatetime | None = OCCURRED_AT

    @classmethod
    def body_optional(cls) -> bool:
        """Whether the act may be sent with no body at all (every field has a default)."""
        return all(not f.is_required() for f in cls.model_fields.values())

    def to_command(self) -> commands.CaseCommand:
        return self.command(**_plain(self))


class Transfer(CommandBody):
    """转送 (Art.22)."""

    command = commands.Transfer

    model_config = _examples({"to_unit_id": "330106001-gov", "note": "请依法处理并答复信访人"})
    to_unit_id: str = Field(min_length=1)
    note: str = ""


class Assign(CommandBody):
    """交办 (Art.22): with a deadline for the completion report."""

    command = commands.Assign

    model_config = _examples(
        {"to_unit_id": "330106-hrss", "due_on": "2026-04-15", "note": "请于期限内报送办理结果"}
    )
    to_unit_id: str = Field(min_length=1)
    due_on: date
    note: str = ""


class Route(CommandBody):
    """导入法定途径 (Art.22, 28, 31): an accusation to the discipline inspection body with
    management authority over the accused unit, a litigation matter to the political-legal
    organ of the bureau's own tier; left out, ``to_unit_id`` is the one the directory names."""

    command = commands.Route

    model_config = _examples(
        {"channel": "discipline_inspection", "to_unit_id": "330106-di", "note": "转纪检监察机关"}
    )
    channel: RouteChannel
    to_unit_id: str | None = Field(
        None,
        description="接收单位；纪检监察、政法途径可不填，由单位名录确定有管理权限的纪检监察机关"
        "或本级政法机关，填写其他单位的不予导入",
    )
    note: str = ""


class Inform(CommandBody):
    """告知 (Art.23)."""

    command = commands.Inform

    model_config = _examples({"method": "written", "note": "已书面告知信访人办理方式"})
    method: str = Field("written", max_length=50, examples=["written", "sms", "in_person"])
    note: str = ""


class Accept(CommandBody):
    """受理 (Art.23); 申诉求决类 names its path (5 or 6)."""

    command = commands.Accept

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        json_schema_extra={"examples": [{"path": "6", "note": "予以受理，出具受理告知书"}]},
    )
    path: str | None = Field(None, description="第三十一条处理途径：5 或 6")
    note: str = ""


class Object(CommandBody):
    """异议 (Art.23): within 5 working days of receipt."""

    command = commands.Object

    model_config = _examples({"reason": "该事项属于区人社局职责范围，不属于本单位"})
    reason: str


class ObjectionDecision(CommandBody):
    """异议审核 (Art.23, 24)."""

    command = commands.DecideObjection

    model_config = _examples(
        {"agreed": True, "competent_unit_id": "330106-hrss", "note": "同意异议，改由区人社局办理"}
    )
    agreed: bool
    competent_unit_id: str | None = None
    note: str = ""


class Decline(CommandBody):
    """不予受理 (Art.19, 31)."""

    command = commands.Decline

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        json_schema_extra={
            "examples": [{"reason": "该事项已进入诉讼程序，请通过诉讼途径解决", "path": "1"}]
        },
    )
    reason: str
    path: str | None = None


class Extend(CommandBody):
    """延期 (Art.34): path 6, at most 30 days in all."""

    command = commands.Extend

    model_config = _examples(
        {
            "days": 30,
            "reason": "案情复杂，需进一步调查核实",
            "approved_by": "西湖区人民政府分管领导",
        }
    )
    days: int
    reason: str
    approved_by: str


class Answer(CommandBody):
    """答复 / 信访处理意见书 (Art.32, 34)."""

    command = commands.Answer

    model_config = _examples(
        {
            "outcome": "supported",
            "facts": "经调查，信访人承包地于2025年被征收，补偿款尚有3.2万元未发放。",
            "opinion": "经调查核实，补偿款确未足额发放，责成街道于30日内补发。",
            "basis": "《土地管理法》第四十八条",
        }
    )
    outcome: Outcome
    opinion: str
    # A 信访处理意见书 (path 6) needs both (Art.32); other replies may leave them out.
    basis: str = ""
    facts: str = ""


class Serve(CommandBody):
    """送达: the petitioner received the written opinion."""

    command = commands.Serve

    model_config = _examples({"occurred_at": "2026-03-20T15:00:00+08:00"})


class ReviewRequest(CommandBody):
    """复查申请 (Art.35)."""

    command = commands.RequestReview

    model_config = _examples({"occurred_at": "2026-03-25T09:00:00+08:00"})


class Review(CommandBody):
    """复查意见 (Art.35)."""

    command = commands.Review

    model_config = _examples({"outcome": "not_supported", "opinion": "经复查，维持原处理意见。"})
    outcome: Outcome
    opinion: str


class RecheckRequest(CommandBody):
    """复核申请 (Art.36)."""

    command = commands.RequestRecheck

    model_config = _examples({"occurred_at": "2026-05-06T09:00:00+08:00"})


class Hearing(CommandBody):
    """听证 (Art.31, 36)."""

    command = commands.HoldHearing

    model_config = _examples(
        {"started_on": "2026-05-10", "ended_on": "2026-05-11", "note": "公开听证，信访人到场"}
    )
    started_on: date
    ended_on: date
    note: str = ""


class Recheck(CommandBody):
    """复核意见 (Art.36): final."""

    command = commands.Recheck

    model_config = _examples({"outcome": "not_supported", "opinion": "经复核，维持复查意见。"})
    outcome: Outcome
    opinion: str


class Urge(CommandBody):
    """督办 (Art.38, 40)."""

    command = commands.Urge

    model_config = _examples(
        {
            "target_unit_id": "330106001-gov",
            "reason": "受理期限即将届满，请抓紧办理",
            "due_on": "2026-03-20",
        }
    )
    target_unit_id: str
    reason: str
    due_on: date | None = None


class Evaluate(CommandBody):
    """满意度评价 on a petition bureau's return visit (回访), in the petitioner's words; the
    unit that answered may not grade itself. Petitioners evaluate through the tracking page."""

    command = commands.Evaluate

    model_config = _examples({"satisfaction": "satisfied", "comment": "办理及时，结果满意"})
    satisfaction: Satisfaction
    comment: str = ""


class Leader(CommandBody):
    """包案 (Art.18)."""

    command = commands.AssignLeader

    model_config = _examples(
        {"leader_id": "330106-gov/wang", "leader_name": "王书记", "leader_unit_id": "330106-gov"}
    )
    leader_id: str
    leader_name: str
    leader_unit_id: str


class Conclude(CommandBody):
    """办结: after the review (or recheck) window lapsed."""

    command = commands.Conclude

    model_config = _examples({"occurred_at": "2026-05-01T10:00:00+08:00"})


# The body of each command, by the command's type.
BODIES: dict[type[commands.CaseCommand], type[CommandBody]] = {
    body.command: body
    for body in (
        Transfer,
        Assign,
        Route,
        Inform,
        Accept,
        Object,
        ObjectionDecision,
        Decline,
        Extend,
        Answer,
        Serve,
        ReviewRequest,
        Review,
        RecheckRequest,
        Hearing,
        Recheck,
        Urge,
        Evaluate,
        Leader,
        Conclude,
    )
}


# ------------------------------------------------------------------ tracking
class TrackingEvaluation(BaseModel):
    """信访人凭查询码评价办理结果。 The petitioner's own evaluation."""

    model_config = _examples({"code": "12345678", "satisfaction": "satisfied", "comment": "满意"})
    code: str = Field(min_length=1, max_length=32)
    satisfaction: Satisfaction
    comment: str = Field("", max_length=2000)


# ------------------------------------------------------------------ units
class UnitIn(BaseModel):
    """登记单位。 Register a unit of the directory."""

    model_config = _examples(
        {
            "unit_id": "330106003-gov",
            "name": "西湖区某街道办事处",
            "kind": "government",
            "division_code": "330106003000",
            "superior_id": "330106-gov",
        }
    )
    unit_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    kind: UnitKind
    division_code: str = Field(pattern=r"^\d{12}$")
    superior_id: str | None = None
    authority_id: str | None = Field(
        None,
        description="管理权限：管理该单位领导班子的单位，不填即其上一级机关；"
        "检举控告按此导入纪检监察机关 (Art.22, 30)",
    )


class SuperiorIn(BaseModel):
    model_config = _examples({"superior_id": "330106-gov"})
    superior_id: str | None


class AuthorityIn(BaseModel):
    """管理权限：哪个单位管理该单位的领导班子（null：其上一级机关）。"""

    model_config = _examples({"authority_id": "3301-gov"})
    authority_id: str | None


class MergeIn(BaseModel):
    """撤并：承继单位接办全部事项 (Art.24)."""

    model_config = _examples({"successor_id": "330106-gov"})
    successor_id: str = Field(min_length=1)
