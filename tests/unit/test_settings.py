"""The settings: one typed object, read from ``XINFANG_*``; an empty value is no value."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from gateways.settings import DEV_JWT_SECRET, VARIABLES, Settings, table, variables
from gateways.store import eventsourcing_env


def test_every_field_is_one_variable_with_a_description() -> None:
    assert tuple(f"XINFANG_{name.upper()}" for name in Settings.model_fields) == VARIABLES
    assert "XINFANG_DATABASE_URL" in VARIABLES and "XINFANG_ACCESS_LOG" in VARIABLES
    assert all(variables().values()), "a setting without a description"


def test_a_mapping_gives_typed_values_and_empty_values_keep_the_defaults() -> None:
    settings = Settings.from_env(
        {
            "XINFANG_DATABASE_URL": "postgresql://db/xinfang",
            "XINFANG_CIPHER_KEY": "",
            "XINFANG_JWT_SECRET": "",
            "XINFANG_WORKERS": "4",
            "XINFANG_PORT": "",
            "OTHER": "ignored",
        }
    )
    assert settings.uses_postgres and settings.workers == 4
    assert settings.cipher_key is None and settings.port == 8000
    assert settings.jwt_secret == DEV_JWT_SECRET and settings.development_secret


@pytest.mark.parametrize("word", ["1", "true", "YES", "on", "y", " True "])
def test_a_flag_is_on_for_the_usual_words(word: str) -> None:
    assert Settings.from_env({"XINFANG_ACCESS_LOG": word}).access_log is True


@pytest.mark.parametrize("word", ["0", "false", "no", "off", "n", "anything"])
def test_a_flag_is_off_for_any_other_word(word: str) -> None:
    assert (
        Settings.from_env({"XINFANG_IN_PROCESS_PROJECTIONS": word}).in_process_projections is False
    )


def test_the_process_environment_is_read_and_a_given_mapping_is_read_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XINFANG_PORT", "9001")
    monkeypatch.setenv("XINFANG_CIPHER_KEY", "")
    assert Settings.from_env().port == 9001 and Settings().port == 9001
    assert Settings.from_env().cipher_key is None
    assert Settings.from_env({}).port == 8000  # the process environment stays out of it


def test_settings_are_immutable_and_copied_with_changes() -> None:
    settings = Settings(sqlite_path="a.db")
    with pytest.raises(pydantic.ValidationError):
        settings.port = 1  # type: ignore[misc]
    changed = settings.model_copy(update={"port": 1})
    assert (changed.port, changed.sqlite_path, settings.port) == (1, "a.db", 8000)


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(no_such_setting=1)  # type: ignore[call-arg]


def test_the_configuration_docs_list_every_variable() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    assert table() in docs.read_text(encoding="utf-8"), "run python -m gateways.settings"


def test_the_one_trip_insert_is_a_setting_and_off_leaves_the_librarys_recorder() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/test"
    on = eventsourcing_env(Settings.from_env({"XINFANG_DATABASE_URL": url}))
    off = eventsourcing_env(
        Settings.from_env({"XINFANG_DATABASE_URL": url, "XINFANG_ONE_TRIP_INSERTS": "false"})
    )
    assert on["PROCESS_RECORDER_TOPIC"].endswith(":OneTripProcessRecorder")
    assert "PROCESS_RECORDER_TOPIC" not in off
