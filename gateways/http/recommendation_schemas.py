"""Request and response bodies of the 三项建议 routes (Art.40), with examples for ``/docs``.

The shapes are those of ``projections.recommendations`` (candidates, the issued list, the
dashboard section) and ``Recommendation.as_dict`` (one recommendation); the rules are the
domain's.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.recommendations import RecommendationKind
from gateways.http.schemas import OCCURRED_AT

KIND = Field(
    description="improve_work 改进工作建议 / improve_policy 完善政策建议 / "
    "accountability 追究责任建议",
    examples=["accountability"],
)


class NamedOfficial(BaseModel):
    """A person the recommendation names (工作人员, Art.40), with the unit they act for."""

    model_config = ConfigDict(extra="forbid")

    official_id: str = Field(min_length=1, max_length=100, examples=["330106001-gov/li"])
    name: str = Field(min_length=1, max_length=100, examples=["李科长"])
    unit_id: str = Field(min_length=1, max_length=100, examples=["330106001-gov"])


# ------------------------------------------------------------------ commands
class IssueRecommendation(BaseModel):
    """提出建议：信访部门向有关单位提出三项建议之一（第十四条、第四十条）。

    接收单位：改进工作建议为有关单位本身；完善政策建议只能是本信访部门同级（区划代码相同）的
    党委、政府；追究责任建议为对该单位有管理权限的机关、单位或相应的纪检监察机关（须写明
    ``concerned_unit_id``）。追究责任建议须写明造成的严重后果。建议可以列明所涉单位的工作人员
    （``named_officials``，完善政策建议除外）。带 ``candidate_key`` 再次提出同一候选时返回已
    提出的建议（200）。"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "accountability",
                    "to_unit_id": "330106-gov",
                    "concerned_unit_id": "330106001-gov",
                    "grounds": "转塘街道办事处承办的信访事项经督办3次，受理期限届满后仍未办理。",
                    "cited_event_ids": ["28e3c534-cb6d-59ec-bbdc-56ab7082fdb7"],
                    "cited_case_ids": ["81680cbd-e2da-4d5c-baa1-a288cd5fa3ce"],
                    "serious_consequences": "信访人多次赴省进京上访，造成不良社会影响。",
                    "candidate_key": "accountability:81680cbd-e2da-4d5c-baa1-a288cd5fa3ce:"
                    "330106001-gov",
                    "named_officials": [
                        {
                            "official_id": "330106001-gov/li",
                            "name": "李科长",
                            "unit_id": "330106001-gov",
                        }
                    ],
                    "occurred_at": "2026-04-01T10:00:00+08:00",
                }
            ]
        },
    )

    kind: RecommendationKind = KIND
    to_unit_id: str = Field(min_length=1, max_length=100, description="接收单位 recipient")
    grounds: str = Field(max_length=5000, description="事实和理由 facts and reasons")
    cited_event_ids: list[str] = Field(default_factory=list, max_length=10000)
    cited_case_ids: list[str] = Field(default_factory=list, max_length=10000)
    serious_consequences: str | None = Field(
        None, max_length=5000, description="造成的严重后果（追究责任建议必填）"
    )
    candidate_key: str | None = Field(None, max_length=300, description="候选建议的标识")
    concerned_unit_id: str | None = Field(
        None, max_length=100, description="所涉单位（追究责任建议必填）"
    )
    named_officials: list[NamedOfficial] = Field(
        default_factory=list, max_length=100, description="所涉单位的工作人员（第四十条）"
    )
    occurred_at: AwareDatetime | None = OCCURRED_AT


class AnswerRecommendation(BaseModel):
    """书面答复：接收单位书面答复是否采纳（第四十条）。"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "adopted": True,
                    "text": "采纳。已对相关责任人员进行约谈，并建立受理台账逐件销号。",
                    "occurred_at": "2026-04-20T15:00:00+08:00",
                }
            ]
        },
    )

    adopted: bool = Field(description="是否采纳 adopted")
    text: str = Field(max_length=5000, description="答复内容及理由")
    occurred_at: AwareDatetime | None = OCCURRED_AT


# ------------------------------------------------------------------ views
class Answer(BaseModel):
    adopted: bool
    text: str
    actor: dict[str, str]
    at: str


class RecommendationView(BaseModel):
    id: str
    kind: str = KIND
    kind_label: str = Field(examples=["追究责任建议"])
    to_unit_id: str
    concerned_unit_id: str | None
    named_officials: list[NamedOfficial] = Field(description="persons it names (工作人员)")
    division_code: str = Field(description="the area the recommendation is about")
    grounds: str
    serious_consequences: str | None
    cited_event_ids: list[str]
    cited_case_ids: list[str]
    candidate_key: str | None
    issued_by: dict[str, str]
    issued_at: str
    answer_due_on: str = Field(description="书面答复期限 the last day to answer")
    answered: bool
    answer: Answer | None
    overdue: bool | None = Field(description="逾期未答复 on today")
    created: bool | None = Field(None, description="issue only: false = issued before")
    position: int | None = Field(None, description="store position of the event recorded")


class FaultCount(BaseModel):
    """How many faults of one ground the finding rests on, with the article and item."""

    fault: str = Field(examples=["art45"])
    label: str = Field(examples=["第四十五条 办理失职"])
    ground: str = Field(examples=["overturned_answer"])
    article: str = Field(examples=["第四十五条"])
    paragraph: int | None = Field(description="the item (项); none for Art.43", examples=[2])
    citation: str = Field(examples=["第四十五条第（二）项"])
    fact: str = Field(examples=["信访处理意见未予支持的投诉请求，经复查予以支持"])
    count: int


class CandidateView(BaseModel):
    candidate_key: str
    kind: str = KIND
    kind_label: str
    to_unit_id: str
    to_unit_name: str
    also_to_unit_ids: list[str] = Field(description="improve_policy: the other same-tier body")
    concerned_unit_id: str | None
    concerned_unit_name: str | None
    division_code: str
    grounds: str = Field(description="事实和理由（可作为建议书的初稿）")
    cited_event_ids: list[str]
    cited_case_ids: list[str]
    fault_kinds: list[FaultCount]
    named_officials: list[NamedOfficial] = Field(
        description="accountability: the officials the trail names (who acted, or did not)"
    )
    serious_consequences_required: bool
    facts: dict[str, Any]


class CandidatesPage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    division: str = Field(examples=["330106"])
    from_: str = Field(alias="from", examples=["2026-01-01"])
    to: str = Field(examples=["2026-03-31"])
    today: str
    thresholds: dict[str, int]
    counts: dict[str, int] = Field(description="candidates of each kind")
    candidates: list[CandidateView]


class IssuedItem(BaseModel):
    id: str
    kind: str = KIND
    kind_label: str
    to_unit_id: str
    to_unit_name: str
    concerned_unit_id: str | None
    division_code: str
    issued_by_unit_id: str
    issued_on: str
    due_on: str
    answered_on: str | None
    adopted: bool | None
    candidate_key: str | None
    status: str = Field(description="open | overdue | adopted | not_adopted")
    status_label: str = Field(examples=["逾期未答复"])
    overdue: bool
    days_overdue: int


class IssuedDetail(IssuedItem):
    grounds: str
    serious_consequences: str | None
    cited_event_ids: list[str]
    cited_case_ids: list[str]


class IssuedList(BaseModel):
    division: str
    today: str
    total: int
    items: list[IssuedDetail]


class KindCount(BaseModel):
    kind: str
    label: str
    issued: int
    answered: int
    overdue: int


class RecommendationSection(BaseModel):
    """三项建议 on the supervision roll-up: answers overdue are a handling fault (Art.45)."""

    issued: int
    answered: int
    adopted: int
    unanswered: int
    overdue: int = Field(description="逾期未书面答复")
    by_kind: list[KindCount]
    overdue_items: list[IssuedItem] = Field(description="the overdue ones, longest first")
