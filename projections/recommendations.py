"""三项建议 (Art.40) as read models: the recommendations issued and answered, the candidates the
trail suggests, and the overdue answers the dashboards show.

``RecommendationProjection`` (name ``recommendations``) folds the ``Recommendation`` events into
``v_recommendations`` (one row per recommendation: kind, recipient, area, issued/due/answered
days, adoption, candidate key, cited ids, and the instants issue and answer were recorded, so a
dashboard as of T counts what was recorded by T) and ``v_recommendation_accused`` (the units
accused in the cases a recommendation cites: it is hidden from them, Art.30).

Whether an answer is overdue depends on the day you look: decided by the queries, on the
``today`` (or ``as_of``) passed in, never stored. Candidates come from
``projections.recommendation_rules``; those already issued (by ``candidate_key``) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from domain.access import ReadScope
from domain.acts import DEFAULT_RULES, Rules
from domain.calendar import china_date
from domain.labels import RECOMMENDATION_STATUS_LABELS
from domain.recommendations import Recommendation, RecommendationKind
from domain.units import Directory
from projections.accountability_candidates import accountability
from projections.db import Cursor, ViewDatabase, day_text, micros
from projections.ledger_query import check_prefix, code_range
from projections.recommendation_rules import (
    Area,
    Candidate,
    Period,
    Thresholds,
    improve_policy,
    improve_work,
)

__all__ = [
    "Period",
    "RecommendationProjection",
    "Thresholds",
    "candidates",
    "issued",
    "rollup_section",
]

TABLE = "v_recommendations"
DDL = """
CREATE TABLE IF NOT EXISTS v_recommendations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    to_unit_id TEXT NOT NULL,
    concerned_unit_id TEXT,
    division_code TEXT NOT NULL,
    issued_by_unit_id TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_recorded BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    answered_on TEXT,
    answered_recorded BIGINT,
    adopted INTEGER,
    candidate_key TEXT,
    serious_consequences TEXT,
    grounds TEXT NOT NULL,
    cited_event_ids TEXT NOT NULL,
    cited_case_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS v_recommendations_division ON v_recommendations (division_code, due_on);
CREATE INDEX IF NOT EXISTS v_recommendations_key ON v_recommendations (candidate_key);
CREATE TABLE IF NOT EXISTS v_recommendation_accused (
    recommendation_id TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    PRIMARY KEY (recommendation_id, accused_unit_id)
)
"""
COLUMNS = (
    "id",
    "kind",
    "to_unit_id",
    "concerned_unit_id",
    "division_code",
    "issued_by_unit_id",
    "issued_on",
    "issued_recorded",
    "due_on",
    "candidate_key",
    "serious_consequences",
    "grounds",
    "cited_event_ids",
    "cited_case_ids",
)
OVERDUE_SHOWN = 100
RULES = (improve_work, improve_policy, accountability)


class RecommendationProjection:
    """One row per recommendation; recommendations are few, so rows are written at once."""

    name = "recommendations"
    tables = (TABLE, "v_recommendation_accused")

    def create(self, db: ViewDatabase) -> None:
        db.executescript(DDL)

    def clear(self, cur: Cursor) -> None:
        cur.empty(self.tables)

    def handle(self, cur: Cursor, event: Any, position: int) -> None:
        if isinstance(event, Recommendation.Issued):
            rec_id = str(event.originator_id)
            row = (
                rec_id,
                event.kind,
                event.to_unit_id,
                event.concerned_unit_id,
                event.division_code,
                event.actor.get("unit_id", ""),
                day_text(china_date(event.occurred_at)),
                micros(event.timestamp),
                day_text(event.answer_due_on),
                event.candidate_key,
                event.serious_consequences,
                event.grounds,
                json.dumps(list(event.cited_event_ids)),
                json.dumps(list(event.cited_case_ids)),
            )
            marks = ", ".join(["%s"] * len(COLUMNS))
            cur.execute(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks}) "
                "ON CONFLICT (id) DO NOTHING",
                row,
            )
            cur.executemany(
                "INSERT INTO v_recommendation_accused (recommendation_id, accused_unit_id) "
                "VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [(rec_id, unit) for unit in event.accused_unit_ids],
            )
        elif isinstance(event, Recommendation.Answered):
            cur.execute(
                f"UPDATE {TABLE} SET answered_on = %s, answered_recorded = %s, adopted = %s "
                "WHERE id = %s",
                (
                    day_text(china_date(event.occurred_at)),
                    micros(event.timestamp),
                    1 if event.adopted else 0,
                    str(event.originator_id),
                ),
            )


# ------------------------------------------------------------------ candidates
def candidates(
    db: ViewDatabase,
    scope: ReadScope,
    prefix: str,
    period: Period,
    thresholds: Thresholds,
    today: date,
    directory: Directory,
    rules: Rules = DEFAULT_RULES,
) -> dict[str, Any]:
    """The candidate recommendations of area ``prefix`` in ``period``, judged on ``today``
    (and, for urges not made, on ``rules.urge_grace_days``), without those already issued."""
    prefix = check_prefix(prefix)
    scope.check_covers(prefix)
    period.check()
    thresholds.check()
    area = Area(scope, prefix, period, thresholds, today, directory, rules)
    with db.reading() as cur:
        found: list[Candidate] = [c for rule in RULES for c in rule(cur, area)]
        taken = _issued_keys(cur, [c["candidate_key"] for c in found])
    shown = [c for c in found if c["candidate_key"] not in taken]
    counts = {k.value: sum(1 for c in shown if c["kind"] == k.value) for k in RecommendationKind}
    return {
        "division": prefix,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "today": today.isoformat(),
        "thresholds": {
            "work_faults": thresholds.work_faults,
            "policy_cases": thresholds.policy_cases,
            "policy_areas": thresholds.policy_areas,
            "urges": thresholds.urges,
        },
        "counts": counts,
        "candidates": shown,
    }


def _issued_keys(cur: Cursor, keys: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(f"SELECT candidate_key FROM {TABLE} WHERE candidate_key IN ({marks})", chunk)
        taken.update(str(r["candidate_key"]) for r in cur.fetchall())
    return taken


# ------------------------------------------------------------------ issued ones
def _visible(scope: ReadScope, prefix: str) -> tuple[str, list[Any]]:
    """Recommendations about the area, less those citing an accusation against the caller's
    unit or a unit above it."""
    lo, hi = code_range(prefix)
    marks = ", ".join(["%s"] * len(scope.hidden_accused))
    clause = (
        "r.division_code BETWEEN %s AND %s AND NOT EXISTS (SELECT 1 FROM "
        "v_recommendation_accused a WHERE a.recommendation_id = r.id "
        f"AND a.accused_unit_id IN ({marks}))"
    )
    return clause, [lo, hi, *scope.hidden_accused]


def _status(row: dict[str, Any], day: date, answered: bool) -> tuple[str, int]:
    if answered:
        return ("adopted" if row["adopted"] else "not_adopted"), 0
    overdue = (day - date.fromisoformat(row["due_on"])).days
    return ("overdue", overdue) if overdue > 0 else ("open", 0)


def _present(
    row: dict[str, Any], day: date, answered: bool, directory: Directory
) -> dict[str, Any]:
    kind = RecommendationKind(row["kind"])
    status, days_overdue = _status(row, day, answered)
    recipient = directory.find(row["to_unit_id"])
    return {
        "id": row["id"],
        "kind": kind.value,
        "kind_label": kind.label,
        "to_unit_id": row["to_unit_id"],
        "to_unit_name": recipient.name if recipient else row["to_unit_id"],
        "concerned_unit_id": row["concerned_unit_id"],
        "division_code": row["division_code"],
        "issued_by_unit_id": row["issued_by_unit_id"],
        "issued_on": row["issued_on"],
        "due_on": row["due_on"],
        "answered_on": row["answered_on"] if answered else None,
        "adopted": bool(row["adopted"]) if answered else None,
        "candidate_key": row["candidate_key"],
        "status": status,
        "status_label": RECOMMENDATION_STATUS_LABELS[status],
        "overdue": status == "overdue",
        "days_overdue": days_overdue,
    }


def issued(
    db: ViewDatabase,
    scope: ReadScope,
    prefix: str,
    today: date,
    directory: Directory,
    *,
    overdue: bool | None = None,
) -> dict[str, Any]:
    """The recommendations about area ``prefix``, answers judged on ``today``: overdue first
    (longest first), then open by due day, then answered."""
    prefix = check_prefix(prefix)
    scope.check_covers(prefix)
    clause, params = _visible(scope, prefix)
    rows = db.query(
        f"SELECT r.* FROM {TABLE} r WHERE {clause} ORDER BY r.due_on, r.id",
        params,
    )
    items = []
    for row in rows:
        item = _present(row, today, row["answered_on"] is not None, directory)
        item["grounds"] = row["grounds"]
        item["serious_consequences"] = row["serious_consequences"]
        item["cited_event_ids"] = json.loads(row["cited_event_ids"])
        item["cited_case_ids"] = json.loads(row["cited_case_ids"])
        if overdue is None or item["overdue"] is overdue:
            items.append(item)
    items.sort(key=lambda i: (i["answered_on"] is not None, -i["days_overdue"], i["due_on"]))
    return {"division": prefix, "today": today.isoformat(), "total": len(items), "items": items}


# ------------------------------------------------------------------ the dashboard
def rollup_section(
    cur: Cursor,
    scope: ReadScope,
    prefix: str,
    day: date,
    as_of: datetime | None,
    directory: Directory,
) -> dict[str, Any]:
    """The recommendations part of the supervision roll-up: how many issued, answered and
    adopted, and the answers overdue on ``day``. As of T, only what was recorded by T counts,
    so the section equals what the dashboard showed at T. The supervision projection creates
    the table, so a store whose recommendations worker has not run yet shows an empty section."""
    clause, params = _visible(scope, prefix)
    if as_of is not None:
        clause += " AND r.issued_recorded <= %s"
        params.append(micros(as_of))
    cur.execute(
        "SELECT r.id, r.kind, r.to_unit_id, r.concerned_unit_id, r.division_code, "
        "r.issued_by_unit_id, r.issued_on, r.due_on, r.answered_on, r.answered_recorded, "
        f"r.adopted, r.candidate_key FROM {TABLE} r WHERE {clause} ORDER BY r.due_on, r.id",
        params,
    )
    rows = cur.fetchall()
    at = micros(as_of) if as_of is not None else None
    items = []
    for row in rows:
        answered = row["answered_on"] is not None and (
            at is None or int(row["answered_recorded"]) <= at
        )
        items.append(_present(row, day, answered, directory))
    overdue = sorted((i for i in items if i["overdue"]), key=lambda i: -i["days_overdue"])
    by_kind = [
        {
            "kind": k.value,
            "label": k.label,
            "issued": sum(1 for i in items if i["kind"] == k.value),
            "answered": sum(1 for i in items if i["kind"] == k.value and i["answered_on"]),
            "overdue": sum(1 for i in overdue if i["kind"] == k.value),
        }
        for k in RecommendationKind
    ]
    answered_n = sum(1 for i in items if i["answered_on"])
    return {
        "issued": len(items),
        "answered": answered_n,
        "adopted": sum(1 for i in items if i["adopted"]),
        "unanswered": len(items) - answered_n,
        "overdue": len(overdue),
        "by_kind": by_kind,
        "overdue_items": overdue[:OVERDUE_SHOWN],
    }
