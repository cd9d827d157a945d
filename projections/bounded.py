"""Bounded write caches: past their limit, forget the cases met longest ago, not all of them.

A projection keeps, per case, what it last wrote or what its rows hold. Clearing that whole
would make every case met afterwards read back at once (0007). In a history read in time order
the cases met longest ago are mostly concluded, and no event touches them again.
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
