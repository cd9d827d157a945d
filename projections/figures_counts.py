"""The counts behind the assessment figures, read from the trail's tables in portable SQL.

One statement per kind of fact, each grouped so that what comes back is small (a few rows per
unit or area), whatever the number of cases. ``projections.figures`` says which rule each
count follows and turns them into figures; this module only knows the SQL.

Two things about the trail's duty rows (``v_trail_duties``) every statement here respects:

- A row is kept per (step, unit, start day). When a chain of bureaus passes a matter on, the
  transfer duty moves to the last bureau (the chain shares the 15 days, Art.22) and the first
  bureau's row stays behind, never done. A case has one duty of each step except acceptance
  (one per unit that received it), so for every other step only the newest row is the duty.
- Anonymous letters carry no notice duty (Art.23): no acceptance or inform row is counted for
  them, whatever the rows say.
- Nothing is pending on a concluded case: a duty the domain leaves undone there (the report
  of an assigned matter the unit then declined) is not "still undone" after the conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.access import ReadScope
from projections.db import Cursor
from projections.ledger_query import code_range, hidden_clause

FIGURE_STEPS = ("transfer", "accept", "answer")

# The duty row still in force (see the module docstring).
CURRENT_DUTY = (
    "(d.step = 'accept' OR NOT EXISTS (SELECT 1 FROM v_trail_duties n "
    "WHERE n.case_id = d.case_id AND n.step = d.step AND n.origin_version > d.origin_version))"
)
NOTICE_OWED = "(c.anonymous = 0 OR d.step NOT IN ('accept', 'inform'))"


@dataclass(frozen=True)
class Cases:
    """Which cases a reading covers: an area (division prefix), minus the accusations hidden
    from the caller, and minus every accusation when the output is meant for circulation."""

    prefix: str
    scope: ReadScope
    accusations: bool = True

    def where(self) -> tuple[str, list[Any]]:
        lo, hi = code_range(self.prefix)
        hidden, params = hidden_clause(self.scope, "c.accused_unit_id")
        clause = f"c.division_code BETWEEN %s AND %s AND {hidden}"
        if not self.accusations:
            clause += " AND c.category <> 'accusation'"
        return clause, [lo, hi, *params]


@dataclass(frozen=True)
class Days:
    """The days a reading turns on, as ISO text: the period, the last day whose acts count,
    and the first day an undone duty is not yet overdue on."""

    start: str
    end: str
    facts_until: str
    overdue_before: str


def _rows(cur: Cursor, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur.execute(sql, params)
    return cur.fetchall()


def duty_counts(cur: Cursor, cases: Cases, days: Days) -> list[dict[str, Any]]:
    """Per unit and step: duties done in the period on time (``on_time``) or late (``late``),
    and duties not done at the close that fell due in the period (``overdue``) or before it
    (``carried``)."""
    where, params = cases.where()
    steps = ", ".join(f"'{s}'" for s in FIGURE_STEPS)
    sql = (
        "SELECT d.unit_id, d.step, CASE "
        "WHEN d.done_on IS NOT NULL AND d.done_on >= %s AND d.done_on <= %s THEN "
        "(CASE WHEN d.done_on <= d.due_on THEN 'on_time' ELSE 'late' END) "
        "WHEN d.due_on >= %s THEN 'overdue' ELSE 'carried' END AS klass, count(*) AS n "
        "FROM v_trail_duties d JOIN v_trail_cases c ON c.case_id = d.case_id "
        f"WHERE {where} AND d.step IN ({steps}) AND {CURRENT_DUTY} AND {NOTICE_OWED} "
        f"AND {_LIVE} GROUP BY 1, 2, 3"
    )
    head = [days.start, days.facts_until, days.start]
    return _rows(cur, sql, [*head, *params, *_live_params(days)])


# A duty weighs on a period when it was done in it, or is still undone and overdue at its close
# on a case still open then.
_LIVE = (
    "((d.done_on >= %s AND d.done_on <= %s) OR "
    "((d.done_on IS NULL OR d.done_on > %s) AND d.due_on < %s "
    "AND (c.concluded_on IS NULL OR c.concluded_on > %s)))"
)


def _live_params(days: Days) -> list[str]:
    f = days.facts_until
    return [days.start, f, f, days.overdue_before, f]


def late_duties(cur: Cursor, cases: Cases, days: Days) -> list[dict[str, Any]]:
    """Every duty of any step that is late in the period: done late in it, or undone and
    overdue at its close (``done_on`` is null when it was not done by the close)."""
    where, params = cases.where()
    sql = (
        "SELECT d.case_id, d.step, d.unit_id, d.due_on, "
        "CASE WHEN d.done_on <= %s THEN d.done_on END AS done_on, "
        "c.serial_number, c.division_code, c.category "
        "FROM v_trail_duties d JOIN v_trail_cases c ON c.case_id = d.case_id "
        f"WHERE {where} AND {CURRENT_DUTY} AND {NOTICE_OWED} AND {_LIVE} "
        "AND (d.done_on IS NULL OR d.done_on > %s OR d.done_on > d.due_on)"
    )
    return _rows(cur, sql, [days.facts_until, *params, *_live_params(days), days.facts_until])


def evaluation_counts(cur: Cursor, cases: Cases, days: Days) -> list[dict[str, Any]]:
    """Per answering unit: the results published in the period (named petitioners only: an
    anonymous one cannot evaluate) by the evaluation known at the close (``none`` if none)."""
    where, params = cases.where()
    sql = (
        "SELECT c.answered_by AS unit_id, CASE WHEN c.evaluated_on IS NOT NULL AND "
        "c.evaluated_on <= %s THEN c.satisfaction ELSE 'none' END AS klass, count(*) AS n "
        f"FROM v_trail_cases c WHERE {where} AND c.anonymous = 0 "
        "AND c.answered_on >= %s AND c.answered_on <= %s GROUP BY 1, 2"
    )
    return _rows(cur, sql, [days.facts_until, *params, days.start, days.facts_until])


def registration_counts(cur: Cursor, cases: Cases, days: Days, length: int) -> list[dict[str, Any]]:
    """Per area (the first ``length`` digits of the division): registrations in the period,
    repeats among them, level-skipping visits and all visits."""
    where, params = cases.where()
    sql = (
        f"SELECT substr(c.division_code, 1, {int(length)}) AS area, count(*) AS n, "
        "SUM(c.is_repeat) AS repeats, SUM(c.level_skipping) AS skipping, "
        "SUM(CASE WHEN c.channel = 'visit' THEN 1 ELSE 0 END) AS visits "
        f"FROM v_trail_cases c WHERE {where} AND c.registered_on >= %s "
        "AND c.registered_on <= %s GROUP BY 1"
    )
    return _rows(cur, sql, [*params, days.start, days.facts_until])


def backlog_counts(
    cur: Cursor,
    cases: Cases,
    length: int,
    *,
    at: str,
    overdue_before: str,
    resolved_by: str,
) -> list[dict[str, Any]]:
    """Per area: the 积案 at the close of day ``at`` (open, and with a duty undone and due
    before ``overdue_before``, or petitioned again by then), and how many of them were
    concluded by ``resolved_by``."""
    where, params = cases.where()
    sql = (
        f"SELECT substr(c.division_code, 1, {int(length)}) AS area, count(*) AS n, "
        "SUM(CASE WHEN c.concluded_on IS NOT NULL AND c.concluded_on <= %s THEN 1 ELSE 0 END) "
        f"AS resolved FROM v_trail_cases c WHERE {where} AND c.registered_on <= %s "
        "AND (c.concluded_on IS NULL OR c.concluded_on > %s) AND ("
        "EXISTS (SELECT 1 FROM v_trail_duties d WHERE d.case_id = c.case_id "
        f"AND d.due_on < %s AND (d.done_on IS NULL OR d.done_on > %s) AND {CURRENT_DUTY} "
        f"AND {NOTICE_OWED}) OR EXISTS (SELECT 1 FROM v_trail_events e "
        "WHERE e.case_id = c.case_id AND e.event_type = 'RepeatLinked' AND e.occurred_on <= %s)"
        ") GROUP BY 1"
    )
    tail = [at, at, overdue_before, at, at]
    return _rows(cur, sql, [resolved_by, *params, *tail])


def leader_counts(cur: Cursor, cases: Cases, days: Days, length: int) -> list[dict[str, Any]]:
    """Per area: leader-owned (包案) cases open at some time in the period, and how many of them
    were concluded in it."""
    where, params = cases.where()
    sql = (
        f"SELECT substr(c.division_code, 1, {int(length)}) AS area, count(*) AS n, "
        "SUM(CASE WHEN c.concluded_on IS NOT NULL AND c.concluded_on >= %s "
        "AND c.concluded_on <= %s THEN 1 ELSE 0 END) AS resolved "
        f"FROM v_trail_cases c WHERE {where} AND c.leader_on IS NOT NULL "
        "AND c.leader_on <= %s AND (c.concluded_on IS NULL OR c.concluded_on >= %s) GROUP BY 1"
    )
    head = [days.start, days.facts_until]
    return _rows(cur, sql, [*head, *params, days.facts_until, days.start])
