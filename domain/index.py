"""Look-ups that registration needs, kept as small aggregates with deterministic ids.

A serial number and a petitioner are found by hashing them into an aggregate id, so a look-up
is one read by id on any store, and the index is written in the same transaction as the case
it points to. Two registrations of one petitioner at once conflict on the petitioner file's
version, so repeat detection cannot be raced past.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate


def serial_index_id(serial_number: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/xinfang/serials/{serial_number}")


def petitioner_file_id(key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/xinfang/petitioners/{key}")


def external_case_id(external_id: str) -> UUID:
    """Registrations carrying an external id get a case id derived from it (idempotent)."""
    return uuid5(NAMESPACE_URL, f"/xinfang/external/{external_id}")


def petitioner_keys(petitioners: list[dict[str, str]], pepper: bytes) -> list[str]:
    """Keyed hashes that identify petitioners without storing who they are in the index.

    The identity number is the strongest key; without one, name and phone together.
    """
    keys: list[str] = []
    for p in petitioners:
        id_number = (p.get("id_number") or "").strip().upper()
        name = (p.get("name") or "").strip()
        phone = (p.get("phone") or "").strip()
        if id_number:
            raw = f"id:{id_number}"
        elif name and phone:
            raw = f"np:{name}:{phone}"
        else:
            continue
        keys.append(hmac.new(pepper, raw.encode("utf-8"), hashlib.sha256).hexdigest())
    return sorted(set(keys))


class SerialNumber(Aggregate):
    """Serial number → case id. A second registration of the same serial conflicts."""

    class Issued(Aggregate.Created):
        serial_number: str
        case_id: UUID

    def __init__(self, serial_number: str, case_id: UUID) -> None:
        self.serial_number = serial_number
        self.case_id = case_id

    @classmethod
    def issue(cls, serial_number: str, case_id: UUID, at: datetime) -> SerialNumber:
        return cls._create(
            cls.Issued,
            id=serial_index_id(serial_number),
            serial_number=serial_number,
            case_id=case_id,
            timestamp=at,
        )


class PetitionerFile(Aggregate):
    """The cases one petitioner has raised, with the matter each concerns."""

    class Opened(Aggregate.Created):
        key: str

    class CaseFiled(Aggregate.Event):
        case_id: UUID
        matter_kind: str
        division_code: str

        def apply(self, aggregate: Any) -> None:
            aggregate.cases.append(
                {
                    "case_id": self.case_id,
                    "matter_kind": self.matter_kind,
                    "division_code": self.division_code,
                }
            )

    def __init__(self, key: str) -> None:
        self.key = key
        self.cases: list[dict[str, Any]] = []

    @classmethod
    def open(cls, key: str, at: datetime) -> PetitionerFile:
        return cls._create(cls.Opened, id=petitioner_file_id(key), key=key, timestamp=at)

    def file(self, case_id: UUID, matter_kind: str, division_code: str, at: datetime) -> None:
        self.trigger_event(
            self.CaseFiled,
            case_id=case_id,
            matter_kind=matter_kind,
            division_code=division_code,
            timestamp=at,
        )

    def recent(self, limit: int) -> list[UUID]:
        """The ids of the petitioner's ``limit`` most recent cases, newest first."""
        return [c["case_id"] for c in reversed(self.cases[-limit:])]


def query_code_hash(case_id: UUID, code: str) -> str:
    """What the case keeps of the petitioner's query code: never the code itself."""
    return hashlib.sha256(f"{case_id}:{code}".encode()).hexdigest()
