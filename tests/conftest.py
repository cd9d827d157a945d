"""Fixtures shared by every test: the real services (tests.support) and the scenario world.

``service`` and ``world`` are parametrised over both stores, so the same suite runs on the
embedded SQLite file and on a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.application import CaseService
from gateways.settings import Settings
from tests.scenario_support import World, build_world
from tests.support.fixtures import (  # noqa: F401  (fixtures for every test module)
    broker,
    kafka_topic,
    pg_database,
    pg_module_database,
    pg_server,
)

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_configure(config: pytest.Config) -> None:
    """The tests build their settings themselves: ``Settings(...)`` reads the environment for
    the fields it is not given, so a stray ``XINFANG_*`` of the shell (a database URL, a cipher
    key) is put aside before any test module builds one. ``XINFANG_TEST_*`` are the tests' own
    switches (``tests.support.fixtures``) and stay."""
    for name in [n for n in os.environ if n.startswith("XINFANG_")]:
        if not name.startswith("XINFANG_TEST_"):
            del os.environ[name]


@pytest.fixture(params=STORES)
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings that point at a store of their own: a temp SQLite file or a fresh database."""
    if request.param == "sqlite":
        return Settings(sqlite_path=str(tmp_path / "xinfang.db"))
    server = request.getfixturevalue("pg_server")
    database = request.getfixturevalue("pg_database")
    return Settings(database_url=server.url(database))


@pytest.fixture
def make_world(store_settings: Settings) -> Iterator[Callable[..., World]]:
    """Build a world over this test's store, with settings changed as the test needs."""
    built: list[World] = []

    def make(**settings: Any) -> World:
        built.append(build_world(store_settings.model_copy(update=settings)))
        return built[-1]

    yield make
    for w in built:
        w.service.close()


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()


@pytest.fixture
def service(world: World) -> CaseService:
    return world.service
