"""``xinfang report …``: the assessment figures and the monthly bulletin, for a person at a
terminal (or as JSON for a script, or the bulletin as an HTML file to print).

    xinfang report figures 330106 [--from 2026-05-01] [--to 2026-05-31] [--json]
    xinfang report bulletin 3301 --month 2026-05 [--out bulletin.html] [--json]

Every report reads as an official: ``--as-unit ID`` (with that unit's jurisdiction), by
default the system administrator (everything, accusations included, except that a bulletin
never counts accusations). The projections are first brought up to date (``--no-catch-up`` to
read them as they are). ``--to`` defaults to today, ``--from`` to the first day of its month.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gateways.commands.reading import add_reading_options, day, reading
from gateways.settings import Settings
from projections.bulletin import bulletin, render
from projections.bulletin.document import percent
from projections.figures import figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``xinfang report`` (called by ``gateways.cli``)."""
    sub = parser.add_subparsers(dest="report_kind", required=True, metavar="KIND")
    figs = sub.add_parser("figures", help="考核数据 / assessment figures of an area and period")
    figs.add_argument("division", help="division prefix: 2, 4, 6, 9 or 12 digits")
    figs.add_argument(
        "--from", dest="start", type=day, help="first day (default: 1st of --to's month)"
    )
    figs.add_argument("--to", dest="end", type=day, help="last day (default: today)")
    monthly = sub.add_parser("bulletin", help="月通报 / the monthly bulletin as an HTML page")
    monthly.add_argument("division", help="division prefix: 2, 4, 6, 9 or 12 digits")
    monthly.add_argument("--month", required=True, help="YYYY-MM")
    monthly.add_argument("--out", help="write the page to this file (default: standard output)")
    for p in (figs, monthly):
        add_reading_options(p)


def run_report(settings: Settings, args: argparse.Namespace) -> int:
    """Entry point for ``xinfang report KIND …``."""
    with reading(settings, args) as r:
        if args.report_kind == "figures":
            end = args.end or r.today
            start = args.start or end.replace(day=1)
            found = figures(r.db, r.scope, args.division, start, end, r.directory, r.today)
            print(json.dumps(found, ensure_ascii=False, indent=2) if args.json else text(found))
            return 0
        doc = bulletin(r.db, r.scope, args.division, args.month, r.directory, r.today)
        output = json.dumps(doc, ensure_ascii=False, indent=2) if args.json else render(doc)
        if args.out:
            Path(args.out).write_text(output, encoding="utf-8")
            print(f"{doc['title']} 已写入 / written: {args.out}", file=sys.stderr)
        else:
            print(output)
        return 0


# ------------------------------------------------------------------ text
def _share(fig: dict[str, Any]) -> str:
    if not fig["denominator"]:
        return "—"
    return f"{percent(fig['rate'])} ({fig['numerator']}/{fig['denominator']})"


ROWS = (
    ("timely_acceptance", "及时受理率"),
    ("on_time_completion", "按期办结率"),
    ("evaluation_rate", "参评率"),
    ("satisfaction", "满意率"),
)


def text(f: dict[str, Any]) -> str:
    """The figures as a few aligned lines."""
    p, c = f["period"], f["cases"]
    lines = [
        f"{f['name'] or f['division']}（{f['tier']}，{f['division']}）考核数据 "
        f"{p['from']} 至 {p['to']}（数据截至 {p['judged_on']}）",
    ]
    for key, label in ROWS:
        lines.append(
            f"{label}：信访部门 {_share(f['bureaus'][key])}；"
            f"承办单位 {_share(f['handling_units'][key])}"
        )
    lines.append(
        f"登记 {c['registrations']} 件，重复信访率 {_share(c['repeat_rate'])}，"
        f"越级访 {c['level_skipping']} 件"
    )
    lines.append(
        f"积案：期初 {c['backlog_start']} 件，期末 {c['backlog_end']} 件，积案化解率 "
        f"{_share(c['backlog_resolution'])}；包案化解率 {_share(c['leader_resolution'])}"
    )
    if f["by_area"]:
        lines.append("下级地区（及时受理率 承办 / 按期办结率 承办 / 转送及时受理率 / 满意率）：")
    for a in f["by_area"]:
        u, b = a["handling_units"], a["bureaus"]
        cells = (u["timely_acceptance"], u["on_time_completion"], b["timely_acceptance"])
        shares = " / ".join(_share(x) for x in (*cells, u["satisfaction"]))
        lines.append(f"  {a['division']} {a['name'] or ''}  {shares}")
    if f["by_unit"]:
        lines.append("单位（及时受理率 / 按期办结率 / 满意率）：")
    for unit in f["by_unit"]:
        shares = " / ".join(
            _share(unit[k]) for k in ("timely_acceptance", "on_time_completion", "satisfaction")
        )
        lines.append(f"  [{unit['kind_label']}] {unit['name']}  {shares}")
    return "\n".join(lines)
