"""The Chinese words people read for the system's codes: one table per kind of code.

Every view, export, page and printout that shows a code's name reads it here, so a stage (or a
step, a channel…) is called the same everywhere. Keyed by the codes' string values (the enums
are ``StrEnum``), so this module depends on nothing.
"""

from __future__ import annotations

# Where a case stands (``domain.case.state.Stage``).
STAGE_LABELS: dict[str, str] = {
    "registered": "已登记",
    "awaiting_acceptance": "待受理",
    "objection_pending": "异议审核中",
    "handling": "办理中",
    "answered": "已答复",
    "reviewing": "复查中",
    "reviewed": "已复查",
    "rechecking": "复核中",
    "concluded": "已办结",
}

# The steps of a case's deadlines (``domain.deadlines.Deadline.step``): duties, then windows.
STEP_LABELS: dict[str, str] = {
    "transfer": "转送",
    "inform": "告知",
    "accept": "受理",
    "answer": "答复",
    "assigned_report": "交办办结报告",
    "review": "复查",
    "recheck": "复核",
    "objection": "异议期",
    "review_request": "复查申请期",
    "recheck_request": "复核申请期",
}

# ``domain.classification.Category`` (Art.29-31).
CATEGORY_LABELS: dict[str, str] = {
    "suggestion": "建议意见类",
    "accusation": "检举控告类",
    "appeal": "申诉求决类",
}

# ``domain.classification.Channel``.
CHANNEL_LABELS: dict[str, str] = {
    "letter": "来信",
    "visit": "来访",
    "phone": "电话",
    "web": "网上",
    "wechat": "微信",
    "fax": "传真",
}

# Warning levels of a running duty (``domain.deadlines.WARNING_LEVELS``, domain.md §6).
WARNING_LABELS: dict[str, str] = {
    "normal": "正常",
    "warning": "提醒",
    "alert": "预警",
    "severe": "告急",
    "overdue": "超期",
}

# ``domain.units.Tier``.
TIER_LABELS: dict[str, str] = {
    "province": "省",
    "city": "市",
    "county": "县",
    "township": "乡镇",
    "village": "村",
}

# Kinds of matter (信访事项内容分类) the system ships with; a unit may register others, shown
# by their code (``domain.matters.matter_label``).
MATTER_KIND_LABELS: dict[str, str] = {
    "land_compensation": "征地补偿",
    "wage_arrears": "拖欠工资",
    "demolition": "房屋拆迁",
    "pension": "养老保险",
    "environment": "环境污染",
    "property": "物业纠纷",
    "medical": "医疗纠纷",
    "social_assistance": "低保救助",
    "education": "教育入学",
    "traffic": "交通出行",
    "misconduct": "干部作风",
}

# Case events as a timeline shows them (by class name, ``domain.case_events``).
EVENT_LABELS: dict[str, str] = {
    "Registered": "登记",
    "Transferred": "转送",
    "Assigned": "交办",
    "Routed": "导入法定途径",
    "Informed": "告知",
    "Accepted": "受理",
    "Objected": "提出异议",
    "ObjectionDecided": "异议审核",
    "Declined": "不予受理",
    "Extended": "延期",
    "Answered": "答复",
    "Served": "送达",
    "ReviewRequested": "申请复查",
    "Reviewed": "复查意见",
    "RecheckRequested": "申请复核",
    "HearingHeld": "听证",
    "Rechecked": "复核意见",
    "Urged": "督办",
    "Evaluated": "满意度评价",
    "LeaderAssigned": "领导包案",
    "Concluded": "办结",
    "NotReaccepted": "不再受理",
    "RepeatLinked": "关联重复信访",
    "AccusationViewed": "查阅检举控告材料",
    "AccusationReadRefused": "被检举控告单位人员试图查阅（已拒绝）",
}

# How a duty stands in the accountability trail.
DUTY_STATUS_LABELS: dict[str, str] = {
    "met": "按期办理",
    "missed": "逾期办理",
    "running": "在办理期限内",
    "overdue": "超期未办",
    "marked": "行为本身显示失职",
    "not_urged": "应当督办而未督办",
}

# ``domain.faults.FaultKind``: the article and its heading (Art.42-46).
FAULT_LABELS: dict[str, str] = {
    "art42": "第四十二条 造成信访问题",
    "art43": "第四十三条 信访部门登记、转送、交办、督办失职",
    "art44": "第四十四条 受理失职",
    "art45": "第四十五条 办理失职",
    "art46": "第四十六条 作风纪律问题",
}

# ``domain.recommendations.RecommendationKind`` (三项建议, Art.40).
RECOMMENDATION_KIND_LABELS: dict[str, str] = {
    "improve_work": "改进工作建议",
    "improve_policy": "完善政策建议",
    "accountability": "追究责任建议",
}

# Where a recommendation stands.
RECOMMENDATION_STATUS_LABELS: dict[str, str] = {
    "adopted": "已答复（采纳）",
    "not_adopted": "已答复（未采纳）",
    "open": "待答复",
    "overdue": "逾期未答复",
}

# ``domain.repeats.Relation``: what linking a registration to an earlier case does.
REPEAT_RELATION_LABELS: dict[str, str] = {
    "repeat": "重复信访：原事项正在办理期限内，上级机关不予受理（第十九条）",
    "follow_up": "续访：关联原事项，由原办理机关、单位一并办理",
    "after_period": "原事项已超过办理期限：上级机关应予受理并督办（第十九条、第三十八条）",
    "not_reaccepted": "复核后以同一事实和理由再次提出：不再受理（第三十六条）",
}

# Why an earlier case is proposed as the same matter (``domain.repeats``).
REPEAT_REASON_LABELS: dict[str, str] = {
    "same_petitioner": "同一信访人",
    "same_matter_kind": "同一事项类别",
    "same_area": "同一乡镇（街道）",
    "similar_subject": "反映事由相近",
}

# Assessment figures (考核), as the figures and the bulletin name them.
FIGURE_LABELS: dict[str, str] = {
    "timely_acceptance": "及时受理率",
    "on_time_completion": "按期办结率",
    "evaluation_rate": "参评率",
    "satisfaction": "满意率",
    "repeat_rate": "重复信访率",
    "backlog_resolution": "积案化解率",
    "leader_resolution": "包案化解率",
}
