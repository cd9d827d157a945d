"""A throwaway store for the bench, the demo directory in it, and the officials who act.

The bench never touches the real store: on PostgreSQL it creates ``xinfang_bench_<pid>`` next
to the configured database and drops it at the end (unless asked to keep it); on SQLite it
works in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

import psycopg

from domain.acts import Actor
from domain.application import CaseService
from gateways.demo.directory import demo_units
from gateways.settings import Settings
from gateways.store import eventsourcing_env, postgres_params

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# The officials of the bench: a county petition bureau that registers and transfers, and the
# county's human-resources department that accepts, answers and serves.
BUREAU_UNIT = "330106-bureau"
HANDLER_UNIT = "330106-hrss"
JURISDICTION = "330106"
BUREAU = Actor(
    "bench-bureau", "压测登记员", BUREAU_UNIT, frozenset({"registrar", "bureau"}), JURISDICTION
)
HANDLER = Actor("bench-handler", "压测承办人", HANDLER_UNIT, frozenset({"handler"}), JURISDICTION)


@dataclass(frozen=True)
class BenchStore:
    """Where one bench run writes: settings for the case service and an env for the raw app."""

    kind: str  # "postgres" or "sqlite"
    settings: Settings
    raw_env: dict[str, str]
    location: str  # the database name or the folder, for the printout

    @property
    def database_url(self) -> str | None:
        return self.settings.database_url


@contextmanager
def bench_store(
    base: Settings, admin_url: str | None, *, keep: bool = False
) -> Iterator[BenchStore]:
    """A fresh store for one run: ``admin_url`` ``sqlite`` means a temporary SQLite folder."""
    if admin_url == "sqlite":
        with _sqlite_store(base, keep=keep) as store:
            yield store
        return
    with _postgres_store(
        base, admin_url or base.database_url or DEFAULT_ADMIN_URL, keep=keep
    ) as store:
        yield store


@contextmanager
def _sqlite_store(base: Settings, *, keep: bool) -> Iterator[BenchStore]:
    folder = tempfile.mkdtemp(prefix="xinfang-bench-")
    settings = base.model_copy(
        update={"database_url": None, "sqlite_path": os.path.join(folder, "xinfang.db")}
    )
    raw_env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": os.path.join(folder, "benchraw.db"),
    }
    try:
        yield BenchStore("sqlite", settings, raw_env, folder)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _postgres_store(base: Settings, admin_url: str, *, keep: bool) -> Iterator[BenchStore]:
    name = f"xinfang_bench_{os.getpid()}"
    admin = postgres_params(admin_url)
    with _admin_connection(admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunparse(urlparse(admin_url)._replace(path=f"/{name}"))
    settings = base.model_copy(update={"database_url": url})
    raw_env = {
        k: v for k, v in eventsourcing_env(settings).items() if not k.startswith("AGGREGATE_CACHE")
    }
    try:
        yield BenchStore("postgres", settings, raw_env, name)
    finally:
        if not keep:
            with _admin_connection(admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin_connection(params: dict[str, str]) -> psycopg.Connection:
    return psycopg.connect(
        host=params["host"],
        port=int(params["port"]),
        user=params["user"],
        password=params["password"],
        dbname=params["dbname"],
        autocommit=True,
    )


def seed_directory(service: CaseService) -> int:
    """Register the demo city's units (once per store); returns how many the directory holds."""
    if BUREAU_UNIT not in service.directory:
        service.register_units(demo_units())
    return len(service.directory)


def bench_tokens(settings: Settings) -> dict[str, str]:
    """Bearer tokens for the bench's two officials, signed with the server's secret."""
    from gateways.tokens import issue_token

    return {
        role: issue_token(
            settings,
            actor.official_id,
            actor.name,
            actor.unit_id,
            sorted(actor.roles),
            actor.jurisdiction,
        )
        for role, actor in (("bureau", BUREAU), ("handler", HANDLER))
    }
