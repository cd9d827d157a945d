"""``xinfang verify``: recompute the hash chain of one case or of every case."""

from __future__ import annotations

import sys
from uuid import UUID

from domain.errors import not_found
from gateways.settings import Settings
from gateways.wiring import build_service

PROGRESS_EVERY = 10_000


def run_verify(settings: Settings, case: str | None = None) -> int:
    case_ids: list[UUID] | None = None
    if case is not None:
        try:
            case_ids = [UUID(case)]
        except ValueError:
            print(f"无效的事项编号 / not a case id: {case}", file=sys.stderr)
            return 2
    service = build_service(settings)
    checked = events = 0
    broken: list[str] = []
    try:
        for case_id in case_ids if case_ids is not None else service.case_ids():
            report = service.verify(case_id)
            if report.events == 0:
                raise not_found()
            checked += 1
            events += report.events
            if not report.ok:
                broken.append(report.case_id)
                print(
                    f"哈希链断裂 chain broken: {report.case_id} at version "
                    f"{report.broken_at_version}",
                    flush=True,
                )
            if checked % PROGRESS_EVERY == 0:
                print(f"… {checked} cases", file=sys.stderr, flush=True)
    finally:
        service.close()
    if broken:
        print(
            f"已核验 {checked} 件事项、{events} 个事件，{len(broken)} 件哈希链断裂。\n"
            f"verified {checked} cases, {events} events: {len(broken)} broken chains."
        )
        return 1
    print(
        f"已核验 {checked} 件事项、{events} 个事件，哈希链完整。\n"
        f"verified {checked} cases, {events} events: every chain intact."
    )
    return 0
