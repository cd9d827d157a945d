"""Intake: petitions submitted by other systems (a 12345 hotline, a web portal) on
``xinfang.intake``, registered exactly once each.

Partitions are assigned by hand and each partition's position is the store's own tracking
record, written in the same transaction as the registration (``CaseService.register`` with
``tracking``). After a crash the consumer seeks to the recorded positions, so a message is
neither lost nor registered twice; a message that is redelivered anyway (two consumers, a
reset) finds its case by ``external_id`` and registers nothing.

A message that cannot be registered (malformed, an unknown unit, a rule of the regulation)
goes to ``xinfang.intake.dlq`` with the reason. The dead letter is acknowledged by the broker
*before* the position moves past the message: a crash in between can repeat a dead letter
(its source topic, partition and offset say it is the same one), never lose it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from domain.acts import Actor
from domain.application import CaseService
from domain.commands import Register
from domain.errors import DomainError, invalid
from domain.units import Directory, area_prefix
from gateways.kafka.topics import consumer, ensure_topics, producer
from gateways.settings import Settings

log = logging.getLogger(__name__)

INTAKE_NAME = "信访信息系统（接入）"
POLL_MS = 200
BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)
# Refusals that say nothing about the message: retried, never dead-lettered.
TRANSIENT = frozenset({"CONCURRENT_UPDATE"})

_TEXT_FIELDS = (
    "external_id",
    "source",
    "channel",
    "category",
    "division_code",
    "subject",
    "content",
    "matter_kind",
    "received_by_unit",
)


@dataclass(frozen=True)
class Submission:
    """One intake message, checked: who sent it, which unit receives it, the matter."""

    source: str
    received_by_unit: str
    registration: Register


def position_name(topic: str, partition: int) -> str:
    """The tracking name of one partition: what ``upstream_position`` is asked for."""
    return f"kafka:{topic}:{partition}"


def parse_submission(raw: bytes | None) -> Submission:
    """The message as a registration, or InvalidInput saying what is wrong with it."""
    try:
        body = json.loads(raw or b"")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid("INTAKE_MALFORMED", "接入消息不是有效的JSON") from None
    if not isinstance(body, dict):
        raise invalid("INTAKE_MALFORMED", "接入消息应为JSON对象")
    for name in _TEXT_FIELDS:
        value = body.get(name)
        if not isinstance(value, str) or not value.strip():
            raise invalid("INTAKE_FIELD_MISSING", "接入消息缺少必填字段或字段为空", field=name)
    petitioners = body.get("petitioners", [])
    if not isinstance(petitioners, list) or not all(
        isinstance(p, dict) and all(isinstance(v, str) for v in p.values()) for p in petitioners
    ):
        raise invalid("INTAKE_FIELD_INVALID", "接入消息字段格式错误", field="petitioners")
    return Submission(
        source=body["source"],
        received_by_unit=body["received_by_unit"],
        registration=Register(
            channel=body["channel"],
            category=body["category"],
            division_code=body["division_code"],
            subject=body["subject"],
            content=body["content"],
            matter_kind=body["matter_kind"],
            petitioners=[dict(p) for p in petitioners],
            anonymous=_typed(body, "anonymous", bool, False),
            people_count=_typed(body, "people_count", int, 1),
            representatives=_typed(body, "representatives", int, 0),
            signatures=_typed(body, "signatures", int, 0),
            accused_unit_id=_typed(body, "accused_unit_id", str, None),
            accused_persons=_names(body),
            external_id=body["external_id"],
            occurred_at=_occurred_at(body),
        ),
    )


def _typed(body: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise invalid("INTAKE_FIELD_INVALID", "接入消息字段格式错误", field=name)
    return value


def _names(body: dict[str, Any]) -> list[str]:
    names = body.get("accused_persons") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise invalid("INTAKE_FIELD_INVALID", "接入消息字段格式错误", field="accused_persons")
    return names


def _occurred_at(body: dict[str, Any]) -> datetime | None:
    value = _typed(body, "occurred_at", str, None)
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise invalid("INTAKE_FIELD_INVALID", "接入消息字段格式错误", field="occurred_at") from None
    if when.tzinfo is None:
        raise invalid("OCCURRED_AT_NAIVE", "时间必须带有时区", occurred_at=value)
    return when


def intake_actor(directory: Directory, source: str, unit_id: str) -> Actor:
    """The system acting for the receiving unit, named for the channel it came through."""
    unit = directory.get(unit_id)  # an unknown unit is refused (UNKNOWN_UNIT)
    return Actor(
        official_id=f"intake:{source}",
        name=INTAKE_NAME,
        unit_id=unit.unit_id,
        roles=frozenset({"registrar"}),
        jurisdiction=area_prefix(unit.division_code),
    )


def dead_letter(record: Any, error: DomainError) -> bytes:
    """The DLQ record: the reason, where the message came from, and the message itself."""
    try:
        original: Any = (record.value or b"").decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        original = base64.b64encode(record.value).decode("ascii")
        encoding = "base64"
    body = {
        "reason": error.as_dict(),
        "source": {"topic": record.topic, "partition": record.partition, "offset": record.offset},
        "message": original,
        "message_encoding": encoding,
        "dead_lettered_at": datetime.now(UTC).isoformat(),
    }
    return json.dumps(body, ensure_ascii=False).encode()


class Intake:
    """The consumer of ``xinfang.intake``: ``run`` until ``stop``; ``poll_once`` for one step."""

    def __init__(
        self,
        service: CaseService,
        settings: Settings,
        heartbeat: Callable[[], None] | None = None,
    ) -> None:
        if not settings.kafka_bootstrap:
            raise ValueError("intake needs XINFANG_KAFKA_BOOTSTRAP")
        self.service = service
        self.settings = settings
        self.topic = settings.kafka_intake_topic
        self.dlq_topic = settings.kafka_dlq_topic
        self.counts: Counter[str] = Counter()
        self.heartbeat = heartbeat or (lambda: None)
        self._stopping = threading.Event()
        self._consumer: KafkaConsumer | None = None
        self._dlq: KafkaProducer | None = None

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        attempt = 0
        while not self.stopping:
            try:
                self.open()
                attempt = 0
                while not self.stopping:
                    self.heartbeat()
                    self.poll_once()
            except Exception as error:  # the broker or the database: reopen, re-seek, go on
                self.counts["restarts"] += 1
                log.warning("intake starts over after %r", error)
                self._stopping.wait(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                attempt += 1
            finally:
                self.close()

    def open(self) -> None:
        """Assign every partition and seek each to the position recorded in the store."""
        try:
            ensure_topics(self.settings, timeout=5.0)
        except Exception as error:  # production creates topics ahead; not fatal here
            log.warning("could not check topics: %r", error)
        self._consumer = consumer(self.settings)
        partitions = self._consumer.partitions_for_topic(self.topic)
        if not partitions:
            raise RuntimeError(f"topic {self.topic} has no partitions (yet)")
        assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(assigned)
        for tp in assigned:
            position = self.service.store.upstream_position(position_name(tp.topic, tp.partition))
            if position is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, position)
        self._dlq = producer(self.settings, linger_ms=0)

    def close(self) -> None:
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                self._consumer.close()
            self._consumer = None
        if self._dlq is not None:
            with contextlib.suppress(Exception):
                self._dlq.close(timeout=5)
            self._dlq = None

    def poll_once(self, timeout_ms: int = POLL_MS) -> int:
        """Handle what one poll brings, in offset order per partition; returns how many."""
        assert self._consumer is not None
        batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=500)
        handled = 0
        for records in batches.values():
            for record in records:
                self.counts[self.handle(record)] += 1
                handled += 1
        return handled

    def handle(self, record: Any) -> str:
        """Register one message (or dead-letter it); the position moves past it either way."""
        tracking = Tracking(position_name(record.topic, record.partition), record.offset + 1)
        try:
            submission = parse_submission(record.value)
            actor = intake_actor(
                self.service.directory, submission.source, submission.received_by_unit
            )
            registered = self.service.register(actor, submission.registration, tracking=tracking)
        except DomainError as error:
            if error.code in TRANSIENT:
                raise  # not the message's fault: start over and try it again
            self._dead_letter(record, error)
            return "dead_lettered"
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            # Content the checks above let through but registration cannot take: one such
            # message must not stop every message behind it.
            log.exception("intake message %s/%d@%d", record.topic, record.partition, record.offset)
            self._dead_letter(
                record,
                invalid("INTAKE_REJECTED", "接入消息无法登记", error=type(error).__name__),
            )
            return "dead_lettered"
        return "registered" if registered.created else "duplicates"

    def _dead_letter(self, record: Any, error: DomainError) -> None:
        assert self._dlq is not None
        headers = [
            ("xinfang-error-code", error.code.encode()),
            ("content-type", b"application/json"),
        ]
        future = self._dlq.send(
            self.dlq_topic, key=record.key, value=dead_letter(record, error), headers=headers
        )
        future.get(timeout=60)  # acknowledged before the position moves: nothing is lost
        self.service.store.record_position(  # a redelivery's position is recorded already
            Tracking(position_name(record.topic, record.partition), record.offset + 1)
        )
        log.info(
            "dead-lettered %s/%d@%d: %s", record.topic, record.partition, record.offset, error.code
        )
