"""The raw ``eventsourcing`` save rate on the same database: the yardstick for the application.

A minimal aggregate, one new event per ``save()`` of an existing aggregate, in an application
of its own (``benchraw``: its own table), so the figure is what the library and the database
can do with nothing of ours in the way.
"""

from __future__ import annotations

import threading
import time
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from gateways.bench.report import Sample

WARM_UP = 100


class Tally(Aggregate):
    """Counts; each count is one event."""

    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Counted")
    def add(self, n: int) -> None:
        self.count += n


class BenchRaw(Application[UUID]):
    name = "benchraw"


class RawBench:
    """One raw application kept open across rounds, so rounds can alternate with the app's."""

    def __init__(self, env: dict[str, str]) -> None:
        self.app = BenchRaw(env=env)
        self.warmed = False

    def close(self) -> None:
        self.app.close()

    def run(self, saves: int, threads: int = 1) -> Sample:
        """``saves`` saves shared by ``threads`` threads, one aggregate each."""
        tallies = [Tally() for _ in range(threads)]
        self.app.save(*tallies)
        if not self.warmed:
            for _ in range(WARM_UP):
                tallies[0].add(1)
                self.app.save(tallies[0])
            self.warmed = True
        share = max(1, saves // threads)
        samples = [Sample() for _ in range(threads)]

        def work(tally: Tally, sample: Sample) -> None:
            for _ in range(share):
                started = time.perf_counter()
                tally.add(1)
                self.app.save(tally)
                sample.record("save", time.perf_counter() - started)

        workers = [
            threading.Thread(target=work, args=pair) for pair in zip(tallies, samples, strict=True)
        ]
        started = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        total = Sample(elapsed=time.perf_counter() - started)
        for sample in samples:
            total.merge(sample)
        return total
