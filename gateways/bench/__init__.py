"""``xinfang bench``: the load generator that prints throughput and latency percentiles.

A tool beside the product: it imports the product, nothing of the product imports it
(``tests/unit/test_layering.py``); ``xinfang bench`` finds it through the ``xinfang.tools``
entry point (``command.py``).

Speed targets live here, not in timed tests: a test on a busy CI machine cannot tell a slow
build from a slow neighbour, but a person reading these figures on a quiet machine can.
Everything runs against a throwaway database created for the run, never the real store.
"""
