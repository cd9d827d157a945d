"""重复信访 (Art.19, 36): what becomes of a matter the registrar names as one already raised, and
which earlier cases the system proposes as that matter.

"Same matter" is the registrar's judgement. The system proposes earlier cases of the same
petitioner, each with the reasons it looks alike and what linking it would do; the registrar
links one (``same_matter_as``) or none. Only a link decides, and the rule is narrow (Art.19):
a matter accepted or being handled, brought *within its period* to a *superior* of the unit
handling it, is not accepted there. Brought to the handling unit itself or below, it is a
follow-up (续访) of the open case; once the period has run out, the superior accepts it (and
urges the unit that stalled). After a recheck, the same facts and reasons are not accepted
again (Art.36); new facts make a new matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from domain.acts import Rules
from domain.deadlines import statuses_on
from domain.labels import REPEAT_RELATION_LABELS
from domain.units import Directory, UnitRecord, within

MAX_CANDIDATES = 10
SIMILAR_SUBJECT = 0.5  # difflib ratio of two subjects above which they read as one matter


class Relation(StrEnum):
    """How a registration relates to the earlier case it is linked to."""

    REPEAT = "repeat"  # Art.19: at a superior, within the period: not accepted
    FOLLOW_UP = "follow_up"  # 续访: at the handling unit or below, or the case is closed
    AFTER_PERIOD = "after_period"  # at a superior once the period ran out: accepted
    NOT_REACCEPTED = "not_reaccepted"  # Art.36: the same facts and reasons after a recheck

    @property
    def label(self) -> str:
        return REPEAT_RELATION_LABELS[self]


@dataclass(frozen=True)
class Candidate:
    """An earlier case proposed as the same matter, why, and what linking it would do."""

    case: Any  # a Petition
    reasons: tuple[str, ...]
    relation: Relation


@dataclass(frozen=True)
class NewMatter:
    """What the registrar states of the matter being registered."""

    matter_kind: str
    division_code: str
    subject: str
    new_facts: bool = False


def relation_to(
    earlier: Any,
    registering: UnitRecord,
    directory: Directory,
    rules: Rules,
    today: date,
    new_facts: bool = False,
) -> Relation:
    """What a registration at ``registering`` linked to ``earlier`` becomes (Art.19, 36)."""
    if earlier.rechecked and not new_facts:
        return Relation.NOT_REACCEPTED
    if earlier.concluded or new_facts:
        return Relation.FOLLOW_UP
    handling_id = earlier.accepted_by or earlier.holder_unit_id
    if handling_id not in directory or not is_superior(
        directory, registering, directory.current(handling_id)
    ):
        return Relation.FOLLOW_UP
    if within_period(earlier, rules, today):
        return Relation.REPEAT
    return Relation.AFTER_PERIOD


def within_period(case: Any, rules: Rules, today: date) -> bool:
    """True while the case is accepted or being handled and none of its running duties is past
    its last day. A case with nothing left to do (answered, awaiting the petitioner) is not
    being handled."""
    undone = [
        s
        for s in statuses_on(case, rules, today)
        if s.deadline.kind == "duty" and s.deadline.done_on is None
    ]
    return bool(undone) and all(s.status == "running" for s in undone)


def is_superior(directory: Directory, unit: UnitRecord, of: UnitRecord) -> bool:
    """True when ``unit`` stands above ``of``: in its review chain, or an organ of a higher
    tier whose area contains it (a city bureau above a county department)."""
    if unit.unit_id == of.unit_id:
        return False
    if any(a.unit_id == unit.unit_id for a in directory.ancestors(of.unit_id)):
        return True
    return unit.tier.rank < of.tier.rank and within(of.division_code, unit.jurisdiction)


def propose(
    earlier: Iterable[Any],
    matter: NewMatter,
    registering: UnitRecord,
    directory: Directory,
    rules: Rules,
    today: date,
) -> list[Candidate]:
    """Earlier cases of the same petitioner that look like the same matter (the same kind of
    matter, or a subject that reads alike), most alike and most recent first."""
    found: list[Candidate] = []
    for case in earlier:
        reasons = ["same_petitioner"]
        if case.matter_kind == matter.matter_kind:
            reasons.append("same_matter_kind")
        if _similar(case.subject, matter.subject):
            reasons.append("similar_subject")
        if len(reasons) == 1:
            continue  # the same petitioner about something else: a different matter
        if case.division_code[:9] == matter.division_code[:9]:
            reasons.append("same_area")
        relation = relation_to(case, registering, directory, rules, today, matter.new_facts)
        found.append(Candidate(case, tuple(reasons), relation))
    found.sort(key=lambda c: (len(c.reasons), c.case.received_at), reverse=True)
    return found[:MAX_CANDIDATES]


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= SIMILAR_SUBJECT
