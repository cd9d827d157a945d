"""The ``xinfang`` command: parse the arguments, call the command's function, map its errors.

Each subcommand lives in ``gateways.commands.<name>`` and is imported only when it runs, so a
command whose module (or whose dependencies) is missing fails alone, with a clear message,
and ``xinfang --help`` works whatever is installed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any

from domain.errors import DomainError
from gateways.settings import Settings

Runner = Callable[[Settings, argparse.Namespace], int]

EXIT_USAGE = 2  # argparse's own code for a command that cannot run as asked
TOOLS = "xinfang.tools"  # the entry-point group of tools beside the product (the bench)


def _command(module: str, function: str, *fields: str) -> Runner:
    """A runner that imports ``gateways.commands.<module>`` lazily and calls ``function`` with
    the settings and the named argument fields (or the whole namespace when ``fields`` is
    ``("*",)``)."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        name = f"gateways.commands.{module}"
        try:
            module_object = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name is None or not name.startswith(missing.name):
                raise  # the command exists but something it needs does not: a real error
            return _unavailable(args.command, f"{name} is not installed")
        target = getattr(module_object, function, None)
        if target is None:
            return _unavailable(args.command, f"{name}.{function} is missing")
        if fields == ("*",):
            return int(target(settings, args) or 0)
        return int(target(settings, *(getattr(args, f) for f in fields)) or 0)

    return run


def _unavailable(command: str, why: str) -> int:
    print(
        f"xinfang {command}：此命令在当前安装中不可用（{why}）。\n"
        f"xinfang {command}: this command is not available in this installation ({why}).",
        file=sys.stderr,
    )
    return EXIT_USAGE


def _own_arguments(parser: argparse.ArgumentParser, module: str) -> bool:
    """Let a command with many options declare them itself (``add_arguments(parser)`` in its
    module), so this file stays a table; False when the module or the hook is absent."""
    try:
        declare = importlib.import_module(f"gateways.commands.{module}").add_arguments
    except (ImportError, AttributeError):
        return False
    declare(parser)
    return True


def _add_tools(sub: Any) -> None:
    """The commands of tools installed beside the product (``xinfang bench``), which register
    themselves under the entry-point group ``xinfang.tools`` (pyproject.toml): a module with
    ``HELP``, ``add_arguments(parser)`` and ``run(settings, args)``. The product names none of
    them, so nothing of it depends on a tool."""
    for entry in sorted(entry_points(group=TOOLS), key=lambda e: e.name):
        try:
            tool = entry.load()
        except ImportError as missing:
            parser = sub.add_parser(entry.name, help=f"(unavailable: {missing})")
            parser.set_defaults(run=_broken(entry.name, str(missing)))
            continue
        parser = sub.add_parser(entry.name, help=tool.HELP)
        tool.add_arguments(parser)
        parser.set_defaults(run=tool.run)


def _broken(command: str, why: str) -> Runner:
    def run(settings: Settings, args: argparse.Namespace) -> int:
        return _unavailable(command, why)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xinfang",
        description="信访事项协同办理系统 — petition case coordination (《信访工作条例》2022).",
        epilog="配置均来自 XINFANG_ 环境变量 / settings come from XINFANG_* environment variables.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="运行 HTTP 接口 / run the HTTP API")
    serve.add_argument("--host", help="listen address (XINFANG_HOST)")
    serve.add_argument("--port", type=int, help="listen port (XINFANG_PORT)")
    serve.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="seed demo data into an empty store (default: only on the embedded SQLite store)",
    )
    serve.set_defaults(run=_command("serve", "run_serve", "*"))

    demo = sub.add_parser("demo", help="生成演示数据 / seed a realistic demo dataset")
    demo.add_argument("--cases", type=int, default=600, help="how many cases (default 600)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    demo.add_argument("--force", action="store_true", help="seed even if the store has cases")
    demo.set_defaults(run=_command("demo", "run_demo", "cases", "seed", "force"))

    project = sub.add_parser("project", help="投影（读模型）/ projections (read models)")
    project_sub = project.add_subparsers(dest="project_command", required=True, metavar="ACTION")
    rebuild = project_sub.add_parser("rebuild", help="rebuild a projection from zero")
    rebuild.add_argument("name", help="ledger, supervision, figures, trail, warnings, …")
    rebuild.set_defaults(run=_command("project", "rebuild_project", "name"))
    follow = project_sub.add_parser("run", help="run a projection as a worker process")
    follow.add_argument("name")
    follow.set_defaults(run=_command("project", "run_project", "name"))

    relay = sub.add_parser("relay", help="事件发布到 Kafka / publish events to Kafka")
    relay.set_defaults(run=_command("relay", "run_relay"))

    intake = sub.add_parser("intake", help="从 Kafka 接收新信访事项 / consume xinfang.intake")
    intake.set_defaults(run=_command("intake", "run_intake"))

    verify = sub.add_parser("verify", help="核验哈希链 / verify the hash chains")
    verify.add_argument("--case", help="one case id (default: every case)")
    verify.set_defaults(run=_command("verify", "run_verify", "case"))

    _add_tools(sub)

    token = sub.add_parser("token", help="签发开发用令牌 / issue a development token")
    token.add_argument("--unit", required=True, help="unit id, e.g. 330106-bureau")
    token.add_argument("--roles", required=True, help="comma list, e.g. registrar,bureau")
    token.add_argument("--official", help="official id (default: derived from the unit)")
    token.add_argument("--name", help="the official's name")
    token.add_argument("--hours", type=int, help="validity (default XINFANG_TOKEN_HOURS)")
    token.set_defaults(
        run=_command("token", "run_token", "unit", "roles", "official", "name", "hours")
    )

    migrate = sub.add_parser("migrate", help="导入历史数据 / migrate records into the store")
    migrate.set_defaults(run=_command("migrate", "run_migrate"))

    view = sub.add_parser(
        "view", help="台账、督导看板、预警、问责轨迹 / ledger, roll-up, warnings, trail, faults"
    )
    view.add_argument("kind", choices=["ledger", "rollup", "warnings", "trail", "faults"])
    view.add_argument("options", nargs=argparse.REMAINDER, help="options of that view (--help)")
    view.set_defaults(run=_command("views", "run_view", "*"))

    recommend = sub.add_parser("recommend", help="三项建议：候选与已提出 / recommendations")
    if not _own_arguments(recommend, "recommend"):
        recommend.add_argument("options", nargs=argparse.REMAINDER, help="candidates | list …")
    recommend.set_defaults(run=_command("recommend", "run_recommend", "*"))

    report = sub.add_parser("report", help="报表：月通报、考核数据 / reports and bulletins")
    if not _own_arguments(report, "reports"):
        report.add_argument("kind", help="which report")
        report.add_argument("options", nargs=argparse.REMAINDER, help="options of that report")
    report.set_defaults(run=_command("reports", "run_report", "*"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        code = int(args.run(settings, args))
        sys.stdout.flush()  # a reader gone shows here, not in Python's own flush at exit
        return code
    except DomainError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``xinfang view … | head``): stop quietly, as Unix tools do.
        # Python would otherwise report the failed flush of stdout again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover - `python -m gateways.cli`
    sys.exit(main())
