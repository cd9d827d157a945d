"""The stored history itself, on both stores: a tampered event breaks the hash chain, and with a
cipher key nobody reading the tables learns who the petitioner is."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from uuid import UUID

from eventsourcing.cipher import AESCipher

from domain.acts import SYSTEM
from gateways.settings import Settings
from gateways.store import connect
from tests.scenario_support import BASIS, COUNTY_BUREAU, FACTS, PETITIONER, TOWN_1, TOWN_2, World

TABLE = "xinfang_events"  # PostgreSQL: the application's name + "_events"


def stored_states(settings: Settings, case_id: UUID | None = None) -> dict[int, bytes]:
    """The stored bytes of every event (of one case, by version; or of all, numbered)."""
    if settings.database_url:
        with connect(settings) as conn:
            if case_id is None:
                rows = conn.execute(f"SELECT notification_id, state FROM {TABLE}").fetchall()
            else:
                rows = conn.execute(
                    f"SELECT originator_version, state FROM {TABLE} WHERE originator_id = %s",
                    (case_id,),
                ).fetchall()
    else:
        with sqlite3.connect(settings.sqlite_path) as conn:
            if case_id is None:
                rows = conn.execute("SELECT rowid, state FROM stored_events").fetchall()
            else:
                rows = conn.execute(
                    "SELECT originator_version, state FROM stored_events WHERE originator_id = ?",
                    (case_id.hex,),
                ).fetchall()
    return {int(n): bytes(state) for n, state in rows}


def overwrite_state(settings: Settings, case_id: UUID, version: int, state: bytes) -> None:
    """What an intruder with write access to the table would do."""
    if settings.database_url:
        with connect(settings) as conn:
            conn.execute(
                f"UPDATE {TABLE} SET state = %s"
                " WHERE originator_id = %s AND originator_version = %s",
                (state, case_id, version),
            )
    else:
        with sqlite3.connect(settings.sqlite_path) as conn:
            conn.execute(
                "UPDATE stored_events SET state = ?"
                " WHERE originator_id = ? AND originator_version = ?",
                (state, case_id.hex, version),
            )


def accepted_case(world: World) -> UUID:
    """Registered (v1), transferred to town 1 (v2), accepted (v3), answered (v4)."""
    case_id = world.accepted(by=TOWN_1)
    world.on(10)
    world.act(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )
    return case_id


def test_an_untouched_chain_verifies(world: World) -> None:
    case_id = accepted_case(world)

    report = world.service.verify(case_id)

    assert report.ok and report.events == 4
    assert report.broken_at_version is None


def test_rewriting_the_unit_a_case_was_transferred_to_breaks_the_chain_at_the_next_event(
    world: World, store_settings: Settings
) -> None:
    case_id = accepted_case(world)
    original = stored_states(store_settings, case_id)[2]
    assert TOWN_1.encode() in original

    overwrite_state(store_settings, case_id, 2, original.replace(TOWN_1.encode(), TOWN_2.encode()))

    report = world.service.verify(case_id)
    assert not report.ok
    assert report.broken_at_version == 3
    assert list(world.service.store.events.get(case_id))[1].to_unit_id == TOWN_2  # forged, yet read


def test_rewriting_the_petitioner_of_a_registration_breaks_the_chain_at_version_2(
    world: World, store_settings: Settings
) -> None:
    case_id = accepted_case(world)
    original = stored_states(store_settings, case_id)[1]
    forged = original.replace(PETITIONER["id_number"].encode(), b"330106199901019999")
    assert forged != original

    overwrite_state(store_settings, case_id, 1, forged)

    report = world.service.verify(case_id)
    assert (report.ok, report.broken_at_version) == (False, 2)


def test_without_a_key_the_petitioner_is_readable_in_the_store(
    world: World, store_settings: Settings
) -> None:
    world.on(0)
    world.register()

    stored = b"".join(stored_states(store_settings).values())

    assert PETITIONER["id_number"].encode() in stored


def test_with_a_cipher_key_the_store_holds_no_name_or_id_number(
    make_world: Callable[..., World], store_settings: Settings
) -> None:
    world = make_world(cipher_key=AESCipher.create_key(32))
    world.on(0)
    case_id = world.register()
    world.on(1)
    world.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    stored = b"".join(stored_states(store_settings).values())

    assert stored
    for secret in (PETITIONER["name"], PETITIONER["id_number"], PETITIONER["phone"]):
        assert secret.encode() not in stored
        assert secret.encode("unicode_escape") not in stored
    case = world.service.case(case_id, SYSTEM)
    assert case.petitioners[0]["name"] == PETITIONER["name"]
    assert case.holder_unit_id == TOWN_1
    assert world.service.verify(case_id).ok


def test_a_16_byte_key_works_too(
    make_world: Callable[..., World], store_settings: Settings
) -> None:
    world = make_world(cipher_key=AESCipher.create_key(16))
    world.on(0)
    case_id = world.register()

    assert PETITIONER["id_number"].encode() not in b"".join(stored_states(store_settings).values())
    assert (
        world.service.case(case_id, SYSTEM).petitioners[0]["id_number"] == (PETITIONER["id_number"])
    )


def test_a_damaged_cipher_text_is_reported_as_a_break_not_raised(
    make_world: Callable[..., World], store_settings: Settings
) -> None:
    world = make_world(cipher_key=AESCipher.create_key(16))
    case_id = accepted_case(world)
    damaged = bytearray(stored_states(store_settings, case_id)[2])
    damaged[len(damaged) // 2] ^= 1

    overwrite_state(store_settings, case_id, 2, bytes(damaged))

    report = world.service.verify(case_id)
    assert (report.ok, report.broken_at_version, report.events) == (False, 2, 2)
