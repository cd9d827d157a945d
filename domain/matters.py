"""Kinds of matter (信访事项内容分类): what a petition is about.

A registration records its matter kind as a stable code; people read the Chinese name. The
kinds this system ships with are named in ``domain.labels``; a unit may register others (the
code is then shown as it is), so the list grows without a migration.
"""

from __future__ import annotations

from domain.labels import MATTER_KIND_LABELS


def matter_label(kind: str) -> str:
    """The Chinese name of a matter kind, or the code itself for a kind not in the list."""
    return MATTER_KIND_LABELS.get(kind, kind)
