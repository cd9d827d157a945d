"""Group commit: concurrent saves share a transaction, and a conflict fails only its own command.

An in-memory application stands for the store; the first transaction is held open until the
other savers have queued, so the grouping is deterministic, not a matter of timing luck.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from gateways.persistence.group_commit import GroupCommit


class Counter(Aggregate):
    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Counted")
    def add(self) -> None:
        self.count += 1


class Store(Application[UUID]):
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}  # noqa: RUF012


class HeldStore:
    """Records through ``Store``; the first transaction waits until ``release`` is set."""

    def __init__(self) -> None:
        self.app = Store()
        self.release = threading.Event()
        self.transactions: list[int] = []

    def record(self, processing: ProcessingEvent[Any]) -> list[Any]:
        if not self.transactions:
            self.release.wait(5)
        self.transactions.append(len(processing.events))
        return self.app._record(processing)


def save_in_threads(commits: GroupCommit, counters: list[Counter]) -> list[Any]:
    results: list[Any] = [None] * len(counters)

    def save(i: int) -> None:
        try:
            results[i] = commits.save(counters[i])
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(counters))]
    for t in threads:
        t.start()
        time.sleep(0.01)  # the first one leads and is held; the rest queue behind it
    return threads_joined(threads, results)


def threads_joined(threads: list[threading.Thread], results: list[Any]) -> list[Any]:
    for t in threads:
        t.join(5)
    return results


def test_an_uncontended_save_is_one_transaction_with_the_recordings_of_its_events() -> None:
    store = HeldStore()
    store.release.set()
    commits = GroupCommit(store.record)
    counter = Counter()
    counter.add()

    recordings = commits.save(counter)

    assert [type(r.domain_event).__name__ for r in recordings] == ["Started", "Counted"]
    assert [r.notification.id for r in recordings] == [1, 2]
    assert store.transactions == [2]
    assert store.app.repository.get(counter.id).count == 1


def test_saves_that_arrive_while_one_commits_share_the_next_transaction() -> None:
    store = HeldStore()
    commits = GroupCommit(store.record)
    counters = [Counter() for _ in range(8)]
    releaser = threading.Timer(0.3, store.release.set)
    releaser.start()

    results = save_in_threads(commits, counters)

    assert all(isinstance(r, list) and len(r) == 1 for r in results)
    assert store.transactions == [1, 7]  # the leader alone, then everyone queued behind it
    positions = sorted(r[0].notification.id for r in results)
    assert positions == list(range(1, 9))
    for counter, recorded in zip(counters, results, strict=True):
        assert recorded[0].domain_event.originator_id == counter.id
        assert counter.id in store.app.repository


def test_a_conflict_in_a_shared_transaction_fails_only_the_command_that_conflicted() -> None:
    store = HeldStore()
    commits = GroupCommit(store.record)
    first = Counter()
    store.app.save(first)
    store.transactions.clear()
    stale_a, stale_b = store.app.repository.get(first.id), store.app.repository.get(first.id)
    stale_a.add()
    stale_b.add()  # the same version as stale_a: only one of them can be stored
    others = [Counter(), Counter()]
    releaser = threading.Timer(0.3, store.release.set)
    releaser.start()

    results = save_in_threads(commits, [others[0], stale_a, stale_b, others[1]])

    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], IntegrityError)
    assert isinstance(results[1], list)  # the first of the pair in the shared batch won
    assert store.app.repository.get(first.id).count == 1
    assert all(c.id in store.app.repository for c in others)


def test_an_error_of_the_store_reaches_every_command_of_the_batch() -> None:
    def broken(processing: ProcessingEvent[Any]) -> list[Any]:
        raise OSError("disk gone")

    commits = GroupCommit(broken)
    with pytest.raises(OSError, match="disk gone"):
        commits.save(Counter())
    # the lead was handed back: the next save is served, not stuck
    with pytest.raises(OSError):
        commits.save(Counter())


def test_one_stale_command_among_many_costs_a_few_transactions_not_one_each() -> None:
    store = HeldStore()
    commits = GroupCommit(store.record)
    first = Counter()
    store.app.save(first)
    store.transactions.clear()
    stale = store.app.repository.get(first.id)
    first.add()
    store.app.save(first)  # another process moved the case on: ``stale`` is one version behind
    store.transactions.clear()
    stale.add()
    savers: list[Counter] = [Counter() for _ in range(16)]
    savers.insert(9, stale)
    releaser = threading.Timer(0.3, store.release.set)
    releaser.start()

    results = save_in_threads(commits, savers)

    assert [i for i, r in enumerate(results) if isinstance(r, Exception)] == [9]
    assert all(c.id in store.app.repository for c in savers if c is not stale)
    # The leader alone, the shared batch of 16 refused, then halving down to the stale one:
    # at most 2·log2(16) more, where writing each again alone would have cost 16.
    assert store.transactions[:2] == [1, 16]
    assert len(store.transactions) <= 2 + 2 * 4


def test_submitted_saves_are_written_by_the_committer_thread_and_shared_when_they_queue() -> None:
    store = HeldStore()
    commits = GroupCommit(store.record)
    caller = threading.get_ident()
    writers: list[int] = []
    original = store.record

    def record(processing: ProcessingEvent[Any]) -> list[Any]:
        writers.append(threading.get_ident())
        return original(processing)

    commits._record = record
    counters = [Counter() for _ in range(5)]
    futures = [commits.submit(counters[0])]
    time.sleep(0.1)  # the committer thread took it and is held; the others queue behind
    futures += [commits.submit(c) for c in counters[1:]]
    store.release.set()

    results = [f.result(5) for f in futures]

    assert [len(r) for r in results] == [1] * 5
    assert store.transactions == [1, 4]
    assert caller not in writers
    assert all(c.id in store.app.repository for c in counters)
    commits.close()


def test_a_blocking_save_behind_submitted_ones_is_served_and_a_conflict_reaches_its_future() -> (
    None
):
    store = HeldStore()
    store.release.set()
    commits = GroupCommit(store.record)
    first = Counter()
    store.app.save(first)
    stale = store.app.repository.get(first.id)
    first.add()
    store.app.save(first)
    stale.add()

    refused = commits.submit(stale)
    later = commits.save(Counter())

    with pytest.raises(IntegrityError):
        refused.result(5)
    assert len(later) == 1
    commits.close()
    # closed: the committer thread has stopped, and a blocking save still works on its own
    assert len(commits.save(Counter())) == 1


def latest(store: HeldStore) -> Any:
    def versions(ids: Any) -> dict[Any, int]:
        found = {}
        for i in ids:
            last = store.app.recorder.select_events(i, desc=True, limit=1)
            if last:
                found[i] = last[0].originator_version
        return found

    return versions


def test_with_versions_known_a_stale_save_is_refused_before_the_write_and_the_rest_share_it() -> (
    None
):
    store = HeldStore()
    commits = GroupCommit(store.record, versions=latest(store))
    first = Counter()
    store.app.save(first)
    stale = store.app.repository.get(first.id)
    first.add()
    store.app.save(first)  # another worker moved the case on
    store.transactions.clear()
    stale.add()
    twin_a, twin_b = store.app.repository.get(first.id), store.app.repository.get(first.id)
    twin_a.add()
    twin_b.add()  # the same new version twice in one batch: the first of them wins
    others = [Counter(), Counter()]
    releaser = threading.Timer(0.3, store.release.set)
    releaser.start()

    results = save_in_threads(commits, [others[0], stale, twin_a, twin_b, others[1]])

    assert [i for i, r in enumerate(results) if isinstance(r, IntegrityError)] == [1, 3]
    assert store.transactions == [1, 2]  # the leader; then twin_a and others[1], no halving
    assert commits.refused_early == 2
    assert store.app.repository.get(first.id).count == 2
    assert all(c.id in store.app.repository for c in others)
