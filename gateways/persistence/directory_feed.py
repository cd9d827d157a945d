"""The unit directory, kept in memory from the unit events of the notification log.

Every process folds the unit events it saves at once, and those other processes recorded at
most ``refresh_seconds`` later, when the directory is next asked for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from eventsourcing.persistence import Mapper, Recorder
from eventsourcing.utils import get_topic

from domain.units import UNIT_EVENT_TYPES, Directory

BATCH = 1000


class DirectoryFeed:
    """The directory as the log has it: ``current()`` folds what was recorded since."""

    def __init__(self, recorder: Recorder, mapper: Mapper[Any], refresh_seconds: float) -> None:
        self._recorder = recorder
        self._mapper = mapper
        self._refresh = refresh_seconds
        self._directory = Directory()
        self._position = 0
        self._checked = 0.0
        self._lock = threading.Lock()
        self._topics = [get_topic(t) for t in UNIT_EVENT_TYPES]
        self._types = tuple(UNIT_EVENT_TYPES)
        self.current(force=True)

    def current(self, *, force: bool = False) -> Directory:
        now = time.monotonic()
        if force or now - self._checked >= self._refresh:
            with self._lock:
                self._fold_recorded()
                self._checked = now
        return self._directory

    def saw(self, events: Iterable[Any]) -> None:
        """Fold the unit events among ``events``, just saved by this process."""
        units = [e for e in events if isinstance(e, self._types)]
        if units:
            with self._lock:
                for event in units:
                    self._directory.apply(event)

    def _fold_recorded(self) -> None:
        top = self._recorder.max_notification_id() or 0  # type: ignore[attr-defined]
        while self._position < top:
            batch = self._recorder.select_notifications(  # type: ignore[attr-defined]
                start=self._position,
                limit=BATCH,
                stop=top,
                topics=self._topics,
                inclusive_of_start=False,
            )
            for notification in batch:
                self._directory.apply(self._mapper.to_domain_event(notification))
            if len(batch) < BATCH:
                break
            self._position = batch[-1].id
        self._position = max(self._position, top)
