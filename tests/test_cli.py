"""The ``xinfang`` command as a person at a terminal uses it: parse, run, read the exit code."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jwt
import pytest

from domain.acts import Actor
from gateways.bench.scenario import STEPS, registration
from gateways.bench.seeding import bench_tokens, seed_directory
from gateways.cli import build_parser, main
from gateways.persistence.shared_cache import cache_folder
from gateways.settings import DEV_JWT_SECRET, Settings
from gateways.tokens import read_token
from gateways.wiring import build_service
from tests.support.postgres import PostgresServer

DESIGN_COMMANDS = {
    "serve",
    "demo",
    "project",
    "relay",
    "intake",
    "verify",
    "bench",
    "token",
    "migrate",
    "report",
    "recommend",
    "view",
}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty embedded store of the test's own, named the way a user names it."""
    path = tmp_path / "xinfang.db"
    for name in [v for v in os.environ if v.startswith("XINFANG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XINFANG_SQLITE_PATH", str(path))
    return path


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name for action in actions for name in action.choices}


def test_the_parser_offers_every_command_of_the_design() -> None:
    assert _subcommands(build_parser()) >= DESIGN_COMMANDS


def test_project_has_rebuild_and_run() -> None:
    args = build_parser().parse_args(["project", "rebuild", "ledger"])
    assert (args.project_command, args.name) == ("rebuild", "ledger")
    args = build_parser().parse_args(["project", "run", "supervision"])
    assert (args.project_command, args.name) == ("run", "supervision")


def test_token_prints_a_jwt_for_the_named_official(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "token",
            "--unit",
            "330106-bureau",
            "--roles",
            "registrar,bureau",
            "--official",
            "wang-lihua",
            "--name",
            "王丽华",
        ]
    )
    assert code == 0
    token = capsys.readouterr().out.strip()
    official = read_token(Settings.from_env(), token)
    assert official == Actor(
        "wang-lihua",
        "王丽华",
        "330106-bureau",
        frozenset({"registrar", "bureau"}),
        "330106",  # the unit's area: the county's 6-digit division prefix
    )
    claims = jwt.decode(token, DEV_JWT_SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 12 * 3600


def test_token_for_an_unknown_unit_exits_2(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["token", "--unit", "no-such-unit", "--roles", "bureau"])
    assert code == 2
    assert "no-such-unit" in capsys.readouterr().err


def test_token_with_an_unknown_role_exits_2(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--unit", "330106-bureau", "--roles", "bureau,mayor"]) == 2
    assert "mayor" in capsys.readouterr().err


def test_verify_on_a_seeded_store_exits_0(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--cases", "30", "--seed", "3"]) == 0
    assert main(["verify"]) == 0
    assert "verified 30 cases" in capsys.readouterr().out


def test_view_prints_the_rollup_and_the_faults_of_a_seeded_store(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--cases", "60", "--seed", "3"]) == 0
    capsys.readouterr()
    assert main(["view", "rollup", "330106", "--json"]) == 0
    rollup = json.loads(capsys.readouterr().out)
    assert rollup["division"] == "330106" and rollup["registrations"] > 0
    assert main(["view", "faults", "--division", "3301", "--json"]) == 0
    faults = json.loads(capsys.readouterr().out)
    # the demo has late transfers, acceptances and answers: the trail names their faults
    assert faults["total"] == sum(faults["counts"].values()) > 0
    assert {"art43", "art44", "art45"} <= {k for k, n in faults["counts"].items() if n}
    assert all(item["days_late"] > 0 for item in faults["items"] if item["source"] == "duty")


def test_a_view_with_bad_options_exits_2(store: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["view", "faults", "--from", "yesterday"])
    assert exited.value.code == 2


def test_verify_exits_1_when_a_stored_event_was_altered(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--cases", "20", "--seed", "5"]) == 0
    with sqlite3.connect(store) as db:
        case_id, state = db.execute(
            "SELECT e.originator_id, e.state FROM stored_events e "
            "WHERE e.topic = 'domain.case_events:Registered' AND EXISTS (SELECT 1 FROM "
            "stored_events n WHERE n.originator_id = e.originator_id "
            "AND n.originator_version = 2) LIMIT 1"
        ).fetchone()
        altered = bytes(state).replace(b'"people_count":', b'"people_count":9', 1)
        db.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 1",
            (altered, case_id),
        )
    assert main(["verify"]) == 1
    assert "broken" in capsys.readouterr().out


def test_verify_of_an_unknown_case_is_a_domain_error(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--case", "00000000-0000-4000-8000-000000000000"]) == 1
    assert "CASE_NOT_FOUND" in capsys.readouterr().err


def test_demo_refuses_a_store_that_already_has_cases(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--cases", "10"]) == 0
    assert main(["demo", "--cases", "10"]) == 1
    err = capsys.readouterr().err
    assert "已有信访事项" in err and "--force" in err
    assert main(["demo", "--cases", "10", "--force"]) == 0


def test_a_command_whose_module_is_absent_exits_2(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "gateways.commands.migrate", None)
    assert main(["migrate"]) == 2
    assert "not available" in capsys.readouterr().err


# ------------------------------------------------------------------ serve, as a newcomer
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_seeds_an_empty_store_and_answers_with_a_printed_token(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env.update(XINFANG_SQLITE_PATH=str(tmp_path / "xinfang.db"), XINFANG_PORT=str(port))
    out_path = tmp_path / "stdout.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [*_xinfang(), "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_health(base, proc, out_path)
        printed = out_path.read_text()
        assert f"{base}/docs" in printed
        token = re.search(r"export TOKEN_BUREAU=(\S+)", printed)
        case = re.search(r"/api/v1/petitions/([0-9a-f-]{36})", printed)
        assert token and case, printed
        for key in ("HANDLER", "LEADER", "INSPECTOR", "ADMIN"):
            assert f"export TOKEN_{key}=" in printed
        # The holiday calendar is on with no configuration, and says which years it covers.
        assert "节假日安排 holiday calendar: chinese-calendar " in printed
        calendar = httpx.get(f"{base}/health", timeout=10).json()["calendar"]
        assert calendar["source"].startswith("chinese-calendar ") and len(calendar["years"]) == 2
        reply = httpx.get(
            f"{base}/api/v1/petitions/{case.group(1)}",
            headers={"Authorization": f"Bearer {token.group(1)}"},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        assert case.group(1) in reply.text
        assert httpx.get(f"{base}/api/v1/petitions/{case.group(1)}").status_code == 401
    finally:
        _interrupt(proc)


@pytest.mark.postgres
def test_serve_with_two_workers_shares_one_case_cache_for_the_run(
    tmp_path: Path, pg_server: PostgresServer, pg_database: str
) -> None:
    """``XINFANG_WORKERS=2`` on PostgreSQL, the production shape: every act of a case's
    lifecycle, each on a new connection (so on either worker), is recorded; the workers' shared
    cache file exists while the server runs and is gone when it stops."""
    settings = Settings(database_url=pg_server.url(pg_database))
    service = build_service(settings)
    try:
        seed_directory(service)
    finally:
        service.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env.update(
        XINFANG_DATABASE_URL=settings.database_url or "",
        XINFANG_PORT=str(port),
        XINFANG_WORKERS="2",
        XINFANG_IN_PROCESS_PROJECTIONS="false",
    )
    caches = Path(cache_folder())
    before = set(caches.glob("xinfang-cases-*.cache"))
    out_path = tmp_path / "stdout.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [*_xinfang(), "serve", "--no-demo"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_health(base, proc, out_path)
        made = set(caches.glob("xinfang-cases-*.cache")) - before
        assert len(made) == 1, made
        tokens = bench_tokens(settings)
        for number in range(3):
            reply = httpx.post(
                f"{base}/api/v1/petitions",
                json=registration(number),
                headers={"Authorization": f"Bearer {tokens['bureau']}"},
                timeout=10,
            )
            assert reply.status_code == 201, reply.text
            case_id = reply.json()["id"]
            for step in STEPS:
                reply = httpx.post(
                    f"{base}/api/v1/petitions/{case_id}/{step.action}",
                    json=step.params,
                    headers={"Authorization": f"Bearer {tokens[step.role]}"},
                    timeout=10,
                )
                assert reply.status_code == 200, reply.text
            assert reply.json()["version"] == 1 + len(STEPS)
    finally:
        _interrupt(proc)
    assert not made & set(caches.glob("xinfang-cases-*.cache"))


def _interrupt(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as at a terminal; killed if it has not stopped 20 s later."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _xinfang() -> list[str]:
    """The installed console script, as a newcomer runs it (the module when not installed)."""
    script = Path(sys.executable).parent / "xinfang"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gateways.cli"]


def _wait_for_health(base: str, proc: subprocess.Popen[bytes], out_path: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"xinfang serve exited with {proc.returncode}:\n{out_path.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"xinfang serve did not become healthy:\n{out_path.read_text()}")


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """``xinfang … | head``: stdout is a pipe nobody reads any more. The command stops with
    the shell's code for SIGPIPE and no traceback."""
    program = (
        "import os, sys\n"
        "read, write = os.pipe()\n"
        "os.close(read)\n"
        "os.dup2(write, 1)\n"
        "from gateways.cli import main\n"
        "sys.exit(main(['token', '--unit', '330106-bureau', '--roles', 'bureau']))\n"
    )
    env = {**os.environ, "XINFANG_SQLITE_PATH": str(tmp_path / "x.db")}
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr
