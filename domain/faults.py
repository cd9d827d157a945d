"""The five kinds of fault of Chapter 5 (Art.42-46), and which one a late duty shows.

The accountability trail, the assessment figures and the 三项建议 candidates all name faults
the same way; this is the one place that says which article a missed deadline falls under.
"""

from __future__ import annotations

from enum import StrEnum


class FaultKind(StrEnum):
    CAUSING = "art42"  # 造成问题：滥用职权、不作为、适用法律错误、拒不支持应予支持的请求
    BUREAU = "art43"  # 信访部门：登记、转送、交办、督办不当
    ACCEPTANCE = "art44"  # 受理：未登记、推诿有权处理的事项、未按时书面告知受理
    HANDLING = "art45"  # 办理：推诿、敷衍、拖延、超期、拒不采纳建议
    CONDUCT = "art46"  # 作风：态度恶劣、泄露检举控告材料、打击报复

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    FaultKind.CAUSING: "第四十二条 造成信访问题",
    FaultKind.BUREAU: "第四十三条 信访部门登记、转送、交办、督办失职",
    FaultKind.ACCEPTANCE: "第四十四条 受理失职",
    FaultKind.HANDLING: "第四十五条 办理失职",
    FaultKind.CONDUCT: "第四十六条 工作作风问题",
}

# A duty of ``domain.deadlines`` done late (or not at all by its last day) is a fault of:
DUTY_FAULTS: dict[str, FaultKind] = {
    "transfer": FaultKind.BUREAU,  # Art.43: transfer within 15 days (Art.22)
    "inform": FaultKind.ACCEPTANCE,  # Art.44: no written notice in time (Art.23)
    "accept": FaultKind.ACCEPTANCE,  # Art.44: no written acceptance notice in time (Art.23)
    "answer": FaultKind.HANDLING,  # Art.45: late answer (Art.34)
    "assigned_report": FaultKind.HANDLING,  # Art.45: assigned matter not reported in time
    "review": FaultKind.HANDLING,  # Art.45: review opinion late (Art.35)
    "recheck": FaultKind.HANDLING,  # Art.45: recheck opinion late (Art.36)
}

# An unanswered recommendation past its due day: neglecting it is a handling fault (Art.45).
RECOMMENDATION_NEGLECTED = FaultKind.HANDLING


def fault_of_late(step: str) -> FaultKind:
    """The fault kind a late ``step`` shows."""
    return DUTY_FAULTS[step]
