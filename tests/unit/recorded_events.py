"""Case events recorded by the code before issue 16 moved the acts (one of every kind, in
seven cases), as the store holds them: topic, version and JSON state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)

from gateways.persistence.event_store import DateAsISO

RECORDED = Path(__file__).with_name("case_events_recorded_before_issue16.json")
RECORDED_FROM = date(2026, 3, 2)  # day 0 of the recorded cases


def recorded_cases() -> list[dict[str, Any]]:
    """Each case: its id, stored events, last hash, stage and deadlines on day 45."""
    cases: list[dict[str, Any]] = json.loads(RECORDED.read_text(encoding="utf-8"))["cases"]
    return cases


def stored_event(case_id: str, event: dict[str, Any]) -> StoredEvent:
    state = json.dumps(event["state"], ensure_ascii=False, separators=(",", ":"))
    return StoredEvent(UUID(case_id), event["version"], event["topic"], state.encode("utf-8"))


def mapper() -> Mapper[UUID]:
    """Stored events to domain events and back, with the store's JSON transcodings (no cipher:
    the recorded states are plain JSON)."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)
