"""``xinfang token``: issue a bearer token for an official, for development and testing."""

from __future__ import annotations

import sys

from domain.acts import ROLES
from domain.units import Directory, area_prefix
from gateways.demo import demo_units
from gateways.settings import Settings
from gateways.tokens import issue_token
from gateways.wiring import build_service


def run_token(
    settings: Settings,
    unit: str,
    roles: str,
    official: str | None = None,
    name: str | None = None,
    hours: int | None = None,
) -> int:
    wanted = tuple(r.strip() for r in roles.split(",") if r.strip())
    unknown = sorted(set(wanted) - ROLES)
    if not wanted or unknown:
        print(
            f"未知角色 unknown role(s): {', '.join(unknown) or roles!r}; "
            f"可用 allowed: {', '.join(sorted(ROLES))}",
            file=sys.stderr,
        )
        return 2
    record = _directory(settings).find(unit)
    if record is None:
        print(
            f"未知单位 unknown unit: {unit}（请先运行 xinfang demo 或登记该单位 / seed the demo "
            "or register the unit first）",
            file=sys.stderr,
        )
        return 2
    print(
        issue_token(
            settings,
            official or f"{unit}-dev",
            name or "开发调试人员",
            record.unit_id,
            list(wanted),
            area_prefix(record.division_code),
            hours=hours,
        )
    )
    return 0


def _directory(settings: Settings) -> Directory:
    """The store's directory; the demo's when the store has no units yet (a fresh clone,
    before the first ``xinfang serve`` seeds it)."""
    service = build_service(settings)
    try:
        directory = service.directory
        return directory if len(directory) else Directory(demo_units())
    finally:
        service.close()
