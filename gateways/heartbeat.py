"""A file whose modification time says a worker's loop is alive.

The relay, the intake consumer and the projection workers have no port to probe; docker-compose's health checks (and
any supervisor) read the file's age instead: older than a minute means the loop is stuck.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def heartbeat_path(worker: str) -> Path:
    return Path(tempfile.gettempdir()) / f"xinfang-{worker}.alive"


class Heartbeat:
    """Touches ``path`` at most every ``every`` seconds, however often ``beat`` is called."""

    def __init__(self, path: Path, every: float = 5.0) -> None:
        self.path = path
        self.every = every
        self._last = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self._last < self.every:
            return
        self._last = now
        self.path.touch()
        os.utime(self.path)


def alive(path: Path, within: float = 60.0) -> bool:
    """True when the worker beat within the last ``within`` seconds."""
    try:
        return time.time() - path.stat().st_mtime < within
    except FileNotFoundError:
        return False
