"""Kinds of matter (信访事项内容分类): what a petition is about, named once.

A registration records its matter kind as a stable code; people read the Chinese name. The
codes below are the kinds this system ships with; a unit may register others (the code is then
shown as it is), so the list grows without a migration.
"""

from __future__ import annotations

MATTER_KINDS: dict[str, str] = {
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


def matter_label(kind: str) -> str:
    """The Chinese name of a matter kind, or the code itself for a kind not in the list."""
    return MATTER_KINDS.get(kind, kind)
