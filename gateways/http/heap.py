"""The cyclic garbage collector, set for a long-running API process.

Measured on an API worker under load (2 workers, 1,000 commands/s offered): with Python's
defaults, full collections came every two seconds or so, each stopping the worker for 100-200
ms, and all collections together took a tenth of its CPU. Two causes, two settings:

- what the process builds at start-up (modules, routes, models, the directory) lives as long as
  the process, and every full collection walked it again: it is frozen, out of the collector's
  sight;
- a young collection every 700 allocations promoted the objects of the requests in flight to
  the old generations by the hundred each second, where full collections walked them again:
  young collections come every 20,000 allocations instead, when those requests are done.

(The cached cases, the other big population, are kept as bytes: ``gateways.persistence.case_cache``.)
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000


def settle() -> None:
    """Freeze what exists now and space out young collections. Called once, when the app has
    started; not in tests, which build many apps in one process and would keep every one."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
