"""Events that move no deadline say so (``moves_deadlines``), and the projections' deadline cache
trusts them: urging, evaluating, leaders, repeat links and reads of an accusation leave every
deadline of the case as it was."""

from __future__ import annotations

from typing import Any

from domain.acts import DEFAULT_RULES
from domain.case_events import (
    CASE_EVENTS,
    AccusationReadRefused,
    AccusationViewed,
    Evaluated,
    LeaderAssigned,
    RepeatLinked,
    Urged,
)
from domain.deadlines import deadlines_of
from projections.case_memory import DEADLINE_NEUTRAL
from tests.unit.recorded_events import mapper, recorded_cases, stored_event


def test_the_events_that_move_no_deadline_are_urging_evaluation_leaders_links_and_reads() -> None:
    neutral = DEADLINE_NEUTRAL
    assert neutral == {
        Urged,
        Evaluated,
        LeaderAssigned,
        RepeatLinked,
        AccusationViewed,
        AccusationReadRefused,
    }
    assert neutral < set(CASE_EVENTS)


def test_an_event_that_moves_no_deadline_leaves_every_deadline_as_it_was() -> None:
    seen: set[type] = set()
    events_mapper = mapper()
    for case in recorded_cases():
        folded: Any = None
        for recorded in case["events"]:
            event = events_mapper.to_domain_event(stored_event(case["id"], recorded))
            before = deadlines_of(folded, DEFAULT_RULES) if folded is not None else None
            folded = event.mutate(folded)
            if not event.moves_deadlines:
                seen.add(type(event))
                assert deadlines_of(folded, DEFAULT_RULES) == before, type(event).__name__
    assert seen == DEADLINE_NEUTRAL
