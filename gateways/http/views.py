"""What the API answers about a case: plain dicts built from the aggregate and its events.

Cheap by design (no database reads, no validation pass): a command's answer is built on the
request path. What each reader sees of personal data is ``domain.privacy``'s word.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain import privacy
from domain.acts import Actor, Rules
from domain.calendar import NOT_COVERED, china_date
from domain.chain import event_digest, event_id
from domain.classification import Category
from domain.deadlines import statuses_on
from domain.labels import REPEAT_REASON_LABELS, STAGE_LABELS
from domain.matters import matter_label
from domain.petition import Petition
from domain.repeats import Candidate
from domain.units import Directory

# Fields every event has; the rest of an event is its payload.
_ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "actor", "occurred_at", "prev_hash"}
)
# Never shown: the topic is storage detail; and what privacy shows no one.
_HIDDEN = frozenset({"originator_topic"}) | privacy.NEVER_SHOWN


# ------------------------------------------------------------------------ case
def _text(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_view(
    case: Petition, actor: Actor, directory: Directory, rules: Rules, today: date
) -> dict[str, Any]:
    """The case as ``actor`` may see it, with its deadlines as they stand on ``today``."""
    masked = not privacy.sees_personal_data(actor, case, directory)
    return {
        "id": str(case.id),
        "serial_number": case.serial_number,
        "external_id": case.external_id,
        "stage": case.stage,
        "stage_label": STAGE_LABELS.get(case.stage, case.stage),
        "category": case.category,
        "path": case.path,
        "channel": case.channel,
        "division_code": case.division_code,
        "subject": case.subject,
        "content": case.content,
        "matter_kind": case.matter_kind,
        "matter_label": matter_label(case.matter_kind),
        "flags": {
            "level_skipping": case.level_skipping,
            "collective": case.collective,
            "needs_representatives": case.needs_representatives,
            "repeat_of": case.repeat_of,
            "repeat_relation": case.repeat_relation,
            "repeats": list(case.repeats),
            "anonymous": case.anonymous,
            "major": case.major,
            "accusation": case.category == Category.ACCUSATION.value,
            "not_reaccepted": case.not_reaccepted,
        },
        "people_count": case.people_count,
        "representatives": case.representatives,
        "signatures": case.signatures,
        "accused_unit_id": case.accused_unit_id,
        "accused_persons": list(case.accused_persons),
        "received_by": case.received_by,
        "received_at": _text(case.received_at),
        "holder_unit_id": case.holder_unit_id,
        "petitioners_masked": masked,
        "petitioners": privacy.shown_petitioners(case.petitioners, masked),
        "accepted_at": _text(case.accepted_at),
        "accepted_by": case.accepted_by,
        "declined_at": _text(case.declined_at),
        "decline_reason": case.decline_reason,
        "routed_channel": case.routed_channel,
        "objection": dict(case.objection) if case.objection else None,
        "assigned_due_on": _text(case.assigned_due_on),
        "answered_at": _text(case.answered_at),
        "answered_by": case.answered_by,
        "answer_outcome": case.answer_outcome,
        "served_at": {doc: at.isoformat() for doc, at in case.served_at.items()},
        "review": {
            "requested_at": _text(case.review_requested_at),
            "unit_id": case.reviewing_unit_id,
            "reviewed_at": _text(case.reviewed_at),
            "outcome": case.review_outcome,
        },
        "recheck": {
            "requested_at": _text(case.recheck_requested_at),
            "unit_id": case.rechecking_unit_id,
            "rechecked_at": _text(case.rechecked_at),
            "outcome": case.recheck_outcome,
        },
        "hearings": [dict(h) for h in case.hearings],
        "deadlines": [s.as_dict() for s in statuses_on(case, rules, today)],
        "deadlines_on": today.isoformat(),
        "urges": [dict(u) for u in case.urges],
        "leaders": [dict(x) for x in case.leaders],
        "evaluation": dict(case.evaluation) if case.evaluation else None,
        "extensions": [dict(x) for x in case.extensions],
        "receipts": [dict(r) for r in case.receipts],
        "concluded_at": _text(case.concluded_at),
        "conclusion": case.conclusion,
        "last_occurred_at": _text(case.last_occurred_at),
        "version": case.version,
        "last_hash": case.last_hash,
    }


# --------------------------------------------------------------------- history
def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def event_view(event: Any, masked: bool) -> dict[str, Any]:
    """One stored event: who, when (occurred and recorded), what, and its chain link."""
    fields = vars(event)
    payload = {k: _plain(v) for k, v in fields.items() if k not in _ENVELOPE and k not in _HIDDEN}
    if masked and "petitioners" in payload:
        payload["petitioners"] = privacy.shown_petitioners(fields["petitioners"], masked)
    return {
        "id": str(event_id(event.originator_id, event.originator_version)),
        "type": type(event).__name__,
        "version": event.originator_version,
        "actor": dict(event.actor),
        "occurred_at": event.occurred_at.isoformat(),
        "recorded_at": event.timestamp.isoformat(),
        "payload": payload,
        "prev_hash": event.prev_hash,
        "hash": event_digest(event),
    }


def history_view(events: list[Any], actor: Actor, directory: Directory) -> list[dict[str, Any]]:
    """Every event shown; petitioners masked unless the caller's unit had handled the case by
    the last of them."""
    case: Any = None
    for event in events:
        case = event.mutate(case)
    masked = case is None or not privacy.sees_personal_data(actor, case, directory)
    return [event_view(e, masked) for e in events]


# -------------------------------------------------------------------- tracking
def candidate_view(candidate: Candidate) -> dict[str, Any]:
    """An earlier case proposed as the same matter (``domain.repeats``); the registrar may see
    it, or it would not have been proposed."""
    case = candidate.case
    return {
        "case_id": str(case.id),
        "serial_number": case.serial_number,
        "subject": case.subject,
        "stage": case.stage,
        "stage_label": STAGE_LABELS.get(case.stage, case.stage),
        "holder_unit_id": case.holder_unit_id,
        "registered_on": china_date(case.received_at).isoformat(),
        "reasons": [{"code": r, "label": REPEAT_REASON_LABELS[r]} for r in candidate.reasons],
        "if_linked": {"code": candidate.relation.value, "label": candidate.relation.label},
    }


def _day(value: datetime | None) -> str | None:
    return china_date(value).isoformat() if value is not None else None


def tracking_view(
    case: Petition, directory: Directory, rules: Rules, today: date
) -> dict[str, Any]:
    """What a petitioner sees with the serial number and query code: dates, stage, outcome,
    deadlines; no content, no other person's data, nothing of an accusation's circumstances."""
    holder = directory.find(case.holder_unit_id)
    outcome = case.recheck_outcome or case.review_outcome or case.answer_outcome
    transfers = [r for r in case.receipts if r["via"] in ("transfer", "assign", "route")]
    revealed = privacy.tracking_reveals_circumstances(case.category)
    return {
        "serial_number": case.serial_number,
        "category": case.category,
        "subject": case.subject if revealed else None,
        "stage": case.stage,
        "stage_label": STAGE_LABELS.get(case.stage, case.stage),
        "handling_unit": holder.name if revealed and holder is not None else None,
        "registered_on": _day(case.received_at),
        "transferred_on": _day(datetime.fromisoformat(transfers[0]["at"])) if transfers else None,
        "accepted_on": _day(case.accepted_at),
        "declined_on": _day(case.declined_at),
        "answered_on": _day(case.answered_at),
        "reviewed_on": _day(case.reviewed_at),
        "rechecked_on": _day(case.rechecked_at),
        "concluded_on": _day(case.concluded_at),
        "conclusion": case.conclusion,
        "outcome": outcome,
        "evaluation": case.evaluation["satisfaction"] if case.evaluation else None,
        "deadlines": [
            {
                "step": s.deadline.step,
                "kind": s.deadline.kind,
                "due": s.deadline.due.isoformat(),
                "status": s.status,
                "days_left": s.days_left,
                # A due day counted past the holiday notices the system holds may still move.
                "calendar_warning": None if s.deadline.calendar_covered else NOT_COVERED,
            }
            for s in statuses_on(case, rules, today)
        ],
    }
