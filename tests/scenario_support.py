"""A small world to tell scenarios in: a clock we set, a directory of five tiers, officials.

The directory is one province (33), one city (3301) and one county (330106) with two townships
and a village under each. Superiors follow the review chains of the regulation: a township
government and a county department are reviewed by the county government, the county
government by the city government, the city government by the province government; a village
committee answers to its township and is never anyone's superior (Art.2).

Days are counted from ``World.start`` (day 0), in China time, at 10:00 unless told otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.acts import SYSTEM, Actor
from domain.application import CaseService
from domain.calendar import CHINA
from domain.commands import Register, case_command
from domain.deadlines import DeadlineStatus, statuses_on
from domain.errors import MESSAGES, DomainError
from domain.petition import Petition
from domain.units import UnitKind, UnitRecord
from gateways.settings import Settings
from gateways.wiring import build_service

# ------------------------------------------------------------------ the directory
PROVINCE_BUREAU = "33-bureau"
PROVINCE_GOV = "33-gov"
CITY_BUREAU = "3301-bureau"
CITY_GOV = "3301-gov"
CITY_DI = "3301-di"
CITY_POLITICAL_LEGAL = "3301-political-legal"
COUNTY_BUREAU = "330106-bureau"
COUNTY_GOV = "330106-gov"
COUNTY_HRSS = "330106-hrss"
COUNTY_DI = "330106-di"
COUNTY_POLITICAL_LEGAL = "330106-political-legal"
TOWN_1 = "330106001-gov"
TOWN_2 = "330106002-gov"
VILLAGE_1 = "330106001001-committee"
VILLAGE_2 = "330106002001-committee"

PROVINCE_CODE = "330000000000"
CITY_CODE = "330100000000"
COUNTY_CODE = "330106000000"
TOWN_1_CODE = "330106001000"
TOWN_2_CODE = "330106002000"
VILLAGE_1_CODE = "330106001001"
VILLAGE_2_CODE = "330106002001"

K = UnitKind
UNITS: tuple[UnitRecord, ...] = (
    UnitRecord(PROVINCE_GOV, "浙江省人民政府", K.GOVERNMENT, PROVINCE_CODE, None),
    UnitRecord(PROVINCE_BUREAU, "浙江省信访局", K.PETITION_BUREAU, PROVINCE_CODE, PROVINCE_GOV),
    UnitRecord(CITY_GOV, "杭州市人民政府", K.GOVERNMENT, CITY_CODE, PROVINCE_GOV),
    UnitRecord(CITY_BUREAU, "杭州市信访局", K.PETITION_BUREAU, CITY_CODE, CITY_GOV),
    UnitRecord(CITY_DI, "杭州市纪委监委", K.DISCIPLINE_INSPECTION, CITY_CODE, None),
    UnitRecord(CITY_POLITICAL_LEGAL, "杭州市委政法委", K.POLITICAL_LEGAL, CITY_CODE, None),
    UnitRecord(COUNTY_GOV, "西湖区人民政府", K.GOVERNMENT, COUNTY_CODE, CITY_GOV),
    UnitRecord(COUNTY_BUREAU, "西湖区信访局", K.PETITION_BUREAU, COUNTY_CODE, COUNTY_GOV),
    UnitRecord(COUNTY_HRSS, "西湖区人力资源和社会保障局", K.DEPARTMENT, COUNTY_CODE, COUNTY_GOV),
    UnitRecord(COUNTY_DI, "西湖区纪委监委", K.DISCIPLINE_INSPECTION, COUNTY_CODE, CITY_DI),
    UnitRecord(COUNTY_POLITICAL_LEGAL, "西湖区委政法委", K.POLITICAL_LEGAL, COUNTY_CODE, None),
    UnitRecord(TOWN_1, "转塘街道办事处", K.GOVERNMENT, TOWN_1_CODE, COUNTY_GOV),
    UnitRecord(TOWN_2, "双浦镇人民政府", K.GOVERNMENT, TOWN_2_CODE, COUNTY_GOV),
    UnitRecord(VILLAGE_1, "转塘社区居民委员会", K.VILLAGE_COMMITTEE, VILLAGE_1_CODE, TOWN_1),
    UnitRecord(VILLAGE_2, "双浦村村民委员会", K.VILLAGE_COMMITTEE, VILLAGE_2_CODE, TOWN_2),
)
UNIT_BY_ID = {u.unit_id: u for u in UNITS}

_ROLES_BY_KIND = {
    K.PETITION_BUREAU: frozenset({"bureau", "registrar"}),
    K.GOVERNMENT: frozenset({"handler", "registrar"}),
    K.DEPARTMENT: frozenset({"handler", "registrar"}),
    K.PARTY_COMMITTEE: frozenset({"handler", "registrar"}),
    K.DISCIPLINE_INSPECTION: frozenset({"handler", "inspector"}),
    K.POLITICAL_LEGAL: frozenset({"handler"}),
    K.VILLAGE_COMMITTEE: frozenset({"handler", "registrar"}),
}

START = date(2026, 3, 2)  # a Monday: day 0 of every scenario unless a scenario picks its own

# What every 信访处理意见书 of the scenarios states besides its opinion (Art.32).
FACTS = "经调查核实，信访人承包地于2025年被征收，补偿标准已公示。"
BASIS = "《中华人民共和国土地管理法》第四十八条"

PETITIONER = {"name": "张三丰", "id_number": "330106198001011234", "phone": "13800000000"}


def official(unit_id: str, *roles: str, name: str | None = None) -> Actor:
    """An official of ``unit_id`` with the usual roles of its kind (or the ones given)."""
    unit = UNIT_BY_ID[unit_id]
    granted = frozenset(roles) if roles else _ROLES_BY_KIND[unit.kind]
    return Actor(
        official_id=f"{unit_id}/official",
        name=name or f"{unit.name}工作人员",
        unit_id=unit_id,
        roles=granted,
        jurisdiction=unit.jurisdiction,
    )


class FixedClock:
    """The only clock the scenarios use: it shows what we set, and moves when we move it."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day`` in China."""
    return datetime.combine(day, time(hour), CHINA)


def registration(**overrides: Any) -> Register:
    """A letter from one named petitioner about land compensation in village 330106001001."""
    base = Register(
        channel="letter",
        category="appeal",
        division_code=VILLAGE_1_CODE,
        subject="征地补偿款未足额发放",
        content="本人承包地被征收，补偿款至今未足额发放，请求依法处理。",
        matter_kind="land_compensation",
        petitioners=[dict(PETITIONER)],
    )
    return replace(base, **overrides)


@dataclass
class World:
    """A service over a real store, the directory above, and a clock set to day 0."""

    service: CaseService
    clock: FixedClock
    start: date = START
    cases: list[UUID] = field(default_factory=list)
    settings: Settings | None = None

    # ---------------------------------------------------------------- time
    def day(self, n: int) -> date:
        return self.start + timedelta(days=n)

    def on(self, when: int | date, hour: int = 10) -> datetime:
        """Move the clock to day ``when`` (a number from the start, or a date)."""
        day = self.day(when) if isinstance(when, int) else when
        self.clock.set(at(day, hour))
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().astimezone(CHINA).date()

    # ---------------------------------------------------------------- acts
    def register(self, by: str = COUNTY_BUREAU, **overrides: Any) -> UUID:
        registered = self.service.register(official(by), registration(**overrides))
        self.cases.append(registered.case.id)
        return registered.case.id

    def registered(self, by: str = COUNTY_BUREAU, **overrides: Any) -> Any:
        """The full answer of ``CaseService.register`` (case, created, query code, position)."""
        return self.service.register(official(by), registration(**overrides))

    def act(self, case_id: UUID, by: str | Actor, action: str, **params: Any) -> Petition:
        actor = official(by) if isinstance(by, str) else by
        case, _ = self.service.perform(case_id, actor, case_command(action, **params))
        return case

    def case(self, case_id: UUID) -> Petition:
        return self.service.case(case_id, SYSTEM)

    # ------------------------------------------------------------ readings
    def status(self, case_id: UUID, step: str, on: int | date | None = None) -> DeadlineStatus:
        """Where the (last) deadline of ``step`` stands on day ``on`` (default: today)."""
        found = self.statuses(case_id, on)
        matching = [s for s in found if s.deadline.step == step]
        assert matching, f"no {step} deadline among {[s.deadline.step for s in found]}"
        return matching[-1]

    def statuses(self, case_id: UUID, on: int | date | None = None) -> list[DeadlineStatus]:
        day = self.today() if on is None else (self.day(on) if isinstance(on, int) else on)
        return statuses_on(self.case(case_id), self.service.rules, day)

    def top(self) -> int:
        """The store's last notification id: nothing recorded means it does not move."""
        return self.service.store.recorder.max_notification_id() or 0

    # --------------------------------------------------- cases at a stage
    def transferred(self, to: str = TOWN_1, day: int = 1, **overrides: Any) -> UUID:
        """Registered by the county bureau on day 0, transferred to ``to`` on ``day``."""
        self.on(0)
        case_id = self.register(**overrides)
        self.on(day)
        self.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=to)
        return case_id

    def accepted(self, by: str = TOWN_1, day: int = 2, path: str | None = "6") -> UUID:
        """Transferred to ``by`` on day 1 and accepted by it on ``day`` (path 6 by default)."""
        case_id = self.transferred(to=by, day=1)
        self.on(day)
        self.act(case_id, by, "accept", path=path)
        return case_id

    def answered(self, by: str = TOWN_1, day: int = 10, served: int | None = 11) -> UUID:
        """A path-6 opinion by ``by`` on ``day``, served on day ``served`` (None: not yet)."""
        case_id = self.accepted(by=by)
        self.on(day)
        self.act(
            case_id,
            by,
            "answer",
            outcome="not_supported",
            opinion="经调查，补偿已足额发放。",
            facts=FACTS,
            basis=BASIS,
        )
        if served is not None:
            self.on(served)
            self.act(case_id, by, "serve")
        return case_id

    def under_review(self, day: int = 12) -> UUID:
        """Answered by town 1, served, and a review requested (to the county government)."""
        case_id = self.answered()
        self.on(day)
        self.act(case_id, COUNTY_BUREAU, "review-request")
        return case_id

    def reviewed(self, day: int = 20, served: int | None = 21) -> UUID:
        case_id = self.under_review()
        self.on(day)
        self.act(case_id, COUNTY_GOV, "review", outcome="not_supported", opinion="维持原处理意见。")
        if served is not None:
            self.on(served)
            self.act(case_id, COUNTY_GOV, "serve")
        return case_id

    def under_recheck(self, day: int = 22) -> UUID:
        case_id = self.reviewed()
        self.on(day)
        self.act(case_id, COUNTY_BUREAU, "recheck-request")
        return case_id

    def rechecked(self, day: int = 30) -> UUID:
        case_id = self.under_recheck()
        self.on(day)
        self.act(case_id, CITY_GOV, "recheck", outcome="not_supported", opinion="复核维持。")
        return case_id


def build_world(settings: Settings, start: date = START) -> World:
    """The service over ``settings``' store, with the directory registered on day 0."""
    clock = FixedClock(at(start))
    service = build_service(settings, clock=clock)
    service.register_units(UNITS)
    return World(service, clock, start, settings=settings)


def refusal(excinfo: pytest.ExceptionInfo[DomainError]) -> str:
    """The code of a refusal, once its message is checked against the catalogue."""
    assert excinfo.value.message == MESSAGES[excinfo.value.code]
    return excinfo.value.code


def forbid_aggregate_reads(service: CaseService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any read of an aggregate from the store fail the test: what a command finds in
    the store's cache of saved cases needs none."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read an aggregate from the store")

    monkeypatch.setattr(service.store.repository, "get", refused)
    monkeypatch.setattr(service.store.recorder, "select_events", refused)
