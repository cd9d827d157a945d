"""考核数据: every figure of domain.md §6 for county 330106 in May 2026, against counts made by
hand from the story of ``tests/integration/figures_story.py`` (read it first), judged on
2026-06-15 (May closed; the June acts, k6's evaluation and k9's transfer, are after the close).

The rule (``projections.figures``): a duty counts in May if done in May (on time / late), or
if still undone and overdue at the close of 05-31 (due in May: "overdue" / "not answered";
due before May: "carried"). Due days are 15 days after receipt (transfer, acceptance) and 60
after acceptance (+ extension) for answers; a last day that is a rest day (weekend or the Labour
Day holiday, 05-01 to 05-05) moves to the next working day.

Bureau 及时受理率 (the county bureau's transfers):

=======  ==================================================================  =========
class    duties                                                                 count
=======  ==================================================================  =========
timely   k7 (done 05-10, due 05-18), k11 (05-06/05-19), k13 (05-02/05-16),     5
         k14 (declined at once 05-15), k15 (05-12/05-21, the county bureau
         answers for the chain C→B)
late     k8 (done 05-08, due 05-06)                                              1
overdue  k9 (due 05-20, done only 06-05), k10 (due 04-16, carried)               2
—        not counted: k1-k6, k12, k18 (done before May), k17 (due 06-09)
=======  ==================================================================  =========
→ 5 / 8 = 0.625

Handling units' 及时受理率 (acceptance notices): timely k7 (T1, 05-12 ≤ 05-25), k15 (T2, 05-20
≤ 05-27); late k8 (T2, 05-26 > 05-25); overdue k11 (T2, due 05-21), k12 (T1, due 04-17,
carried); k13 is anonymous: no notice duty at all → 2 / 5 = 0.4.

按期办结率 (answers): on time k1 (05-20 ≤ 06-01), k3 (05-28 ≤ 06-08 only thanks to the 30-day
extension; 05-09 without it); late k2 (05-10 > 05-06), k6 (05-12 > 04-21); not answered k4
(due 05-19); overdue not answered k5 (due 03-23, carried) → 2 / 6 = 0.3333.

参评率 / 满意率 (results published in May, named petitioners): k1 satisfied, k2 basically
satisfied, k3 unsatisfied, k6 not evaluated by the close (06-03) → 3 / 4 = 0.75 and
(1 + 1) / 3 = 0.6667. Bureaus answered nothing: every bureau rate but 及时受理率 is None.

Of the area: registrations in May k7, k9, k11, k13, k14, k15, k17 = 7, of which 1 repeat (k14)
→ 0.1429, 1 level-skipping visit (k15). 积案 at the close of 04-30: k5 (answer due 03-23), k6
(04-21), k10 (transfer 04-16), k12 (acceptance 04-17) = 4, of which k6 concluded 05-12 → 积案化解率
1 / 4. 积案 at the close of 05-31: k4, k5, k9, k10, k11, k12 (overdue) and k7 (petitioned again
by k14) = 7 (k15's transfer is done by the county bureau; the city bureau's part of the chain
owes nothing). 包案: k5 (open) and k6 (concluded 05-12); k18 concluded in April is not in May
→ 1 / 2.

Per area (by the unit that owes the duty): 转塘街道 (T1) acceptance 1/2, completion 1/4 (k1 on
time; k2, k6 late; k5 carried), evaluation 2/3, satisfaction 2/2, backlog 3 → 4; 双浦镇 (T2)
acceptance 1/3, completion 1/2, evaluation 1/1, satisfaction 0/1, backlog 1 → 3.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.access import ReadScope
from domain.errors import InvalidInput, OutOfScope
from gateways.settings import Settings
from projections.worst_late import worst_late
from tests.integration import figures_story
from tests.integration.figures_story import (
    JUDGED,
    MAY,
    START,
    May,
    Story,
    catch_up,
    june,
    until_may_closes,
)
from tests.integration.projection_support import view_db
from tests.scenario_support import CITY_BUREAU, COUNTY_BUREAU, TOWN_1, TOWN_2, build_world, official

may = figures_story.may  # the story told once per store (a module-scoped fixture)


def counts(figure: dict[str, Any]) -> tuple[int, int, float | None]:
    return figure["numerator"], figure["denominator"], figure["rate"]


def test_the_bureaus_timely_transfers(may: May) -> None:
    transfer = may.figures()["bureaus"]["timely_acceptance"]
    assert counts(transfer) == (5, 8, 0.625)
    assert transfer["parts"] == {"timely": 5, "late": 1, "overdue": 2, "overdue_carried": 1}


def test_the_units_timely_acceptance_leaves_the_anonymous_letter_out(may: May) -> None:
    accept = may.figures()["handling_units"]["timely_acceptance"]
    assert counts(accept) == (2, 5, 0.4)
    assert accept["parts"] == {"timely": 2, "late": 1, "overdue": 2, "overdue_carried": 1}


def test_on_time_completion_counts_a_granted_extension(may: May) -> None:
    done = may.figures()["handling_units"]["on_time_completion"]
    assert counts(done) == (2, 6, 0.3333)
    assert done["parts"] == {
        "on_time": 2,
        "late": 2,
        "not_answered": 1,
        "overdue_not_answered": 1,
    }


def test_evaluation_and_satisfaction_of_the_results_published_in_may(may: May) -> None:
    units = may.figures()["handling_units"]
    assert counts(units["evaluation_rate"]) == (3, 4, 0.75)
    assert counts(units["satisfaction"]) == (2, 3, 0.6667)
    assert units["satisfaction"]["parts"] == {
        "satisfied": 1,
        "basically_satisfied": 1,
        "unsatisfied": 1,
    }


def test_an_empty_denominator_is_no_rate(may: May) -> None:
    bureaus = may.figures()["bureaus"]
    for key in ("on_time_completion", "evaluation_rate", "satisfaction"):
        assert counts(bureaus[key]) == (0, 0, None)
    nothing = may.figures(period=(date(2026, 1, 1), date(2026, 1, 4)))
    assert counts(nothing["handling_units"]["on_time_completion"]) == (0, 0, None)
    assert counts(nothing["cases"]["repeat_rate"]) == (0, 0, None)


def test_the_areas_own_figures(may: May) -> None:
    cases = may.figures()["cases"]
    assert (cases["registrations"], cases["visits"], cases["level_skipping"]) == (7, 1, 1)
    assert counts(cases["repeat_rate"]) == (1, 7, 0.1429)
    assert (cases["backlog_start"], cases["backlog_end"]) == (4, 7)
    assert counts(cases["backlog_resolution"]) == (1, 4, 0.25)
    assert counts(cases["leader_resolution"]) == (1, 2, 0.5)


def test_each_township_and_unit_has_its_own_figures(may: May) -> None:
    found = may.figures()
    areas = {a["division"]: a for a in found["by_area"]}
    assert set(areas) == {"330106001", "330106002"}
    t1, t2 = areas["330106001"], areas["330106002"]
    assert t1["name"] == "转塘街道" and t2["name"] == "双浦镇"
    assert counts(t1["handling_units"]["timely_acceptance"]) == (1, 2, 0.5)
    assert counts(t1["handling_units"]["on_time_completion"]) == (1, 4, 0.25)
    assert counts(t1["handling_units"]["evaluation_rate"]) == (2, 3, 0.6667)
    assert counts(t1["handling_units"]["satisfaction"]) == (2, 2, 1.0)
    assert counts(t2["handling_units"]["timely_acceptance"]) == (1, 3, 0.3333)
    assert counts(t2["handling_units"]["on_time_completion"]) == (1, 2, 0.5)
    assert counts(t2["handling_units"]["satisfaction"]) == (0, 1, 0.0)
    assert (t1["cases"]["backlog_start"], t1["cases"]["backlog_end"]) == (3, 4)
    assert (t2["cases"]["backlog_start"], t2["cases"]["backlog_end"]) == (1, 3)
    assert counts(t2["cases"]["leader_resolution"]) == (0, 0, None)
    units = {u["unit_id"]: u for u in found["by_unit"]}
    assert set(units) == {COUNTY_BUREAU, TOWN_1, TOWN_2}
    assert units[COUNTY_BUREAU]["kind"] == "bureau"
    assert counts(units[COUNTY_BUREAU]["timely_acceptance"]) == (5, 8, 0.625)
    assert counts(units[TOWN_1]["on_time_completion"]) == (1, 4, 0.25)


def test_a_chain_of_bureaus_owes_one_transfer(may: May) -> None:
    """k15 went C→B→T2: at the city, the transfer is counted once, for the county bureau."""
    city = may.figures("3301", viewer=official(CITY_BUREAU))
    assert counts(city["bureaus"]["timely_acceptance"]) == (5, 8, 0.625)
    assert CITY_BUREAU not in {u["unit_id"] for u in city["by_unit"]}
    county = {a["division"]: a for a in city["by_area"]}["330106"]
    assert county["name"] == "西湖区"
    assert counts(county["bureaus"]["timely_acceptance"]) == (5, 8, 0.625)


def test_a_running_month_is_judged_on_today(may: May) -> None:
    """On 05-20: k8's and k11's acceptance are still running; k4's answer (due 05-19) is not."""
    found = may.figures(today=date(2026, 5, 20))
    assert found["period"]["complete"] is False and found["period"]["judged_on"] == "2026-05-20"
    accept = found["handling_units"]["timely_acceptance"]
    assert counts(accept) == (2, 3, 0.6667) and accept["parts"]["overdue_carried"] == 1
    done = found["handling_units"]["on_time_completion"]
    # k1's opinion, answered on 05-20, reaches the petitioner on 05-21: on 05-20 it is not
    # given yet (Art.32, 35), and its period still runs, so it is not counted either way.
    assert counts(done) == (0, 4, 0.0) and done["parts"]["not_answered"] == 1


def test_the_worst_late_cases_of_may(may: May) -> None:
    scope = ReadScope.of(official(COUNTY_BUREAU), may.directory)
    late = worst_late(may.db, scope, "330106", *MAY, may.directory, JUDGED)
    # Periods ending on a rest day end on the next working day: k5's answer was due Monday
    # 03-23 (not Saturday 03-21), k2's on 05-06 and k8's transfer on 05-06 (not 05-04 and
    # 05-05, Labour Day holiday), k8's acceptance on Monday 05-25 (not Saturday 05-23).
    assert [(may.key(r["case_id"]), r["step"], r["days_late"]) for r in late] == [
        ("k5", "answer", 69),
        ("k10", "transfer", 45),
        ("k12", "accept", 44),
        ("k6", "answer", 21),
        ("k4", "answer", 12),
        ("k9", "transfer", 11),
        ("k11", "accept", 10),
        ("k2", "answer", 4),
        ("k8", "transfer", 2),
    ]
    assert late[0]["unit_name"] == "转塘街道办事处" and late[0]["done_on"] is None
    assert late[0]["status_label"] == "超期未办" and late[3]["done_on"] == "2026-05-12"


def test_figures_of_a_closed_month_stay_as_they_were(store_settings: Settings) -> None:
    """Read on 06-01, then again on 06-15 after k6 was evaluated and k9 transferred: equal."""
    world = build_world(store_settings, start=START)
    db = view_db(store_settings)
    try:
        story = Story(world)
        until_may_closes(story)
        catch_up(world.service, db)
        may = May(world.service, db, story.cases)
        before = may.figures(today=date(2026, 6, 1))
        june(story)
        catch_up(world.service, db)
        after = may.figures(today=date(2026, 6, 15))
    finally:
        db.close()
        world.service.close()
    assert before.pop("period")["judged_on"] == after.pop("period")["judged_on"] == "2026-05-31"
    assert before == after


def test_a_township_reads_its_own_area_and_no_other(may: May) -> None:
    own = may.figures("330106002", viewer=official(TOWN_2, "leader"))
    assert counts(own["handling_units"]["on_time_completion"]) == (1, 2, 0.5)
    assert [(a["division"], a["name"]) for a in own["by_area"]] == [("330106002001", "双浦村")]
    with pytest.raises(OutOfScope):
        may.figures("330106001", viewer=official(TOWN_2, "leader"))


@pytest.mark.parametrize(
    ("prefix", "period", "code"),
    [
        ("33010", MAY, "DIVISION_PREFIX_INVALID"),
        ("330106", (date(2026, 5, 31), date(2026, 5, 1)), "PERIOD_INVALID"),
        ("330106", (date(2026, 7, 1), date(2026, 7, 31)), "PERIOD_NOT_STARTED"),
    ],
)
def test_malformed_requests_are_refused(may: May, prefix: str, period: tuple, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        may.figures(prefix, period=period)
    assert refused.value.code == code
