"""The monthly bulletin (月通报) of an area as data: title, narrative, figures, rankings, the
worst-late cases. ``projections.bulletin.page`` renders it for reading and printing; the
same dict is the bulletin's JSON.

A bulletin is written to be circulated to the areas and units it ranks, so two rules hold
beyond the caller's own scope: accusations are left out altogether (检举控告类 are handled by
discipline inspection under its own rules, and no accused area may learn of one from a count
or a listed serial number, Art.30, 46), and it names no petitioner (the trail keeps none).
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Any

from domain.access import ReadScope
from domain.errors import invalid
from domain.labels import FIGURE_LABELS
from domain.periods import ACCEPT, ANSWER, TRANSFER
from domain.units import Directory
from projections.area_titles import area_titles, bureau_of
from projections.db import ViewDatabase
from projections.figures import figures
from projections.ledger_query import check_prefix
from projections.worst_late import worst_late

LATE_CASES = 10
PODIUM = 3  # how many areas or units the narrative names as best and as worst
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# What each ranking orders by, with the name a reader sees: the first figure that any row has
# decides (in a month where no answer fell due, acceptance does), the ones after break ties.
Path = tuple[str | None, str, str]  # group of figures (None: the row itself), figure, label
_F = FIGURE_LABELS
AREA_ORDER: tuple[Path, ...] = (
    ("handling_units", "on_time_completion", "承办单位" + _F["on_time_completion"]),
    ("handling_units", "timely_acceptance", "承办单位" + _F["timely_acceptance"]),
    # a bureau's acceptance is its transfer in time (Art.22)
    ("bureaus", "timely_acceptance", "信访部门转送" + _F["timely_acceptance"]),
    ("handling_units", "satisfaction", "承办单位" + _F["satisfaction"]),
)
HANDLING_ORDER: tuple[Path, ...] = (
    (None, "on_time_completion", _F["on_time_completion"]),
    (None, "timely_acceptance", _F["timely_acceptance"]),
    (None, "satisfaction", _F["satisfaction"]),
)
BUREAU_ORDER: tuple[Path, ...] = (
    (None, "timely_acceptance", "转送" + _F["timely_acceptance"]),
    (None, "on_time_completion", _F["on_time_completion"]),
)


def month_period(month: str) -> tuple[date, date]:
    """``2026-05`` → (2026-05-01, 2026-05-31)."""
    found = _MONTH.match(month or "")
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise invalid("MONTH_INVALID", "月份应为YYYY-MM格式，如2026-05", value=month)
    year, number = int(found.group(1)), int(found.group(2))
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def bulletin(
    db: ViewDatabase,
    scope: ReadScope,
    prefix: str,
    month: str,
    directory: Directory,
    today: date,
) -> dict[str, Any]:
    """The bulletin of area ``prefix`` for ``month`` (YYYY-MM), judged on ``today``."""
    prefix = check_prefix(prefix)
    start, end = month_period(month)
    scope.check_covers(prefix)
    figs = figures(db, scope, prefix, start, end, directory, today, accusations=False)
    late = worst_late(
        db, scope, prefix, start, end, directory, today, limit=LATE_CASES, accusations=False
    )
    name = area_titles(directory).get(prefix) or f"区划{prefix}"
    month_label = f"{start.year}年{start.month}月"
    bureaus = [u for u in figs["by_unit"] if u["kind"] == "bureau"]
    handling = [u for u in figs["by_unit"] if u["kind"] == "handling_unit"]
    rankings = {
        "areas": ranking(figs["by_area"], AREA_ORDER, "division"),
        "bureaus": ranking(bureaus, BUREAU_ORDER, "unit_id"),
        "handling_units": ranking(handling, HANDLING_ORDER, "unit_id"),
    }
    return {
        "title": f"{name}信访工作月通报（{month_label}）",
        "division": prefix,
        "name": name,
        "month": month,
        "month_label": month_label,
        "issuer": bureau_of(directory, prefix),
        "issued_on": today.isoformat(),
        "figures": figs,
        "narrative": narrative(figs, rankings, late, name, month_label),
        "rankings": rankings,
        "late_cases": late,
        "notes": NOTES,
    }


NOTES = [
    "统计口径：各环节在本月内办理的（按期或逾期）计入本月；截至月末仍超期未办的，计入其超期未办的每一个月。",
    "数据截至本月最后一日（本月未结束的，截至通报生成之日），以各环节实际发生日期为准。",
    f"信访部门及时受理率以转送（收到之日起{TRANSFER.days}日内）计；承办单位及时受理率以书面告知受理"
    f"（收到之日起{ACCEPT.days}日内）计，匿名信访事项无告知义务，不计入。",
    f"按期办结率的办理期限为受理之日起{ANSWER.days}日，经批准延期的加计延长期限。",
    "检举控告类事项由纪检监察机关依规办理，不列入本通报；本通报不含信访人个人信息。",
]


# ------------------------------------------------------------------ rankings
def _figure(row: dict[str, Any], path: Path) -> dict[str, Any]:
    group, key, _ = path
    found: dict[str, Any] = (row[group] if group else row)[key]
    return found


def _name(path: Path) -> str:
    return f"{path[0] or 'unit'}.{path[1]}"


def ranking(rows: list[dict[str, Any]], order: tuple[Path, ...], id_key: str) -> dict[str, Any]:
    """Rows with a value of the deciding figure, best first, equal values sharing a rank; rows
    without one (nothing of it fell due) are listed apart, not ranked last."""
    live = [p for p in order if any(_figure(r, p)["rate"] is not None for r in rows)]
    paths = live + [p for p in order if p not in live] if live else list(order)
    lead = paths[0]

    def key(row: dict[str, Any]) -> tuple[tuple[bool, float], ...]:
        rates = (_figure(row, p)["rate"] for p in paths)
        return tuple((r is None, -(r or 0.0)) for r in rates)

    ranked_rows = sorted((r for r in rows if _figure(r, lead)["rate"] is not None), key=key)
    ranked: list[dict[str, Any]] = []
    for index, row in enumerate(ranked_rows):
        same = index and key(row) == key(ranked_rows[index - 1])
        top = _figure(row, lead)
        ranked.append(
            {
                "rank": ranked[-1]["rank"] if same else index + 1,
                "id": row[id_key],
                "name": row["name"] or row[id_key],
                "rates": {_name(p): _figure(row, p)["rate"] for p in paths},
                "primary": {k: top[k] for k in ("numerator", "denominator", "rate")},
            }
        )
    podium = min(PODIUM, len(ranked) // 2)
    best = ranked[:podium]
    cut = best[-1]["rank"] if best else 0
    worst = [r for r in ranked[len(ranked) - podium :] if r["rank"] > cut] if podium else []
    return {
        "label": lead[2],
        "order": [_name(p) for p in paths],
        "ranked": ranked,
        "unranked": [r["name"] or r[id_key] for r in rows if _figure(r, lead)["rate"] is None],
        "best": best,
        "worst": worst,
    }


# ------------------------------------------------------------------ narrative
def _share(fig: dict[str, Any]) -> str:
    return f"{percent(fig['rate'])}（{fig['numerator']}/{fig['denominator']}）"


def narrative(
    figs: dict[str, Any],
    rankings: dict[str, Any],
    late: list[dict[str, Any]],
    name: str,
    month_label: str,
) -> list[str]:
    """A few plain Chinese paragraphs a reader takes in before the tables."""
    c, b, u = figs["cases"], figs["bureaus"], figs["handling_units"]
    text = [
        f"{month_label}，{name}共登记信访事项{c['registrations']}件，其中重复信访"
        f"{c['repeat_rate']['numerator']}件，重复信访率{percent(c['repeat_rate']['rate'])}；"
        f"越级访{c['level_skipping']}件。"
    ]
    transfer = b["timely_acceptance"]
    if transfer["denominator"]:
        parts = transfer["parts"]
        text.append(
            f"信访部门转送及时受理率为{_share(transfer)}，逾期转送{parts['late']}件，"
            f"超期未转送{parts['overdue']}件。"
        )
    else:
        text.append("本月信访部门无应统计的转送事项。")
    accept, done = u["timely_acceptance"], u["on_time_completion"]
    if accept["denominator"] or done["denominator"]:
        p = done["parts"]
        text.append(
            f"承办单位及时受理率为{_share(accept)}，按期办结率为{_share(done)}；"
            f"逾期答复{p['late']}件，本月到期未答复{p['not_answered']}件，"
            f"往月超期仍未答复{p['overdue_not_answered']}件。"
        )
    else:
        text.append("本月承办单位无应统计的受理、办结事项。")
    rate, pleased = u["evaluation_rate"], u["satisfaction"]
    if b["evaluation_rate"]["denominator"]:
        rate, pleased = _merged(rate, b["evaluation_rate"]), _merged(pleased, b["satisfaction"])
    text.append(
        f"本月公开办理结果{rate['denominator']}件，参评率{percent(rate['rate'])}，"
        f"满意率{percent(pleased['rate'])}。"
    )
    text.append(
        f"月初积案{c['backlog_start']}件，月末积案{c['backlog_end']}件，月初积案化解率"
        f"{percent(c['backlog_resolution']['rate'])}；领导包案事项"
        f"{c['leader_resolution']['denominator']}件，本月化解{c['leader_resolution']['numerator']}件，"
        f"包案化解率{percent(c['leader_resolution']['rate'])}。"
    )
    areas = rankings["areas"]
    if areas["best"]:
        text.append(
            f"按{areas['label']}排名，{_names(areas['best'])}位居前列；"
            + (
                f"{_names(areas['worst'])}排名靠后，请相关地区认真分析原因，限期整改。"
                if areas["worst"]
                else "各地差距不大。"
            )
        )
    if late:
        worst = late[0]
        text.append(
            f"超期最久的事项为{worst['serial_number']}（{worst['unit_name']}，"
            f"{worst['step_label']}环节，{worst['status_label']}，超期{worst['days_late']}日），"
            "请督促办理。"
        )
    period = figs["period"]
    if not period["complete"]:
        text.append(f"本月尚未结束，以上数据截至{period['judged_on']}。")
    return text


def _merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    numerator, denominator = a["numerator"] + b["numerator"], a["denominator"] + b["denominator"]
    rate = round(numerator / denominator, 4) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "rate": rate}


def _names(rows: list[dict[str, Any]]) -> str:
    return "、".join(f"{r['name']}（{percent(r['primary']['rate'])}）" for r in rows)
