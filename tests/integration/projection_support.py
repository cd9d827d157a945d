"""What the projection tests share: a runner over the world's store, table dumps, and a county's
worth of cases in every stage, built through the acts of ``CaseService`` (never by writing rows).

The cases (all in county 330106, day 0 = 2026-03-02):

====  =====================================================================================
key   story
====  =====================================================================================
a     letter, transferred to town 1 on day 1, accepted day 2 (path 6), answered day 10,
      served day 11                                                    (answered, on time)
b     letter, transferred to town 1 on day 1, never accepted      (accept duty due day 16)
c     letter, transferred to town 2 on day 3, accepted day 4; leader 王书记 owns it
      (answer due day 64, Tuesday 5 May, in the Labour Day holiday: due day 65)
d     registered by the county bureau on day 2, never transferred (transfer due day 17)
e     accusation against town 2 (about village 2), routed to the county discipline
      inspection on day 2                (no acceptance notice owed: Art.30, not Art.23)
f     visit at the city bureau about village 2 on day 5: level-skipping, stays registered
      (transfer due day 20, a Sunday: the period runs to Monday, day 21; overdue from day 22)
g     same petitioner and matter as b on day 6: a repeat, declined at once (b is repeated)
h     letter about village 2, transferred to town 2 on day 1, urged on day 20, still not
      accepted                                                    (accept duty due day 16)
====  =====================================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.acts import Actor
from gateways.settings import Settings
from gateways.wiring import build_view_database
from projections.db import ViewDatabase
from projections.ledger import LedgerProjection
from projections.runner import Projection, ProjectionRunner
from projections.supervision import SupervisionProjection
from projections.trail import TrailProjection
from tests.scenario_support import (
    BASIS,
    CITY_BUREAU,
    COUNTY_BUREAU,
    COUNTY_DI,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
    World,
    official,
)


def petitioner(n: int) -> dict[str, str]:
    return {"name": f"李明{n}", "id_number": f"33010619800101{n:04d}", "phone": f"1390000{n:04d}"}


def projections() -> list[Projection]:
    """The read models of ``projections.registry``: ledger, supervision roll-up, trail."""
    return [LedgerProjection(), SupervisionProjection(), TrailProjection()]


def view_db(settings: Settings) -> ViewDatabase:
    return build_view_database(settings)


def runner(world: World, db: ViewDatabase, batch_size: int = 1000) -> ProjectionRunner:
    return ProjectionRunner(world.service, db, projections(), batch_size=batch_size)


def dump(db: ViewDatabase) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, sorted: two builds are equal iff dumps are."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in db.table_names():
        if table == "v_positions" or not table.startswith(("v_ledger", "v_sup", "v_trail")):
            continue
        rows = db.query(f"SELECT * FROM {table}")
        out[table] = sorted(
            (tuple(sorted(r.items())) for r in rows), key=lambda t: [str(v) for _, v in t]
        )
    return out


def leader(unit_id: str = COUNTY_GOV) -> Actor:
    return official(unit_id, "leader", name="王书记")


def populate(world: World, after_day: Callable[[int], None] | None = None) -> dict[str, UUID]:
    """The eight cases of the module docstring; ``after_day(n)`` is called when day n's acts
    are all recorded (to look at the dashboards as they were then)."""
    cases: dict[str, UUID] = {}
    w = world

    def done(day: int) -> None:
        if after_day is not None:
            after_day(day)

    w.on(0)
    cases["a"] = w.register(petitioners=[petitioner(1)])
    cases["b"] = w.register(petitioners=[petitioner(2)], matter_kind="wage_arrears")
    cases["c"] = w.register(petitioners=[petitioner(3)], matter_kind="housing")
    cases["h"] = w.register(
        petitioners=[petitioner(8)], division_code=VILLAGE_2_CODE, matter_kind="pollution"
    )
    done(0)
    w.on(1)
    w.act(cases["a"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    w.act(cases["b"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    w.act(cases["h"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    done(1)
    w.on(2)
    w.act(cases["a"], TOWN_1, "accept", path="6")
    cases["d"] = w.register(petitioners=[petitioner(4)], matter_kind="pension")
    cases["e"] = w.register(
        petitioners=[petitioner(5)],
        category="accusation",
        accused_unit_id=TOWN_2,
        subject="举报某镇干部违规",
        division_code=VILLAGE_2_CODE,
        matter_kind="official_misconduct",
    )
    w.act(cases["e"], COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI)
    done(2)
    w.on(3)
    w.act(cases["c"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    done(3)
    w.on(4)
    w.act(cases["c"], TOWN_2, "accept", path="6")
    w.act(
        cases["c"],
        leader(),
        "leader",
        leader_id="leader-1",
        leader_name="王书记",
        leader_unit_id=COUNTY_GOV,
    )
    done(4)
    w.on(5)
    cases["f"] = w.register(
        by=CITY_BUREAU,
        petitioners=[petitioner(6)],
        channel="visit",
        division_code=VILLAGE_2_CODE,
        matter_kind="road",
    )
    done(5)
    w.on(6)
    cases["g"] = w.register(
        petitioners=[petitioner(2)], matter_kind="wage_arrears", same_matter_as=cases["b"]
    )
    done(6)
    w.on(10)
    w.act(
        cases["a"],
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )
    done(10)
    w.on(11)
    w.act(cases["a"], TOWN_1, "serve")
    done(11)
    w.on(20)
    w.act(cases["h"], COUNTY_BUREAU, "urge", target_unit_id=TOWN_2, reason="逾期未受理")
    done(20)
    return cases


def later(world: World, cases: dict[str, UUID]) -> None:
    """What happens after day 20: late acceptances, an answer, a conclusion, a new case."""
    w = world
    w.on(25)
    w.act(cases["b"], TOWN_1, "accept", path="6")
    w.act(cases["d"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    w.on(26)
    w.act(cases["h"], TOWN_2, "accept", path="6")
    w.act(cases["e"], COUNTY_DI, "accept")
    w.on(30)
    w.act(
        cases["c"],
        TOWN_2,
        "answer",
        outcome="explained",
        opinion="已作解释说明。",
        facts=FACTS,
        basis=BASIS,
    )
    cases["i"] = w.register(petitioners=[petitioner(9)], matter_kind="school")
    w.act(
        cases["i"],
        leader(),
        "leader",
        leader_id="leader-2",
        leader_name="赵区长",
        leader_unit_id=COUNTY_GOV,
    )
    # a's review window (served day 11) ends on day 41, a Sunday: it runs to Monday, day 42.
    w.on(43)
    w.act(cases["a"], TOWN_1, "conclude")
