"""Configuration: one typed ``Settings``, every field an ``XINFANG_<FIELD>`` environment variable.

``Settings()`` reads the process environment (pydantic-settings); ``Settings.from_env(mapping)``
reads a given mapping instead (tests, docker-compose checks). An empty value means "unset": the
field keeps its default. The list of variables (``VARIABLES``, ``variables()``) is derived from
the fields, so a setting is named once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from domain.acts import Rules
from gateways.holidays import load_calendar

if TYPE_CHECKING:
    from projections.recommendation_rules import Thresholds

DEV_JWT_SECRET = "xinfang-development-secret-change-me"
PREFIX = "XINFANG_"

TRUE_WORDS = ("1", "true", "yes", "on", "y")


def _flag(value: Any) -> Any:
    """A flag is on for 1/true/yes/on/y (any case) and off for any other word."""
    return value.strip().lower() in TRUE_WORDS if isinstance(value, str) else value


Flag = Annotated[bool, BeforeValidator(_flag)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="forbid"
    )

    # -- stores
    database_url: str | None = Field(
        None, description="PostgreSQL URL; unset, the embedded SQLite file is used"
    )
    sqlite_path: str = Field("var/xinfang.db", description="the embedded SQLite store's file")
    cipher_key: str | None = Field(
        None, description="AES key that encrypts stored events (personal data at rest)"
    )
    pool_size: int = Field(10, description="PostgreSQL connections per process")
    one_trip_inserts: Flag = Field(
        True,
        description="PostgreSQL: send the library's insert statements as one query "
        "(gateways.persistence.pg_recorder, docs/decisions/0003); off, the library's own",
    )
    # -- tokens
    jwt_secret: str = Field(DEV_JWT_SECRET, description="secret that signs the bearer tokens")
    token_hours: int = Field(12, description="how long an issued token is valid")
    # -- broker
    kafka_bootstrap: str | None = Field(
        None, description="host:port of the Kafka broker; unset, no relay and no intake"
    )
    kafka_events_topic: str = Field("xinfang.events", description="topic the relay publishes to")
    kafka_intake_topic: str = Field("xinfang.intake", description="topic the intake consumes")
    kafka_dlq_topic: str = Field(
        "xinfang.intake.dlq", description="topic for intake messages that cannot be registered"
    )
    # -- the regulation's periods and the holiday calendar
    holidays_file: str | None = Field(
        None,
        description="adds to or overrides the State Council's holidays shipped with the "
        "software (gateways.holidays); the calendar is on without it",
    )
    suggestion_days: int = Field(60, description="days to handle a suggestion (建议)")
    accusation_days: int = Field(60, description="days to handle an accusation (检举控告)")
    path5_days: int = Field(
        60, description="days to handle a matter accepted on path 5 (duty performed)"
    )
    recommendation_answer_days: int = Field(
        30, description="days a unit has to answer a recommendation (三项建议)"
    )
    urge_grace_days: int = Field(
        15,
        description="days a duty may be late with no urge before that is the bureau's fault "
        "(Art.43)",
    )
    # -- 三项建议 candidates (projections.recommendation_rules): how much makes a finding
    recommendation_work_faults: int = Field(
        3, description="missed duties of one unit that make a 改进工作建议 candidate"
    )
    recommendation_policy_cases: int = Field(
        40, description="new matters of one kind that make a 完善政策建议 candidate"
    )
    recommendation_policy_areas: int = Field(
        3, description="areas one tier below those matters must come from"
    )
    recommendation_urges: int = Field(
        3, description="urges on one case, still late, that make a 追究责任建议 candidate"
    )
    # -- serving
    host: str = Field("127.0.0.1", description="listen address of `xinfang serve`")
    port: int = Field(8000, description="listen port of `xinfang serve`")
    workers: int = Field(1, description="API worker processes")
    aggregate_cache: int = Field(10000, description="cases each API worker keeps in memory")
    shared_cache: str | None = Field(
        None,
        description="file the API workers of one host share their cached cases in "
        "(gateways.persistence.shared_cache); `xinfang serve` with several workers makes one for its run",
    )
    in_process_projections: Flag = Field(
        True, description="run the projections inside the serving process"
    )
    log_level: str = Field("info", description="logging level")
    access_log: Flag = Field(True, description="one line per request from uvicorn")
    http_speedups: Flag = Field(
        True,
        description="the commands' fast path in front of FastAPI and the API worker's GC "
        "settings (gateways.http.speedups, docs/decisions/0013); off, every request takes the "
        "plain routes",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings  # no .env file, no secrets folder: the environment

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The process environment (``None``) or the ``XINFANG_*`` entries of ``environ``
        (and not the process environment)."""
        if environ is None:
            return cls()
        fields = cls.model_fields
        # Every field given (from ``environ`` or its default), so the environment adds nothing.
        return cls(
            **{
                name: environ.get(variable) or fields[name].get_default(call_default_factory=True)
                for variable, name in _names().items()
            }
        )

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)

    @property
    def development_secret(self) -> bool:
        return self.jwt_secret == DEV_JWT_SECRET

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


def _names() -> dict[str, str]:
    """Each environment variable and the field it sets."""
    return {f"{PREFIX}{name.upper()}": name for name in Settings.model_fields}


def variables() -> dict[str, str]:
    """Each environment variable the settings read, and what it sets (for docs and checks)."""
    return {
        variable: Settings.model_fields[name].description or ""
        for variable, name in _names().items()
    }


# Every variable the settings read; docker-compose and the tests check against this list.
VARIABLES = tuple(_names())


def table() -> str:
    """The variables as a Markdown table: ``python -m gateways.settings`` prints the one in
    ``docs/configuration.md``."""
    rows = ["| variable | default | what it sets |", "|---|---|---|"]
    for variable, name in _names().items():
        field = Settings.model_fields[name]
        default = "" if field.default is None else f"`{field.default}`"
        rows.append(f"| `{variable}` | {default} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover - regenerates the table of the docs
    print(table())
