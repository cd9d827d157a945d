"""Bounded write caches: past their limit, forget the cases met longest ago, not all of them.

A projection keeps, per case, what it last wrote (to skip unchanged rows) or what its rows hold
(to avoid reading them back). Clearing such a cache whole when it fills meant that every case
met afterwards was read back or rewritten at once: a cliff in the middle of a big catch-up.
Entries are kept in the order cases were first met; in a history read in time order the oldest
are mostly concluded cases, which no event touches again.
"""

from __future__ import annotations

from itertools import islice
from typing import Any


def forget_oldest(cache: dict[Any, Any], keep: int) -> None:
    """Drop the entries inserted first until ``keep`` remain."""
    excess = len(cache) - keep
    if excess > 0:
        for key in list(islice(cache, excess)):
            del cache[key]
