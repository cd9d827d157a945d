"""The cyclic garbage collector, set for a long-running API process.

Under load, full collections walked everything the process built at start-up (modules, routes,
models, the directory) again and again, each stopping the worker for 100-200 ms, which is the
p99 target several times over. That is frozen out of the collector's sight, and young
collections come every 20,000 allocations instead of 700, when the requests in flight are done.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000


def settle_heap() -> None:
    """Freeze what exists now and space out young collections. For a server process once it
    has started; not in tests, which build many apps in one process and would keep every one."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
