"""``xinfang recommend`` as a person at a terminal uses it: candidates of an area and period (with
thresholds from the environment), and the recommendations issued."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from domain.recommendation_service import RecommendationService
from gateways.cli import build_parser, main
from gateways.settings import Settings
from tests.integration.projection_support import petitioner
from tests.scenario_support import (
    COUNTY_BUREAU,
    COUNTY_GOV,
    TOWN_1,
    TOWN_1_CODE,
    TOWN_2_CODE,
    build_world,
    official,
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with three land-compensation matters across both townships and one
    improve-work recommendation to town 1; thresholds lowered to match (settings)."""
    for name in [v for v in os.environ if v.startswith("XINFANG_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "xinfang.db"
    monkeypatch.setenv("XINFANG_SQLITE_PATH", str(path))
    monkeypatch.setenv("XINFANG_RECOMMENDATION_POLICY_CASES", "3")
    monkeypatch.setenv("XINFANG_RECOMMENDATION_POLICY_AREAS", "2")
    world = build_world(Settings(sqlite_path=str(path)))
    try:
        world.on(0)
        for n, code in enumerate((TOWN_1_CODE, TOWN_2_CODE, TOWN_1_CODE)):
            world.register(division_code=code, petitioners=[petitioner(n)])
        RecommendationService(world.service).issue(
            official(COUNTY_BUREAU),
            kind="improve_work",
            to_unit_id=TOWN_1,
            grounds="多次逾期受理。",
        )
    finally:
        world.service.close()
    return path


def test_recommend_has_candidates_and_list() -> None:
    args = build_parser().parse_args(
        ["recommend", "candidates", "330106", "--from", "2026-01-01", "--to", "2026-03-31"]
    )
    assert (args.recommend_command, args.start, args.end) == (
        "candidates",
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    args = build_parser().parse_args(["recommend", "list", "330106", "--overdue"])
    assert (args.recommend_command, args.overdue) == ("list", True)


def test_candidates_follow_the_thresholds_in_the_environment(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["recommend", "candidates", "330106", "--from", "2026-01-01", "--to", "2026-03-31"]
    assert main([*argv, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["thresholds"]["policy_cases"] == 3
    [policy] = [c for c in found["candidates"] if c["kind"] == "improve_policy"]
    assert policy["to_unit_id"] == COUNTY_GOV and len(policy["cited_case_ids"]) == 3
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "[完善政策建议] 致 西湖区人民政府" in text and "候选标识 improve_policy:330106:" in text


def test_list_prints_the_recommendations_issued(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["recommend", "list", "330106", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 1 and listed["items"][0]["to_unit_id"] == TOWN_1
    assert main(["recommend", "list", "330106", "--as-unit", TOWN_1]) == 1  # outside its area
    assert "OUT_OF_JURISDICTION" in capsys.readouterr().err
    assert main(["recommend", "list", "330106001", "--as-unit", TOWN_1]) == 0
    assert "改进工作建议 致 转塘街道办事处" in capsys.readouterr().out
    # the supervision roll-up printed for a person counts it too
    assert main(["view", "rollup", "330106"]) == 0
    assert "三项建议 1 件" in capsys.readouterr().out
