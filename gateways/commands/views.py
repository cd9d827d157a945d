"""``xinfang view …``: the ledger, the supervision roll-up and the warnings, printed for a person
at a terminal (or as JSON / CSV for a script).

    xinfang view ledger [--division 330106] [--unit ID] [--status open] [--stage S] [--step S]
                        [--category C] [--overdue] [--repeat] [--level-skipping]
                        [--leader-owned] [--limit 50] [--offset 0] [--csv FILE] [--json]
    xinfang view rollup 330106 [--as-of 2026-02-28T23:59:59+08:00] [--json]
    xinfang view warnings UNIT_ID [--within 7] [--json]

Every view reads as an official: ``--as-unit ID`` (with that unit's jurisdiction), by default
the system administrator (everything, accusations included). The projections are first brought
up to date (``--no-catch-up`` to read them as they are).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.acts import SYSTEM, Actor
from domain.calendar import china_date
from domain.errors import invalid
from gateways.settings import Settings
from gateways.wiring import build_service, build_view_database
from projections.ledger_query import CSV_COLUMNS, LedgerFilter, Scope, ledger_csv, ledger_page
from projections.registry import all_projections
from projections.runner import ProjectionRunner
from projections.supervision_query import rollup
from projections.warnings import unit_warnings

KINDS = ("ledger", "rollup", "warnings")


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
    for p in (ledger, up, warn):
        p.add_argument("--as-unit", help="read as an official of this unit")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.add_argument("--no-catch-up", action="store_true")
    return top


def run_view(settings: Settings, args: argparse.Namespace) -> int:
    """Entry point for ``xinfang view KIND [options]`` (``args.kind``/``args.options``)."""
    options: Sequence[str] = [args.kind, *getattr(args, "options", [])]
    return view(settings, options)


def view(settings: Settings, argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    service = build_service(settings)
    db = build_view_database(settings)
    try:
        if not args.no_catch_up:
            ProjectionRunner(service, db, all_projections()).catch_up()
        directory = service.directory
        actor = _reader(args.as_unit, directory) if args.as_unit else SYSTEM
        scope = Scope.of(actor, directory)
        today = china_date(service.clock.now())
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
                    for chunk in ledger_csv(db, scope, filters, today, directory):
                        out.write(chunk)
                print(f"已导出 / written: {args.csv}", file=sys.stderr)
                return 0
            page = ledger_page(db, scope, filters, today, directory)
            _emit(page, args.json, _ledger_text)
        elif args.kind == "rollup":
            if args.as_of:
                as_of = datetime.fromisoformat(args.as_of)
                if as_of.tzinfo is None:
                    raise invalid("OCCURRED_AT_NAIVE", "时间必须带有时区", as_of=args.as_of)
                figures = rollup(db, scope, args.prefix, directory, as_of=as_of)
            else:
                figures = rollup(db, scope, args.prefix, directory, today=today)
            _emit(figures, args.json, _rollup_text)
        else:
            found = unit_warnings(db, scope, args.unit, args.within, today, directory)
            _emit(found, args.json, _warnings_text)
        return 0
    finally:
        db.close()
        service.close()


def _reader(unit_id: str, directory: Any) -> Actor:
    unit = directory.get(unit_id)
    roles = frozenset({"bureau", "handler", "leader", "inspector"})
    return Actor(f"cli:{unit_id}", "命令行", unit_id, roles, unit.jurisdiction)


def _emit(data: dict[str, Any], as_json: bool, text: Any) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text(data))


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
