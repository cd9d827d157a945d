"""``xinfang relay``: the publisher as its own process (its figures: ``gateways.bench.relay``)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import TypeVar

from gateways.heartbeat import Heartbeat, heartbeat_path
from gateways.kafka.relay import Relay
from gateways.settings import Settings
from gateways.wiring import build_service

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("xinfang.relay")

STATS_EVERY = 30.0

T = TypeVar("T")


def run_relay(settings: Settings) -> int:
    """Publish every stored event until SIGTERM/SIGINT; returns the exit status."""
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    if not settings.kafka_bootstrap:
        log.error("XINFANG_KAFKA_BOOTSTRAP is not set: nothing to relay to")
        return 2
    service = build_service(settings)
    relay = Relay(service, settings, heartbeat=Heartbeat(heartbeat_path("relay")))

    def stop(signum: int, frame: FrameType | None) -> None:
        relay.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    reporter = threading.Thread(target=_report, args=(relay,), daemon=True)
    reporter.start()
    log.info("relaying %s to %s", settings.kafka_bootstrap, relay.topic)
    try:
        relay.run()
    finally:
        service.close()
    log.info("relay stopped at position %d", relay.stats.position)
    return 0


def _report(relay: Relay) -> None:
    while not relay.stopping:
        time.sleep(STATS_EVERY)
        s = relay.stats
        log.info(
            "position %d, published %d, passed over %d, restarts %d %s",
            s.position,
            s.published,
            s.passed_over,
            s.restarts,
            s.lag_percentiles(),
        )
