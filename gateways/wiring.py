"""The composition root: the one place that builds the service from settings and a clock."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path

from psycopg.conninfo import make_conninfo

from domain.application import CaseService, Clock
from gateways.persistence.case_cache import CaseCache, CommandCache
from gateways.persistence.event_store import LibraryStore
from gateways.persistence.shared_cache import SharedCommandCache
from gateways.settings import Settings
from gateways.store import eventsourcing_env, postgres_params, schema_lock
from projections.db import ViewDatabase, views_path

log = logging.getLogger("xinfang.wiring")


class SystemClock:
    """The wall clock, in UTC. The only clock outside the tests."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def pepper(settings: Settings) -> bytes:
    """The key for petitioner hashes: derived from the cipher key or the token secret."""
    secret = settings.cipher_key or settings.jwt_secret
    return hashlib.sha256(f"xinfang-petitioner:{secret}".encode()).digest()


def build_service(settings: Settings, clock: Clock | None = None) -> CaseService:
    """The application on the configured store: its cache of saved cases (shared by the API
    workers of a host when the settings name a file), and on PostgreSQL the bulk queries that
    let the group commit refuse stale saves early and projections reload cases in batches."""
    with schema_lock(settings):
        store = LibraryStore(
            eventsourcing_env(settings),
            cache=_shared_cache(settings) or CommandCache(settings.aggregate_cache),
            bulk_sql=settings.uses_postgres,
        )
    return CaseService(
        store,
        clock=clock or SystemClock(),
        rules=settings.rules(),
        pepper=pepper(settings),
    )


def _shared_cache(settings: Settings) -> CaseCache | None:
    """The cache the workers of this host share, when the settings name its file (several
    workers); None: the service keeps its own (also when the file cannot be made: a worker
    that caches alone is slower under load, never wrong)."""
    if not settings.shared_cache or settings.aggregate_cache <= 0:
        return None
    try:
        return SharedCommandCache(settings.shared_cache, settings.aggregate_cache)
    except OSError as error:
        log.warning(
            "共享缓存不可用，各进程自行缓存 shared case cache unavailable (%s: %s); "
            "each worker caches its own cases",
            settings.shared_cache,
            error,
        )
        return None


def build_view_database(settings: Settings) -> ViewDatabase:
    """The read models' database: the events' own PostgreSQL database, or a SQLite file next
    to the event store (``var/xinfang-views.db``)."""
    if settings.database_url:
        params = {k: v for k, v in postgres_params(settings.database_url).items() if v}
        return ViewDatabase(
            "postgres", conninfo=make_conninfo(**params), pool_size=settings.pool_size
        )
    path = views_path(settings.sqlite_path)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return ViewDatabase("sqlite", sqlite_path=path)
