"""Personal data of petitioners, as it may be shown outside the handling units.

Identity and contact details are visible to the units handling a case and masked everywhere
else: dashboards, ledgers, exports, topics, other units' views (domain.md §7). One set of rules,
so every output masks alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_DIGIT_RUN = re.compile(r"\d{7,}")


def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name alone says little about who it is."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    value = (value or "").strip()
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_id_number(value: str) -> str:
    """330106198001011234 → 330106********1234 (the area stays, the birth date goes)."""
    return mask_digits(value, 6, 4)


def mask_phone(value: str) -> str:
    """13800001234 → 138****1234."""
    return mask_digits(value, 3, 4)


def mask_address(value: str) -> str:
    """Keep the first six characters (province, city, district at most)."""
    value = (value or "").strip()
    return value[:6] + "****" if len(value) > 6 else "****" if value else ""


def mask_text(value: str) -> str:
    """Free text written by officials: long digit runs (identity numbers, phones) masked."""
    return _DIGIT_RUN.sub(lambda m: mask_digits(m.group(0), 3, 2), value or "")


_PETITIONER_FIELDS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
}


def mask_petitioner(petitioner: Mapping[str, Any]) -> dict[str, str]:
    """Known fields masked; anything else a form might add is left out."""
    return {
        key: mask(str(petitioner[key]))
        for key, mask in _PETITIONER_FIELDS.items()
        if petitioner.get(key)
    }
