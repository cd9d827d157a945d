"""uvicorn with one write per response (gateways.http.one_write), on a real socket: a response
arrives whole and in one piece when its body follows its head, and a head whose body is late
or absent is not held back."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn.server import ServerState

from gateways.http.one_write import OneWriteHttpToolsProtocol, OneWriteTransport


async def app(scope: Any, receive: Any, send: Any) -> None:
    """Three answers: a plain JSON body, a body streamed after a pause, and a HEAD answer."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/slow":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.3)
        await send({"type": "http.response.body", "body": b"late", "more_body": False})
        return
    body = b'{"ok":true}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"11")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=OneWriteHttpToolsProtocol, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield port
    running.should_exit = True
    thread.join(10)


def _ask(port: int, request: bytes) -> tuple[list[bytes], float]:
    """The chunks the answer arrived in (until the server has said all), and when the first
    one came."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        started = time.monotonic()
        conn.sendall(request)
        chunks = [conn.recv(65536)]
        first = time.monotonic() - started
        conn.settimeout(0.6)
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return chunks, first


def test_a_head_and_its_body_arrive_whole(server: int) -> None:
    chunks, _ = _ask(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")

    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and b"content-length: 11" in head
    assert body == b'{"ok":true}'


def test_uvicorn_writes_a_head_and_its_body_once() -> None:
    """The protocol itself, fed a request, over a transport that records its writes."""
    config = uvicorn.Config(app, http=OneWriteHttpToolsProtocol, log_level="warning")
    config.load()
    loop = asyncio.new_event_loop()
    try:
        recording = _Recording()
        protocol = OneWriteHttpToolsProtocol(config, ServerState(), {}, loop)
        protocol.connection_made(recording)  # type: ignore[arg-type]
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        loop.run_until_complete(asyncio.sleep(0.05))
    finally:
        loop.close()

    assert len(recording.writes) == 1
    head, _, body = recording.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and body == b'{"ok":true}'


def test_a_head_whose_body_is_late_goes_out_without_waiting_for_it(server: int) -> None:
    chunks, first = _ask(server, b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")

    assert first < 0.25  # the head came before the body's pause ended
    assert chunks[0].startswith(b"HTTP/1.1 200 OK")
    assert b"late" in b"".join(chunks)


def test_a_head_with_no_body_to_follow_is_sent(server: int) -> None:
    chunks, _ = _ask(server, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")

    answer = b"".join(chunks)
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b"\r\n\r\n")


class _Recording:
    """Where a transport's writes go, and what uvicorn asks of one."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def test_a_held_head_is_written_before_the_connection_closes() -> None:
    loop = asyncio.new_event_loop()
    try:
        recording = _Recording()
        transport = OneWriteTransport(recording, loop)  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        transport.close()
    finally:
        loop.close()

    assert recording.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]
    assert recording.closed
