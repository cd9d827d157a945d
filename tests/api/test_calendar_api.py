"""The holiday calendar over HTTP: ``/health`` tells which years the State Council's notices
cover, and a deadline counted over days outside them says so in the case view and in the
petitioner's tracking (a clear warning, not a silent guess)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from gateways.holidays import statutory_calendar
from gateways.http.app import create_app
from gateways.settings import Settings
from tests.api.conftest import Api
from tests.scenario_support import build_world

LAST_YEAR = statutory_calendar().years[1]  # type: ignore[index]


def test_health_shows_the_years_the_holiday_calendar_covers(api: Api) -> None:
    calendar = api.client.get("/health").json()["calendar"]

    assert calendar["source"].startswith("chinese-calendar ")
    assert calendar["years"] == list(statutory_calendar().years)  # type: ignore[arg-type]
    assert calendar["years"][0] <= 2022 and calendar["years"][1] >= 2026
    assert calendar["extra_file"] is None and calendar["roll_forward"] is True


def test_health_names_the_holidays_file_that_adds_to_the_notices(
    store_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "holidays.json"
    next_year = LAST_YEAR + 1
    path.write_text(
        json.dumps({"holidays": [f"{next_year}-01-01"], "years": [next_year, next_year]}),
        encoding="utf-8",
    )
    settings = store_settings.model_copy(update={"holidays_file": str(path)})
    world = build_world(settings)
    try:
        with TestClient(create_app(settings, service=world.service)) as client:
            calendar = client.get("/health").json()["calendar"]
    finally:
        world.service.close()

    assert calendar["extra_file"] == str(path)
    assert calendar["years"][1] == next_year


def test_a_deadline_reaching_past_the_years_covered_carries_a_calendar_warning(
    api: Api,
) -> None:
    api.world.on(date(LAST_YEAR, 12, 24))  # the 15 days run into a year no notice covers
    registered = api.registered()

    [transfer] = [d for d in registered["deadlines"] if d["step"] == "transfer"]
    assert transfer["calendar_warning"] == "CALENDAR_NOT_COVERED"
    assert "仅按周末推算" in transfer["calendar_warning_message"]
    tracked = api.client.get(
        f"/api/v1/tracking/{registered['serial_number']}",
        params={"code": registered["query_code"]},
    ).json()
    [seen] = [d for d in tracked["deadlines"] if d["step"] == "transfer"]
    assert seen["calendar_warning"] == "CALENDAR_NOT_COVERED"


def test_a_deadline_within_the_years_covered_carries_no_calendar_warning(api: Api) -> None:
    api.on(0)
    registered = api.registered()

    [transfer] = [d for d in registered["deadlines"] if d["step"] == "transfer"]
    assert transfer["calendar_warning"] is None and transfer["calendar_warning_message"] is None
