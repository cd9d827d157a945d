"""The accountability story the trail tests tell (county 330106, day 0 = 2026-03-02).

Every case is built through the acts of ``CaseService``. Read on day 40 (2026-04-11):

====  ======================================================================================
key   story                                                            fault (day it arose)
====  ======================================================================================
s2    county bureau registers day 0, transfers to town 1 on day 16   Art.43 bureau, 1 day late
      (domain.md §8 scenario 2); town 1 accepts day 17               (2026-03-18)
s3    village 2 matter, transferred to town 2 on day 1, acceptance   Art.44(3) town 2, 1 day
      notice on day 17, 16 days after the transfer (scenario 3)      late (2026-03-19); within
                                                                     the grace: no urge owed
obj   transferred to town 1 day 1; 李科长 of town 1 objects day 2;   none: objecting in time
      the bureau refuses the objection day 3; town 1 accepts day 4   is a right (Art.23)
rev   town 1 accepts day 2, answers "not supported" day 10, serves   Art.45(2) on town 1's
      day 11; review asked day 12; the county government supports    answering official
      the request on day 20                                          (2026-03-22)
acc   accusation against town 2 (village 2), registered day 2,      Art.43 bureau, 1 day late
      routed to the county discipline inspection on day 18; no       (2026-03-20); Art.46(7)
      acceptance notice is owed there (Art.30: discipline rules);   赵副镇长 (2026-03-08)
      on day 6 赵副镇长 of town 2 tries to read it
acc2  accusation against the county discipline inspection itself,   Art.43 bureau, 1 day late
      registered day 2, routed to the city's on day 18               (2026-03-20)
s4    registered day 5 by 王登记员 of the county bureau, never       Art.43 bureau (王登记员),
      transferred (its 15th day is Sunday 22 March: due Monday 23)   undone (2026-03-24)
ch    city bureau registers day 0, passes it to the county bureau    none: the chain shares
      day 2, which transfers to town 1 on day 4; accepted day 5      the 15 days
====  ======================================================================================
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from uuid import UUID

from domain.acts import Actor
from domain.errors import NotFound
from tests.integration.projection_support import petitioner
from tests.scenario_support import (
    BASIS,
    CITY_BUREAU,
    CITY_DI,
    COUNTY_BUREAU,
    COUNTY_CODE,
    COUNTY_DI,
    COUNTY_GOV,
    FACTS,
    TOWN_1,
    TOWN_2,
    VILLAGE_2_CODE,
    World,
    official,
    registration,
)

LI = Actor("330106001-gov/li", "李科长", TOWN_1, frozenset({"handler"}), "330106001")
WANG = Actor("330106-bureau/wang", "王登记员", COUNTY_BUREAU, frozenset({"bureau"}), "330106")
ZHAO = Actor("330106002-gov/zhao", "赵副镇长", TOWN_2, frozenset({"handler"}), "330106002")


def story(world: World, after_day: Callable[[int], None] | None = None) -> dict[str, UUID]:
    """The cases of the module docstring; ``after_day(n)`` runs once day n's acts are in."""
    w = world
    c: dict[str, UUID] = {}

    def day(n: int) -> None:
        if after_day is not None:
            after_day(n)
        w.on(n)

    w.on(0)
    c["s2"] = w.register(petitioners=[petitioner(21)])
    c["s3"] = w.register(petitioners=[petitioner(22)], division_code=VILLAGE_2_CODE)
    c["obj"] = w.register(petitioners=[petitioner(23)])
    c["rev"] = w.register(petitioners=[petitioner(24)])
    c["ch"] = w.register(by=CITY_BUREAU, petitioners=[petitioner(25)])
    day(1)
    w.act(c["s3"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_2)
    w.act(c["obj"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    w.act(c["rev"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    day(2)
    w.act(c["obj"], LI, "object", reason="该事项属于区人社局职责，不属于本单位")
    w.act(c["rev"], TOWN_1, "accept", path="6")
    w.act(c["ch"], CITY_BUREAU, "transfer", to_unit_id=COUNTY_BUREAU)
    accusations = (
        ("acc", TOWN_2, COUNTY_DI, VILLAGE_2_CODE),
        ("acc2", COUNTY_DI, CITY_DI, COUNTY_CODE),
    )
    for key, accused, _, code in accusations:
        c[key] = w.register(
            petitioners=[petitioner(26 if key == "acc" else 27)],
            category="accusation",
            accused_unit_id=accused,
            subject="举报干部违规",
            division_code=code,
            matter_kind="official_misconduct",
        )
    day(3)
    w.act(c["obj"], COUNTY_BUREAU, "objection-decision", agreed=False, note="属于本单位职责")
    day(4)
    w.act(c["obj"], TOWN_1, "accept", path="6")
    w.act(c["ch"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    day(5)
    c["s4"] = w.service.register(WANG, registration(petitioners=[petitioner(28)])).case.id
    w.act(c["ch"], TOWN_1, "accept", path="6")
    day(6)
    with contextlib.suppress(NotFound):  # as if it did not exist; the attempt is recorded
        w.service.case(c["acc"], ZHAO)
    day(10)
    w.act(
        c["rev"],
        TOWN_1,
        "answer",
        outcome="not_supported",
        opinion="经调查，补偿已足额发放。",
        facts=FACTS,
        basis=BASIS,
    )
    day(11)
    w.act(c["rev"], TOWN_1, "serve")
    day(12)
    w.act(c["rev"], COUNTY_BUREAU, "review-request")
    day(16)
    w.act(c["s2"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    day(17)
    w.act(c["s2"], TOWN_1, "accept", path="6")
    w.act(c["s3"], TOWN_2, "accept", path="6")
    day(18)
    # Art.22: the bureau's 15 days to route an accusation on ended on day 17.
    for key, _, inspection, _ in accusations:
        w.act(
            c[key], COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=inspection
        )
    day(20)
    w.act(c["rev"], COUNTY_GOV, "review", outcome="supported", opinion="原处理意见不当，予以支持。")
    if after_day is not None:
        after_day(20)
    w.on(40)
    return c


def inspector(unit_id: str) -> Actor:
    """An official of ``unit_id`` holding the inspector role (whatever the unit's kind)."""
    return official(unit_id, "inspector")
