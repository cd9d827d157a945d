"""What can be checked of the deployment without a Docker engine: docker-compose.yml parses,
every xinfang service runs a command the CLI has, every variable it sets is one the settings
read, the pieces wait for what they need, and the topic script names the topics we use."""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateways.cli import build_parser
from gateways.persistence.shared_cache import SLOT_BYTES
from gateways.settings import VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
# the images' own variables (postgres:*, apache/kafka:*) and the topic script's
IMAGE_PREFIXES = ("POSTGRES_", "KAFKA_")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def xinfang_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if isinstance(service.get("command"), list) and service["command"][0] == "xinfang"
    }


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_compose_has_every_piece_with_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    commands = {tuple(s["command"][1:3]) for s in xinfang_services(compose).values()}
    assert {("serve",), ("relay",), ("intake",), ("migrate",)} <= {c[:1] for c in commands}
    assert any(c == ("project", "run") for c in commands)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert environment(services["kafka"])["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert "pg-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert set(compose["volumes"]) == {"pg-data", "kafka-data"}
    for name, service in services.items():
        if service.get("restart") != "no":
            assert "healthcheck" in service, f"{name} has no health check"


def test_every_service_command_is_one_the_cli_has(compose: dict[str, Any]) -> None:
    parser = build_parser()
    for name, service in xinfang_services(compose).items():
        words = service["command"][1:]
        level = subcommands(parser)
        assert words[0] in level, f"{name}: xinfang {words[0]} is not a command"
        nested = subcommands(level[words[0]])
        if nested:
            assert words[1] in nested, f"{name}: xinfang {' '.join(words[:2])} is not a command"
        parser.parse_args(words)  # the whole command line parses


def test_every_variable_set_is_one_the_settings_read(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for variable in environment(service):
            if variable.startswith("XINFANG_"):
                assert variable in VARIABLES, f"{name} sets {variable}, which nothing reads"
            else:
                assert variable.startswith(IMAGE_PREFIXES), f"{name} sets {variable}"
    for name, service in xinfang_services(compose).items():
        env = environment(service)
        assert "XINFANG_DATABASE_URL" in env, f"{name} would fall back to a private SQLite file"
        # the values parse as settings (placeholders aside)
        settings = Settings.from_env({k: re.sub(r"\$\{[^}]*\}", "x", v) for k, v in env.items()})
        assert settings.uses_postgres


def test_workers_wait_for_the_schema_and_the_topics(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in xinfang_services(compose).items():
        needs = service.get("depends_on") or {}
        if name == "migrate":
            assert needs["postgres"]["condition"] == "service_healthy"
        else:
            assert needs["migrate"]["condition"] == "service_completed_successfully", name
        if "XINFANG_KAFKA_BOOTSTRAP" in environment(service):
            assert needs["kafka-init"]["condition"] == "service_completed_successfully", name
    assert "/deploy/kafka/topics.sh" in " ".join(services["kafka-init"]["entrypoint"])


def test_the_api_containers_shared_memory_holds_the_workers_case_cache(
    compose: dict[str, Any],
) -> None:
    """Several API workers share their cached cases in /dev/shm (gateways.persistence.shared_cache);
    Docker's default 64 MB would not hold them, and the workers would each cache alone."""
    api = compose["services"]["api"]
    settings = Settings.from_env(environment(api))
    assert settings.workers > 1
    size = api["shm_size"].lower()
    units = {"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30}
    number, unit = re.fullmatch(r"(\d+)([kmg]b)", size).groups()  # type: ignore[union-attr]
    assert int(number) * units[unit] >= settings.aggregate_cache * SLOT_BYTES


def test_the_topic_script_creates_the_topics_the_settings_name() -> None:
    script = ROOT / "deploy" / "kafka" / "topics.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    defaults = Settings()
    for topic in (
        defaults.kafka_events_topic,
        defaults.kafka_intake_topic,
        defaults.kafka_dlq_topic,
    ):
        assert re.search(rf"^create {re.escape(topic)} ", text, re.MULTILINE), topic
    assert (ROOT / "deploy" / "README.md").is_file()
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    for folder in ("domain", "projections", "gateways"):
        assert f"COPY {folder} " in dockerfile


def test_migrate_creates_the_schema_once_and_again_harmlessly(tmp_path: Path) -> None:
    from gateways.commands.migrate import run_migrate

    settings = Settings(sqlite_path=str(tmp_path / "xinfang.db"))
    assert run_migrate(settings) == 0
    assert run_migrate(settings) == 0  # a second run (a restarted stack) changes nothing
    with sqlite3.connect(settings.sqlite_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"stored_events", "xinfang_relay_positions"} <= tables
