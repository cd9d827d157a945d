"""The relay: every stored event, in store order, to ``xinfang.events``, at least once.

It follows the notification log from the position the broker last acknowledged, sends a
batch, waits until the broker has acknowledged all of it, and only then records the new
position (gateways.kafka.position). A crash, a broker outage or a lost connection therefore
ends in publishing part of a batch again, never in a gap; consumers drop the repeats by the
CloudEvent id, which is derived from the event (aggregate id and version). Order per case
holds because a case's events share a key (one partition) and the producer is idempotent.

Index aggregates' events are read and passed over (never published), and the position moves
past them like any other. See docs/decisions/0010-cloudevents-relay-position.md.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from domain.application import CaseService
from gateways.kafka.cloudevents import (
    FactsCache,
    facts_of_created,
    is_published,
    to_message,
    unpublished_topics,
)
from gateways.kafka.position import RelayPosition, open_position
from gateways.kafka.topics import ensure_topics, producer
from gateways.settings import Settings

log = logging.getLogger(__name__)

BATCH = 5000
POLL_SECONDS = 0.05
FLUSH_SLICE = 1.0  # how long one wait for acknowledgements lasts before looking at stop()
IN_FLIGHT_BATCHES = 4
STALL_SECONDS = 30.0
BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)


class RelayStalled(Exception):
    """The broker acknowledged nothing for too long: the relay starts over."""


class RelayStopped(Exception):
    """Asked to stop while a batch was still unacknowledged: its position is not recorded."""


@dataclass
class RelayStats:
    """What the relay has done since it started: counts, position and store-to-ack lag."""

    published: int = 0
    passed_over: int = 0
    batches: int = 0
    restarts: int = 0
    position: int = 0
    last_error: str | None = None
    lags: deque[float] = field(default_factory=lambda: deque(maxlen=200_000))

    def lag_percentiles(self) -> dict[str, float]:
        """Seconds from an event's recording to the broker's acknowledgement."""
        values = sorted(self.lags)
        if not values:
            return {}

        def pick(q: float) -> float:
            return values[min(len(values) - 1, round(q * (len(values) - 1)))]

        return {
            "lag_p50_s": round(pick(0.50), 4),
            "lag_p99_s": round(pick(0.99), 4),
            "lag_max_s": round(values[-1], 4),
        }


@dataclass
class _Batch:
    """Records sent for store positions up to ``position``, not yet all acknowledged."""

    position: int
    futures: list[Any]
    recorded: list[float]

    def done(self) -> bool:
        return all(f.is_done for f in self.futures)

    def raise_failure(self) -> None:
        for future in self.futures:
            if future.failed():
                raise future.exception


class Relay:
    """One relay over one store. ``run`` until ``stop``; ``relay_batch`` for a single step."""

    def __init__(
        self,
        service: CaseService,
        settings: Settings,
        *,
        name: str | None = None,
        batch: int = BATCH,
        poll_seconds: float = POLL_SECONDS,
        producer_config: dict[str, Any] | None = None,
        stall_seconds: float = STALL_SECONDS,
        heartbeat: Callable[[], None] | None = None,
    ) -> None:
        if not settings.kafka_bootstrap:
            raise ValueError("the relay needs XINFANG_KAFKA_BOOTSTRAP")
        self.service = service
        self.settings = settings
        self.topic = settings.kafka_events_topic
        self.name = name or f"relay:{self.topic}"
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.producer_config = producer_config or {}
        self.stall_seconds = stall_seconds
        self.heartbeat = heartbeat or (lambda: None)
        self.stats = RelayStats()
        self._stopping = threading.Event()
        self._facts = FactsCache(self._first_event)
        self._position: RelayPosition | None = None
        self._producer: KafkaProducer | None = None
        self._sent_position = 0
        self._passed_over_topics = unpublished_topics()
        self._in_flight: deque[_Batch] = deque()

    # ------------------------------------------------------------------ lifecycle
    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        """Relay until stopped, starting over (from the recorded position) after any failure."""
        attempt = 0
        while not self.stopping:
            try:
                if self.open():
                    attempt = 0
                    self._follow()
            except RelayStopped:
                break
            except Exception as error:  # the broker or the database: start over, lose nothing
                self.stats.restarts += 1
                self.stats.last_error = repr(error)
                log.warning("relay starts over after %r", error)
                self._stopping.wait(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                attempt += 1
            finally:
                self.close()

    def open(self) -> bool:
        """Take the lead, load the position, make a producer (False: stopped meanwhile)."""
        self._position = open_position(self.settings, self.name)
        if not self._position.lead(self._stopping.is_set):
            return False
        self.stats.position = self._sent_position = self._position.load()
        self._in_flight.clear()
        try:
            ensure_topics(self.settings, timeout=5.0)
        except KafkaError as error:  # production creates topics ahead; not fatal here
            log.warning("could not check topics: %r", error)
        self._producer = producer(self.settings, **self.producer_config)
        return True

    def close(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=0)
            except Exception as error:  # closing a broken producer must not mask the cause
                log.debug("closing producer: %r", error)
            self._producer = None
        if self._position is not None:
            try:
                self._position.close()
            except Exception as error:
                log.debug("closing position: %r", error)
            self._position = None

    def _follow(self) -> None:
        while not self.stopping:
            self.heartbeat()
            if self.relay_batch() == 0:
                self._stopping.wait(self.poll_seconds)
        self._drain()

    def _drain(self, seconds: float = 5.0) -> None:
        """On a clean stop, give the batches in flight a moment and record those acknowledged
        (what is not is simply published again next time)."""
        if self._producer is None or not self._in_flight:
            return
        with contextlib.suppress(KafkaTimeoutError):
            self._producer.flush(timeout=seconds)
        self._settle(wait_all=False, keep=len(self._in_flight))

    # ------------------------------------------------------------------ one batch
    def relay_batch(self) -> int:
        """Send the next batch; record the position of every earlier batch the broker has
        acknowledged in full. While batches are in flight the next one is read and sent
        (the producer keeps them in order), so reading the store overlaps the broker's work.

        Returns how many store positions it read (0: nothing new; then it waits until every
        batch in flight is acknowledged and recorded)."""
        count = self._send_next()
        self._settle(wait_all=count == 0, keep=IN_FLIGHT_BATCHES)
        return count

    def _send_next(self) -> int:
        assert self._producer is not None
        notifications = self.service.store.recorder.select_notifications(
            start=self._sent_position, limit=self.batch, inclusive_of_start=False
        )
        if not notifications:
            return 0
        futures: list[Any] = []
        recorded: list[float] = []
        for notification in notifications:
            if notification.topic in self._passed_over_topics:
                self.stats.passed_over += 1
                continue
            event = self.service.store.mapper.to_domain_event(notification)
            created = facts_of_created(event)
            if created is not None:
                self._facts.learn(event.originator_id, created)
            if not is_published(event):
                self.stats.passed_over += 1
                continue
            message = to_message(event, notification.id, self._facts.get(event.originator_id))
            futures.append(
                self._producer.send(
                    self.topic, key=message.key, value=message.value, headers=message.headers
                )
            )
            recorded.append(event.timestamp.timestamp())
        self._sent_position = notifications[-1].id
        self._in_flight.append(_Batch(self._sent_position, futures, recorded))
        return len(notifications)

    def _settle(self, *, wait_all: bool, keep: int) -> None:
        """Record the position of each leading batch that is acknowledged in full; wait for
        the oldest while more than ``keep`` are in flight (or for all of them)."""
        assert self._position is not None
        while self._in_flight:
            head = self._in_flight[0]
            if not head.done():
                if not wait_all and len(self._in_flight) <= keep:
                    return
                self._await(head)
            head.raise_failure()
            self._position.save(head.position)
            acked = time.time()
            self._in_flight.popleft()
            self.stats.position = head.position
            self.stats.published += len(head.futures)
            self.stats.batches += 1
            self.stats.lags.extend(acked - t for t in head.recorded)

    def _await(self, batch: _Batch) -> None:
        """Block until the broker answered for the batch, looking at stop() now and then:
        during an outage the producer retries, in order, for as long as it lasts."""
        began = time.monotonic()
        for future in batch.futures:
            while not future.is_done:
                if self.stopping:
                    raise RelayStopped
                if time.monotonic() - began > self.stall_seconds:
                    # A restarted broker may have forgotten the topic or this producer:
                    # start over with a new producer from the acknowledged position.
                    raise RelayStalled(f"no acknowledgement for {self.stall_seconds:.0f} s")
                with contextlib.suppress(KafkaTimeoutError):
                    future.get(timeout=FLUSH_SLICE)

    def _first_event(self, originator_id: UUID) -> Any:
        events = list(self.service.store.events.get(originator_id, lte=1))
        return events[0] if events else None


class RelayThread:
    """The relay inside the API process (the embedded default with a broker configured)."""

    def __init__(self, service: CaseService, settings: Settings, **options: Any) -> None:
        self.relay = Relay(service, settings, **options)
        self._thread = threading.Thread(target=self.relay.run, name="xinfang-relay", daemon=True)

    @property
    def stats(self) -> RelayStats:
        return self.relay.stats

    def start(self) -> RelayThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.relay.stop()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
