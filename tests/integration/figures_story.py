"""A county's cases around May 2026, told through the acts of ``CaseService``, whose every
assessment figure for May is counted by hand in ``tests/integration/test_figures.py``.

The world starts on 2026-01-05 (Monday). B = the county bureau (西湖区信访局), T1 = town 1
(转塘街道办事处, villages 330106001…), T2 = town 2 (双浦镇人民政府, 330106002…), C = the city
bureau. Every matter is a letter from its own petitioner (王某n) unless told; "path 5" cases
end with the reply (Concluded), path 6 opinions wait for the review window. Due days are those
of the State Council's calendar: a period ending on a rest day ends on the next working day.

====  ====  ==========================================================================
case  area  timeline (2026)
====  ====  ==========================================================================
k1    T1    reg 03-25, B→T1 03-27, accepted 04-01, answered 05-20 (due Mon 06-01), served
            05-21, evaluated satisfied 05-22
k2    T1    reg 02-25, B→T1 03-01, accepted 03-05, answered 05-10 (due 05-06),
            evaluated basically satisfied 05-15
k3    T2    reg 03-01, B→T2 03-03, accepted 03-10 (due Sat 05-09, a 调休 working day),
            extension of 30 days granted 05-01 (due 06-08), answered 05-28, evaluated
            unsatisfied 05-30
k4    T2    reg 03-10, B→T2 03-12, accepted 03-20, never answered (due 05-19)
k5    T1    reg 01-10, B→T1 01-12, accepted 01-20, never answered (due Mon 03-23);
            leader 王书记 owns it from 04-10
k6    T1    reg 02-10, B→T1 02-12, accepted on path 5 02-20 (due 04-21); leader from
            04-25; replied 05-12 (concluded); evaluated basically satisfied 06-03
k7    T1    reg 05-02, B→T1 05-10 (due Mon 05-18), accepted 05-12 (due 05-25)
k8    T2    reg 04-20, B→T2 05-08 (due 05-06), accepted 05-26 (due Mon 05-25)
k9    T1    reg 05-05, transferred only 06-05 (due 05-20)
k10   T2    reg 04-01, never transferred (due 04-16)
k11   T2    reg 05-04, B→T2 05-06, never accepted (due 05-21)
k12   T1    reg 03-30, B→T1 04-02, never accepted (due 04-17)
k13   T1    anonymous letter: reg 05-01, B→T1 05-02, accepted 05-25 (no notice duty)
k14   T1    05-15: k7's petitioner on the same matter: a repeat, declined at once
k15   T2    visit at C 05-06 (level-skipping), C→B 05-07, B→T2 05-12 (due 05-21),
            accepted 05-20 (due 05-27)
k17   T2    reg 05-25, not yet transferred (due 06-09)
k18   T2    reg 03-02, B→T2 03-03, accepted on path 5 03-05, leader from 03-10,
            replied 04-10 (concluded)
====  ====  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.access import ReadScope
from domain.acts import Actor
from domain.application import CaseService
from domain.units import Directory
from gateways.settings import Settings
from projections.db import ViewDatabase
from projections.figures import figures
from projections.runner import ProjectionRunner
from projections.trail import TrailProjection
from tests.integration.projection_support import view_db
from tests.scenario_support import (
    BASIS,
    CITY_BUREAU,
    COUNTY_BUREAU,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_1_CODE,
    VILLAGE_2_CODE,
    World,
    build_world,
    official,
)

START = date(2026, 1, 5)
MAY = (date(2026, 5, 1), date(2026, 5, 31))
JUDGED = date(2026, 6, 15)  # May is closed; the June acts happened
AREA = {"T1": VILLAGE_1_CODE, "T2": VILLAGE_2_CODE}
HANDLER = {"T1": TOWN_1, "T2": TOWN_2}


def petitioner(n: int) -> dict[str, str]:
    return {"name": f"王某{n}", "id_number": f"3301061975010{n:05d}", "phone": f"1371111{n:04d}"}


LEADER: Actor = official(COUNTY_GOV, "leader", name="王书记")


def d(month: int, day: int) -> date:
    return date(2026, month, day)


class Story:
    """The acts of the module docstring, in the order they happened."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.cases: dict[str, UUID] = {}

    def on(self, month: int, day: int) -> None:
        self.w.on(d(month, day))

    def reg(self, key: str, area: str, n: int, by: str = COUNTY_BUREAU, **more: object) -> None:
        facts: dict[str, object] = {"petitioners": [petitioner(n)], "matter_kind": f"kind-{key}"}
        facts.update(more)
        self.cases[key] = self.w.register(by=by, division_code=AREA[area], **facts)

    def act(self, key: str, by: str | Actor, action: str, **params: object) -> None:
        self.w.act(self.cases[key], by, action, **params)

    def transfer(self, key: str, area: str, by: str = COUNTY_BUREAU) -> None:
        self.act(key, by, "transfer", to_unit_id=HANDLER[area])

    def accept(self, key: str, area: str, path: str = "6") -> None:
        self.act(key, HANDLER[area], "accept", path=path)

    def answer(self, key: str, area: str, outcome: str = "explained", served: bool = True) -> None:
        """Answered, and on path 6 handed to the petitioner the same day unless ``served`` is
        False: an opinion is given when served (Art.32, 35)."""
        self.act(
            key,
            HANDLER[area],
            "answer",
            outcome=outcome,
            opinion="已调查核实并答复。",
            facts=FACTS,
            basis=BASIS,
        )
        if served and outcome != "performed":
            self.act(key, HANDLER[area], "serve")

    def lead(self, key: str) -> None:
        self.act(
            key,
            LEADER,
            "leader",
            leader_id="leader-1",
            leader_name="王书记",
            leader_unit_id=COUNTY_GOV,
        )

    def evaluate(self, key: str, satisfaction: str) -> None:
        self.act(key, COUNTY_BUREAU, "evaluate", satisfaction=satisfaction)


def until_may_closes(s: Story) -> None:
    """Everything up to the end of May."""
    for when, acts in _SCRIPT:
        s.on(*when)
        acts(s)


def june(s: Story) -> None:
    """What happens after the close: it must not change May's figures."""
    s.on(6, 3)
    s.evaluate("k6", "basically_satisfied")
    s.on(6, 5)
    s.transfer("k9", "T1")


_SCRIPT: list[tuple[tuple[int, int], Callable[[Story], None]]] = [
    ((1, 10), lambda s: s.reg("k5", "T1", 5)),
    ((1, 12), lambda s: s.transfer("k5", "T1")),
    ((1, 20), lambda s: s.accept("k5", "T1")),
    ((2, 10), lambda s: s.reg("k6", "T1", 6)),
    ((2, 12), lambda s: s.transfer("k6", "T1")),
    ((2, 20), lambda s: s.accept("k6", "T1", path="5")),
    ((2, 25), lambda s: s.reg("k2", "T1", 2)),
    ((3, 1), lambda s: (s.reg("k3", "T2", 3), s.transfer("k2", "T1"))),
    ((3, 2), lambda s: s.reg("k18", "T2", 18)),
    ((3, 3), lambda s: (s.transfer("k3", "T2"), s.transfer("k18", "T2"))),
    ((3, 5), lambda s: (s.accept("k2", "T1"), s.accept("k18", "T2", path="5"))),
    ((3, 10), lambda s: (s.accept("k3", "T2"), s.reg("k4", "T2", 4), s.lead("k18"))),
    ((3, 12), lambda s: s.transfer("k4", "T2")),
    ((3, 20), lambda s: s.accept("k4", "T2")),
    ((3, 25), lambda s: s.reg("k1", "T1", 1)),
    ((3, 27), lambda s: s.transfer("k1", "T1")),
    ((3, 30), lambda s: s.reg("k12", "T1", 12)),
    ((4, 1), lambda s: (s.accept("k1", "T1"), s.reg("k10", "T2", 10))),
    ((4, 2), lambda s: s.transfer("k12", "T1")),
    ((4, 10), lambda s: (s.answer("k18", "T2", "performed"), s.lead("k5"))),
    ((4, 20), lambda s: s.reg("k8", "T2", 8)),
    ((4, 25), lambda s: s.lead("k6")),
    (
        (5, 1),
        lambda s: (
            s.act("k3", TOWN_2, "extend", days=30, reason="案情复杂", approved_by="镇长"),
            s.reg("k13", "T1", 13, anonymous=True, petitioners=[]),
        ),
    ),
    ((5, 2), lambda s: (s.reg("k7", "T1", 7), s.transfer("k13", "T1"))),
    ((5, 4), lambda s: s.reg("k11", "T2", 11)),
    ((5, 5), lambda s: s.reg("k9", "T1", 9)),
    (
        (5, 6),
        lambda s: (
            s.transfer("k11", "T2"),
            s.reg("k15", "T2", 15, by=CITY_BUREAU, channel="visit"),
        ),
    ),
    ((5, 7), lambda s: s.act("k15", CITY_BUREAU, "transfer", to_unit_id=COUNTY_BUREAU)),
    ((5, 8), lambda s: s.transfer("k8", "T2")),
    ((5, 10), lambda s: (s.transfer("k7", "T1"), s.answer("k2", "T1"))),
    (
        (5, 12),
        lambda s: (
            s.accept("k7", "T1"),
            s.answer("k6", "T1", "performed"),
            s.transfer("k15", "T2"),
        ),
    ),
    (
        (5, 15),
        lambda s: (
            s.reg("k14", "T1", 7, matter_kind="kind-k7", same_matter_as=s.cases["k7"]),
            s.evaluate("k2", "basically_satisfied"),
        ),
    ),
    ((5, 20), lambda s: (s.answer("k1", "T1", served=False), s.accept("k15", "T2"))),
    ((5, 21), lambda s: s.act("k1", TOWN_1, "serve")),
    ((5, 22), lambda s: s.evaluate("k1", "satisfied")),
    ((5, 25), lambda s: (s.reg("k17", "T2", 17), s.accept("k13", "T1"))),
    ((5, 26), lambda s: s.accept("k8", "T2")),
    ((5, 28), lambda s: s.answer("k3", "T2")),
    ((5, 30), lambda s: s.evaluate("k3", "unsatisfied")),
]


# ------------------------------------------------------------ the story, told once
@dataclass
class May:
    service: CaseService
    db: ViewDatabase
    cases: dict[str, UUID]

    @property
    def directory(self) -> Directory:
        return self.service.directory

    def figures(self, prefix: str = "330106", viewer: Actor | None = None, **kw: Any) -> dict:
        scope = ReadScope.of(viewer or official(COUNTY_BUREAU), self.directory)
        start, end = kw.pop("period", MAY)
        return figures(self.db, scope, prefix, start, end, self.directory, kw.pop("today", JUDGED))

    def key(self, case_id: str) -> str:
        return {str(v): k for k, v in self.cases.items()}[case_id]


def catch_up(service: CaseService, db: ViewDatabase) -> None:
    ProjectionRunner(service, db, [TrailProjection()]).catch_up()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def may(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[May]:
    """The whole story (June included) told once per store; the tests only read it."""
    if request.param == "sqlite":
        settings = Settings(sqlite_path=str(tmp_path_factory.mktemp("figures") / "xinfang.db"))
    else:
        database = request.getfixturevalue("pg_module_database")
        settings = Settings(database_url=request.getfixturevalue("pg_server").url(database))
    world = build_world(settings, start=START)
    db = view_db(settings)
    story = Story(world)
    until_may_closes(story)
    june(story)
    catch_up(world.service, db)
    yield May(world.service, db, story.cases)
    db.close()
    world.service.close()
