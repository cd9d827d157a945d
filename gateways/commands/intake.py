"""``xinfang intake``: register the petitions other systems submit on the intake topic."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from gateways.heartbeat import Heartbeat, heartbeat_path
from gateways.kafka.intake import Intake
from gateways.settings import Settings
from gateways.wiring import build_service

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("xinfang.intake")


def run_intake(settings: Settings) -> int:
    """Consume until SIGTERM/SIGINT; returns the exit status."""
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    if not settings.kafka_bootstrap:
        log.error("XINFANG_KAFKA_BOOTSTRAP is not set: nothing to consume")
        return 2
    service = build_service(settings)
    intake = Intake(service, settings, heartbeat=Heartbeat(heartbeat_path("intake")))

    def stop(signum: int, frame: FrameType | None) -> None:
        intake.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("consuming %s from %s", intake.topic, settings.kafka_bootstrap)
    try:
        intake.run()
    finally:
        service.close()
    log.info("intake stopped: %s", dict(intake.counts))
    return 0
