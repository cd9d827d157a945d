"""Proves the PostgreSQL test support really starts/finds servers and isolates databases."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from tests.support.postgres import PostgresServer, _start_debian_cluster, postgres_server

pytestmark = pytest.mark.postgres


def test_normal_path_uses_a_real_server_and_isolates_databases(
    pg_server: PostgresServer, pg_database: str
) -> None:
    with pg_server.connect() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert pg_server.database_exists(pg_database)

    with pg_server.connect(pg_database) as conn:
        # a fresh database: no user tables yet
        count = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        assert count == (0,)
        conn.execute("CREATE TABLE t (id int PRIMARY KEY)")
        conn.execute("INSERT INTO t VALUES (1), (2)")
        conn.commit()
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (2,)

    other = pg_server.fresh_database("other")
    try:
        assert other != pg_database
        with pg_server.connect(other) as conn, pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM t")
    finally:
        pg_server.drop_database(other)
    assert not pg_server.database_exists(other)


def test_drop_database_terminates_open_connections(pg_server: PostgresServer) -> None:
    name = pg_server.fresh_database("dangling")
    leaked = pg_server.connect(name)  # a test that forgot to close its connection
    try:
        pg_server.drop_database(name)
        assert not pg_server.database_exists(name)
        assert leaked.closed or leaked.broken or _is_dead(leaked)
    finally:
        leaked.close()


def _is_dead(conn: psycopg.Connection[object]) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


@pytest.mark.skipif(not Path("/etc/postgresql").is_dir(), reason="no Debian PostgreSQL cluster")
def test_pg_ctlcluster_start_is_harmless_when_already_running() -> None:
    # We must not stop the machine's shared server, so only the idempotent half is proven:
    # the start command on a running cluster leaves it answering.
    assert _start_debian_cluster() is None


def test_embedded_fallback_really_starts_postgres() -> None:
    began = time.monotonic()
    with postgres_server(force_embedded=True) as server:
        started = time.monotonic() - began
        assert server.kind == "embedded"
        assert server.port != 5432
        assert server.data_dir is not None and (server.data_dir / "PG_VERSION").exists()
        with server.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            version = conn.execute("SHOW server_version_num").fetchone()
            assert version is not None and int(version[0]) >= 180000
            datadir = conn.execute("SELECT current_setting('data_directory')").fetchone()
            assert datadir is not None and Path(datadir[0]) == server.data_dir.resolve()
        # PostgreSQL refuses to run as root, so the cluster belongs to an unprivileged user
        assert server.data_dir.stat().st_uid != 0
        name = server.fresh_database("embedded")
        with server.connect(name) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (name,)
        data_dir = server.data_dir
    assert started < 30, f"embedded postgres took {started:.1f}s to start"
    assert not data_dir.exists(), "temp dir must be removed after close()"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(**server.params(), connect_timeout=2)
