"""月通报: the county's bulletin for May 2026 over the story of ``figures_story`` (its figures are
counted by hand in ``test_figures.py``): title, figures, narrative, rankings, the worst-late
case, charts, print style, and nothing personal about any petitioner."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from domain.errors import InvalidInput, OutOfScope
from projections.bulletin import bulletin, month_period, render
from tests.integration import figures_story
from tests.integration.figures_story import JUDGED, May
from tests.scenario_support import COUNTY_BUREAU, TOWN_2, official

may = figures_story.may  # the story told once per store (a module-scoped fixture)


def document(may: May, prefix: str = "330106", viewer: Actor | None = None) -> dict[str, Any]:
    scope = ReadScope.of(viewer or official(COUNTY_BUREAU), may.directory)
    return bulletin(may.db, scope, prefix, "2026-05", may.directory, JUDGED)


def test_the_bulletin_is_titled_for_the_area_and_month(may: May) -> None:
    doc = document(may)
    assert doc["title"] == "西湖区信访工作月通报（2026年5月）"
    assert doc["issuer"] == "西湖区信访局"
    page = render(doc)
    assert "<title>西湖区信访工作月通报（2026年5月）</title>" in page
    assert "<h1>西湖区信访工作月通报（2026年5月）</h1>" in page


def test_the_narrative_states_the_figures(may: May) -> None:
    text = "".join(document(may)["narrative"])
    assert "共登记信访事项7件，其中重复信访1件，重复信访率14.3%；越级访1件" in text
    assert "信访部门转送及时受理率为62.5%（5/8）" in text
    assert "承办单位及时受理率为40.0%（2/5），按期办结率为33.3%（2/6）" in text
    assert "参评率75.0%，满意率66.7%" in text
    assert "月初积案4件，月末积案7件，月初积案化解率25.0%" in text
    assert "包案化解率50.0%" in text


def test_the_page_shows_every_figure_with_its_counts(may: May) -> None:
    page = render(document(may))
    for shown in ("62.5%<br><small>5/8</small>", "40.0%<br><small>2/5</small>"):
        assert shown in page
    for shown in ("33.3%<br><small>2/6</small>", "75.0%<br><small>3/4</small>"):
        assert shown in page
    assert "66.7%<br><small>2/3</small>" in page and "14.3%<br><small>1/7</small>" in page
    assert "4件 / 7件" in page


def test_the_townships_are_ranked_best_first(may: May) -> None:
    doc = document(may)
    areas = doc["rankings"]["areas"]
    assert [(r["rank"], r["name"]) for r in areas["ranked"]] == [(1, "双浦镇"), (2, "转塘街道")]
    assert [r["name"] for r in areas["best"]] == ["双浦镇"]
    assert [r["name"] for r in areas["worst"]] == ["转塘街道"]
    units = doc["rankings"]["handling_units"]["ranked"]
    assert [r["name"] for r in units] == ["双浦镇人民政府", "转塘街道办事处"]
    page = render(doc)
    table = page[page.index("三、下级地区排名") : page.index("<figure>")]
    assert table.index("双浦镇") < table.index("转塘街道")
    assert "双浦镇（50.0%）位居前列；转塘街道（25.0%）排名靠后" in "".join(doc["narrative"])


def test_the_worst_late_case_leads_its_list(may: May) -> None:
    doc = document(may)
    worst = doc["late_cases"][0]
    # k5's answer was due Monday 03-23 (its 60th day, 03-21, is a Saturday).
    assert (worst["case_id"], worst["days_late"]) == (str(may.cases["k5"]), 69)
    page = render(doc)
    late = page[page.index("五、超期最久的事项") :]
    row = late[late.index(worst["serial_number"]) :]
    assert row.index("转塘街道办事处") < row.index("答复") < row.index("69日")
    assert len(doc["late_cases"]) == 9


def test_the_page_has_inline_charts_and_prints_on_a4(may: May) -> None:
    page = render(document(may))
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(charts) == 4
    for chart in charts:
        ET.fromstring(chart)  # well-formed SVG
    assert "承办单位按期办结率" in charts[0] and "50.0%" in charts[0]
    assert "@media print" in page and "size: A4" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page


def test_the_page_names_no_petitioner(may: May) -> None:
    page = render(document(may))
    assert "王某" not in page
    assert not re.search(r"3301061975\d{8}", page)
    assert "1371111" not in page


def test_a_caller_outside_the_area_is_refused(may: May) -> None:
    with pytest.raises(OutOfScope):
        document(may, viewer=official(TOWN_2, "leader"))


@pytest.mark.parametrize("month", ["2026-13", "2026-5", "May 2026", ""])
def test_a_malformed_month_is_refused(month: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        month_period(month)
    assert refused.value.code == "MONTH_INVALID"
