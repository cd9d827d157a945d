"""The relay against a real broker (Tansu) and the real stores: every event, in store order
per case, masked, and nothing lost when the relay is killed or the broker goes down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from domain.chain import event_id
from gateways.kafka.cloudevents import is_published
from gateways.kafka.relay import Relay, RelayThread
from gateways.settings import Settings
from tests.scenario_support import COUNTY_BUREAU, COUNTY_DI, TOWN_1, TOWN_2, World
from tests.support.broker import Broker, free_port

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------ helpers
def relay_settings(world: World, bootstrap: str) -> Settings:
    return world.settings.model_copy(
        update={
            "kafka_bootstrap": bootstrap,
            "kafka_events_topic": f"events-{uuid.uuid4().hex[:10]}",
        }
    )


def make_cases(world: World, count: int, first: int = 0) -> None:
    """``count`` appeals by different petitioners, each registered, transferred, accepted."""
    for i in range(first, first + count):
        case_id = world.register(
            petitioners=[
                {"name": "李四", "id_number": f"330106198001{i:06d}", "phone": "13900001111"}
            ]
        )
        world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
        world.act(case_id, TOWN_1, "accept", path="6")


def published_in_store(world: World) -> list[tuple[int, str, str]]:
    """(position, event id, case id) of every event the relay must publish, in store order."""
    service = world.service
    found: list[tuple[int, str, str]] = []
    start = 0
    while True:
        batch = service.store.recorder.select_notifications(
            start=start, limit=1000, inclusive_of_start=False
        )
        for n in batch:
            event = service.store.mapper.to_domain_event(n)
            if is_published(event):
                found.append(
                    (
                        n.id,
                        str(event_id(n.originator_id, n.originator_version)),
                        str(n.originator_id),
                    )
                )
        if len(batch) < 1000:
            return found
        start = batch[-1].id


def consume(bootstrap: str, topic: str, until: int, timeout: float = 30.0) -> list[Any]:
    """Every record of ``topic`` from the beginning, until ``until`` distinct ids are seen."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        deadline = time.monotonic() + timeout
        partitions = None
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                time.sleep(0.1)
        if not partitions:
            return []  # not created yet
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        records: list[Any] = []
        seen: set[str] = set()
        while len(seen) < until and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                for record in batch:
                    records.append(record)
                    seen.add(json.loads(record.value)["id"])
        return records
    finally:
        consumer.close()


def check_order(records: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Per key (case), drop repeats by id and check store order; return the events per case."""
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[str] = set()
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        body = json.loads(record.value)
        assert record.key.decode() == body["subject"]
        if body["id"] in seen:
            continue
        seen.add(body["id"])
        assert len(body["division"]) == 12 and body["division"].isdigit(), body
        by_key[body["subject"]].append(body)
    for key, events in by_key.items():
        sequence = [int(e["sequence"]) for e in events]
        assert sequence == sorted(sequence), f"case {key} out of store order: {sequence}"
        versions = [e["data"]["version"] for e in events]
        assert versions == sorted(versions)
    return by_key


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def relay_process(settings: Settings, batch: int | None) -> subprocess.Popen[bytes]:
    """``xinfang relay`` as its own process (with a small batch when the test needs one)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")},
        "XINFANG_KAFKA_BOOTSTRAP": settings.kafka_bootstrap or "",
        "XINFANG_KAFKA_EVENTS_TOPIC": settings.kafka_events_topic,
    }
    if settings.database_url:
        env["XINFANG_DATABASE_URL"] = settings.database_url
    else:
        env["XINFANG_SQLITE_PATH"] = settings.sqlite_path
    if batch is None:
        code = (
            "from gateways.commands.relay import run_relay\n"
            "from gateways.settings import Settings\n"
            "raise SystemExit(run_relay(Settings.from_env()))"
        )
    else:
        code = (
            "from gateways.kafka.relay import Relay\n"
            "from gateways.settings import Settings\n"
            "from gateways.wiring import build_service\n"
            "s = Settings.from_env()\n"
            f"Relay(build_service(s), s, batch={batch}, producer_config={{'linger_ms': 100}}).run()"
        )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)


# ------------------------------------------------------------------------ tests
def test_every_event_reaches_the_topic_in_store_order_when_the_relay_is_killed_midway(
    world: World, broker: Broker
) -> None:
    make_cases(world, 120)
    settings = relay_settings(world, broker.bootstrap)
    expected = published_in_store(world)
    assert len(expected) > 300

    first = relay_process(settings, batch=5)
    try:
        wait_for(
            lambda: (
                len(consume(broker.bootstrap, settings.kafka_events_topic, 20, timeout=1)) >= 20
            ),
            60,
            "the first relay to publish",
        )
    finally:
        first.send_signal(signal.SIGKILL)  # a crash: no flush, no goodbye
        first.wait(10)
    killed_at = len(consume(broker.bootstrap, settings.kafka_events_topic, 10**9, timeout=1))
    assert killed_at < len(expected), "the relay finished before it could be killed"

    make_cases(world, 10, first=1000)  # events stored while no relay runs
    expected = published_in_store(world)
    second = relay_process(settings, batch=None)
    try:
        records = consume(broker.bootstrap, settings.kafka_events_topic, len(expected), 60)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(20) == 0

    ids = [json.loads(r.value)["id"] for r in records]
    assert set(ids) == {e for _, e, _ in expected}
    # It resumed where the broker had acknowledged, not from the start: at most the batches
    # in flight at the kill (5 of 5 events) are published twice.
    assert len(ids) - len(set(ids)) <= 50
    by_case = check_order(records)
    for case_id in {c for _, _, c in expected}:
        mine = [p for p, _, c in expected if c == case_id]
        assert [int(e["sequence"]) for e in by_case[case_id]] == mine


def test_the_relay_keeps_running_through_a_broker_restart(world: World) -> None:
    with Broker(port=free_port()) as own:
        settings = relay_settings(world, own.bootstrap)
        relay = RelayThread(world.service, settings, stall_seconds=3).start()
        try:
            make_cases(world, 20)
            top = world.top()
            wait_for(lambda: relay.stats.position >= top, 30, "the relay to catch up")
            acknowledged = relay.stats.position

            own.stop()  # memory storage: what it held is gone with it
            make_cases(world, 15, first=100)  # stored during the outage
            time.sleep(1.0)
            own.start()
            make_cases(world, 5, first=200)  # stored after the broker came back

            expected = [e for e in published_in_store(world) if e[0] > acknowledged]
            records = consume(own.bootstrap, settings.kafka_events_topic, len(expected), 60)
            assert relay.alive
        finally:
            relay.stop()
    ids = {json.loads(r.value)["id"] for r in records}
    assert ids >= {e for _, e, _ in expected}
    assert relay.stats.restarts >= 1
    by_case = check_order(records)
    for case_id in {c for _, _, c in expected}:
        mine = [p for p, _, c in expected if c == case_id]
        got = [int(e["sequence"]) for e in by_case[case_id]]
        assert got[-len(mine) :] == mine


def test_published_events_are_masked_and_accusations_withheld(world: World, broker: Broker) -> None:
    appeal = world.register(subject="征地补偿，联系电话13812345678")
    accusation = world.register(
        category="accusation",
        subject="举报村干部侵占补偿款",
        content="举报王五在征地中侵占补偿款。",
        accused_unit_id=TOWN_2,
        accused_persons=["王五"],
        petitioners=[{"name": "赵六", "id_number": "330106199001015678", "phone": "13700001111"}],
        matter_kind="misconduct",
    )
    world.act(
        accusation, COUNTY_BUREAU, "route", channel="discipline_inspection", to_unit_id=COUNTY_DI
    )
    settings = relay_settings(world, broker.bootstrap)
    expected = published_in_store(world)
    relay = Relay(world.service, settings)
    assert relay.open()
    try:
        while relay.relay_batch():
            pass
    finally:
        relay.close()
    # index events (serial numbers, petitioner files) are passed over, yet the position moves on
    assert relay.stats.position == world.top()
    assert relay.stats.passed_over > 0
    records = consume(broker.bootstrap, settings.kafka_events_topic, len(expected))
    bodies = {json.loads(r.value)["id"]: json.loads(r.value) for r in records}
    assert set(bodies) == {e for _, e, _ in expected}
    headers = dict(records[0].headers)
    assert headers["content-type"].startswith(b"application/cloudevents+json")

    registered = next(
        b for b in bodies.values() if b["subject"] == str(appeal) and b["data"]["version"] == 1
    )
    assert registered["specversion"] == "1.0"
    assert registered["type"] == "cn.gov.xinfang.petition.registered"
    assert registered["source"] == "/xinfang/petitions"
    assert registered["division"] == "330106001001"
    assert registered["datacontenttype"] == "application/json"
    assert registered["id"] == str(event_id(appeal, 1))
    text = json.dumps(registered, ensure_ascii=False)
    assert registered["data"]["petitioners"] == [
        {"name": "张**", "id_number": "330106********1234", "phone": "138****0000"}
    ]
    for secret in ("张三丰", "330106198001011234", "13812345678", "query_code_hash", "未足额发放"):
        assert secret not in text
    assert "content" not in registered["data"]

    accused = [b for b in bodies.values() if b["subject"] == str(accusation)]
    assert [b["type"] for b in accused] == [
        "cn.gov.xinfang.petition.registered",
        "cn.gov.xinfang.petition.routed",
    ]
    for body in accused:
        text = json.dumps(body, ensure_ascii=False)
        for secret in ("王五", "赵", "侵占", TOWN_2, "13700001111", "discipline_inspection"):
            assert secret not in text, secret
        assert body["data"]["category"] == "accusation"
        assert body["division"] == "330106001001"
    assert accused[1]["data"]["to_unit_id"] == COUNTY_DI

    units = [b for b in bodies.values() if b["source"] == "/xinfang/units"]
    assert units and all(b["type"] == "cn.gov.xinfang.unit.registered" for b in units)


def test_a_second_relay_on_the_same_store_waits_as_a_standby(world: World, broker: Broker) -> None:
    settings = relay_settings(world, broker.bootstrap)
    active = Relay(world.service, settings)
    standby = Relay(world.service, settings)
    assert active.open()
    try:
        took_lead: list[bool] = []
        waiting = threading.Thread(target=lambda: took_lead.append(standby.open()))
        waiting.start()
        time.sleep(1.5)
        assert took_lead == []  # still waiting for the lead
        active.close()
        waiting.join(10)
        assert took_lead == [True]
    finally:
        active.close()
        standby.stop()
        standby.close()
