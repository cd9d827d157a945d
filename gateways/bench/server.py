"""The real API server for the bench: ``xinfang serve`` in a subprocess on the bench store.

Started the way production starts it (uvicorn, uvloop, httptools, no access log), pointed at
the bench database through the same ``XINFANG_`` variables, so what is measured is what is
deployed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from gateways.persistence.shared_cache import cache_file_for_run
from gateways.settings import Settings

APP = "gateways.http.app:create_app"


@dataclass(frozen=True)
class RunningServer:
    host: str
    port: int
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's workers, or the server itself (not
        the resource tracker that multiprocessing starts beside the workers)."""
        children = [p for p in _children(self.process.pid) if not _is_resource_tracker(p)]
        return children or [self.process.pid]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    if settings.database_url:
        env["XINFANG_DATABASE_URL"] = settings.database_url
    else:
        env["XINFANG_SQLITE_PATH"] = settings.sqlite_path
    env["XINFANG_JWT_SECRET"] = settings.jwt_secret
    # Production on PostgreSQL runs projections as worker processes, not in the API server.
    env["XINFANG_IN_PROCESS_PROJECTIONS"] = "false"
    env["XINFANG_LOG_LEVEL"] = "warning"
    env["XINFANG_AGGREGATE_CACHE"] = str(settings.aggregate_cache)
    env["XINFANG_HTTP_SPEEDUPS"] = "true" if settings.http_speedups else "false"
    if settings.cipher_key:
        env["XINFANG_CIPHER_KEY"] = settings.cipher_key
    return env


@contextlib.contextmanager
def api_server(
    settings: Settings, *, workers: int, timeout: float = 60.0, app: str = APP
) -> Iterator[RunningServer]:
    """Start the API with ``workers`` processes, wait until it answers, stop it afterwards.

    The default app is started by ``xinfang serve``, as production starts it (its protocol,
    its shared cache for several workers); another app factory by uvicorn's own command."""
    port = free_port()
    env = server_environment(settings)
    env.update(
        XINFANG_HOST="127.0.0.1",
        XINFANG_PORT=str(port),
        XINFANG_WORKERS=str(workers),
        XINFANG_ACCESS_LOG="false",
    )
    with contextlib.ExitStack() as run:
        if app == APP:
            command = [sys.executable, "-m", "gateways.cli", "serve", "--no-demo"]
        else:
            command = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--workers", str(workers), "--loop", "uvloop"]
            command += ["--http", "httptools", "--no-access-log", "--log-level", "warning"]
            if workers > 1:  # what ``xinfang serve`` does for its workers
                env["XINFANG_SHARED_CACHE"] = run.enter_context(cache_file_for_run())
        process = subprocess.Popen(
            command, env=env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        run.callback(_stop, process)
        _wait_ready(process, port, timeout)
        server = RunningServer("127.0.0.1", port, process)
        if workers > 1:
            _wait_workers(server, workers, timeout)
        yield server


def _wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the API server did not answer in time")


def _wait_workers(server: RunningServer, workers: int, timeout: float) -> None:
    """Every worker answers (a request lands on each once all have started and warmed up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(_children(server.process.pid)) < workers:
        time.sleep(0.2)
    for _ in range(workers * 4):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://{server.host}:{server.port}/openapi.json", timeout=5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _is_resource_tracker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"resource_tracker" in f.read()
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def py_spy() -> str | None:
    """The py-spy binary next to this interpreter or on the PATH, if installed."""
    beside = os.path.join(os.path.dirname(sys.executable), "py-spy")
    return beside if os.path.exists(beside) else shutil.which("py-spy")


def profile_workers(server: RunningServer, seconds: float, out_prefix: str) -> list[str]:
    """Start ``py-spy record`` on each worker for ``seconds``; returns the report paths
    (written once the returned processes end; the caller waits for the load first)."""
    binary = py_spy()
    if binary is None:
        return []
    paths = []
    for pid in server.worker_pids():
        path = f"{out_prefix}-{pid}.txt"
        subprocess.Popen(
            [
                binary,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(int(seconds)),
                "--format",
                "raw",
                "--output",
                path,
                "--nonblocking",
                "--gil",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        paths.append(path)
    return paths


def summarize_collapsed(path: str, top: int = 12) -> list[str]:
    """Hotspots of a py-spy ``raw`` profile (one ``frame;frame;… count`` a line): the frames
    most samples are inside (inclusive, wrappers that hold nearly everything left out), then
    the frames most samples are spent in themselves (self)."""
    own: dict[str, int] = {}
    inside: dict[str, int] = {}
    total = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip().rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            frames = stack.split(";")
            own[frames[-1]] = own.get(frames[-1], 0) + n
            for frame in set(frames):
                inside[frame] = inside.get(frame, 0) + n
            total += n
    if not total:
        return []
    lines = [f"{total} samples holding the GIL"]
    ranked = sorted(
        ((frame, n) for frame, n in inside.items() if n < 0.9 * total),
        key=lambda item: -item[1],
    )
    lines += [f"inside {100 * n / total:5.1f}% {frame}" for frame, n in ranked[:top]]
    ranked = sorted(own.items(), key=lambda item: -item[1])
    lines += [f"self   {100 * n / total:5.1f}% {frame}" for frame, n in ranked[:top]]
    return lines
