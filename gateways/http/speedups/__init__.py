"""What the API adds to stock FastAPI for speed, all switched by one setting
(``XINFANG_HTTP_SPEEDUPS``, on by default); why, and what it gains, is measured in
``docs/decisions/0013-http-speedups.md``.

- ``commands``: the commands (registration and the acts) answered in front of FastAPI's routing,
  dependency solving and middleware, by the same pieces the plain routes use;
- ``heap``: the garbage collector set for a long-running server process.
"""

from __future__ import annotations

from fastapi import FastAPI

from gateways.http.speedups.commands import CommandFastPath
from gateways.http.speedups.heap import settle_heap

__all__ = ["install", "settle_heap"]


def install(app: FastAPI) -> None:
    """Put the commands' fast path in front of the app's routes."""
    app.add_middleware(CommandFastPath)
