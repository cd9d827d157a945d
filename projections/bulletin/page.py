"""The bulletin as one self-contained HTML page a person reads, or prints on A4.

Small functions over the bulletin dict, every value through ``html.escape``; the charts are
inline SVG and the style sheet is in the page, so the file opens the same anywhere, offline,
with nothing fetched and no script run. Kept in Python rather than a template file: the
page is built from the same loops as its tables, and the CLI and the API render it alike.
"""

from __future__ import annotations

from html import escape
from typing import Any

from projections.bulletin.charts import bar_chart
from projections.bulletin.document import percent

CSS = """
@page { size: A4; margin: 20mm 18mm 18mm 18mm; }
body { font-family: "FangSong", "STFangsong", "仿宋", "SimSun", "Songti SC", serif;
       font-size: 15px; line-height: 1.7; color: #000; max-width: 180mm; margin: 0 auto;
       padding: 12px; }
h1 { font-family: "SimHei", "黑体", "Heiti SC", sans-serif; font-size: 24px;
     text-align: center; margin: 8px 0 4px; }
h2 { font-family: "SimHei", "黑体", "Heiti SC", sans-serif; font-size: 17px;
     margin: 18px 0 6px; }
.issuer { text-align: center; color: #b00; font-size: 20px; letter-spacing: 2px;
          border-bottom: 2px solid #b00; padding-bottom: 6px; }
.meta { text-align: center; color: #333; font-size: 13px; }
p.lead { text-indent: 2em; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid #444; padding: 3px 6px; text-align: center; }
th { background: #eee; }
td.name { text-align: left; }
figure { margin: 8px 0; }
figcaption { font-size: 13px; text-align: center; }
.notes { font-size: 12px; color: #222; }
@media print {
  body { max-width: none; padding: 0; font-size: 12pt; }
  h2 { page-break-after: avoid; }
  table, figure, tr { page-break-inside: avoid; }
  th { background: #ddd; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

KIND_FIGURES = (
    ("timely_acceptance", "及时受理率"),
    ("on_time_completion", "按期办结率"),
    ("evaluation_rate", "参评率"),
    ("satisfaction", "满意率"),
)
CASE_RATES = ("repeat_rate", "backlog_resolution", "leader_resolution")
SHOWN_UNITS = 10  # of each end of a long unit ranking


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _share(fig: dict[str, Any]) -> str:
    if not fig["denominator"]:
        return "—"
    return f"{percent(fig['rate'])}<br><small>{fig['numerator']}/{fig['denominator']}</small>"


def _table(head: list[str], rows: list[list[str]], name_column: int | None = None) -> str:
    """``rows`` are already escaped HTML cells."""
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = [
            f'<td class="name">{c}</td>' if i == name_column else f"<td>{c}</td>"
            for i, c in enumerate(row)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        out.append(f'<tr><td colspan="{len(head)}">无</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _figures_section(figs: dict[str, Any]) -> str:
    rows = [
        [_e(label), _share(figs["bureaus"][key]), _share(figs["handling_units"][key])]
        for key, label in KIND_FIGURES
    ]
    c = figs["cases"]
    cases = [
        [_e("登记信访事项"), _e(f"{c['registrations']}件")],
        [_e("重复信访率"), _share(c["repeat_rate"])],
        [_e("越级访"), _e(f"{c['level_skipping']}件")],
        [_e("积案（月初 / 月末）"), _e(f"{c['backlog_start']}件 / {c['backlog_end']}件")],
        [_e("积案化解率"), _share(c["backlog_resolution"])],
        [_e("领导包案化解率"), _share(c["leader_resolution"])],
    ]
    return (
        "<h2>二、主要指标</h2>"
        + _table(["指标", "信访部门", "承办单位"], rows, 0)
        + _table(["本地区事项", "数值"], cases, 0)
    )


def _area_section(doc: dict[str, Any]) -> str:
    areas = doc["figures"]["by_area"]
    if not areas:
        return '<h2>三、下级地区排名</h2><p class="lead">本地区无下级地区。</p>'
    charts = [
        ("承办单位按期办结率", "handling_units", "on_time_completion"),
        ("承办单位及时受理率", "handling_units", "timely_acceptance"),
        ("信访部门转送及时受理率", "bureaus", "timely_acceptance"),
        ("满意率（承办单位）", "handling_units", "satisfaction"),
    ]
    figures = "".join(
        f"<figure>{bar_chart(title, [(a['name'] or a['division'], a[g][k]['rate']) for a in areas])}"
        f"<figcaption>{_e(title)}（按地区）</figcaption></figure>"
        for title, g, k in charts
    )
    by_id = {a["division"]: a for a in areas}
    ranking = doc["rankings"]["areas"]
    rows = []
    for r in ranking["ranked"]:
        a = by_id[r["id"]]
        rows.append(_area_row(str(r["rank"]), a))
    rows.extend(_area_row("—", by_id[a["division"]]) for a in areas if _unranked(a, ranking))
    head = ["名次", "地区", "按期办结率", "及时受理率（承办）", "及时受理率（转送）", "满意率"]
    head.append("月末积案")
    return (
        f"<h2>三、下级地区排名（按{_e(ranking['label'])}）</h2>" + _table(head, rows, 1) + figures
    )


def _unranked(area: dict[str, Any], ranking: dict[str, Any]) -> bool:
    return area["division"] not in {r["id"] for r in ranking["ranked"]}


def _area_row(rank: str, a: dict[str, Any]) -> list[str]:
    u, b = a["handling_units"], a["bureaus"]
    return [
        _e(rank),
        _e(a["name"] or a["division"]),
        _share(u["on_time_completion"]),
        _share(u["timely_acceptance"]),
        _share(b["timely_acceptance"]),
        _share(u["satisfaction"]),
        _e(a["cases"]["backlog_end"]),
    ]


def _unit_table(title: str, ranking: dict[str, Any], units: dict[str, Any]) -> str:
    ranked = ranking["ranked"]
    shown = ranked
    if len(ranked) > 2 * SHOWN_UNITS:
        shown = ranked[:SHOWN_UNITS] + ranked[-SHOWN_UNITS:]
    rows = []
    for r in shown:
        unit = units[r["id"]]
        rows.append([_e(r["rank"]), _e(r["name"])] + [_share(unit[key]) for key, _ in KIND_FIGURES])
    head = ["名次", "单位", *(label for _, label in KIND_FIGURES)]
    more = ""
    if len(shown) < len(ranked):
        more = f'<p class="notes">共{len(ranked)}个单位，列出前{SHOWN_UNITS}名和后{SHOWN_UNITS}名。</p>'
    return f"<h3>{_e(title)}（按{_e(ranking['label'])}）</h3>" + _table(head, rows, 1) + more


def _units_section(doc: dict[str, Any]) -> str:
    units = {u["unit_id"]: u for u in doc["figures"]["by_unit"]}
    r = doc["rankings"]
    return (
        "<h2>四、单位排名</h2>"
        + _unit_table("信访部门", r["bureaus"], units)
        + _unit_table("承办单位", r["handling_units"], units)
    )


def _late_section(doc: dict[str, Any]) -> str:
    rows = [
        [
            _e(i + 1),
            _e(c["serial_number"]),
            _e(c["unit_name"]),
            _e(c["step_label"]),
            _e(c["due_on"]),
            _e(c["done_on"] or c["status_label"]),
            _e(f"{c['days_late']}日"),
        ]
        for i, c in enumerate(doc["late_cases"])
    ]
    head = ["序号", "信访编号", "责任单位", "环节", "期限", "办理日期", "超期"]
    return f"<h2>五、超期最久的事项（前{len(rows)}件）</h2>" + _table(head, rows, 2)


def render(doc: dict[str, Any]) -> str:
    """The whole page."""
    period = doc["figures"]["period"]
    issuer = f'<div class="issuer">{_e(doc["issuer"])}</div>' if doc["issuer"] else ""
    meta = (
        f"统计期间 {_e(period['from'])} 至 {_e(period['to'])} · 数据截至 "
        f"{_e(period['judged_on'])} · 生成于 {_e(doc['issued_on'])}"
    )
    lead = "".join(f'<p class="lead">{_e(p)}</p>' for p in doc["narrative"])
    notes = "".join(f"<li>{_e(n)}</li>" for n in doc["notes"])
    figs = doc["figures"]
    defined = [("及时受理率（信访部门）", figs["bureaus"]["timely_acceptance"])]
    defined.append(("及时受理率（承办单位）", figs["handling_units"]["timely_acceptance"]))
    defined.extend(
        (f["label"], f) for k, f in figs["handling_units"].items() if k != "timely_acceptance"
    )
    defined.extend((figs["cases"][k]["label"], figs["cases"][k]) for k in CASE_RATES)
    definitions = "".join(f"<li>{_e(label)}：{_e(f['definition'])}</li>" for label, f in defined)
    body = (
        f'{issuer}<h1>{_e(doc["title"])}</h1><p class="meta">{meta}</p>'
        f"<h2>一、总体情况</h2>{lead}"
        + _figures_section(doc["figures"])
        + _area_section(doc)
        + _units_section(doc)
        + _late_section(doc)
        + f'<h2>附：统计口径</h2><ul class="notes">{notes}{definitions}</ul>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_e(doc['title'])}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
    )
