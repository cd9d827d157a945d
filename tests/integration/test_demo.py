"""The demo dataset, seeded through the real acts into both stores: every stage of a case's
life and every situation a supervisor looks for must be there, and every chain must hold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from domain.acts import SYSTEM
from domain.application import CaseService
from domain.case.state import Stage
from domain.case_events import CaseEvent
from domain.petition import Petition
from domain.units import UnitKind
from gateways.demo import DEMO_OFFICIALS, DemoSummary, seed_demo
from gateways.settings import Settings
from gateways.wiring import build_service

N_CASES = 120

EVERY_STAGE = {
    Stage.REGISTERED,
    Stage.AWAITING_ACCEPTANCE,
    Stage.OBJECTION_PENDING,
    Stage.HANDLING,
    Stage.ANSWERED,
    Stage.REVIEWING,
    Stage.REVIEWED,
    Stage.RECHECKING,
    Stage.CONCLUDED,
}


@dataclass
class Seeded:
    service: CaseService
    summary: DemoSummary
    cases: list[Petition]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """The demo seeded once per store for the whole module (the tests only read it)."""
    if request.param == "sqlite":
        settings = Settings(sqlite_path=str(tmp_path_factory.mktemp("demo") / "xinfang.db"))
    else:
        database = request.getfixturevalue("pg_module_database")
        settings = Settings(database_url=request.getfixturevalue("pg_server").url(database))
    service = build_service(settings)
    summary = seed_demo(service, n_cases=N_CASES, seed=11)
    cases = [service.case(case_id, SYSTEM) for case_id in service.case_ids()]
    yield Seeded(service, summary, cases)
    service.close()


def test_the_demo_has_as_many_cases_as_asked(seeded: Seeded) -> None:
    assert len(seeded.cases) == seeded.summary.cases == N_CASES


def test_every_stage_of_a_case_is_present(seeded: Seeded) -> None:
    stages = Counter(case.stage for case in seeded.cases)
    assert set(stages) == EVERY_STAGE
    assert stages == seeded.summary.by_stage


def test_every_way_a_case_ends_is_present(seeded: Seeded) -> None:
    conclusions = {case.conclusion for case in seeded.cases if case.concluded}
    assert conclusions >= {
        "declined",
        "routed",
        "replied",
        "window_lapsed",
        "rechecked",
        "not_reaccepted",
    }
    assert any(case.extensions for case in seeded.cases)
    assert any(case.evaluation for case in seeded.cases)
    assert any(case.served_at and case.stage == Stage.ANSWERED for case in seeded.cases)


def test_late_steps_are_present_and_recorded_as_late(seeded: Seeded) -> None:
    late = seeded.summary.flags
    assert late["late_transfer"] >= 1
    assert late["late_accept"] >= 1
    assert late["late_answer"] >= 1
    assert any(case.urges for case in seeded.cases)


def test_repeats_level_skipping_and_collective_petitions_are_present(seeded: Seeded) -> None:
    cases = seeded.cases
    repeats = [c for c in cases if c.repeat_of and not c.not_reaccepted]
    # Linked by the registrar; declined only at a superior while the original is within its
    # period (Art.19), otherwise registered and left open.
    assert repeats and all(c.repeat_relation for c in repeats)
    assert all((c.conclusion == "declined") == (c.repeat_relation == "repeat") for c in repeats)
    assert any(c.repeat_relation == "repeat" for c in repeats)
    by_id = {c.id: c for c in cases}
    for repeat in repeats:
        assert str(repeat.id) in by_id[UUID(repeat.repeat_of or "")].repeats
    assert any(c.level_skipping for c in cases)
    visits = [c for c in cases if c.collective and c.channel == "visit"]
    assert visits and all(1 <= c.representatives <= 5 for c in visits)
    assert any(c.signatures >= 20 and c.channel == "letter" for c in cases)
    assert any(c.anonymous for c in cases)


def test_accusations_go_to_discipline_inspection_never_to_the_accused(seeded: Seeded) -> None:
    directory = seeded.service.directory
    accusations = [c for c in seeded.cases if c.category == "accusation"]
    assert accusations
    for case in accusations:
        holders = [directory.get(r["unit_id"]) for r in case.receipts]
        assert all(not directory.is_under(h.unit_id, case.accused_unit_id) for h in holders)
        if len(holders) > 1:
            assert holders[-1].kind is UnitKind.DISCIPLINE_INSPECTION
            # Art.22: the body with management authority over the accused unit.
            expected = directory.discipline_inspection_for(case.accused_unit_id or "")
            assert expected is not None and holders[-1].unit_id == expected.unit_id


def test_the_directory_records_that_the_city_manages_a_districts_branches(
    seeded: Seeded,
) -> None:
    """管理权限: a district's 公安分局 is reviewed by the district government but managed by the
    city, so accusations against it go to the city's discipline inspection (Art.22, 30)."""
    directory = seeded.service.directory
    police = directory.get("330106-police")
    assert (police.superior_id, police.authority_id) == ("330106-gov", "3301-police")
    assert directory.discipline_inspection_for("330106-police").unit_id == "3301-di"  # type: ignore[union-attr]
    assert directory.discipline_inspection_for("330106-hrss").unit_id == "330106-di"  # type: ignore[union-attr]


def test_leaders_own_some_cases(seeded: Seeded) -> None:
    owned = [c for c in seeded.cases if c.leaders]
    assert owned
    assert all(leader["unit_id"].endswith("-party") for c in owned for leader in c.leaders)


def test_every_chain_verifies(seeded: Seeded) -> None:
    reports = [seeded.service.verify(case.id) for case in seeded.cases]
    assert all(report.ok for report in reports)


def test_the_printed_officials_exist_in_the_directory(seeded: Seeded) -> None:
    directory = seeded.service.directory
    for official in DEMO_OFFICIALS:
        assert official.unit_id in directory
    assert directory.get("330106001001-vc").kind is UnitKind.VILLAGE_COMMITTEE
    superiors = [directory.superior_of(unit.unit_id) for unit in directory]
    assert all(s is None or s.kind is not UnitKind.VILLAGE_COMMITTEE for s in superiors)


def test_the_same_seed_gives_the_same_matters(tmp_path: Path) -> None:
    subjects = []
    for name in ("a.db", "b.db"):
        service = build_service(Settings(sqlite_path=str(tmp_path / name)))
        seed_demo(service, n_cases=30, seed=5)
        subjects.append(sorted(service.case(i, SYSTEM).subject for i in service.case_ids()))
        service.close()
    assert subjects[0] == subjects[1]


def test_the_demo_is_recorded_as_it_happened(seeded: Seeded) -> None:
    """Months of work recorded at the moments it happened, so that a dashboard as of a past
    instant shows what it would have shown then (and not an empty store)."""
    service = seeded.service
    notifications = service.store.recorder.select_notifications(start=1, limit=1_000_000)
    events = [service.store.mapper.to_domain_event(n) for n in notifications]
    recorded = [e.timestamp for e in events]
    assert recorded == sorted(recorded)  # positions follow recorded time, as live
    case_events = [e for e in events if isinstance(e, CaseEvent)]
    assert all(e.timestamp == e.occurred_at for e in case_events)
    first_case = min(e.timestamp for e in case_events)
    assert datetime.now(UTC) - first_case > timedelta(days=150)
    units = [e for e in events if type(e).__module__ == "domain.units"]
    assert units and max(e.timestamp for e in units) < first_case
    # Afterwards the service tells the real time again.
    assert abs(service.clock.now() - datetime.now(UTC)) < timedelta(minutes=5)
