"""The trail's four tables: their DDL and column orders (see ``projections.trail``).

Kept apart from the projection so the queries (``projections.trail_query``) and the
projection share one account of the columns, and each file stays one job. A mark's ``fault`` is
its kind (art42 … art46) and its ``detail`` the key of its ground in
``domain.faults.MARK_GROUNDS`` (the article, item and fact are read from there).
"""

from __future__ import annotations

DDL = """
CREATE TABLE IF NOT EXISTS v_trail_cases (
    case_id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL,
    division_code TEXT NOT NULL,
    category TEXT NOT NULL,
    matter_kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    anonymous INTEGER NOT NULL,
    received_by TEXT NOT NULL,
    received_by_bureau INTEGER NOT NULL,
    registered_on TEXT NOT NULL,
    level_skipping INTEGER NOT NULL,
    is_repeat INTEGER NOT NULL,
    answered_on TEXT,
    answered_by TEXT,
    satisfaction TEXT,
    evaluated_on TEXT,
    leader_on TEXT,
    concluded_on TEXT
);
CREATE INDEX IF NOT EXISTS v_trail_cases_division ON v_trail_cases (division_code);
CREATE TABLE IF NOT EXISTS v_trail_events (
    case_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    official_id TEXT NOT NULL,
    official_name TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    occurred_on TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    target_unit_id TEXT NOT NULL,
    division_code TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    PRIMARY KEY (case_id, version)
);
CREATE INDEX IF NOT EXISTS v_trail_events_type ON v_trail_events (event_type, division_code);
CREATE INDEX IF NOT EXISTS v_trail_events_official ON v_trail_events (official_id);
CREATE TABLE IF NOT EXISTS v_trail_duties (
    case_id TEXT NOT NULL,
    step TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    start_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    article TEXT NOT NULL,
    origin_version INTEGER NOT NULL,
    done_version INTEGER,
    done_official_id TEXT,
    done_official_name TEXT,
    division_code TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    PRIMARY KEY (case_id, step, unit_id, start_on)
);
CREATE INDEX IF NOT EXISTS v_trail_duties_division ON v_trail_duties (division_code, due_on);
CREATE INDEX IF NOT EXISTS v_trail_duties_unit ON v_trail_duties (unit_id, due_on);
CREATE INDEX IF NOT EXISTS v_trail_duties_official ON v_trail_duties (done_official_id);
CREATE TABLE IF NOT EXISTS v_trail_marks (
    case_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    fault TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    official_id TEXT,
    official_name TEXT,
    occurred_on TEXT NOT NULL,
    detail TEXT NOT NULL,
    division_code TEXT NOT NULL,
    accused_unit_id TEXT NOT NULL,
    PRIMARY KEY (case_id, version, fault)
);
CREATE INDEX IF NOT EXISTS v_trail_marks_division ON v_trail_marks (division_code, occurred_on);
CREATE INDEX IF NOT EXISTS v_trail_marks_unit ON v_trail_marks (unit_id, occurred_on);
CREATE INDEX IF NOT EXISTS v_trail_marks_official ON v_trail_marks (official_id)
"""

TABLES = ("v_trail_cases", "v_trail_events", "v_trail_duties", "v_trail_marks")

CASE_COLUMNS = (
    "case_id",
    "serial_number",
    "division_code",
    "category",
    "matter_kind",
    "channel",
    "accused_unit_id",
    "anonymous",
    "received_by",
    "received_by_bureau",
    "registered_on",
    "level_skipping",
    "is_repeat",
    "answered_on",
    "answered_by",
    "satisfaction",
    "evaluated_on",
    "leader_on",
    "concluded_on",
)
EVENT_COLUMNS = (
    "case_id",
    "version",
    "event_id",
    "event_type",
    "official_id",
    "official_name",
    "unit_id",
    "occurred_at",
    "occurred_on",
    "recorded_at",
    "target_unit_id",
    "division_code",
    "accused_unit_id",
)
DUTY_COLUMNS = (
    "case_id",
    "step",
    "unit_id",
    "start_on",
    "due_on",
    "done_on",
    "article",
    "origin_version",
    "done_version",
    "done_official_id",
    "done_official_name",
    "division_code",
    "accused_unit_id",
)
DUTY_KEYS = ("case_id", "step", "unit_id", "start_on")
MARK_COLUMNS = (
    "case_id",
    "version",
    "fault",
    "unit_id",
    "official_id",
    "official_name",
    "occurred_on",
    "detail",
    "division_code",
    "accused_unit_id",
)
