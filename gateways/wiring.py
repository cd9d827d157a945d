"""The composition root: the one place that builds the service from settings and a clock."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from domain.application import CaseService, Clock
from gateways.settings import Settings
from gateways.store import eventsourcing_env, schema_lock


class SystemClock:
    """The wall clock, in UTC. The only clock outside the tests."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def pepper(settings: Settings) -> bytes:
    """The key for petitioner hashes: derived from the cipher key or the token secret."""
    secret = settings.cipher_key or settings.jwt_secret
    return hashlib.sha256(f"xinfang-petitioner:{secret}".encode()).digest()


def build_service(settings: Settings, clock: Clock | None = None) -> CaseService:
    with schema_lock(settings):
        return CaseService(
            eventsourcing_env(settings),
            clock=clock or SystemClock(),
            rules=settings.rules(),
            pepper=pepper(settings),
            command_cache_size=settings.aggregate_cache,
        )
