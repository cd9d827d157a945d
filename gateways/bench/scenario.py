"""The case the bench drives, the same through the application and through HTTP.

A path-6 appeal (申诉求决类, 信访处理意见书) registered by the county petition bureau, transferred
to the county's human-resources department, accepted, answered, served and evaluated: one
registration and five lifecycle commands, each one event on the case (registration also
writes the serial-number and petitioner index aggregates).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any

from gateways.bench.seeding import HANDLER_UNIT

# The villages of 西湖区 the matters arise in (codes of the demo directory).
VILLAGES = tuple(
    f"330106{township}{village:03d}"
    for township, count in (("001", 3), ("002", 3), ("003", 3), ("109", 4))
    for village in range(1, count + 1)
)


@dataclass(frozen=True)
class Step:
    """One lifecycle command: the act, who performs it (``bureau``/``handler``), its body."""

    action: str
    role: str
    params: dict[str, Any]


STEPS: tuple[Step, ...] = (
    Step("transfer", "bureau", {"to_unit_id": HANDLER_UNIT, "note": "压测：转送承办单位"}),
    Step("accept", "handler", {"path": "6", "note": "压测：予以受理"}),
    Step(
        "answer",
        "handler",
        {
            "outcome": "supported",
            "facts": "经核查，信访人反映的情况属实。",
            "opinion": "经核查，诉求合理，予以支持。",
            "basis": "《信访工作条例》第三十二条",
        },
    ),
    Step("serve", "handler", {}),
    Step("evaluate", "bureau", {"satisfaction": "satisfied", "comment": "压测"}),
)

COMMANDS_PER_CASE = 1 + len(STEPS)

_numbers = itertools.count(1)


def registration(number: int | None = None) -> dict[str, Any]:
    """The body of one registration; each has its own petitioner so that no case is a repeat."""
    n = next(_numbers) if number is None else number
    return {
        "channel": "letter",
        "category": "appeal",
        "division_code": VILLAGES[n % len(VILLAGES)],
        "subject": f"压测事项 {n}：拖欠工资",
        "content": "反映用人单位拖欠三个月工资，请求督促支付。",
        "matter_kind": "wage_arrears",
        "petitioners": [
            {
                "name": f"压测{n}",
                "id_number": f"B{os.getpid():07d}{n:010d}",
                "phone": f"138{n % 100_000_000:08d}",
            }
        ],
    }
