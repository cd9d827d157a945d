"""The cache API workers share (gateways.persistence.shared_cache): every worker starts from the last state
any of them saved, and nothing doubtful (a write under way, a damaged slot, an older state) is
ever handed out."""

from __future__ import annotations

import multiprocessing
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from domain.commands import Accept
from gateways.persistence.shared_cache import CAPACITY, SLOT_BYTES, SharedCommandCache
from gateways.wiring import build_service
from tests.scenario_support import TOWN_1, World, forbid_aggregate_reads, official

SLOTS = 64


@dataclass
class State:
    """A stand-in for a case: what the cache needs of one is a version."""

    version: int
    notes: list[str] = field(default_factory=list)


@pytest.fixture
def open_cache(tmp_path: Path) -> Iterator[Callable[[], SharedCommandCache]]:
    """Open the same cache file again, as each worker process does."""
    opened: list[SharedCommandCache] = []

    def open_one() -> SharedCommandCache:
        opened.append(SharedCommandCache(str(tmp_path / "cases.cache"), SLOTS))
        return opened[-1]

    yield open_one
    for cache in opened:
        cache.close()


def same_slot_as(key: UUID) -> UUID:
    """Another case id the direct-mapped file puts in ``key``'s slot."""
    return UUID(int=(key.int + SLOTS) % (1 << 128))


def test_a_state_saved_by_one_worker_is_taken_by_another_as_a_private_copy(
    open_cache: Callable[[], SharedCommandCache],
) -> None:
    first, second = open_cache(), open_cache()
    key = uuid4()
    first.put(key, State(3, ["accepted"]))

    taken = second.take(key)
    assert taken == State(3, ["accepted"])
    taken.notes.append("changed by a failed command")
    assert second.take(key) == State(3, ["accepted"])
    assert second.take(uuid4()) is None


def _put_in_child(path: str, key: UUID, version: int) -> None:
    cache = SharedCommandCache(path, SLOTS)
    cache.put(key, State(version, ["from another process"]))
    cache.close()


def test_a_state_saved_in_another_process_is_seen_here(
    open_cache: Callable[[], SharedCommandCache],
) -> None:
    cache = open_cache()
    key = uuid4()
    cache.put(key, State(1))
    child = multiprocessing.get_context("spawn").Process(
        target=_put_in_child, args=(cache.path, key, 2)
    )
    child.start()
    child.join(60)

    assert child.exitcode == 0
    assert cache.take(key) == State(2, ["from another process"])


def test_an_older_state_arriving_late_does_not_replace_a_newer_one(
    open_cache: Callable[[], SharedCommandCache],
) -> None:
    first, second = open_cache(), open_cache()
    key = uuid4()
    second.put(key, State(6, ["newer"]))
    first.put(key, State(5, ["older, its put came late"]))

    assert first.take(key) == State(6, ["newer"])


def test_a_newer_case_takes_the_slot_and_the_older_one_is_read_from_the_store_again(
    open_cache: Callable[[], SharedCommandCache],
) -> None:
    cache = open_cache()
    key = uuid4()
    cache.put(key, State(4))
    cache.put(same_slot_as(key), State(1))

    assert cache.take(key) is None
    assert cache.take(same_slot_as(key)) == State(1)


def _slot_offset(key: UUID) -> int:
    return (key.int % SLOTS) * SLOT_BYTES


def test_a_damaged_slot_is_a_miss_not_a_wrong_state(
    open_cache: Callable[[], SharedCommandCache], tmp_path: Path
) -> None:
    cache = open_cache()
    key = uuid4()
    cache.put(key, State(2, ["x" * 100]))
    with open(tmp_path / "cases.cache", "r+b") as f:
        f.seek(_slot_offset(key) + SLOT_BYTES - CAPACITY + 60)  # inside the pickled bytes
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0x01]))

    assert cache.take(key) is None


def test_a_slot_being_written_is_a_miss(
    open_cache: Callable[[], SharedCommandCache], tmp_path: Path
) -> None:
    cache = open_cache()
    key = uuid4()
    cache.put(key, State(2))
    with open(tmp_path / "cases.cache", "r+b") as f:
        f.seek(_slot_offset(key))
        (seq,) = struct.unpack("<Q", f.read(8))
        f.seek(_slot_offset(key))
        f.write(struct.pack("<Q", seq + 1))  # a writer stopped half-way (odd sequence)

    assert cache.take(key) is None
    cache.put(key, State(3))  # the next writer repairs the slot
    assert cache.take(key) == State(3)


def test_a_state_too_big_for_a_slot_voids_the_older_state_of_its_case_only(
    open_cache: Callable[[], SharedCommandCache],
) -> None:
    cache = open_cache()
    key = uuid4()
    cache.put(key, State(1))
    cache.put(key, State(2, ["意" * CAPACITY]))
    assert cache.take(key) is None  # never the state at version 1

    neighbour = same_slot_as(key)
    cache.put(neighbour, State(1))
    cache.put(key, State(3, ["意" * CAPACITY]))
    assert cache.take(neighbour) == State(1)


def test_with_a_shared_cache_the_other_worker_acts_without_reading_the_store(
    make_world: Callable[..., World], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason the cache is shared: the next act on a case, on whichever worker, starts
    from the state the previous act saved; its only I/O is the save."""
    world = make_world(shared_cache=str(tmp_path / "workers.cache"))
    assert world.settings is not None
    other = build_service(world.settings, world.clock)  # the second worker
    try:
        case_id = world.transferred(to=TOWN_1, day=1)
        world.on(2)
        forbid_aggregate_reads(other, monkeypatch)  # no load, no catch-up: the state was current
        case, _ = other.perform(case_id, official(TOWN_1), Accept(path="6"))
    finally:
        other.close()
    assert case.accepted_by == TOWN_1
    assert world.case(case_id).accepted_by == TOWN_1


def test_a_cache_file_that_cannot_be_made_leaves_each_worker_its_own_cache(
    make_world: Callable[..., World], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Slower under load, never wrong: the service starts and acts with a private cache."""
    world = make_world(shared_cache=str(tmp_path / "no-such-folder" / "workers.cache"))

    case_id = world.transferred(to=TOWN_1, day=1)

    assert world.case(case_id).holder_unit_id == TOWN_1
    assert not isinstance(world.service.store.cache, SharedCommandCache)
    assert "shared case cache unavailable" in caplog.text
