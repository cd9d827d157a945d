"""What is personal in a case, and how each audience sees it (domain.md §7; Art.30, 46).

The one place that says it; views, exports, the events topic and the tracking page only call
it. The audiences:

- a unit that holds or handled the case (or answers for one after a merger): everything;
- other officials (their views, ledgers, dashboards, exports): petitioners' identity and
  contact details masked (``shown_petitioners``, ``petitioner_line``);
- other tiers' and agencies' systems (the shared events topic): petitioners, accused persons,
  leaders' and officials' names masked, long digit runs in free text masked, the petition's
  own words withheld; of an accusation only ids, times and a few facts (``shared_form``,
  ``shared_accusation_field``, ``shared_actor``);
- the petitioner with a query code: dates and stage; of an accusation nothing of its
  circumstances (``tracking_reveals_circumstances``).

The query code's hash is shown to no one (``NEVER_SHOWN``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from domain import access
from domain.acts import Actor
from domain.classification import Category
from domain.units import Directory

_DIGIT_RUN = re.compile(r"\d{7,}")

# Never leaves the store: the query code's hash could be brute-forced.
NEVER_SHOWN = frozenset({"query_code_hash"})


# ----------------------------------------------------------------- how to mask
def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name alone says little about who it is."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    value = (value or "").strip()
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_id_number(value: str) -> str:
    """330106198001011234 → 330106********1234 (the area stays, the birth date goes)."""
    return mask_digits(value, 6, 4)


def mask_phone(value: str) -> str:
    """13800001234 → 138****1234."""
    return mask_digits(value, 3, 4)


def mask_address(value: str) -> str:
    """Keep the first six characters (province, city, district at most)."""
    value = (value or "").strip()
    return value[:6] + "****" if len(value) > 6 else "****" if value else ""


def mask_text(value: str) -> str:
    """Free text written by officials: long digit runs (identity numbers, phones) masked."""
    return _DIGIT_RUN.sub(lambda m: mask_digits(m.group(0), 3, 2), value or "")


_PETITIONER_FIELDS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
}


def mask_petitioner(petitioner: Mapping[str, Any]) -> dict[str, str]:
    """Known fields masked; anything else a form might add is left out."""
    return {
        key: mask(str(petitioner[key]))
        for key, mask in _PETITIONER_FIELDS.items()
        if petitioner.get(key)
    }


# ------------------------------------------------------------------ officials
def sees_personal_data(actor: Actor, case: Any, directory: Directory) -> bool:
    """A unit that holds or handled the case (or answers for one after a merger)."""
    return any(directory.answers_for(actor.unit_id, u) for u in access.involved_units(case))


def shown_petitioners(
    petitioners: Iterable[Mapping[str, Any]], masked: bool
) -> list[dict[str, Any]]:
    """The petitioners as a reader sees them: whole, or masked (``sees_personal_data``)."""
    if masked:
        return [mask_petitioner(p) for p in petitioners]
    return [dict(p) for p in petitioners]


def petitioner_line(petitioners: Iterable[Mapping[str, Any]], anonymous: bool) -> str:
    """Who petitioned, in one masked line for ledgers and exports: 匿名, 王** or 王**等3人."""
    if anonymous:
        return "匿名"
    names = [p.get("name", "") for p in petitioners if p.get("name")]
    if not names:
        return "*"
    first = mask_name(names[0])
    return first if len(names) == 1 else f"{first}等{len(names)}人"


# ------------------------------------------------------------ the petitioner
def tracking_reveals_circumstances(category: str) -> bool:
    """Art.30, 46: a petitioner's query of an accusation shows dates and stage, not what it
    is about nor who handles it."""
    return category != Category.ACCUSATION.value


# ------------------------------------------------- other systems (the topic)
# Fields of a case (or recommendation) event never published: the petition's own words (free
# text cannot be masked reliably: read it through the API with authority).
_WITHHELD_ALWAYS = NEVER_SHOWN | {"content"}
_PERSON_LISTS = frozenset({"accused_persons"})
_PERSON_NAMES = frozenset({"leader_name"})
_FREE_TEXT = frozenset(
    {
        "subject",
        "note",
        "reason",
        "opinion",
        "basis",
        "comment",
        "approved_by",
        # 三项建议: the bureau's grounds, the consequences it found, the recipient's answer
        "grounds",
        "serious_consequences",
        "text",
    }
)
# Of an accusation, only these (and ids, dates and times) are published.
_ACCUSATION_KEEP = frozenset({"serial_number", "received_by", "repeat_of", "purpose", "stage"})
_ACCUSATION_DROP = NEVER_SHOWN | {"accused_unit_id", "external_id"}


def unchanged(value: Any) -> Any:
    """The published form of a field with nothing personal in it: the value itself."""
    return value


def shared_form(key: str) -> Callable[[Any], Any] | None:
    """How field ``key`` of an event (not of an accusation) is published to other systems: the
    function giving its published form, or None when it is withheld."""
    if key in _WITHHELD_ALWAYS:
        return None
    if key == "actor":
        return lambda actor: shared_actor(actor, with_name=True)
    if key == "petitioners":
        return lambda people: [mask_petitioner(p) for p in people or []]
    if key in _PERSON_LISTS:
        return lambda names: [mask_name(str(n)) for n in names or []]
    if key in _PERSON_NAMES:
        return lambda name: mask_name(str(name or ""))
    if key in _FREE_TEXT:
        return lambda text: mask_text(text) if isinstance(text, str) else text
    return unchanged


def shared_accusation_field(key: str, value: Any) -> bool:
    """Whether field ``key`` of an accusation's event is published (Art.30, 46): ids, times,
    dates and a few facts, nothing of who accuses whom of what. The actor goes by
    ``shared_actor`` without a name."""
    if key in _ACCUSATION_DROP:
        return False
    return key in _ACCUSATION_KEEP or key.endswith("_id") or isinstance(value, date | datetime)


def shared_actor(actor: Mapping[str, str] | None, *, with_name: bool) -> dict[str, str]:
    """Who acted, for other systems: ids, and the official's name masked (none at all for an
    accusation)."""
    actor = actor or {}
    record = {"official_id": actor.get("official_id", ""), "unit_id": actor.get("unit_id", "")}
    if with_name:
        record["name"] = mask_name(actor.get("name", ""))
    return record
