"""``xinfang migrate``: create the schema once, before the workers start.

Every process creates what it needs on start as well (under the same advisory lock), so this
is not required for correctness; it lets docker-compose and production start the API, the
relay, the intake consumer and the projection workers at once without all of them racing to
create the same tables.
"""

from __future__ import annotations

import logging

from domain.application import CaseService
from gateways.kafka.position import create_position_table
from gateways.settings import Settings
from gateways.store import schema_lock
from gateways.wiring import build_service

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("xinfang.migrate")


def run_migrate(settings: Settings) -> int:
    """Create the event store's tables (under the schema lock, inside ``build_service``),
    the relay's position table and the read models' tables; returns 0."""
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    service = build_service(settings)
    try:
        create_position_table(settings)
        views = _create_read_models(settings, service)
    finally:
        service.close()
    log.info("read models ready: %s", ", ".join(views) or "none")
    log.info("schema ready (%s)", "postgresql" if settings.database_url else settings.sqlite_path)
    return 0


def _create_read_models(settings: Settings, service: CaseService) -> list[str]:
    """The projections' tables and positions: building their runner creates them."""
    from gateways.wiring import build_view_database
    from projections.registry import all_projections
    from projections.runner import ProjectionRunner

    db = build_view_database(settings)
    try:
        with schema_lock(settings):
            runner = ProjectionRunner(service, db, all_projections())
        return list(runner.positions())
    finally:
        db.close()
