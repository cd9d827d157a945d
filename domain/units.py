"""The directory of units: five tiers, 12-digit division codes, kinds, and who reviews whom.

Each unit is an event-sourced aggregate, so a change (a new superior, a merger) is a recorded
fact and a past routing decision stays explainable. ``Directory`` is the in-memory view that
commands consult; it is built by applying the same unit events in store order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import invalid
from domain.labels import TIER_LABELS


class Tier(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def rank(self) -> int:
        """0 for the province down to 4 for the village: bigger is lower."""
        return _TIER_ORDER.index(self)

    @property
    def prefix_length(self) -> int:
        """How many digits of a division code name this tier's area."""
        return _PREFIX_LENGTH[self]

    @property
    def label(self) -> str:
        return TIER_LABELS[self]


_TIER_ORDER = [Tier.PROVINCE, Tier.CITY, Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE]
_PREFIX_LENGTH = {
    Tier.PROVINCE: 2,
    Tier.CITY: 4,
    Tier.COUNTY: 6,
    Tier.TOWNSHIP: 9,
    Tier.VILLAGE: 12,
}


class UnitKind(StrEnum):
    PETITION_BUREAU = "petition_bureau"
    DEPARTMENT = "department"
    PARTY_COMMITTEE = "party_committee"
    GOVERNMENT = "government"
    DISCIPLINE_INSPECTION = "discipline_inspection"
    POLITICAL_LEGAL = "political_legal"
    VILLAGE_COMMITTEE = "village_committee"


_CODE = re.compile(r"^\d{12}$")


def check_division_code(code: str) -> str:
    if not isinstance(code, str) or not _CODE.match(code):
        raise invalid("DIVISION_CODE_INVALID", value=code)
    return code


def tier_of_code(code: str) -> Tier:
    """The tier a 12-digit code names: trailing zero segments mean a higher tier."""
    check_division_code(code)
    if code[9:] != "000":
        return Tier.VILLAGE
    if code[6:9] != "000":
        return Tier.TOWNSHIP
    if code[4:6] != "00":
        return Tier.COUNTY
    if code[2:4] != "00":
        return Tier.CITY
    return Tier.PROVINCE


def area_prefix(code: str) -> str:
    """The prefix that covers everything inside the area ``code`` names (its jurisdiction)."""
    return code[: tier_of_code(code).prefix_length]


def within(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def unit_aggregate_id(unit_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/xinfang/units/{unit_id}")


@dataclass(frozen=True)
class UnitRecord:
    """What the directory knows of one unit at one moment."""

    unit_id: str
    name: str
    kind: UnitKind
    division_code: str
    superior_id: str | None
    successor_id: str | None = None
    # 管理权限: the unit that manages this unit's leadership (its cadres), where that is not
    # its superior in the review chain; None means the superior manages it.
    authority_id: str | None = None

    @property
    def tier(self) -> Tier:
        return tier_of_code(self.division_code)

    @property
    def jurisdiction(self) -> str:
        return area_prefix(self.division_code)

    @property
    def active(self) -> bool:
        return self.successor_id is None

    @property
    def is_bureau(self) -> bool:
        return self.kind is UnitKind.PETITION_BUREAU

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "name": self.name,
            "kind": self.kind.value,
            "tier": self.tier.value,
            "division_code": self.division_code,
            "superior_id": self.superior_id,
            "successor_id": self.successor_id,
            "authority_id": self.authority_id,
        }


class Unit(Aggregate):
    """A unit of the directory. Its events are the history of the directory."""

    class UnitEvent(Aggregate.Event):
        recorded_by: str

    class UnitRegistered(Aggregate.Created):
        unit_id: str
        name: str
        kind: str
        division_code: str
        superior_id: str | None
        recorded_by: str

    class SuperiorChanged(UnitEvent):
        superior_id: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.record = replace(aggregate.record, superior_id=self.superior_id)

    class Renamed(UnitEvent):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.record = replace(aggregate.record, name=self.name)

    class AuthoritySet(UnitEvent):
        """管理权限: which unit manages this unit's leadership (None: its superior)."""

        authority_id: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.record = replace(aggregate.record, authority_id=self.authority_id)

    class Merged(UnitEvent):
        """Art.24: after a merger the successor takes over the unit's cases and deadlines."""

        successor_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.record = replace(aggregate.record, successor_id=self.successor_id)

    def __init__(
        self,
        unit_id: str,
        name: str,
        kind: str,
        division_code: str,
        superior_id: str | None,
        recorded_by: str,
    ) -> None:
        self.record = UnitRecord(unit_id, name, UnitKind(kind), division_code, superior_id)

    @staticmethod
    def create_id(unit_id: str) -> UUID:
        return unit_aggregate_id(unit_id)

    @classmethod
    def register(cls, record: UnitRecord, recorded_by: str, at: datetime) -> Unit:
        return cls._create(
            cls.UnitRegistered,
            unit_id=record.unit_id,
            name=record.name,
            kind=record.kind.value,
            division_code=record.division_code,
            superior_id=record.superior_id,
            recorded_by=recorded_by,
            timestamp=at,
        )

    def change_superior(self, superior_id: str | None, recorded_by: str, at: datetime) -> None:
        self.trigger_event(
            self.SuperiorChanged, superior_id=superior_id, recorded_by=recorded_by, timestamp=at
        )

    def set_authority(self, authority_id: str | None, recorded_by: str, at: datetime) -> None:
        self.trigger_event(
            self.AuthoritySet, authority_id=authority_id, recorded_by=recorded_by, timestamp=at
        )

    def merge_into(self, successor_id: str, recorded_by: str, at: datetime) -> None:
        self.trigger_event(
            self.Merged, successor_id=successor_id, recorded_by=recorded_by, timestamp=at
        )


UNIT_EVENT_TYPES: tuple[type[Any], ...] = (
    Unit.UnitRegistered,
    Unit.SuperiorChanged,
    Unit.Renamed,
    Unit.Merged,
    Unit.AuthoritySet,
)


class Directory:
    """The directory as commands consult it: every unit, its superior, its successor.

    It is a fold over unit events, so two processes that applied the same events agree.
    """

    def __init__(self, records: Iterable[UnitRecord] = ()) -> None:
        self._units: dict[str, UnitRecord] = {}
        self._by_aggregate: dict[UUID, str] = {}
        for record in records:
            self._put(record)

    def add(self, record: UnitRecord) -> None:
        """Stage a unit not yet recorded (to check a batch of new units against each other)."""
        self._put(record)

    def _put(self, record: UnitRecord) -> None:
        self._units[record.unit_id] = record
        self._by_aggregate[unit_aggregate_id(record.unit_id)] = record.unit_id

    def apply(self, event: Any) -> None:
        """Fold one unit event into the directory (store order)."""
        if isinstance(event, Unit.UnitRegistered):
            self._put(
                UnitRecord(
                    event.unit_id,
                    event.name,
                    UnitKind(event.kind),
                    event.division_code,
                    event.superior_id,
                )
            )
            return
        unit = self._by_aggregate_id(event.originator_id)
        if unit is None:
            return
        if isinstance(event, Unit.SuperiorChanged):
            self._units[unit.unit_id] = replace(unit, superior_id=event.superior_id)
        elif isinstance(event, Unit.Renamed):
            self._units[unit.unit_id] = replace(unit, name=event.name)
        elif isinstance(event, Unit.Merged):
            self._units[unit.unit_id] = replace(unit, successor_id=event.successor_id)
        elif isinstance(event, Unit.AuthoritySet):
            self._units[unit.unit_id] = replace(unit, authority_id=event.authority_id)

    def _by_aggregate_id(self, aggregate_id: UUID) -> UnitRecord | None:
        unit_id = self._by_aggregate.get(aggregate_id)
        return None if unit_id is None else self._units[unit_id]

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def __iter__(self) -> Iterator[UnitRecord]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    def find(self, unit_id: str) -> UnitRecord | None:
        return self._units.get(unit_id)

    def get(self, unit_id: str) -> UnitRecord:
        record = self._units.get(unit_id)
        if record is None:
            raise invalid("UNKNOWN_UNIT", unit_id=unit_id)
        return record

    def current(self, unit_id: str) -> UnitRecord:
        """The unit now answering for ``unit_id``: itself, or its successor after mergers."""
        record = self.get(unit_id)
        seen = {record.unit_id}
        while record.successor_id is not None:
            record = self.get(record.successor_id)
            if record.unit_id in seen:
                break
            seen.add(record.unit_id)
        return record

    def answers_for(self, actor_unit_id: str, unit_id: str) -> bool:
        """True when ``actor_unit_id`` is the unit now answering for ``unit_id``: the unit
        itself, or after a merger its successor alone (Art.24)."""
        if unit_id not in self._units:
            return actor_unit_id == unit_id
        return self.current(unit_id).unit_id == actor_unit_id

    def superior_of(self, unit_id: str) -> UnitRecord | None:
        """The unit that reviews ``unit_id``'s decisions (the directory records which)."""
        record = self.current(unit_id)
        if record.superior_id is None:
            return None
        return self.current(record.superior_id)

    def management_authority_of(self, unit_id: str) -> UnitRecord | None:
        """The unit with management authority (管理权限) over ``unit_id`` and its leadership:
        the one the directory records, else its superior (a township government is managed by
        the county, a county government by the city)."""
        record = self.current(unit_id)
        if record.authority_id is not None:
            return self.current(record.authority_id)
        return self.superior_of(record.unit_id)

    def discipline_inspection_for(self, accused_unit_id: str) -> UnitRecord | None:
        """The discipline inspection body that receives accusations against ``accused_unit_id``
        (Art.22, 30): the one of the area and tier of the unit holding management authority
        over it. An accusation against a county government goes to the city's body."""
        authority = self.management_authority_of(accused_unit_id)
        if authority is None:
            return None
        return self.organ_at(UnitKind.DISCIPLINE_INSPECTION, authority.division_code)

    def organ_at(self, kind: UnitKind, division_code: str) -> UnitRecord | None:
        """The active unit of ``kind`` of the tier and area ``division_code`` names: the
        county's discipline inspection, the city's political-legal committee."""
        return next(
            (
                r
                for r in self._units.values()
                if r.kind is kind and r.active and r.division_code == division_code
            ),
            None,
        )

    def ancestors(self, unit_id: str) -> list[UnitRecord]:
        chain: list[UnitRecord] = []
        seen: set[str] = set()
        superior = self.superior_of(unit_id)
        while superior is not None and superior.unit_id not in seen:
            chain.append(superior)
            seen.add(superior.unit_id)
            superior = self.superior_of(superior.unit_id)
        return chain

    def is_under(self, unit_id: str, ancestor_id: str) -> bool:
        """True if ``unit_id`` is ``ancestor_id`` or sits below it in the superior chain."""
        if unit_id == ancestor_id:
            return True
        if unit_id not in self._units:
            return False
        return any(a.unit_id == ancestor_id for a in self.ancestors(unit_id))

    def bureaus_covering(self, division_code: str) -> list[UnitRecord]:
        """Petition bureaus whose area contains ``division_code``, lowest tier first."""
        found = [
            r
            for r in self._units.values()
            if r.is_bureau and r.active and within(division_code, r.jurisdiction)
        ]
        return sorted(found, key=lambda r: -r.tier.rank)

    def check_new(self, record: UnitRecord) -> None:
        """Refusals for a unit about to be registered."""
        check_division_code(record.division_code)
        if record.unit_id in self._units:
            raise invalid("UNIT_EXISTS", unit_id=record.unit_id)
        self.check_superior(record.unit_id, record.superior_id)
        if record.authority_id is not None:
            self.get(record.authority_id)

    def check_superior(self, unit_id: str, superior_id: str | None) -> None:
        if superior_id is None:
            return
        superior = self.get(superior_id)
        # Village committees are self-governing (Art.2): never a superior in a review chain.
        if superior.kind is UnitKind.VILLAGE_COMMITTEE:
            raise invalid("SUPERIOR_IS_VILLAGE", superior_id=superior_id)
        if superior_id == unit_id or (
            unit_id in self._units and self.is_under(superior_id, unit_id)
        ):
            raise invalid("SUPERIOR_CYCLE", unit_id=unit_id, superior_id=superior_id)
