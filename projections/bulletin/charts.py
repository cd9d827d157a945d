"""Bar charts as inline SVG: one rate per area, drawn so that it prints on an A4 page in black
and white as well as on a screen. No script, no font or stylesheet from outside the page."""

from __future__ import annotations

from html import escape

WIDTH = 640
LABEL = 150  # the column of area names
BAR = 400  # the length of a 100 % bar
ROW = 24
TOP = 30  # room for the scale above the bars


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def bar_chart(title: str, bars: list[tuple[str, float | None]]) -> str:
    """A horizontal bar per (label, rate); a rate of ``None`` (nothing to count) is said in
    words, with no bar, so it never reads as 0 %."""
    height = TOP + ROW * max(len(bars), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 0.5, 1.0):
        x = LABEL + BAR * tick
        parts.append(
            f'<line x1="{x:.0f}" y1="{TOP - 6}" x2="{x:.0f}" y2="{height - 8}" '
            'stroke="#999" stroke-width="0.6" stroke-dasharray="3,3"/>'
        )
        parts.append(
            f'<text x="{x:.0f}" y="{TOP - 10}" font-size="11" text-anchor="middle" '
            f'fill="#333">{int(tick * 100)}%</text>'
        )
    for index, (label, rate) in enumerate(bars):
        y = TOP + index * ROW
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 16}" font-size="13" text-anchor="end" '
            f'fill="#000">{escape(label)}</text>'
        )
        if rate is None:
            parts.append(
                f'<text x="{LABEL + 6}" y="{y + 16}" font-size="12" fill="#555">无应统计事项</text>'
            )
            continue
        length = max(BAR * min(rate, 1.0), 1.0)
        parts.append(
            f'<rect x="{LABEL}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
            'fill="#3d5a80" stroke="#1d2d44" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{LABEL + length + 6:.1f}" y="{y + 16}" font-size="12" '
            f'fill="#000">{_pct(rate)}</text>'
        )
    if not bars:
        parts.append(
            f'<text x="{LABEL}" y="{TOP + 16}" font-size="12" fill="#555">无下级地区数据</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
