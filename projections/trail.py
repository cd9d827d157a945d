"""The accountability trail's rows: every case's timeline, its duties and the faults events show.

One projection (``trail``) keeps four tables, which the trail, the assessment figures
(``projections.figures``) and the 三项建议 candidates (``projections.recommendations``) read:

- ``v_trail_cases``: one row per case: where it arose, its category and kind, who received it,
  registration, answer, evaluation, leader ownership and conclusion dates (no personal data).
- ``v_trail_events``: one row per case event: its id (``domain.chain.event_id``), type, actor
  (official and unit), occurred and recorded times. The timeline of the trail.
- ``v_trail_duties``: one row per duty ``domain.deadlines`` lists for the case now (transfer,
  inform, accept, answer, assigned report, review, recheck): unit, start, last day, day done,
  the event that opened it and the event (and official) that discharged it; a duty the domain
  no longer lists (a transfer period passed down a chain of bureaus) loses its row. Whether an
  undone duty is late depends on the day you look: decided by the queries, never stored.
- ``v_trail_marks``: faults an event itself shows, whatever the day: a review or recheck that
  supports what the opinion below did not (Art.45(2), on the unit whose opinion it was), and an
  official of an accused unit trying to read the accusation (Art.46, ``AccusationReadRefused``).
  Its ``detail`` column holds the key of the ground in ``domain.faults.MARK_GROUNDS``, which
  says the article, item and fact. Exercising a right marks nothing: an objection, even one
  the bureau does not agree with (Art.23), or 不再受理 (Art.36).

The DDL and column orders are in ``projections.trail_tables``; the reading side (a case's
trail, the search over faults) in ``projections.trail_query``.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any
from uuid import UUID

from domain import case_events as ev
from domain.calendar import china_date
from domain.case_events import CaseEvent
from domain.chain import event_id_text
from domain.classification import Outcome
from domain.deadlines import Deadline
from domain.faults import MARK_GROUNDS, Ground
from domain.petition import Petition
from projections.bounded import forget_oldest
from projections.case_memory import CaseMemory
from projections.db import Cursor, ViewDatabase, day_text, micros
from projections.trail_tables import (
    CASE_COLUMNS,
    DDL,
    DUTY_COLUMNS,
    DUTY_KEYS,
    EVENT_COLUMNS,
    MARK_COLUMNS,
    TABLES,
)

Row = tuple[Any, ...]
DutyKey = tuple[str, str, str]  # step, unit, start day

# Art.45(2): an opinion below did not support what the review or recheck then supported.
REFUSING = frozenset({Outcome.NOT_SUPPORTED.value, Outcome.EXPLAINED.value})

# The event that marks a fault → the earlier act whose doer the mark names (the trail cites it).
MARKED_ACT = {"Reviewed": "Answered", "Rechecked": "Reviewed"}

# Reads of an accusation, allowed or refused (domain.md §7, Art.46): never a unit's act on the
# case, so never what names the official of a late duty; the trail lists them as its reads.
READS = ("AccusationViewed", "AccusationReadRefused")


def _day(value: Any) -> str | None:
    return day_text(china_date(value)) if value is not None else None


def _target(event: Any) -> str:
    for field in (
        "to_unit_id",
        "target_unit_id",
        "competent_unit_id",
        "leader_unit_id",
        "reviewing_unit_id",  # a review request goes to the answering unit's superior
        "rechecking_unit_id",  # a recheck request to the reviewing unit's superior
    ):
        value = getattr(event, field, None)
        if value:
            return str(value)
    return ""


def case_row(case: Petition) -> Row:
    evaluation = case.evaluation or {}
    leader_at = case.leaders[0]["at"] if case.leaders else None
    return (
        str(case.id),
        case.serial_number,
        case.division_code,
        case.category,
        case.matter_kind,
        case.channel,
        case.accused_unit_id or "",
        1 if case.anonymous else 0,
        case.received_by,
        1 if case.received_by_bureau else 0,
        _day(case.received_at),
        1 if case.level_skipping else 0,
        1 if case.repeat_of else 0,
        _day(case.answered_at),
        case.answered_by,
        evaluation.get("satisfaction"),
        _day(_instant(evaluation.get("at"))),
        _day(_instant(leader_at)),
        _day(case.concluded_at),
    )


def _instant(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None


KNOWN_LIMIT = 200_000  # cases whose duty rows and doers are kept in memory


class TrailProjection:
    """Timeline, duty and fault rows of every case (see the module docstring)."""

    name = "trail"
    tables = TABLES

    def __init__(self) -> None:
        self.memory: CaseMemory | None = None
        self._events: list[Row] = []
        self._marks: list[Row] = []
        self._cases: dict[UUID, Petition] = {}  # touched by the batch
        self._duties: dict[UUID, dict[DutyKey, Row]] = {}
        self._dirty_duties: dict[tuple[UUID, DutyKey], Row] = {}
        # Duties ``domain.deadlines`` no longer lists (the transfer period passing down a chain
        # of bureaus moves to the last one): their rows go, or they would stand undone forever.
        self._gone_duties: set[tuple[UUID, DutyKey]] = set()
        # Who did the last act of a kind on a case (for marks): (official id, name).
        self._doers: dict[tuple[UUID, str], tuple[str, str]] = {}
        # Least recently met first: past the limit, the cases forgotten are those no event
        # touched for longest (a forgotten case costs a read of its rows when met again).
        self._known: OrderedDict[UUID, dict[DutyKey, Row]] = OrderedDict()

    def attach(self, memory: CaseMemory) -> None:
        self.memory = memory

    def create(self, db: ViewDatabase) -> None:
        db.executescript(DDL)

    def clear(self, cur: Cursor) -> None:
        cur.empty(TABLES)

    def reset(self) -> None:
        self._events.clear()
        self._marks.clear()
        self._cases.clear()
        self._dirty_duties.clear()
        self._gone_duties.clear()
        self._known.clear()
        self._doers.clear()

    # --------------------------------------------------------------- events
    def handle(self, cur: Cursor, event: Any, position: int) -> None:
        if not isinstance(event, CaseEvent):
            return
        assert self.memory is not None, "the runner attaches the case memory"
        case_id = event.originator_id
        case = self.memory.case(case_id)
        version = event.originator_version
        actor = event.actor
        accused = case.accused_unit_id or ""
        kind = type(event).__name__
        key = str(case_id)
        self._events.append(
            (
                key,
                version,
                event_id_text(key, version),
                kind,
                actor.get("official_id", ""),
                actor.get("name", ""),
                actor.get("unit_id", ""),
                micros(event.occurred_at),
                _day(event.occurred_at),
                micros(event.timestamp),
                _target(event),
                case.division_code,
                accused,
            )
        )
        self._cases[case_id] = case  # its row is made once, at the flush
        self._marks_of(cur, event, case)
        if kind in MARKED_ACT.values():
            self._doers[(case_id, kind)] = (actor.get("official_id", ""), actor.get("name", ""))
        self._duties_of(cur, event, case, key)

    def _marks_of(self, cur: Cursor, event: Any, case: Petition) -> None:
        found = self._mark_of(cur, event, case)
        if found is None:
            return
        ground, unit, official = found
        self._marks.append(
            (
                str(event.originator_id),
                event.originator_version,
                ground.kind.value,
                unit,
                *official,
                _day(event.occurred_at),
                ground.key,
                case.division_code,
                case.accused_unit_id or "",
            )
        )

    def _mark_of(
        self, cur: Cursor, event: Any, case: Petition
    ) -> tuple[Ground, str, tuple[str | None, str | None]] | None:
        """The fault ``event`` shows by itself: its ground, the unit and the official named."""
        if isinstance(event, ev.AccusationReadRefused):
            actor = event.actor
            official = (actor.get("official_id", ""), actor.get("name", ""))
            return MARK_GROUNDS["accusation_read_attempt"], actor.get("unit_id", ""), official
        if getattr(event, "outcome", None) != Outcome.SUPPORTED.value:
            return None
        if isinstance(event, ev.Reviewed):
            below = (case.answer_outcome, case.answered_by, "Answered", "overturned_answer")
        elif isinstance(event, ev.Rechecked):
            below = (case.review_outcome, case.reviewing_unit_id, "Reviewed", "overturned_review")
        else:
            return None
        outcome, unit, act, key = below
        if outcome not in REFUSING or not unit:
            return None
        return MARK_GROUNDS[key], unit, self._doer(cur, event.originator_id, act)

    def _doer(self, cur: Cursor, case_id: UUID, kind: str) -> tuple[str | None, str | None]:
        found = self._doers.get((case_id, kind))
        if found is not None:
            return found
        cur.execute(
            "SELECT official_id, official_name FROM v_trail_events WHERE case_id = %s "
            "AND event_type = %s ORDER BY version DESC LIMIT 1",
            (str(case_id), kind),
        )
        row = cur.fetchone()
        return (row["official_id"], row["official_name"]) if row else (None, None)

    def _duties_of(self, cur: Cursor, event: Any, case: Petition, case_key: str) -> None:
        assert self.memory is not None
        case_id = event.originator_id
        known = self._known_duties(cur, case_id, isinstance(event, ev.Registered))
        version = event.originator_version
        actor = event.actor
        current: set[DutyKey] = set()
        for d in self.memory.deadlines(case_id):
            if d.kind != "duty":
                continue
            key: DutyKey = (d.step, d.unit_id or "", day_text(d.start) or "")
            current.add(key)
            old = known.get(key)
            row = self._duty_row(case, case_key, d, key, old, version, actor)
            if row != old:
                known[key] = row
                self._dirty_duties[(case_id, key)] = row
                self._gone_duties.discard((case_id, key))
        for key in [k for k in known if k not in current]:
            del known[key]
            self._dirty_duties.pop((case_id, key), None)
            self._gone_duties.add((case_id, key))

    @staticmethod
    def _duty_row(
        case: Petition,
        case_key: str,
        d: Deadline,
        key: DutyKey,
        old: Row | None,
        version: int,
        actor: dict[str, str],
    ) -> Row:
        origin = old[7] if old is not None else version
        done_by: tuple[Any, Any, Any] = (None, None, None)
        if d.done_on is not None:
            if old is not None and old[8] is not None:
                done_by = (old[8], old[9], old[10])
            else:
                # The event after which the duty first stands done discharged it.
                done_by = (version, actor.get("official_id", ""), actor.get("name", ""))
        return (
            case_key,
            *key,
            day_text(d.due),
            day_text(d.done_on),
            d.article,
            origin,
            *done_by,
            case.division_code,
            case.accused_unit_id or "",
        )

    def _known_duties(self, cur: Cursor, case_id: UUID, new: bool) -> dict[DutyKey, Row]:
        known = self._known.get(case_id)
        if known is not None:
            self._known.move_to_end(case_id)
            return known
        known = {}
        if not new:
            cur.execute(
                f"SELECT {', '.join(DUTY_COLUMNS)} FROM v_trail_duties WHERE case_id = %s",
                (str(case_id),),
            )
            for r in cur.fetchall():
                row = tuple(r[c] for c in DUTY_COLUMNS)
                known[(row[1], row[2], row[3])] = row
        self._known[case_id] = known
        return known

    def flush(self, cur: Cursor) -> None:
        cur.executemany(
            "DELETE FROM v_trail_duties WHERE case_id = %s AND step = %s AND unit_id = %s "
            "AND start_on = %s",
            [(str(case_id), *key) for case_id, key in sorted(self._gone_duties)],
        )
        cur.upsert_rows("v_trail_events", EVENT_COLUMNS, ("case_id", "version"), self._events)
        cur.upsert_rows("v_trail_marks", MARK_COLUMNS, ("case_id", "version", "fault"), self._marks)
        cur.upsert_rows(
            "v_trail_cases", CASE_COLUMNS, ("case_id",), [case_row(c) for c in self._cases.values()]
        )
        cur.upsert_rows(
            "v_trail_duties", DUTY_COLUMNS, DUTY_KEYS, list(self._dirty_duties.values())
        )
        self._events.clear()
        self._marks.clear()
        self._cases.clear()
        self._dirty_duties.clear()
        self._gone_duties.clear()
        if len(self._known) > KNOWN_LIMIT:
            forget_oldest(self._known, KNOWN_LIMIT // 2)
            forget_oldest(self._doers, KNOWN_LIMIT // 2)
