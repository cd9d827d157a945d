"""What the API answers about a case (``gateways.http.views``), field by field, for ``/docs``.

Keys a view writes only in some states are declared with a default, and the routes answer
with ``response_model_exclude_unset``: a client sees exactly the keys the view wrote.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gateways.http.schemas import ResponseBody


def instant() -> Any:
    return Field(description="ISO 8601, with its offset", examples=["2026-03-02T10:00:00+08:00"])


def day() -> Any:
    return Field(description="a China date, YYYY-MM-DD", examples=["2026-03-18"])


class Flags(ResponseBody):
    level_skipping: bool = Field(description="越级走访 (Art.20)")
    collective: bool = Field(description="集体访：5人以上")
    needs_representatives: bool = Field(description="集体访须推选代表（不超过5人）")
    repeat_of: str | None = Field(description="重复信访：原事项编号 the earlier case")
    repeat_relation: str | None = Field(description="与原事项的关系 how it relates to it")
    repeats: list[str] = Field(description="later cases linked as the same matter")
    anonymous: bool
    major: bool = Field(description="重大、紧急事项")
    accusation: bool = Field(description="检举控告类")
    not_reaccepted: bool = Field(description="不再受理 (Art.35, 36)")


class PetitionerView(ResponseBody):
    """A petitioner, masked (王**) unless the caller's unit handles the case."""

    name: str | None = Field(None, examples=["李四"])
    id_number: str | None = Field(None, examples=["330106198001011234"])
    phone: str | None = Field(None, examples=["13800000000"])
    address: str | None = Field(None, examples=["杭州市西湖区转塘街道某村5组"])


class ObjectionView(ResponseBody):
    """异议 (Art.23): who objected, why, and the bureau's decision once made."""

    unit_id: str
    reason: str
    at: str = instant()
    decided: bool
    agreed: bool | None = Field(None, description="once decided: whether the bureau agreed")


class ReviewView(ResponseBody):
    requested_at: str | None
    unit_id: str | None = Field(description="the reviewing unit")
    reviewed_at: str | None
    outcome: str | None


class RecheckView(ResponseBody):
    requested_at: str | None
    unit_id: str | None = Field(description="the rechecking unit")
    rechecked_at: str | None
    outcome: str | None


class HearingView(ResponseBody):
    started_on: str = day()
    ended_on: str = day()
    stage: str = Field(examples=["recheck"])
    days: int


class DeadlineView(ResponseBody):
    """One duty of the regulation and where it stands on ``deadlines_on``."""

    step: str = Field(examples=["accept"])
    kind: str
    unit_id: str | None = Field(
        description="the unit that owes it; none for the petitioner's own windows"
    )
    start: str = day()
    due: str = Field(description="its last day", examples=["2026-03-18"])
    done_on: str | None
    article: str = Field(examples=["第二十三条"])
    status: str = Field(description="met | missed | running | overdue")
    days_left: int | None
    days_late: int | None
    warning_level: str = Field(examples=["normal"])
    calendar_warning: str | None = Field(
        description="CALENDAR_NOT_COVERED: the due day lies past the holiday notices held"
    )
    calendar_warning_message: str | None


class UrgeView(ResponseBody):
    target_unit_id: str
    by_unit_id: str
    at: str = instant()
    reason: str


class LeaderView(ResponseBody):
    leader_id: str
    name: str
    unit_id: str
    at: str = instant()


class EvaluationView(ResponseBody):
    satisfaction: str = Field(examples=["satisfied"])
    at: str = instant()
    comment: str
    source: str = Field(description="petitioner (tracking page) | return_visit (a bureau)")


class ExtensionView(ResponseBody):
    days: int
    at: str = instant()
    reason: str


class ReceiptView(ResponseBody):
    """The case reaching a unit: how, when, and what the unit did with it."""

    unit_id: str
    via: str = Field(examples=["transfer"])
    by: str | None = Field(description="the unit that passed it on")
    at: str = instant()
    bureau: bool = Field(description="whether the receiving unit is a petition bureau")
    outcome: str | None = Field(examples=["accepted"])
    outcome_at: str | None
    paused_days: int | None = Field(
        None, description="days an objection paused its acceptance duty (Art.23)"
    )


class CaseView(ResponseBody):
    """The case as a caller sees it (personal data masked unless their unit handles it)."""

    id: str
    serial_number: str = Field(examples=["33010620260302123456"])
    external_id: str | None = Field(description="外部渠道编号（如12345热线）")
    stage: str = Field(examples=["handling"])
    stage_label: str = Field(examples=["办理中"])
    category: str = Field(examples=["appeal"])
    path: str | None = Field(description="第三十一条处理途径", examples=["6"])
    channel: str = Field(examples=["letter"])
    division_code: str = Field(examples=["330106001001"])
    subject: str
    content: str
    matter_kind: str
    matter_label: str = Field(description="事项类型（中文）", examples=["征地补偿"])
    flags: Flags
    people_count: int
    representatives: int
    signatures: int
    accused_unit_id: str | None
    accused_persons: list[str]
    received_by: str = Field(description="the unit that registered it")
    received_at: str = instant()
    holder_unit_id: str = Field(description="the unit holding the case now")
    petitioners_masked: bool
    petitioners: list[PetitionerView]
    accepted_at: str | None
    accepted_by: str | None
    declined_at: str | None
    decline_reason: str | None
    routed_channel: str | None = Field(description="导入的法定途径 (Art.22, 28, 31)")
    objection: ObjectionView | None
    assigned_due_on: str | None = Field(description="交办的办结期限")
    answered_at: str | None
    answered_by: str | None
    answer_outcome: str | None
    served_at: dict[str, str] = Field(
        description="document (answer, review, recheck) → when it was served",
        examples=[{"answer": "2026-04-01T15:00:00+08:00"}],
    )
    review: ReviewView
    recheck: RecheckView
    hearings: list[HearingView]
    deadlines: list[DeadlineView]
    deadlines_on: str = Field(description="the China date the deadlines are judged on")
    urges: list[UrgeView]
    leaders: list[LeaderView]
    evaluation: EvaluationView | None
    extensions: list[ExtensionView]
    receipts: list[ReceiptView]
    concluded_at: str | None
    conclusion: str | None = Field(examples=["rechecked"])
    last_occurred_at: str | None
    version: int
    last_hash: str


class ActedCase(CaseView):
    """The case after an act."""

    position: int | None = Field(description="store position of the last event written")


class LabelledCode(ResponseBody):
    code: str
    label: str


class RepeatCandidateView(ResponseBody):
    """An earlier case proposed as the same matter: why, and what linking it would do."""

    case_id: str
    serial_number: str
    subject: str
    stage: str
    stage_label: str
    holder_unit_id: str
    registered_on: str = day()
    reasons: list[LabelledCode]
    if_linked: LabelledCode


class RegisteredCase(ActedCase):
    """The case after its registration."""

    created: bool = Field(description="false: the external_id was registered before")
    candidates: list[RepeatCandidateView] = Field(
        description="earlier cases of the same petitioner proposed as the same matter "
        "(第十九条), for the registrar to link with same_matter_as or not"
    )
    query_code: str | None = Field(
        None, description="新登记时：信访人的查询码 the petitioner's query code (201 only)"
    )


class EventView(ResponseBody):
    """One recorded event: who, when, what, and its link in the case's hash chain."""

    id: str
    type: str = Field(examples=["Accepted"])
    version: int
    actor: dict[str, str]
    occurred_at: str = instant()
    recorded_at: str = instant()
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class TrackingDeadline(ResponseBody):
    step: str
    kind: str
    due: str = day()
    status: str
    days_left: int | None
    calendar_warning: str | None


class TrackingView(ResponseBody):
    """What a petitioner sees: dates, stage, outcome, deadlines; nothing of an accusation's
    circumstances, no other person's data."""

    serial_number: str
    category: str
    subject: str | None = Field(description="null for an accusation")
    stage: str
    stage_label: str
    handling_unit: str | None = Field(description="null for an accusation")
    registered_on: str | None
    transferred_on: str | None
    accepted_on: str | None
    declined_on: str | None
    answered_on: str | None
    reviewed_on: str | None
    rechecked_on: str | None
    concluded_on: str | None
    conclusion: str | None
    outcome: str | None
    evaluation: str | None = Field(description="the petitioner's satisfaction, once given")
    deadlines: list[TrackingDeadline]
