"""Areas by the names people call them in documents: 西湖区, 杭州市, 双浦镇 (not 中共…委员会).

A bulletin is titled "××市信访工作月通报" and ranks areas by name; the directory knows units,
not areas, so an area's name is cut from the name of the unit that stands for it: its petition
bureau, else its government (or street office), else its village committee.
"""

from __future__ import annotations

from domain.units import Directory, UnitKind

_PREFERENCE = (UnitKind.PETITION_BUREAU, UnitKind.GOVERNMENT, UnitKind.VILLAGE_COMMITTEE)
_SUFFIXES = (
    "信访工作办公室",
    "信访办公室",
    "信访局",
    "信访办",
    "人民政府",
    "办事处",
    "村民委员会",
    "居民委员会",
)


def short_name(unit_name: str) -> str:
    """杭州市西湖区信访局 → 杭州市西湖区; 双浦镇人民政府 → 双浦镇."""
    for suffix in _SUFFIXES:
        if unit_name.endswith(suffix) and len(unit_name) > len(suffix):
            return unit_name[: -len(suffix)]
    return unit_name


def area_titles(directory: Directory) -> dict[str, str]:
    """Area prefix → its short name, for every area a unit of the directory stands for."""
    best: dict[str, tuple[int, str]] = {}
    for unit in directory:
        if unit.kind not in _PREFERENCE or not unit.active:
            continue
        rank = _PREFERENCE.index(unit.kind)
        known = best.get(unit.jurisdiction)
        if known is None or rank < known[0]:
            best[unit.jurisdiction] = (rank, short_name(unit.name))
    return {prefix: name for prefix, (_, name) in best.items()}


def bureau_of(directory: Directory, prefix: str) -> str | None:
    """The petition bureau of the area (who issues its bulletin), if it has one."""
    for unit in directory:
        if unit.is_bureau and unit.active and unit.jurisdiction == prefix:
            return unit.name
    return None
