"""The one-round-trip insert (``gateways.persistence.pg_recorder``) on the real PostgreSQL: positions come
back in the order of the events, a refused batch records nothing and leaves the connection
usable, and the library's table lock is still taken before the insert."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.application import CaseService
from gateways.persistence.pg_recorder import OneTripProcessRecorder
from gateways.settings import Settings
from gateways.store import connect
from gateways.wiring import build_service
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres

TABLE = "xinfang_events"
TOPIC = "tests.bench:Probe.Happened"


@pytest.fixture
def settings(pg_server: PostgresServer, pg_database: str) -> Settings:
    return Settings(database_url=pg_server.url(pg_database), pool_size=1)


@pytest.fixture
def service(settings: Settings) -> Iterator[CaseService]:
    built = build_service(settings)
    yield built
    built.close()


def events(*versions: tuple[uuid.UUID, int]) -> list[StoredEvent]:
    return [
        StoredEvent(originator_id=i, originator_version=v, topic=TOPIC, state=b'{"n": "50%"}')
        for i, v in versions
    ]


def stored_rows(settings: Settings, originator_id: uuid.UUID) -> list[tuple[int, int]]:
    with connect(settings) as conn:
        return conn.execute(
            f"SELECT originator_version, notification_id FROM {TABLE}"
            " WHERE originator_id = %s ORDER BY originator_version",
            (originator_id,),
        ).fetchall()


def test_the_service_writes_through_the_one_trip_recorder(service: CaseService) -> None:
    assert isinstance(service.store.recorder, OneTripProcessRecorder)


def test_positions_come_back_in_the_order_of_the_events(
    service: CaseService, settings: Settings
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    ids = service.store.recorder.insert_events(events((a, 1), (b, 1), (a, 2)))
    assert ids is not None and len(ids) == 3
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert stored_rows(settings, a) == [(1, ids[0]), (2, ids[2])]
    stored = service.store.recorder.select_events(b)
    assert [(s.originator_version, s.topic, s.state) for s in stored] == [
        (1, TOPIC, b'{"n": "50%"}')
    ]


def test_a_refused_batch_records_nothing_and_the_next_one_commits(
    service: CaseService, settings: Settings
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    service.store.recorder.insert_events(events((a, 1)))
    with pytest.raises(IntegrityError):
        service.store.recorder.insert_events(events((b, 1), (a, 1)))  # a@1 is taken
    assert stored_rows(settings, b) == []
    # One pooled connection: the same one must be clean for the next write.
    ids = service.store.recorder.insert_events(events((b, 1)))
    assert ids is not None and stored_rows(settings, b) == [(1, ids[0])]


def test_the_insert_waits_for_the_library_table_lock(
    service: CaseService, settings: Settings
) -> None:
    a = uuid.uuid4()
    done = threading.Event()
    with connect(settings) as holder:
        holder.execute("BEGIN")
        holder.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        writer = threading.Thread(
            target=lambda: (service.store.recorder.insert_events(events((a, 1))), done.set())
        )
        writer.start()
        time.sleep(0.5)
        assert not done.is_set()  # blocked on the lock, not written around it
        holder.execute("COMMIT")
    writer.join(10)
    assert done.is_set()
    assert [v for v, _ in stored_rows(settings, a)] == [1]
