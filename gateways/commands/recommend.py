"""``xinfang recommend …``: the 三项建议 candidates of an area and the recommendations issued.

    xinfang recommend candidates 330106 --from 2026-01-01 --to 2026-03-31 [--json]
    xinfang recommend list 330106 [--overdue] [--json]

Read as an official (``--as-unit ID``, with that unit's jurisdiction) or, by default, as the
system administrator. The projections are first brought up to date (``--no-catch-up`` to read
them as they are). Thresholds come from ``XINFANG_RECOMMENDATION_*``.
"""

from __future__ import annotations

import argparse
from typing import Any

from gateways.commands.reading import add_reading_options, day, emit, reading
from gateways.settings import Settings
from projections.recommendations import Period, candidates, issued


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``xinfang recommend`` (called by ``gateways.cli``)."""
    sub = parser.add_subparsers(dest="recommend_command", required=True, metavar="ACTION")
    found = sub.add_parser("candidates", help="候选建议 / candidate recommendations of an area")
    found.add_argument("division", help="division prefix: 2, 4, 6, 9 or 12 digits")
    found.add_argument(
        "--from", dest="start", type=day, required=True, help="first day, YYYY-MM-DD"
    )
    found.add_argument("--to", dest="end", type=day, required=True, help="last day, YYYY-MM-DD")
    listed = sub.add_parser("list", help="已提出的建议 / recommendations issued in an area")
    listed.add_argument("division")
    listed.add_argument("--overdue", action="store_true", help="only answers overdue")
    for p in (found, listed):
        add_reading_options(p)


def run_recommend(settings: Settings, args: argparse.Namespace) -> int:
    with reading(settings, args) as r:
        if args.recommend_command == "candidates":
            period = Period(args.start, args.end)
            thresholds = settings.recommendation_thresholds()
            found = candidates(
                r.db,
                r.scope,
                args.division,
                period,
                thresholds,
                r.today,
                r.directory,
                r.service.rules,
            )
            emit(found, args.json, _candidates_text)
        else:
            overdue = True if args.overdue else None
            listed = issued(r.db, r.scope, args.division, r.today, r.directory, overdue=overdue)
            emit(listed, args.json, _issued_text)
        return 0


def _candidates_text(found: dict[str, Any]) -> str:
    lines = [f"{found['division']} 候选建议（{found['from']}至{found['to']}，{found['today']}）"]
    for c in found["candidates"]:
        need = "（须写明严重后果）" if c["serious_consequences_required"] else ""
        lines.append(f"[{c['kind_label']}] 致 {c['to_unit_name']}{need}")
        lines.append(f"  {c['grounds']}")
        lines.append(
            f"  引用事项 {len(c['cited_case_ids'])} 件、事件 {len(c['cited_event_ids'])} 个；"
            f"候选标识 {c['candidate_key']}"
        )
    if not found["candidates"]:
        lines.append("  无")
    return "\n".join(lines)


def _issued_text(listed: dict[str, Any]) -> str:
    lines = [f"{listed['division']} 已提出的建议（{listed['today']}）"]
    for item in listed["items"]:
        late = f" 逾期 {item['days_overdue']} 天" if item["overdue"] else ""
        lines.append(
            f"  [{item['status_label']}] {item['kind_label']} 致 {item['to_unit_name']} "
            f"{item['issued_on']} 提出，答复期限 {item['due_on']}{late}"
        )
    lines.append(f"共 {listed['total']} 件")
    return "\n".join(lines)
