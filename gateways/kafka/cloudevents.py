"""Stored events as CloudEvents 1.0 JSON for ``xinfang.events``, with personal data masked.

The topic fans out to other tiers' and agencies' systems, so it carries less than the store:
what each field becomes there is ``domain.privacy``'s word (``shared_form``; of an accusation
only ids, the type, times and the division, Art.30, 46). The index aggregates (serial numbers,
petitioner files) hold hashed petitioner keys and are not published at all.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from hashlib import sha1
from typing import Any
from uuid import NAMESPACE_URL, UUID

from eventsourcing.utils import get_topic

from domain import case_events, privacy
from domain.classification import Category
from domain.index import PetitionerFile, SerialNumber
from domain.recommendations import Recommendation
from domain.units import Unit

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
TYPE_PREFIX = "cn.gov.xinfang"
CASE_SOURCE = "/xinfang/petitions"
UNIT_SOURCE = "/xinfang/units"
RECOMMENDATION_SOURCE = "/xinfang/recommendations"
SOURCES = {"unit": UNIT_SOURCE, "recommendation": RECOMMENDATION_SOURCE}
# CloudEvents' sequence extension is a string ordered lexicographically: zero-pad the position.
SEQUENCE_DIGITS = 20
_CONTENT_TYPE_HEADER = ("content-type", CONTENT_TYPE.encode())

# Events never published: their aggregates hold keyed hashes of petitioners.
UNPUBLISHED: tuple[type[Any], ...] = (
    SerialNumber.Issued,
    PetitionerFile.Opened,
    PetitionerFile.CaseFiled,
)

# Fields of an event that are not data: the envelope carries them (or nothing does); and what
# is never shown to anyone.
_NEVER = (
    frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})
    | privacy.NEVER_SHOWN
)

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _event_id_text(originator_id: str, version: int) -> str:
    """``str(event_id(...))`` without building UUID objects (the relay's hot path)."""
    digest = bytearray(sha1(_NAMESPACE + f"{originator_id}:{version}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_NAMESPACE = NAMESPACE_URL.bytes


# ------------------------------------------------------------------------ mapping
@dataclass(frozen=True)
class Facts:
    """What every event of one aggregate is published with: fixed at its creation."""

    kind: str  # "petition", "unit", "recommendation" or "other"
    division_code: str
    category: str | None = None
    unit_id: str | None = None

    @property
    def accusation(self) -> bool:
        return self.category == Category.ACCUSATION.value


def facts_of_created(event: Any) -> Facts | None:
    """The facts an aggregate's first event states, or None if it is not one we know."""
    if isinstance(event, case_events.Registered):
        return Facts("petition", event.division_code, event.category)
    if isinstance(event, Unit.UnitRegistered):
        return Facts("unit", event.division_code, None, event.unit_id)
    if isinstance(event, Recommendation.Issued):
        # One that rests on accusations is published like an accusation: ids and times only.
        category = Category.ACCUSATION.value if event.accused_unit_ids else None
        return Facts("recommendation", event.division_code, category)
    return None


class FactsCache:
    """Case id → division and category, learnt from ``Registered`` events as they pass, and
    read from the store (the aggregate's first event) for cases created before the relay's
    position. Bounded: an old case that is acted on again is simply looked up again."""

    def __init__(self, first_event: Callable[[UUID], Any], size: int = 200_000) -> None:
        self._first_event = first_event
        self._size = size
        self._facts: OrderedDict[UUID, Facts] = OrderedDict()

    def learn(self, originator_id: UUID, facts: Facts) -> None:
        self._facts[originator_id] = facts
        if len(self._facts) > self._size:
            self._facts.popitem(last=False)

    def get(self, originator_id: UUID) -> Facts:
        facts = self._facts.get(originator_id)
        if facts is None:
            first = self._first_event(originator_id)
            facts = (None if first is None else facts_of_created(first)) or Facts("other", "")
            self.learn(originator_id, facts)
        return facts


@dataclass(frozen=True)
class Message:
    """One record for the events topic."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def is_published(event: Any) -> bool:
    return not isinstance(event, UNPUBLISHED)


def unpublished_topics() -> frozenset[str]:
    """Stored topics of the events never published: passed over without decoding them."""
    return frozenset(get_topic(cls) for cls in UNPUBLISHED)


def event_type(event: Any, facts: Facts) -> str:
    """``cn.gov.xinfang.petition.accepted``, ``cn.gov.xinfang.unit.superior_changed``."""
    known = (type(event), facts.kind)
    found = _TYPES.get(known)
    if found is None:
        name = type(event).__name__
        if facts.kind == "unit" and name.startswith("Unit"):
            name = name[len("Unit") :]
        kind = facts.kind
        if kind == "other":
            kind = _snake(type(event).__qualname__.split(".")[0])
        found = _TYPES[known] = f"{TYPE_PREFIX}.{kind}.{_snake(name)}"
    return found


_TYPES: dict[tuple[type, str], str] = {}


def to_cloudevent(event: Any, position: int, facts: Facts) -> dict[str, Any]:
    """The CloudEvent (structured mode) of one stored event at store position ``position``."""
    occurred = getattr(event, "occurred_at", None) or event.timestamp
    subject = str(event.originator_id)
    data: dict[str, Any] = {
        "id": subject,
        "version": event.originator_version,
        "recorded_at": event.timestamp.isoformat(),
    }
    if facts.kind == "petition":
        data["category"] = facts.category
        data.update(_accusation_data(event) if facts.accusation else _case_data(event))
    elif facts.kind == "recommendation":
        data.update(_accusation_data(event) if facts.accusation else _case_data(event))
    elif facts.kind == "unit":
        data["unit_id"] = facts.unit_id
        data.update(_plain_fields(event))
    return {
        "specversion": SPEC_VERSION,
        "id": _event_id_text(subject, event.originator_version),
        "source": SOURCES.get(facts.kind, CASE_SOURCE),
        "type": event_type(event, facts),
        "subject": subject,
        "time": occurred.isoformat(),
        "datacontenttype": "application/json",
        "sequence": str(position).zfill(SEQUENCE_DIGITS),
        "division": facts.division_code,
        "data": data,
    }


def to_message(event: Any, position: int, facts: Facts) -> Message:
    body = to_cloudevent(event, position, facts)
    return Message(
        key=body["subject"].encode(),
        value=_ENCODER.encode(body).encode(),
        headers=[_CONTENT_TYPE_HEADER],
    )


def _case_data(event: Any) -> dict[str, Any]:
    return {key: mask(value) for key, value in vars(event).items() if (mask := _masker(key))}


def _masker(key: str) -> Callable[[Any], Any] | None:
    """How a field of a (non-accusation) case event is published; None: it is not."""
    found = _MASKERS.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = _MASKERS[key] = _choose_masker(key)
    return found  # type: ignore[return-value]


def _choose_masker(key: str) -> Callable[[Any], Any] | None:
    if key in _NEVER:
        return None
    shared = privacy.shared_form(key)
    if shared is None:
        return None
    if shared is privacy.unchanged:
        return _plain
    return lambda value: _plain(shared(value))


_UNKNOWN = object()
_MASKERS: dict[str, Any] = {}


def _accusation_data(event: Any) -> dict[str, Any]:
    """Of an accusation: ids, times and dates only; nothing of who accuses whom of what."""
    data: dict[str, Any] = {}
    for key, value in vars(event).items():
        if key in _NEVER:
            continue
        if key == "actor":
            data[key] = privacy.shared_actor(value, with_name=False)
        elif privacy.shared_accusation_field(key, value):
            data[key] = _plain(value)
    return data


def _plain_fields(event: Any) -> dict[str, Any]:
    return {
        key: _plain(value)
        for key, value in vars(event).items()
        if key not in _NEVER and key != "unit_id"
    }


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
