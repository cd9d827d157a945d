"""Reading the ledger: who may see which rows, the filters of a 台账, paging and the CSV export.

Every query takes the caller's ``ReadScope`` (jurisdiction, units they answer for, accusations
hidden from them) and ``today``: "overdue" and warning levels are decided on that day, never
stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from domain.access import ReadScope
from domain.classification import Category
from domain.deadlines import Deadline
from domain.errors import invalid
from domain.labels import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    STAGE_LABELS,
    STEP_LABELS,
    WARNING_LABELS,
)
from domain.matters import matter_label
from domain.units import Directory, area_prefix
from projections.db import ViewDatabase

DUTY_STEPS = ("transfer", "inform", "accept", "answer", "assigned_report", "review", "recheck")
PREFIX_LENGTHS = (2, 4, 6, 9, 12)
MAX_PAGE = 1000


def hidden_clause(scope: ReadScope, column: str = "accused_unit_id") -> tuple[str, list[Any]]:
    """SQL for "not an accusation hidden from the reader" (``ReadScope.hidden_accused``)."""
    marks = ", ".join(["%s"] * len(scope.hidden_accused))
    return f"{column} NOT IN ({marks})", list(scope.hidden_accused)


def accusation_case_ids(rows: Iterable[Mapping[str, Any]]) -> list[UUID]:
    """The accusations among the rows a reader is shown (ledger, export, warnings, faults,
    leader-owned cases): each such read is recorded (domain.md §7), the rest need nothing."""
    return [UUID(str(r["case_id"])) for r in rows if r.get("category") == Category.ACCUSATION]


def code_range(prefix: str) -> tuple[str, str]:
    """All 12-digit codes starting with ``prefix``, as a range an index can serve."""
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def check_prefix(prefix: str) -> str:
    """A division prefix of 2, 4, 6, 9 or 12 digits; a full code is cut to its area."""
    if not prefix.isdigit() or len(prefix) not in PREFIX_LENGTHS:
        raise invalid(
            "DIVISION_PREFIX_INVALID", "区划代码前缀应为2、4、6、9或12位数字", value=prefix
        )
    return area_prefix(prefix) if len(prefix) == 12 else prefix


@dataclass(frozen=True)
class LedgerFilter:
    """The filters of a 台账 listing (all optional)."""

    unit_id: str | None = None  # cases the unit holds or held
    division: str | None = None  # a division-code prefix
    status: str | None = None  # "open" | "concluded"
    stage: str | None = None
    step: str | None = None  # has an undone duty of this step
    category: str | None = None
    overdue: bool | None = None  # has an undone duty past its day
    repeat: bool | None = None  # a repeat petition, or repeated by later ones
    level_skipping: bool | None = None
    leader_owned: bool | None = None
    limit: int = 50
    offset: int = 0

    def check(self) -> None:
        if self.division is not None and (not self.division.isdigit() or len(self.division) > 12):
            raise invalid("DIVISION_PREFIX_INVALID", "区划代码前缀应为数字", value=self.division)
        if self.status is not None and self.status not in ("open", "concluded"):
            raise invalid("FILTER_INVALID", "筛选条件无效", field="status", value=self.status)
        if self.stage is not None and self.stage not in STAGE_LABELS:
            raise invalid("FILTER_INVALID", "筛选条件无效", field="stage", value=self.stage)
        if self.step is not None and self.step not in DUTY_STEPS:
            raise invalid("FILTER_INVALID", "筛选条件无效", field="step", value=self.step)
        if self.category is not None and self.category not in {c.value for c in Category}:
            raise invalid("FILTER_INVALID", "筛选条件无效", field="category", value=self.category)
        if not 1 <= self.limit <= MAX_PAGE or self.offset < 0:
            raise invalid("PAGING_INVALID", "分页参数无效", limit=self.limit, offset=self.offset)


def visibility_clause(scope: ReadScope, alias: str = "c") -> tuple[str, list[Any]]:
    """Rows the caller may see: in their jurisdiction or passed through their units, and never
    an accusation against their unit or a unit above it."""
    hidden, params = hidden_clause(scope, f"{alias}.accused_unit_id")
    if scope.jurisdiction is None:
        return hidden, params
    parts: list[str] = []
    if scope.jurisdiction:
        lo, hi = code_range(scope.jurisdiction)
        parts.append(f"{alias}.division_code BETWEEN %s AND %s")
        params.extend([lo, hi])
    marks = ", ".join(["%s"] * len(scope.unit_ids))
    parts.append(
        f"{alias}.case_id IN (SELECT case_id FROM v_ledger_units WHERE unit_id IN ({marks}))"
    )
    params.extend(scope.unit_ids)
    return f"{hidden} AND ({' OR '.join(parts)})", params


def _where(scope: ReadScope, f: LedgerFilter, today: date) -> tuple[str, list[Any]]:
    clause, params = visibility_clause(scope)
    parts = [clause]
    if f.unit_id:
        parts.append("c.case_id IN (SELECT case_id FROM v_ledger_units WHERE unit_id = %s)")
        params.append(f.unit_id)
    if f.division:
        lo, hi = code_range(f.division)
        parts.append("c.division_code BETWEEN %s AND %s")
        params.extend([lo, hi])
    if f.status == "open":
        parts.append("c.is_open = 1")
    elif f.status == "concluded":
        parts.append("c.is_open = 0")
    if f.stage:
        parts.append("c.stage = %s")
        params.append(f.stage)
    if f.step:
        parts.append(
            "c.is_open = 1 AND EXISTS (SELECT 1 FROM v_ledger_deadlines d WHERE d.case_id = "
            "c.case_id AND d.step = %s AND d.kind = 'duty' AND d.done_on IS NULL)"
        )
        params.append(f.step)
    if f.category:
        parts.append("c.category = %s")
        params.append(f.category)
    overdue = "(c.is_open = 1 AND c.next_due IS NOT NULL AND c.next_due < %s)"
    if f.overdue is True:
        parts.append(overdue)
        params.append(today.isoformat())
    elif f.overdue is False:
        parts.append(f"NOT {overdue}")
        params.append(today.isoformat())
    if f.repeat is not None:
        parts.append(("" if f.repeat else "NOT ") + "(c.is_repeat = 1 OR c.repeats_count > 0)")
    for column, value in (("level_skipping", f.level_skipping), ("leader_owned", f.leader_owned)):
        if value is not None:
            parts.append(f"c.{column} = %s")
            params.append(1 if value else 0)
    return " AND ".join(parts), params


# Cases with a duty due first, soonest first. ``NULLS LAST`` rather than ``(next_due IS NULL)``:
# the same order, but one PostgreSQL can read off the ``(is_open, next_due)`` index, so a page
# of open or overdue cases stops after its rows instead of sorting every match.
ORDER = "ORDER BY c.next_due NULLS LAST, c.registered_at, c.case_id"


def _present(row: dict[str, Any], today: date, directory: Directory) -> dict[str, Any]:
    """A ledger row as callers read it: labels, names, and where its next duty stands today."""
    item = dict(row)
    for flag in ("is_open", "is_repeat", "level_skipping", "collective", "major", "leader_owned"):
        item[flag] = bool(item[flag])
    item["accused_unit_id"] = item["accused_unit_id"] or None
    item["stage_label"] = STAGE_LABELS.get(item["stage"], item["stage"])
    item["category_label"] = CATEGORY_LABELS.get(item["category"], item["category"])
    item["channel_label"] = CHANNEL_LABELS.get(item["channel"], item["channel"])
    item["matter_label"] = matter_label(item["matter_kind"])
    holder = directory.find(item["holder_unit_id"])
    item["holder_unit_name"] = holder.name if holder else item["holder_unit_id"]
    level = "normal"
    days_overdue = 0
    if item["is_open"] and item["next_due"]:
        due = date.fromisoformat(item["next_due"])
        duty = Deadline(item["next_step"], "duty", item["next_unit_id"], due, due, None, "")
        level = duty.status_on(today).warning_level
        days_overdue = max(0, (today - due).days)
    item["overdue"] = level == "overdue"
    item["days_overdue"] = days_overdue
    item["warning_level"] = level
    item["warning_label"] = WARNING_LABELS[level]
    item["next_step_label"] = STEP_LABELS.get(item["next_step"] or "")
    item.pop("version", None)
    return item


def ledger_page(
    db: ViewDatabase,
    scope: ReadScope,
    f: LedgerFilter,
    today: date,
    directory: Directory,
) -> dict[str, Any]:
    """One page of the ledger and the total number of matching rows."""
    f.check()
    where, params = _where(scope, f, today)
    total = db.query(f"SELECT count(*) AS n FROM v_ledger_cases c WHERE {where}", params)[0]["n"]
    rows = db.query(
        f"SELECT c.* FROM v_ledger_cases c WHERE {where} {ORDER} LIMIT %s OFFSET %s",
        [*params, f.limit, f.offset],
    )
    return {
        "total": int(total),
        "limit": f.limit,
        "offset": f.offset,
        "today": today.isoformat(),
        "items": [_present(r, today, directory) for r in rows],
    }


CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("serial_number", "信访编号"),
    ("division_code", "区划代码"),
    ("category_label", "类别"),
    ("channel_label", "渠道"),
    ("matter_label", "事项类型"),
    ("subject", "事项摘要"),
    ("petitioner", "信访人"),
    ("people_count", "人数"),
    ("stage_label", "当前环节"),
    ("holder_unit_name", "当前承办单位"),
    ("registered_at", "登记时间"),
    ("accepted_at", "受理时间"),
    ("answered_at", "答复时间"),
    ("concluded_at", "办结时间"),
    ("path", "处理途径"),
    ("is_repeat", "重复信访"),
    ("repeats_count", "被重复次数"),
    ("level_skipping", "越级访"),
    ("collective", "集体访"),
    ("leaders", "包案领导"),
    ("urges_count", "督办次数"),
    ("next_step_label", "待办环节"),
    ("next_due", "办理期限"),
    ("warning_label", "预警等级"),
    ("days_overdue", "超期天数"),
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def ledger_csv(
    db: ViewDatabase,
    scope: ReadScope,
    f: LedgerFilter,
    today: date,
    directory: Directory,
    page: int = 2000,
    shown: Callable[[list[dict[str, Any]]], None] | None = None,
) -> Iterator[str]:
    """The filtered ledger as CSV for Excel: UTF-8 with a BOM, Chinese headers, masked data.
    Yields chunks, so a large export streams; ``shown`` is told each chunk's rows before the
    chunk leaves (to record the reads of the accusations among them)."""
    checked = replace(f, limit=1, offset=0)
    checked.check()
    where, params = _where(scope, checked, today)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in CSV_COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    offset = 0
    while True:
        rows = db.query(
            f"SELECT c.* FROM v_ledger_cases c WHERE {where} {ORDER} LIMIT %s OFFSET %s",
            [*params, page, offset],
        )
        if not rows:
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            item = _present(row, today, directory)
            writer.writerow([_cell(item.get(key)) for key, _ in CSV_COLUMNS])
        if shown is not None:
            shown(rows)
        yield buffer.getvalue()
        if len(rows) < page:
            return
        offset += page
