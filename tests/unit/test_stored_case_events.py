"""Stored case events outlive the code that wrote them: every event class keeps the topic it is
stored under, and events recorded before the case's acts moved (issue 16) still decode, chain
and fold to the same case, with the same deadlines."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from eventsourcing.utils import get_topic, resolve_topic

from domain.acts import DEFAULT_RULES
from domain.case_events import CASE_EVENTS, CaseEvent
from domain.chain import verify_chain
from domain.deadlines import statuses_on
from domain.petition import Petition
from tests.unit.recorded_events import RECORDED_FROM, mapper, recorded_cases, stored_event

ROOT = Path(__file__).resolve().parents[2]

# The topics stored databases hold. Written out, not computed: a change must fail here.
STORED_TOPICS = {
    "CaseEvent": "domain.case_events:CaseEvent",
    "Registered": "domain.case_events:Registered",
    "Transferred": "domain.case_events:Transferred",
    "Assigned": "domain.case_events:Assigned",
    "Routed": "domain.case_events:Routed",
    "Informed": "domain.case_events:Informed",
    "Accepted": "domain.case_events:Accepted",
    "Objected": "domain.case_events:Objected",
    "ObjectionDecided": "domain.case_events:ObjectionDecided",
    "Declined": "domain.case_events:Declined",
    "NotReaccepted": "domain.case_events:NotReaccepted",
    "Extended": "domain.case_events:Extended",
    "Answered": "domain.case_events:Answered",
    "Served": "domain.case_events:Served",
    "Evaluated": "domain.case_events:Evaluated",
    "Concluded": "domain.case_events:Concluded",
    "ReviewRequested": "domain.case_events:ReviewRequested",
    "Reviewed": "domain.case_events:Reviewed",
    "RecheckRequested": "domain.case_events:RecheckRequested",
    "HearingHeld": "domain.case_events:HearingHeld",
    "Rechecked": "domain.case_events:Rechecked",
    "Urged": "domain.case_events:Urged",
    "LeaderAssigned": "domain.case_events:LeaderAssigned",
    "RepeatLinked": "domain.case_events:RepeatLinked",
    "AccusationViewed": "domain.case_events:AccusationViewed",
    "AccusationReadRefused": "domain.case_events:AccusationReadRefused",
}


def test_every_case_event_keeps_the_topic_it_is_stored_under() -> None:
    found = {cls.__name__: get_topic(cls) for cls in (CaseEvent, *CASE_EVENTS)}
    assert found == STORED_TOPICS
    assert get_topic(Petition) == "domain.petition:Petition"


def test_every_stored_topic_resolves_to_its_event_class() -> None:
    for cls in (CaseEvent, *CASE_EVENTS):
        assert resolve_topic(STORED_TOPICS[cls.__name__]) is cls
        # The hash chain digests the bare class name.
        assert cls.__qualname__ == cls.__name__


def test_every_case_event_class_is_listed_once() -> None:
    assert len(set(CASE_EVENTS)) == len(CASE_EVENTS) == len(STORED_TOPICS) - 1


def test_each_event_is_one_class_written_next_to_its_act() -> None:
    for cls in CASE_EVENTS:
        assert getattr(Petition, cls.__name__) is cls
        assert cls.__module__.startswith("domain.case.")


def test_the_aggregate_imports_on_its_own() -> None:
    # Whatever is imported first, the event classes are built (no stored-topic module needed).
    code = "import domain.petition; import domain.case_events"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_events_recorded_before_the_move_decode_chain_and_fold_to_the_same_case() -> None:
    recorded = recorded_cases()
    events_mapper = mapper()
    assert {e["topic"] for c in recorded for e in c["events"]} == set(STORED_TOPICS.values()) - {
        "domain.case_events:CaseEvent"
    }
    for case in recorded:
        stored = [stored_event(case["id"], e) for e in case["events"]]
        events = [events_mapper.to_domain_event(s) for s in stored]
        report = verify_chain(case["id"], events)
        assert report.ok and report.head == case["last_hash"]
        folded: Any = None
        for event in events:
            folded = event.mutate(folded)
        assert isinstance(folded, Petition)
        assert folded.last_hash == case["last_hash"] and folded.stage == case["stage"]
        day_45 = RECORDED_FROM + timedelta(days=45)
        assert [s.as_dict() for s in statuses_on(folded, DEFAULT_RULES, day_45)] == case[
            "deadlines_on_day_45"
        ]
        # Written again, each event is stored exactly as before.
        for event, original in zip(events, stored, strict=True):
            again = events_mapper.to_stored_event(event)
            assert again.topic == original.topic
            assert json.loads(again.state) == json.loads(original.state)
