"""考核 over HTTP: the figures as JSON and the 月通报 as a page (or JSON), with real tokens.

Two letters of March 2026 (day 0 = 03-02), made by the service's acts, read on day 100
(06-10):

====  ===========================================================================
case  story
====  ===========================================================================
a     scenario 1, village 1: transferred to town 1 on day 10 (03-12), accepted day 20
      (03-22), answered day 70 (05-11), served day 71, evaluated satisfied day 72
b     village 2: transferred to town 2 on day 1 (03-03), never accepted (due 03-18)
====  ===========================================================================

March: the bureau transferred both in time (2/2); town 1 accepted a in time, town 2 is late
on b (1/2); b is the worst-late case, 13 days late at the close of 03-31. May: a's answer
on time (1/1), evaluated satisfied (1/1).
"""

from __future__ import annotations

from typing import Any

import pytest

from gateways.wiring import build_view_database
from projections.runner import ProjectionRunner
from projections.trail import TrailProjection
from tests.api.conftest import Api
from tests.scenario_support import (
    BASIS,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
)

FIGURES = "/api/v1/figures"
MARCH = {"division": "330106", "from": "2026-03-01", "to": "2026-03-31"}


def person(n: int) -> list[dict[str, str]]:
    return [{"name": f"赵某{n}", "id_number": f"33010619900101{n:04d}", "phone": "13912345678"}]


@pytest.fixture
def story(api: Api) -> dict[str, Any]:
    w = api.world
    w.on(0)
    a = w.register(petitioners=person(1))
    b = w.register(petitioners=person(2), division_code=VILLAGE_2_CODE, matter_kind="road")
    w.on(1)
    w.act(b, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    w.on(10)
    w.act(a, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    w.on(20)
    w.act(a, TOWN_1, "accept", path="6")
    w.on(70)
    w.act(a, TOWN_1, "answer", outcome="supported", opinion="予以支持。", facts=FACTS, basis=BASIS)
    w.on(71)
    w.act(a, TOWN_1, "serve")
    w.on(72)
    w.act(a, COUNTY_BUREAU, "evaluate", satisfaction="satisfied")
    db = build_view_database(api.settings)
    ProjectionRunner(w.service, db, [TrailProjection()]).catch_up()
    db.close()
    api.on(100)
    return {"a": a, "b": b}


def share(figure: dict[str, Any]) -> tuple[int, int, float | None]:
    return figure["numerator"], figure["denominator"], figure["rate"]


def test_the_figures_of_a_month(api: Api, story: dict[str, Any]) -> None:
    response = api.get(FIGURES, COUNTY_BUREAU, **MARCH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "today": "2026-06-10",
        "judged_on": "2026-03-31",
        "complete": True,
    }
    assert share(body["bureaus"]["timely_acceptance"]) == (2, 2, 1.0)
    assert share(body["handling_units"]["timely_acceptance"]) == (1, 2, 0.5)
    assert share(body["handling_units"]["on_time_completion"]) == (0, 0, None)
    towns = {a["division"]: a for a in body["by_area"]}
    assert share(towns["330106002"]["handling_units"]["timely_acceptance"]) == (0, 1, 0.0)


def test_scenario_1_is_on_time_in_may(api: Api, story: dict[str, Any]) -> None:
    may = {"division": "330106", "from": "2026-05-01", "to": "2026-05-31"}
    body = api.get(FIGURES, COUNTY_DI, **may).json()  # an inspector of the county
    units = body["handling_units"]
    assert share(units["on_time_completion"]) == (1, 1, 1.0)
    assert share(units["evaluation_rate"]) == (1, 1, 1.0)
    assert share(units["satisfaction"]) == (1, 1, 1.0)


def test_without_parameters_the_caller_reads_their_area_this_month(
    api: Api, story: dict[str, Any]
) -> None:
    response = api.client.get(FIGURES, headers=api.auth(COUNTY_GOV, "leader"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["division"] == "330106" and body["name"] == "西湖区"
    assert (body["period"]["from"], body["period"]["to"]) == ("2026-06-01", "2026-06-10")
    assert body["period"]["complete"] is False


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({**MARCH, "division": "33010"}, "DIVISION_PREFIX_INVALID"),
        ({**MARCH, "from": "2026-3-1"}, "DATE_INVALID"),
        ({**MARCH, "from": "2026-04-01"}, "PERIOD_INVALID"),
        ({**MARCH, "from": "2026-07-01", "to": "2026-07-31"}, "PERIOD_NOT_STARTED"),
    ],
)
def test_malformed_figures_requests_are_422(
    api: Api, story: dict[str, Any], params: dict[str, str], code: str
) -> None:
    response = api.get(FIGURES, COUNTY_BUREAU, **params)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["message"]


def test_figures_need_a_reading_role_and_the_jurisdiction(api: Api, story: dict[str, Any]) -> None:
    handler = api.get(FIGURES, TOWN_1, **MARCH)  # a township's handler
    assert (handler.status_code, handler.json()["code"]) == (403, "ROLE_REQUIRED")
    outside = api.client.get(FIGURES, params=MARCH, headers=api.auth(TOWN_2, "leader"))
    assert (outside.status_code, outside.json()["code"]) == (403, "OUT_OF_JURISDICTION")
    assert api.get(FIGURES, None, **MARCH).status_code == 401


def test_the_bulletin_is_a_printable_page(api: Api, story: dict[str, Any]) -> None:
    response = api.get("/api/v1/bulletins/330106/2026-03", COUNTY_BUREAU)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>西湖区信访工作月通报（2026年3月）</h1>" in page
    assert "承办单位及时受理率为50.0%（1/2）" in page
    assert page.count("<svg") == 4 and "@media print" in page
    serial = api.world.case(story["b"]).serial_number
    late = page[page.index("五、超期最久的事项") :]
    assert serial in late and "双浦镇人民政府" in late and "13日" in late
    assert "赵某" not in page and "3301061990" not in page and "13912345678" not in page


def test_the_bulletin_as_json(api: Api, story: dict[str, Any]) -> None:
    response = api.get("/api/v1/bulletins/330106/2026-03", COUNTY_BUREAU, format="json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json()
    assert doc["title"] == "西湖区信访工作月通报（2026年3月）" and doc["issuer"] == "西湖区信访局"
    assert doc["figures"]["period"]["from"] == "2026-03-01"
    ranked = doc["rankings"]["areas"]["ranked"]
    assert [(r["rank"], r["name"]) for r in ranked] == [(1, "转塘街道"), (2, "双浦镇")]
    assert doc["late_cases"][0]["days_late"] == 13
    assert doc["late_cases"][0]["case_id"] == str(story["b"])


def test_the_bulletin_is_refused_outside_the_jurisdiction(api: Api, story: dict[str, Any]) -> None:
    outside = api.client.get("/api/v1/bulletins/330106/2026-03", headers=api.auth(TOWN_2, "leader"))
    assert (outside.status_code, outside.json()["code"]) == (403, "OUT_OF_JURISDICTION")
    handler = api.get("/api/v1/bulletins/330106/2026-03", TOWN_1)
    assert handler.status_code == 403


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v1/bulletins/330106/2026-13", "MONTH_INVALID"),
        ("/api/v1/bulletins/330106/202603", "MONTH_INVALID"),
        ("/api/v1/bulletins/3301x/2026-03", "DIVISION_PREFIX_INVALID"),
    ],
)
def test_a_malformed_bulletin_request_is_422(
    api: Api, story: dict[str, Any], path: str, code: str
) -> None:
    response = api.get(path, COUNTY_BUREAU)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_the_routes_are_documented(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    figures = schema["paths"]["/api/v1/figures"]["get"]
    assert figures["tags"] == ["考核 figures"] and figures["summary"].startswith("考核数据")
    bulletin = schema["paths"]["/api/v1/bulletins/{division}/{month}"]["get"]
    assert set(bulletin["responses"]["200"]["content"]) == {"text/html", "application/json"}
    assert "Bulletin" in schema["components"]["schemas"]
