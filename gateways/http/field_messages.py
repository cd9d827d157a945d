"""Chinese messages for FastAPI's own input checks, so that a form can show a refusal beside
its field in the language of the official or petitioner at the screen.

Pydantic's messages are English; its error ``type`` is stable, so the message is chosen by
type and filled from the error's context (limits, allowed values). Unknown types fall back to
a general message; the English text stays in ``message_en`` for developers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_BY_TYPE: dict[str, str] = {
    "missing": "必填项",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "uuid_parsing": "编号格式不正确",
    "uuid_type": "编号格式不正确",
    "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "datetime_parsing": "时间格式不正确（应为 ISO 8601，如 2026-03-05T14:20:00+08:00）",
    "datetime_from_date_parsing": "时间格式不正确（应为 ISO 8601，如 2026-03-05T14:20:00+08:00）",
    "timezone_aware": "时间须带时区（如 +08:00）",
    "list_type": "应为列表",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "extra_forbidden": "不接受此字段",
    "json_invalid": "请求内容不是有效的 JSON",
    "json_type": "请求内容不是有效的 JSON",
    "value_error": "取值不正确",
    "assertion_error": "取值不正确",
}
GENERAL = "取值不正确"


def field_message(error_type: str, context: Mapping[str, Any] | None) -> str:
    """The Chinese message for one pydantic error."""
    template = _BY_TYPE.get(error_type, GENERAL)
    try:
        return template.format(**(context or {}))
    except (KeyError, IndexError, ValueError):
        return template.split("：")[0] if "{" in template else template
