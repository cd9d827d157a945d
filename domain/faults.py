"""The faults of Chapter 5 (Art.42-46): the article and item each names, and the fact behind it.

The accountability trail, the assessment figures and the 三项建议 candidates all name faults
the same way; this is the one place that says which article, item and fact a missed deadline
or a recorded act falls under. The SQL of the trail and its presenters read it; nothing else
spells an article of Chapter 5.

Items are numbered as the 2022 text numbers them (Art.44 "（三）" is item 3). Art.43 has no
items: its one sentence names registering, transferring, assigning and urging, so its faults
carry no item (``paragraph`` None). Exercising a right is no fault and has no entry here: an
objection within 5 working days (Art.23), even one the bureau does not agree with; declining
a matter of paths 1-4 (Art.31); 不再受理 of rechecked facts (Art.36).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.labels import FAULT_LABELS
from domain.periods import ACCEPT, INFORM, RECHECK, REVIEW, TRANSFER


class FaultKind(StrEnum):
    CAUSING = "art42"  # 造成问题：滥用职权、不作为、适用法律错误、拒不执行支持信访请求意见
    BUREAU = "art43"  # 信访部门：应当登记、转送、交办、督办而未办
    ACCEPTANCE = "art44"  # 受理：未登记、对职权范围内事项不予受理、未按时书面告知受理
    HANDLING = "art45"  # 办理：推诿、敷衍、拖延、超期；应予支持而未支持；建议落实不力
    CONDUCT = "art46"  # 作风纪律：态度恶劣、吃拿卡要、泄露检举揭发材料、打击报复

    @property
    def label(self) -> str:
        return FAULT_LABELS[self]

    @property
    def article(self) -> str:
        return ARTICLES[self]


ARTICLES = {
    FaultKind.CAUSING: "第四十二条",
    FaultKind.BUREAU: "第四十三条",
    FaultKind.ACCEPTANCE: "第四十四条",
    FaultKind.HANDLING: "第四十五条",
    FaultKind.CONDUCT: "第四十六条",
}

# The words of the items the trail cites (2022 text). Art.43 is one sentence without items.
ITEMS: dict[tuple[FaultKind, int | None], str] = {
    (FaultKind.BUREAU, None): (
        "对收到的信访事项应当登记、转送、交办而未按照规定登记、转送、交办，"
        "或者应当履行督办职责而未履行"
    ),
    (FaultKind.ACCEPTANCE, 3): "未在规定期限内书面告知信访人是否受理信访事项",
    (FaultKind.HANDLING, 1): "推诿、敷衍、拖延信访事项办理或者未在规定期限内办结信访事项",
    (FaultKind.HANDLING, 2): "对事实清楚，符合法律、法规、规章或者其他有关规定的投诉请求未予支持",
    (FaultKind.HANDLING, 3): (
        "对党委和政府信访部门提出的改进工作、完善政策等建议重视不够、落实不力，"
        "导致问题长期得不到解决"
    ),
    (FaultKind.CONDUCT, 7): "其他违规违纪违法的情形",
}
# How many items each article has in the 2022 text (Art.43 none).
ITEM_COUNTS = {
    FaultKind.CAUSING: 4,
    FaultKind.BUREAU: 0,
    FaultKind.ACCEPTANCE: 3,
    FaultKind.HANDLING: 4,
    FaultKind.CONDUCT: 7,
}

_NUMERALS = "〇一二三四五六七"


@dataclass(frozen=True)
class Ground:
    """One fault as the trail names it: its kind (the article), the item of the article, and
    the fact of the case that makes it."""

    key: str
    kind: FaultKind
    paragraph: int | None  # the item (项) of the article, as the regulation numbers it
    fact: str

    @property
    def article(self) -> str:
        return self.kind.article

    @property
    def citation(self) -> str:
        """第四十四条第（三）项; 第四十三条 for an article without items."""
        if self.paragraph is None:
            return self.article
        return f"{self.article}第（{_NUMERALS[self.paragraph]}）项"

    @property
    def item_text(self) -> str:
        """What the article (item) says, in its own words."""
        return ITEMS[(self.kind, self.paragraph)]

    def as_dict(self) -> dict[str, object]:
        return {
            "ground": self.key,
            "fault": self.kind.value,
            "fault_label": self.kind.label,
            "article": self.article,
            "paragraph": self.paragraph,
            "citation": self.citation,
            "item_text": self.item_text,
            "fact": self.fact,
        }


# A duty of ``domain.deadlines`` done late (or not at all by its last day), by its step.
DUTY_GROUNDS: dict[str, Ground] = {
    # Art.22: a bureau transfers or assigns within 15 days of receipt.
    "transfer": Ground(
        "transfer", FaultKind.BUREAU, None, f"收到信访事项后未在{TRANSFER.days}日内转送、交办"
    ),
    # Art.23: a unit petitioned directly tells the petitioner in writing within 15 days.
    "inform": Ground(
        "inform", FaultKind.ACCEPTANCE, 3, f"直接收到信访事项后未在{INFORM.days}日内书面告知信访人"
    ),
    # Art.23: a unit receiving a transfer or assignment notifies acceptance within 15 days.
    "accept": Ground(
        "accept",
        FaultKind.ACCEPTANCE,
        3,
        f"收到转送、交办的信访事项后未在{ACCEPT.days}日内书面告知受理",
    ),
    # Art.34: 60 days (+30 granted) from acceptance on path 6; configured days otherwise.
    "answer": Ground("answer", FaultKind.HANDLING, 1, "受理后未在规定期限内办结信访事项"),
    # Art.22: an assigned matter is reported back by the bureau's deadline.
    "assigned_report": Ground(
        "assigned_report", FaultKind.HANDLING, 1, "交办的信访事项未在交办期限内报告办理结果"
    ),
    # Art.35: a review opinion within 30 days of the request.
    "review": Ground(
        "review", FaultKind.HANDLING, 1, f"收到复查请求后未在{REVIEW.days}日内提出复查意见"
    ),
    # Art.36: a recheck opinion within 30 days of the request, hearing days not counted.
    "recheck": Ground(
        "recheck", FaultKind.HANDLING, 1, f"收到复核请求后未在{RECHECK.days}日内提出复核意见"
    ),
}

# The transfer owed again after the bureau agreed to an objection (Art.22, 23): same article,
# its own fact. A transfer duty opened by an ``ObjectionDecided`` event is this one.
RETRANSFER = Ground(
    "retransfer",
    FaultKind.BUREAU,
    None,
    f"异议经同意、信访事项退回后未在{TRANSFER.days}日内重新转送、交办",
)

# Art.43: a bureau must urge (督办, Art.40) a unit that stalls. A handling unit's duty late for
# more than ``Rules.urge_grace_days`` with no urge of that unit since it became late.
NOT_URGED = Ground(
    "not_urged",
    FaultKind.BUREAU,
    None,
    "承办单位逾期未办理，信访部门应当督办而未督办",
)

# Faults an event shows by itself, whatever the day (the trail's marks), by their key.
MARK_GROUNDS: dict[str, Ground] = {
    g.key: g
    for g in (
        # Art.45(2): a review supporting what the answering unit's opinion did not support: the
        # request was clear and lawful, and the unit below did not support it.
        Ground(
            "overturned_answer",
            FaultKind.HANDLING,
            2,
            "信访处理意见未予支持的投诉请求，经复查予以支持",
        ),
        Ground(
            "overturned_review",
            FaultKind.HANDLING,
            2,
            "复查意见未予支持的投诉请求，经复核予以支持",
        ),
        # Art.46: what the system sees of leaking an accuser's materials (item 5) or retaliation
        # (item 6) is an attempt of the accused unit's official to read the accusation, which
        # was refused (Art.30); the attempt itself is neither, so it stands as item 7.
        Ground(
            "accusation_read_attempt",
            FaultKind.CONDUCT,
            7,
            "被检举控告单位人员试图查阅检举控告材料",
        ),
    )
}

# An unanswered recommendation past its due day: neglecting it is Art.45(3).
RECOMMENDATION_NEGLECTED = Ground(
    "recommendation_neglected",
    FaultKind.HANDLING,
    3,
    "对信访部门提出的建议逾期未书面反馈采纳情况",
)

# The duties a bureau must urge when late (Art.40): those of the units handling the matter.
URGED_STEPS = ("accept", "answer", "assigned_report", "review", "recheck")

GROUNDS: dict[str, Ground] = {
    g.key: g
    for g in (
        *DUTY_GROUNDS.values(),
        RETRANSFER,
        NOT_URGED,
        *MARK_GROUNDS.values(),
        RECOMMENDATION_NEGLECTED,
    )
}


def ground_of_late(step: str, opened_by: str | None = None) -> Ground:
    """The ground a late duty of ``step`` shows; ``opened_by`` is the type of the event that
    opened it (a transfer owed again after an agreed objection has its own fact)."""
    if step == "transfer" and opened_by == "ObjectionDecided":
        return RETRANSFER
    return DUTY_GROUNDS[step]


def fault_of_late(step: str) -> FaultKind:
    """The fault kind a late ``step`` shows."""
    return DUTY_GROUNDS[step].kind
