"""The three topics, the producer and consumer settings every piece shares, and topic creation.

Production creates topics ahead of time (deploy/kafka/topics.sh, with the partitions and
retention chosen there); ``ensure_topics`` only creates the ones that are missing, with
modest defaults, so that the embedded default and a developer's broker work out of the box.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.partitioner.default import DefaultPartitioner, murmur2

from gateways.settings import Settings

log = logging.getLogger(__name__)

CLIENT_ID = "xinfang"


@dataclass(frozen=True)
class TopicPlan:
    name: str
    partitions: int
    config: dict[str, str]


def topic_plans(settings: Settings) -> list[TopicPlan]:
    """What each topic needs; deploy/kafka/topics.sh says the same for production."""
    return [
        # Keyed by case id: more partitions spread consumers, order holds per case.
        TopicPlan(
            settings.kafka_events_topic,
            6,
            {"cleanup.policy": "delete", "retention.ms": str(30 * 24 * 3600 * 1000)},
        ),
        TopicPlan(
            settings.kafka_intake_topic,
            3,
            {"cleanup.policy": "delete", "retention.ms": str(14 * 24 * 3600 * 1000)},
        ),
        # Dead letters wait for a person: keep them long.
        TopicPlan(
            settings.kafka_dlq_topic,
            1,
            {"cleanup.policy": "delete", "retention.ms": str(365 * 24 * 3600 * 1000)},
        ),
    ]


def ensure_topics(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create whichever of the topics is missing; returns the names created."""
    assert settings.kafka_bootstrap
    deadline = time.monotonic() + timeout
    while True:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=settings.kafka_bootstrap,
                client_id=f"{CLIENT_ID}-admin",
                request_timeout_ms=5000,
            )
            try:
                return _create_missing(admin, topic_plans(settings))
            finally:
                admin.close()
        except KafkaError as error:
            if time.monotonic() > deadline:
                raise
            log.warning("broker not ready for topic creation (%r); retrying", error)
            time.sleep(1.0)


def _create_missing(admin: KafkaAdminClient, plans: list[TopicPlan]) -> list[str]:
    existing = set(admin.list_topics())
    created: list[str] = []
    for plan in plans:
        if plan.name in existing:
            continue
        try:
            admin.create_topics(
                {
                    plan.name: {
                        "num_partitions": plan.partitions,
                        "replication_factor": 1,
                        "configs": plan.config,
                    }
                },
                wait_for_metadata=True,
            )
            created.append(plan.name)
        except TopicAlreadyExistsError:
            continue
    return created


class KeyedPartitioner(DefaultPartitioner):
    """Java's murmur2 partitioning (so any client puts a case on the same partition),
    remembered per key: a case's events share a key, and the pure-Python hash costs more
    than the rest of a send."""

    def __init__(self, remember: int = 100_000) -> None:
        self._remember = remember
        self._chosen: dict[tuple[str, bytes, int], int] = {}

    def partition(
        self,
        topic: str,
        key: Any,
        serialized_key: bytes | None,
        value: Any,
        serialized_value: Any,
        cluster: Any,
    ) -> int:
        if serialized_key is None:
            return int(super().partition(topic, key, None, value, serialized_value, cluster))
        partitions = sorted(cluster.partitions_for_topic(topic) or ())
        if not partitions:
            raise ValueError(f"topic {topic} not found in the cluster metadata")
        known = (topic, serialized_key, len(partitions))
        chosen = self._chosen.get(known)
        if chosen is None:
            chosen = partitions[(murmur2(serialized_key) & 0x7FFFFFFF) % len(partitions)]
            if len(self._chosen) >= self._remember:
                self._chosen.clear()
            self._chosen[known] = chosen
        return chosen


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer that loses nothing and keeps order per partition.

    acks=all and idempotence: a retried batch is written once and never overtakes an
    earlier one. The delivery timeout is long so that a broker outage makes the producer
    wait and retry in order rather than fail part of a batch.
    """
    config: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "client_id": f"{CLIENT_ID}-producer",
        "acks": "all",
        "enable_idempotence": True,
        "max_in_flight_requests_per_connection": 5,
        "linger_ms": 5,
        "batch_size": 256 * 1024,
        "retry_backoff_ms": 200,
        "request_timeout_ms": 10_000,
        "delivery_timeout_ms": 3_600_000,
        "reconnect_backoff_max_ms": 2_000,
        "max_block_ms": 10_000,
        "partitioner": KeyedPartitioner(),
    }
    config.update(overrides)
    return KafkaProducer(**config)


def consumer(settings: Settings, **overrides: Any) -> KafkaConsumer:
    """A consumer without a group: partitions are assigned by hand and positions are kept in
    the database (a group join on some brokers takes tens of seconds, and Kafka's own
    offsets could not be committed in the same transaction as the registration)."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "client_id": f"{CLIENT_ID}-consumer",
        "group_id": None,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "reconnect_backoff_max_ms": 2_000,
        "request_timeout_ms": 10_000,
        "isolation_level": "read_committed",
    }
    config.update(overrides)
    return KafkaConsumer(**config)
