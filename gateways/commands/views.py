"""``xinfang view …``: the ledger, the supervision roll-up and the warnings, printed for a person
at a terminal (or as JSON / CSV for a script).

    xinfang view ledger [--division 330106] [--unit ID] [--status open] [--stage S] [--step S]
                        [--category C] [--overdue] [--repeat] [--level-skipping]
                        [--leader-owned] [--limit 50] [--offset 0] [--csv FILE] [--json]
    xinfang view rollup 330106 [--as-of 2026-02-28T23:59:59+08:00] [--json]
    xinfang view warnings UNIT_ID [--within 7] [--json]
    xinfang view trail CASE_ID [--today 2026-04-11] [--json]
    xinfang view faults [--division 330106] [--unit ID] [--official ID] [--fault art43]
                        [--from 2026-03-01] [--to 2026-03-31] [--limit 50] [--offset 0]
                        [--today 2026-04-11] [--json]

Every view reads as an official: ``--as-unit ID`` (with that unit's jurisdiction), by default
the system administrator (everything, accusations included). The projections are first brought
up to date (``--no-catch-up`` to read them as they are). ``trail`` and ``faults`` are the
accountability trail of discipline inspection: lateness judged on ``--today`` (default: today).
Read as an official, every accusation a view shows (a ledger row, an exported line, a warning,
a leader-owned case, a fault, a trail) is recorded like any read of it, with the view's purpose
(§7); the system administrator's reads are not.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.errors import DomainError, invalid
from gateways.commands.reading import Reading, add_reading_options, day, emit, reading
from gateways.settings import Settings
from projections.ledger_query import (
    CSV_COLUMNS,
    LedgerFilter,
    accusation_case_ids,
    ledger_csv,
    ledger_page,
)
from projections.supervision_query import rollup
from projections.trail_query import FaultFilter, case_trail, fault_page, trail_scope
from projections.warnings import unit_warnings

KINDS = ("ledger", "rollup", "warnings", "trail", "faults")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="xinfang view", description="台账、督导看板、预警")
    sub = top.add_subparsers(dest="kind", required=True)
    ledger = sub.add_parser("ledger", help="台账 / the ledger")
    ledger.add_argument("--division")
    ledger.add_argument("--unit", dest="unit_id")
    ledger.add_argument("--status", choices=["open", "concluded"])
    ledger.add_argument("--stage")
    ledger.add_argument("--step")
    ledger.add_argument("--category", choices=["suggestion", "accusation", "appeal"])
    for flag in ("overdue", "repeat", "level-skipping", "leader-owned"):
        ledger.add_argument(f"--{flag}", action=argparse.BooleanOptionalAction, default=None)
    ledger.add_argument("--limit", type=int, default=50)
    ledger.add_argument("--offset", type=int, default=0)
    ledger.add_argument("--csv", help="write the whole filtered ledger to this CSV file")
    up = sub.add_parser("rollup", help="五级书记督导看板 / supervision roll-up")
    up.add_argument("prefix", help="division prefix: 2, 4, 6, 9 or 12 digits")
    up.add_argument("--as-of", help="ISO 8601 instant with zone")
    warn = sub.add_parser("warnings", help="期限预警 / deadline warnings of a unit")
    warn.add_argument("unit")
    warn.add_argument("--within", type=int, default=7)
    trail = sub.add_parser("trail", help="问责轨迹 / the accountability trail of a case")
    trail.add_argument("case_id", type=UUID)
    faults = sub.add_parser("faults", help="问责检索 / faults by unit, official, kind, period")
    faults.add_argument("--division")
    faults.add_argument("--unit", dest="unit_id")
    faults.add_argument("--official", dest="official_id")
    faults.add_argument("--fault", help="art42 … art46")
    faults.add_argument("--from", dest="period_from", type=day)
    faults.add_argument("--to", dest="period_to", type=day)
    faults.add_argument("--limit", type=int, default=50)
    faults.add_argument("--offset", type=int, default=0)
    for p in (trail, faults):
        p.add_argument("--today", type=day, help="judge lateness on this day (YYYY-MM-DD)")
    for p in (ledger, up, warn, trail, faults):
        add_reading_options(p)
    return top


def run_view(settings: Settings, args: argparse.Namespace) -> int:
    """Entry point for ``xinfang view KIND [options]`` (``args.kind``/``args.options``)."""
    options: Sequence[str] = [args.kind, *getattr(args, "options", [])]
    return view(settings, options)


def view(settings: Settings, argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    with reading(settings, args) as r:
        if args.kind == "ledger":
            filters = LedgerFilter(
                unit_id=args.unit_id,
                division=args.division,
                status=args.status,
                stage=args.stage,
                step=args.step,
                category=args.category,
                overdue=args.overdue,
                repeat=args.repeat,
                level_skipping=args.level_skipping,
                leader_owned=args.leader_owned,
                limit=args.limit,
                offset=args.offset,
            )
            if args.csv:
                with open(args.csv, "w", encoding="utf-8", newline="") as out:
                    for chunk in ledger_csv(
                        r.db,
                        r.scope,
                        filters,
                        r.today,
                        r.directory,
                        shown=lambda rows: _record_reads(r, rows, "ledger_csv"),
                    ):
                        out.write(chunk)
                print(f"已导出 / written: {args.csv}", file=sys.stderr)
                return 0
            page = ledger_page(r.db, r.scope, filters, r.today, r.directory)
            _record_reads(r, page["items"], "ledger")
            emit(page, args.json, _ledger_text)
        elif args.kind == "rollup":
            if args.as_of:
                as_of = datetime.fromisoformat(args.as_of)
                if as_of.tzinfo is None:
                    raise invalid("OCCURRED_AT_NAIVE", "时间必须带有时区", as_of=args.as_of)
                figures = rollup(r.db, r.scope, args.prefix, r.directory, as_of=as_of)
            else:
                figures = rollup(r.db, r.scope, args.prefix, r.directory, today=r.today)
            _record_reads(r, figures["leader_owned"]["cases"], "supervision")
            emit(figures, args.json, _rollup_text)
        elif args.kind == "warnings":
            found = unit_warnings(r.db, r.scope, args.unit, args.within, r.today, r.directory)
            _record_reads(r, found["overdue"] + found["due_soon"], "warnings")
            emit(found, args.json, _warnings_text)
        else:
            _audit(args, r, args.today or r.today)
        return 0


def _record_reads(r: Reading, rows: Iterable[Mapping[str, Any]], purpose: str) -> None:
    """The accusations among ``rows`` were shown to the reader: record each read (§7)."""
    shown = accusation_case_ids(rows)
    if shown:
        r.service.record_accusation_reads(r.actor, shown, purpose)


def _ledger_text(page: dict[str, Any]) -> str:
    keys = ("serial_number", "stage_label", "holder_unit_name", "next_step_label", "next_due")
    labels = dict(CSV_COLUMNS)
    head = ["信访编号", labels["stage_label"], "承办单位", "待办环节", "办理期限", "预警"]
    lines = ["\t".join(head)]
    for item in page["items"]:
        cells = [str(item.get(k) or "") for k in keys] + [item["warning_label"]]
        lines.append("\t".join(cells))
    shown = f"{page['offset'] + 1}-{page['offset'] + len(page['items'])}" if page["items"] else "0"
    lines.append(f"共 {page['total']} 件，显示 {shown}（{page['today']}）")
    return "\n".join(lines)


def _rollup_text(r: dict[str, Any]) -> str:
    when = r["as_of"] or r["today"]
    lines = [
        f"{r['name'] or r['division']}（{r['tier']}，{r['division']}）截至 {when}",
        f"登记 {r['registrations']} 件，在办 {r['open']} 件，积案 {r['backlog']} 件，"
        f"重复信访率 {_percent(r['repeat_rate'])}",
        "环节：" + "，".join(f"{s['label']} {s['count']}" for s in r["stages"] if s["count"]),
        "期限："
        + "，".join(
            f"{d['label']} 在期 {d['running']} / 超期 {d['missed']}"
            for d in r["deadlines"]
            if d["running"] or d["missed"]
        ),
        f"领导包案 {r['leader_owned']['total']} 件（在办 {r['leader_owned']['open']}）",
    ]
    for case in r["leader_owned"]["cases"][:10]:
        lines.append(
            f"  {case['serial_number']} {case['leaders']} {case['stage_label']} "
            f"已 {case['days_open']} 天"
        )
    recs = r.get("recommendations")
    if recs and recs["issued"]:
        lines.append(
            f"三项建议 {recs['issued']} 件：已答复 {recs['answered']}（采纳 {recs['adopted']}），"
            f"未答复 {recs['unanswered']}，逾期未答复 {recs['overdue']}"
        )
        for item in recs["overdue_items"][:10]:
            lines.append(
                f"  逾期 {item['days_overdue']} 天：{item['kind_label']} 致 {item['to_unit_name']}"
                f"（{item['due_on']} 前答复）"
            )
    if r["areas"]:
        lines.append("下级区域排名（超期、积案、重复信访率）：")
        for a in r["areas"]:
            lines.append(
                f"  {a['rank']:>2}. {a['name'] or a['division']} 超期 {a['missed']} "
                f"积案 {a['backlog']} 重复 {_percent(a['repeat_rate'])}"
            )
    return "\n".join(lines)


def _warnings_text(w: dict[str, Any]) -> str:
    lines = [f"{w['unit_name']} 预警（{w['today']}，{w['within_days']} 日内）"]
    for item in w["overdue"] + w["due_soon"]:
        lines.append(
            f"  [{item['level_label']}] {item['serial_number']} {item['step_label']} "
            f"期限 {item['due_on']}"
            + (f" 超期 {item['days_overdue']} 天" if item["days_overdue"] else "")
        )
    if len(lines) == 1:
        lines.append("  无")
    return "\n".join(lines)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


# ------------------------------------------------------------ trail and faults
def _audit(args: argparse.Namespace, r: Reading, today: date) -> None:
    scope = trail_scope(r.actor, r.directory)
    if args.kind == "trail":
        trail = case_trail(r.db, scope, str(args.case_id), today, r.directory, r.service.rules)
        if trail["case"]["accusation"]:
            # this read of the accusation is itself recorded (§7)
            r.service.case(args.case_id, r.actor, purpose="trail")
        emit(trail, args.json, _trail_text)
        return
    filters = FaultFilter(
        division=args.division,
        unit_id=args.unit_id,
        official_id=args.official_id,
        fault=args.fault,
        period_from=args.period_from,
        period_to=args.period_to,
        limit=args.limit,
        offset=args.offset,
    )
    page = fault_page(r.db, scope, filters, today, r.directory, r.service.rules)
    _record_reads(r, page["items"], "faults")
    emit(page, args.json, _faults_text)


def _trail_text(t: dict[str, Any]) -> str:
    case = t["case"]
    lines = [
        f"信访事项 {case['serial_number']}（{case['category_label']}，{case['division_code']}）"
        f"问责轨迹（{t['today']}）",
        "办理过程：",
    ]
    for e in t["timeline"]:
        target = f" → {e['target_unit_name']}" if e["target_unit_name"] else ""
        lines.append(
            f"  {e['occurred_at'][:16].replace('T', ' ')} {e['label']} {e['unit_name']} "
            f"{e['official_name']}{target}"
        )
    lines.append("办理期限：")
    for d in t["duties"]:
        late = f"（{d['days_late']}日）" if d["days_late"] else ""
        done = f" 办理 {d['done_on']}" if d["done_on"] else ""
        lines.append(
            f"  {d['step_label']} {d['unit_name']} 期限 {d['due_on']}{done} "
            f"{d['status_label']}{late}"
        )
    lines.append("失职情形：")
    for f in t["faults"]:
        lines.append(f"  {_fault_line(f)}")
    if not t["faults"]:
        lines.append("  无")
    if case["accusation"]:
        lines.append("查阅记录：")
        for r in t["reads"]:
            lines.append(
                f"  {r['occurred_at'][:16].replace('T', ' ')} {r['unit_name']} {r['official_name']}"
            )
        if not t["reads"]:
            lines.append("  无")
    return "\n".join(lines)


def _fault_line(f: dict[str, Any]) -> str:
    who = f" 责任人 {f['official_name']}" if f["official_name"] else ""
    return (
        f"[{f['citation']}] {f['fault_on']} {f['fact']}：{f['detail']} "
        f"责任单位 {f['unit_name']}{who}"
    )


def _faults_text(page: dict[str, Any]) -> str:
    head = [
        "失职类型",
        "发生日",
        "信访编号",
        "环节",
        "期限",
        "办理",
        "逾期天数",
        "责任单位",
        "责任人",
    ]
    lines = ["\t".join(head)]
    for f in page["items"]:
        cells = [
            f["citation"],
            f["fault_on"],
            f["serial_number"],
            f["step_label"] if f["source"] == "duty" else f["fact"],
            f["due_on"] or "",
            f["done_on"] or "",
            str(f["days_late"] or ""),
            f["unit_name"] or f["unit_id"],
            f["official_name"] or "",
        ]
        lines.append("\t".join(cells))
    shown = f"{page['offset'] + 1}-{page['offset'] + len(page['items'])}" if page["items"] else "0"
    kinds = "，".join(f"{k} {n}" for k, n in page["counts"].items() if n)
    lines.append(f"共 {page['total']} 条（{kinds or '无'}），显示 {shown}（{page['today']}）")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gateways.commands.views KIND …``: a refusal prints its code and message."""
    try:
        return view(Settings.from_env(), list(sys.argv[1:] if argv is None else argv))
    except DomainError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover - ``python -m gateways.commands.views``
    sys.exit(main())
