"""Configuration: every setting comes from an ``XINFANG_`` environment variable, read once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.acts import Rules
from gateways.holidays import load_calendar

if TYPE_CHECKING:
    from projections.recommendation_rules import Thresholds

DEV_JWT_SECRET = "xinfang-development-secret-change-me"

# Every variable the settings read; docker-compose and the tests check against this list.
VARIABLES = (
    "XINFANG_DATABASE_URL",
    "XINFANG_SQLITE_PATH",
    "XINFANG_CIPHER_KEY",
    "XINFANG_JWT_SECRET",
    "XINFANG_TOKEN_HOURS",
    "XINFANG_KAFKA_BOOTSTRAP",
    "XINFANG_KAFKA_EVENTS_TOPIC",
    "XINFANG_KAFKA_INTAKE_TOPIC",
    "XINFANG_KAFKA_DLQ_TOPIC",
    "XINFANG_HOLIDAYS_FILE",
    "XINFANG_SUGGESTION_DAYS",
    "XINFANG_ACCUSATION_DAYS",
    "XINFANG_PATH5_DAYS",
    "XINFANG_RECOMMENDATION_ANSWER_DAYS",
    "XINFANG_URGE_GRACE_DAYS",
    "XINFANG_RECOMMENDATION_WORK_FAULTS",
    "XINFANG_RECOMMENDATION_POLICY_CASES",
    "XINFANG_RECOMMENDATION_POLICY_AREAS",
    "XINFANG_RECOMMENDATION_URGES",
    "XINFANG_HOST",
    "XINFANG_PORT",
    "XINFANG_WORKERS",
    "XINFANG_POOL_SIZE",
    "XINFANG_AGGREGATE_CACHE",
    "XINFANG_SHARED_CACHE",
    "XINFANG_IN_PROCESS_PROJECTIONS",
    "XINFANG_LOG_LEVEL",
    "XINFANG_ACCESS_LOG",
    "XINFANG_HTTP_SPEEDUPS",
)


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    sqlite_path: str = "var/xinfang.db"
    cipher_key: str | None = None
    jwt_secret: str = DEV_JWT_SECRET
    token_hours: int = 12
    kafka_bootstrap: str | None = None
    kafka_events_topic: str = "xinfang.events"
    kafka_intake_topic: str = "xinfang.intake"
    kafka_dlq_topic: str = "xinfang.intake.dlq"
    # Adds to or overrides the State Council's holidays shipped with the software
    # (gateways.holidays): the calendar is on with no file.
    holidays_file: str | None = None
    suggestion_days: int = 60
    accusation_days: int = 60
    path5_days: int = 60
    recommendation_answer_days: int = 30
    urge_grace_days: int = 15
    # 三项建议 candidates (projections.recommendation_rules): how much makes a finding.
    recommendation_work_faults: int = 3
    recommendation_policy_cases: int = 40
    recommendation_policy_areas: int = 3
    recommendation_urges: int = 3
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    pool_size: int = 10
    aggregate_cache: int = 10000
    # A file the API workers of one host share their cached cases in (gateways.shared_cache);
    # ``xinfang serve`` with several workers makes one for its run.
    shared_cache: str | None = None
    in_process_projections: bool = True
    log_level: str = "info"
    access_log: bool = True  # one line per request from uvicorn (the bench turns it off)
    # The commands' fast path in front of FastAPI (gateways.http.speedups,
    # docs/decisions/http-speedups.md): off, every request takes the plain routes.
    http_speedups: bool = True
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)

    @property
    def development_secret(self) -> bool:
        return self.jwt_secret == DEV_JWT_SECRET

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def text(name: str, default: str | None = None) -> str | None:
            value = env.get(f"XINFANG_{name}")
            return value if value not in (None, "") else default

        def number(name: str, default: int) -> int:
            value = text(name)
            return int(value) if value is not None else default

        def flag(name: str, default: bool) -> bool:
            value = text(name)
            if value is None:
                return default
            return value.strip().lower() in ("1", "true", "yes", "on", "y")

        return cls(
            database_url=text("DATABASE_URL"),
            sqlite_path=text("SQLITE_PATH", "var/xinfang.db") or "var/xinfang.db",
            cipher_key=text("CIPHER_KEY"),
            jwt_secret=text("JWT_SECRET", DEV_JWT_SECRET) or DEV_JWT_SECRET,
            token_hours=number("TOKEN_HOURS", 12),
            kafka_bootstrap=text("KAFKA_BOOTSTRAP"),
            kafka_events_topic=text("KAFKA_EVENTS_TOPIC", "xinfang.events") or "xinfang.events",
            kafka_intake_topic=text("KAFKA_INTAKE_TOPIC", "xinfang.intake") or "xinfang.intake",
            kafka_dlq_topic=text("KAFKA_DLQ_TOPIC", "xinfang.intake.dlq") or "xinfang.intake.dlq",
            holidays_file=text("HOLIDAYS_FILE"),
            suggestion_days=number("SUGGESTION_DAYS", 60),
            accusation_days=number("ACCUSATION_DAYS", 60),
            path5_days=number("PATH5_DAYS", 60),
            recommendation_answer_days=number("RECOMMENDATION_ANSWER_DAYS", 30),
            urge_grace_days=number("URGE_GRACE_DAYS", 15),
            recommendation_work_faults=number("RECOMMENDATION_WORK_FAULTS", 3),
            recommendation_policy_cases=number("RECOMMENDATION_POLICY_CASES", 40),
            recommendation_policy_areas=number("RECOMMENDATION_POLICY_AREAS", 3),
            recommendation_urges=number("RECOMMENDATION_URGES", 3),
            host=text("HOST", "127.0.0.1") or "127.0.0.1",
            port=number("PORT", 8000),
            workers=number("WORKERS", 1),
            pool_size=number("POOL_SIZE", 10),
            aggregate_cache=number("AGGREGATE_CACHE", 10000),
            shared_cache=text("SHARED_CACHE"),
            in_process_projections=flag("IN_PROCESS_PROJECTIONS", True),
            log_level=text("LOG_LEVEL", "info") or "info",
            access_log=flag("ACCESS_LOG", True),
            http_speedups=flag("HTTP_SPEEDUPS", True),
        )

    def rules(self) -> Rules:
        return Rules(
            calendar=load_calendar(self.holidays_file),
            suggestion_days=self.suggestion_days,
            accusation_days=self.accusation_days,
            path5_days=self.path5_days,
            recommendation_answer_days=self.recommendation_answer_days,
            urge_grace_days=self.urge_grace_days,
        )

    def recommendation_thresholds(self) -> Thresholds:
        """What makes a 三项建议 candidate, for the queries of ``projections.recommendations``
        (imported here, so that reading settings never loads the read models' database code)."""
        from projections.recommendation_rules import Thresholds

        return Thresholds(
            work_faults=self.recommendation_work_faults,
            policy_cases=self.recommendation_policy_cases,
            policy_areas=self.recommendation_policy_areas,
            urges=self.recommendation_urges,
        )
