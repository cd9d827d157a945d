"""Intake against a real broker (Tansu) and the real stores: each message registers exactly
once, a message that cannot be registered lands on the DLQ with its reason, nothing is lost."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from domain.acts import SYSTEM
from domain.errors import MESSAGES
from domain.index import external_case_id
from gateways.kafka.intake import Intake, position_name
from gateways.kafka.topics import ensure_topics
from gateways.settings import Settings
from tests.scenario_support import COUNTY_BUREAU, VILLAGE_1_CODE, World
from tests.support.broker import Broker

pytestmark = pytest.mark.broker


def intake_settings(world: World, broker: Broker) -> Settings:
    tag = uuid.uuid4().hex[:10]
    settings = world.settings.model_copy(
        update={
            "kafka_bootstrap": broker.bootstrap,
            "kafka_events_topic": f"events-{tag}",
            "kafka_intake_topic": f"intake-{tag}",
            "kafka_dlq_topic": f"dlq-{tag}",
        }
    )
    ensure_topics(settings)
    return settings


def submission(external_id: str, n: int, **overrides: Any) -> dict[str, Any]:
    """A 12345-hotline call, as the hotline's system submits it."""
    body: dict[str, Any] = {
        "external_id": external_id,
        "source": "12345-hotline",
        "channel": "phone",
        "category": "appeal",
        "division_code": VILLAGE_1_CODE,
        "subject": "拖欠工资",
        "content": "反映用人单位拖欠三个月工资。",
        "matter_kind": "wage_arrears",
        "petitioners": [
            {"name": f"钱{n}", "id_number": f"3301061985{n:08d}", "phone": "13600000000"}
        ],
        "received_by_unit": COUNTY_BUREAU,
        "occurred_at": "2026-03-02T09:30:00+08:00",
    }
    body.update(overrides)
    return body


def send(settings: Settings, *messages: dict[str, Any] | bytes, key: bytes = b"hotline") -> None:
    """Publish in this order (one key, so one partition and one order)."""
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    try:
        for m in messages:
            value = m if isinstance(m, bytes) else json.dumps(m, ensure_ascii=False).encode()
            producer.send(settings.kafka_intake_topic, key=key, value=value)
        producer.flush(10)
    finally:
        producer.close()


def drain(intake: Intake, count: int, timeout: float = 30.0) -> int:
    """Poll until ``count`` messages were handled (or the time is up); returns how many."""
    handled = 0
    deadline = time.monotonic() + timeout
    while handled < count and time.monotonic() < deadline:
        handled += intake.poll_once(timeout_ms=100)
    return handled


def dead_letters(settings: Settings, count: int, timeout: float = 15.0) -> list[Any]:
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=None)
    try:
        tp = TopicPartition(settings.kafka_dlq_topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        while len(records) < count and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def cases(world: World) -> int:
    return len(list(world.service.case_ids()))


def test_a_message_delivered_twice_registers_once(world: World, broker: Broker) -> None:
    settings = intake_settings(world, broker)
    before = cases(world)
    send(
        settings, submission("hotline-1", 1), submission("hotline-1", 1), submission("hotline-2", 2)
    )
    intake = Intake(world.service, settings)
    intake.open()
    try:
        assert drain(intake, 3) == 3
    finally:
        intake.close()
    assert intake.counts["registered"] == 2
    assert intake.counts["duplicates"] == 1
    assert cases(world) == before + 2

    case = world.service.case(external_case_id("hotline-1"), SYSTEM)
    assert case.received_by == COUNTY_BUREAU
    history = world.service.history(case.id, SYSTEM)
    assert history[0].actor["official_id"] == "intake:12345-hotline"
    assert history[0].occurred_at.isoformat() == "2026-03-02T09:30:00+08:00"
    positions = [
        world.service.store.upstream_position(position_name(settings.kafka_intake_topic, p))
        for p in range(3)
    ]
    assert sorted(p for p in positions if p is not None) == [3]


def test_poison_messages_go_to_the_dlq_with_their_reason(world: World, broker: Broker) -> None:
    settings = intake_settings(world, broker)
    before = cases(world)
    send(
        settings,
        b"\xff not json",
        submission("bad-2", 2, subject=""),
        submission("bad-3", 3, received_by_unit="nowhere-bureau"),
        submission("bad-4", 4, channel="visit", people_count=30, representatives=6),
        submission("good-5", 5),
    )
    intake = Intake(world.service, settings)
    intake.open()
    try:
        assert drain(intake, 5) == 5
    finally:
        intake.close()
    assert intake.counts == {"dead_lettered": 4, "registered": 1}
    assert cases(world) == before + 1

    letters = dead_letters(settings, 4)
    bodies = [json.loads(r.value) for r in letters]
    codes = [b["reason"]["code"] for b in bodies]
    assert codes == [
        "INTAKE_MALFORMED",
        "INTAKE_FIELD_MISSING",
        "UNKNOWN_UNIT",
        "TOO_MANY_REPRESENTATIVES",
    ]
    assert [dict(r.headers)["xinfang-error-code"].decode() for r in letters] == codes
    assert bodies[2]["reason"]["message"] == MESSAGES["UNKNOWN_UNIT"]
    assert bodies[3]["reason"]["message"] == MESSAGES["TOO_MANY_REPRESENTATIVES"]
    assert bodies[1]["reason"]["details"] == {"field": "subject"}
    assert [b["source"]["offset"] for b in bodies] == [0, 1, 2, 3]
    assert bodies[0]["message_encoding"] == "base64"
    assert json.loads(bodies[3]["message"])["external_id"] == "bad-4"

    # a restarted consumer starts after them: none is dead-lettered or registered again
    again = Intake(world.service, settings)
    again.open()
    try:
        assert drain(again, 1, timeout=2) == 0
    finally:
        again.close()
    assert len(dead_letters(settings, 5, timeout=2)) == 4


def test_a_restarted_consumer_resumes_where_the_store_says(world: World, broker: Broker) -> None:
    settings = intake_settings(world, broker)
    before = cases(world)
    send(settings, *(submission(f"portal-{n}", n) for n in range(3)), key=b"portal")
    first = Intake(world.service, settings)
    runner = threading.Thread(target=first.run)
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while first.counts["registered"] < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        first.stop()
        runner.join(10)
    assert first.counts["registered"] == 3

    send(settings, *(submission(f"portal-{n}", n) for n in range(3, 5)), key=b"portal")
    second = Intake(world.service, settings)
    second.open()
    try:
        assert drain(second, 2) == 2
        assert drain(second, 1, timeout=1) == 0
    finally:
        second.close()
    assert second.counts == {"registered": 2}
    assert cases(world) == before + 5
