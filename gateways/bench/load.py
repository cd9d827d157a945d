"""The HTTP load generator: keep-alive connections on raw asyncio sockets, in its own process.

It must leave the CPU to the server it measures, so it speaks just enough HTTP/1.1 by hand
(pre-built request heads, Content-Length bodies) instead of a full client. Two ways to load:

- closed loop: ``connections`` workers each take cases through the lifecycle, one command
  at a time, as fast as the server answers (throughput);
- open loop: commands start at a fixed ``rate`` whatever the server does; a command's
  latency counts from when it was due, so a server falling behind shows in the percentiles
  instead of slowing the load down (latency at a given rate).

Run as ``python -m gateways.bench.load '<json config>'``; prints one JSON object.
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from gateways.bench.report import latency_figures, rate
from gateways.bench.scenario import STEPS, registration

API = "/api/v1/petitions"


@dataclass(frozen=True)
class LoadConfig:
    host: str
    port: int
    tokens: dict[str, str]  # role in the scenario ("bureau", "handler") → bearer token
    duration: float = 15.0
    warmup: float = 2.0
    connections: int = 16
    rate: float = 0.0  # commands per second; 0 = closed loop
    max_in_flight: int = 256


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    late_starts: int = 0  # open loop: commands that could not even start on time
    unfinished: int = 0  # open loop: commands with no answer 30 s after the load stopped
    mix_fallbacks: int = 0  # open loop: step slots that found no case ready and registered
    finished: list[float] = field(default_factory=list)  # when each counted command ended

    def record(self, action: str, seconds: float) -> None:
        self.finished.append(time.perf_counter())
        self.latencies.append(seconds)
        self.by_action.setdefault(action, []).append(seconds)


class Connection:
    """One keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, config: LoadConfig) -> None:
        self.config = config
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.heads = {
            role: (
                f"Host: {config.host}:{config.port}\r\n"
                f"Authorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\n"
            ).encode()
            for role, token in config.tokens.items()
        }

    async def post(self, path: str, role: str, body: dict[str, Any]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.config.host, self.config.port
            )
        assert self.reader is not None
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.writer.write(
            b"POST "
            + path.encode()
            + b" HTTP/1.1\r\n"
            + self.heads[role]
            + b"Content-Length: "
            + str(len(payload)).encode()
            + b"\r\n\r\n"
            + payload
        )
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            body_bytes = await _read_body(self.reader, head.lower())
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        if b"connection: close" in head.lower():
            self.close()
        return status, body_bytes

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _read_body(reader: asyncio.StreamReader, head: bytes) -> bytes:
    marker = head.find(b"content-length:")
    if marker >= 0:
        end = head.find(b"\r\n", marker)
        return await reader.readexactly(int(head[marker + 15 : end]))
    if b"transfer-encoding: chunked" in head:
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])
    return b""


def case_id_of(body: bytes) -> str:
    """The id of a registered case, however the response nests it."""
    data = json.loads(body)
    for candidate in (data, data.get("case") or {}, data.get("petition") or {}):
        for key in ("id", "case_id"):
            if isinstance(candidate, dict) and candidate.get(key):
                return str(candidate[key])
    raise ValueError(f"no case id in {body[:200]!r}")


async def command(
    conn: Connection, case_id: str | None, step: int, results: Results, due: float, counted: bool
) -> str | None:
    """Send the command ``step`` of a case (-1 = register); returns the case id, or None when
    the command failed and the case is dropped."""
    if step < 0:
        action, path, role, body = "register", API, "bureau", registration()
    else:
        s = STEPS[step]
        action, path, role, body = s.action, f"{API}/{case_id}/{s.action}", s.role, s.params
    try:
        status, answer = await conn.post(path, role, body)
    except (OSError, asyncio.IncompleteReadError) as error:
        results.errors[f"{action}:{type(error).__name__}"] += 1
        return None
    if status >= 300:
        results.errors[f"{action}:{status}:{answer[:120].decode(errors='replace')}"] += 1
        return None
    if counted:
        results.record(action, time.perf_counter() - due)
    return case_id_of(answer) if step < 0 else case_id


async def closed_loop(
    config: LoadConfig, results: Results, measure_from: float, end: float
) -> None:
    async def worker() -> None:
        conn = Connection(config)
        try:
            while time.perf_counter() < end:
                case_id: str | None = None
                for step in range(-1, len(STEPS)):
                    started = time.perf_counter()
                    case_id = await command(
                        conn, case_id, step, results, started, started >= measure_from
                    )
                    if case_id is None or time.perf_counter() >= end:
                        break
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(config.connections)))


async def open_loop(config: LoadConfig, results: Results, measure_from: float, end: float) -> float:
    """Commands due every 1/rate seconds in a fixed mix: every ``len(STEPS) + 1``-th a new
    registration, the rest the next step of a case ready for one.

    The mix must not depend on how the server keeps up. Taking "a ready case, else register"
    did: a server falling behind has no case ready, so the load turned into registrations, the
    dearest command, and fell further behind (at 80% of its closed-loop rate a server never
    caught up). So the open cases a live system has at any moment are registered first (not
    measured), and a step slot finding no case ready registers one only then, counted as a
    ``mix_fallback``. Returns when the measured window ended (it starts ``warmup`` after the
    schedule, so it moves by however long the registering took)."""
    ready: collections.deque[tuple[str, int]] = collections.deque()
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(config.max_in_flight):
        pool.put_nowait(Connection(config))
    await _register_open_cases(config, pool, ready, results)
    tasks: set[asyncio.Task[None]] = set()

    async def one(case_id: str | None, step: int, due: float) -> None:
        conn = await pool.get()
        try:
            result = await command(conn, case_id, step, results, due, due >= measure_from)
        finally:
            pool.put_nowait(conn)
        if result is not None and step + 1 < len(STEPS):
            ready.append((result, step + 1))

    interval = 1.0 / config.rate
    start = time.perf_counter()
    # The measured window starts ``warmup`` after the schedule does, whatever priming took.
    shift = start - (measure_from - config.warmup)
    measure_from += shift
    end += shift
    n = 0
    while True:
        due = start + n * interval
        if due >= end:
            break
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.005:
            results.late_starts += 1
        case_id, step = None, -1
        if n % (len(STEPS) + 1):
            if ready:
                case_id, step = ready.popleft()
            else:
                results.mix_fallbacks += 1
        task = asyncio.create_task(one(case_id, step, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=30)
        # Still unanswered half a minute after the load stopped: counted apart, not waited for.
        results.unfinished = len(pending)
        for task in pending:
            task.cancel()
    while not pool.empty():
        pool.get_nowait().close()
    return end


async def _register_open_cases(
    config: LoadConfig,
    pool: asyncio.Queue[Connection],
    ready: collections.deque[tuple[str, int]],
    results: Results,
) -> None:
    """Register twice as many cases as may be in flight, 32 at a time (not measured)."""
    wanted = 2 * config.max_in_flight

    async def register_some(conn: Connection, count: int) -> None:
        for _ in range(count):
            case_id = await command(conn, None, -1, results, 0.0, False)
            if case_id is not None:
                ready.append((case_id, 0))

    lanes = min(32, config.max_in_flight)
    conns = [pool.get_nowait() for _ in range(lanes)]
    try:
        await asyncio.gather(
            *(register_some(c, wanted // lanes + (i < wanted % lanes)) for i, c in enumerate(conns))
        )
    finally:
        for conn in conns:
            pool.put_nowait(conn)


async def run(config: LoadConfig) -> dict[str, Any]:
    results = Results()
    cpu_started = time.process_time()
    started = time.perf_counter()
    measure_from = started + config.warmup
    end = measure_from + config.duration
    if config.rate > 0:
        end = await open_loop(config, results, measure_from, end)
        measure_from = end - config.duration
    else:
        await closed_loop(config, results, measure_from, end)
    elapsed = min(time.perf_counter(), end) - measure_from
    cpu = time.process_time() - cpu_started
    # Throughput is what finished inside the window; in the open loop, commands still
    # running at its end finish afterwards and count in the latencies only.
    in_window = sum(1 for t in results.finished if t <= end)
    figures: dict[str, Any] = {
        "loop": f"open at {config.rate:g}/s" if config.rate > 0 else "closed",
        "connections": config.max_in_flight if config.rate > 0 else config.connections,
        "seconds": round(elapsed, 2),
        "commands": len(results.latencies),
        "commands_per_s": rate(in_window, elapsed),
        **latency_figures(results.latencies),
        "errors": sum(results.errors.values()),
        "error_kinds": dict(results.errors.most_common(5)),
        "mean_ms_by_action": {
            a: round(sum(v) / len(v) * 1000, 2) for a, v in results.by_action.items() if v
        },
        "loadgen_cpu_percent": round(100 * cpu / (config.warmup + config.duration), 1),
    }
    if config.rate > 0:
        figures["offered_per_s"] = config.rate
        figures["late_starts"] = results.late_starts
        figures["unfinished"] = results.unfinished
        figures["mix_fallbacks"] = results.mix_fallbacks
    return figures


def main(argv: list[str]) -> None:
    config = LoadConfig(**json.loads(argv[0]))
    try:
        import uvloop

        figures = uvloop.run(run(config))
    except ImportError:
        figures = asyncio.run(run(config))
    print(json.dumps(figures, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
