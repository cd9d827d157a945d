"""What every reading command shares (``view``, ``report``, ``recommend``): the read models
brought up to date, the official the command reads as, the day lateness is judged on, and
printing as JSON or as text for a person.

A command reads as an official of ``--as-unit`` (that unit's jurisdiction, accusations about
it hidden), by default as the system administrator.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.access import ReadScope
from domain.acts import SYSTEM, Actor
from domain.application import CaseService
from domain.calendar import china_date
from domain.units import Directory
from gateways.settings import Settings
from gateways.wiring import build_service, build_view_database
from projections.db import ViewDatabase
from projections.registry import all_projections
from projections.runner import ProjectionRunner

# An official reading from the command line holds every reading role of their unit.
READER_ROLES = frozenset({"bureau", "handler", "leader", "inspector"})


@dataclass(frozen=True)
class Reading:
    """The read models and the reader of one command."""

    service: CaseService
    db: ViewDatabase
    directory: Directory
    actor: Actor
    scope: ReadScope
    today: date


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-unit", help="read as an official of this unit")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--no-catch-up", action="store_true", help="read the projections as they are"
    )


def day(text: str) -> date:
    """An ``argparse`` type: a day as YYYY-MM-DD (a bad one is a usage error, exit 2)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD 格式 / a day is YYYY-MM-DD: {text}"
        ) from None


def reader(unit_id: str, directory: Directory) -> Actor:
    unit = directory.get(unit_id)
    return Actor(f"cli:{unit_id}", "命令行", unit_id, READER_ROLES, unit.jurisdiction)


@contextmanager
def reading(settings: Settings, args: argparse.Namespace) -> Iterator[Reading]:
    """The service and the read models, caught up unless ``--no-catch-up``, as the reader."""
    service = build_service(settings)
    db = build_view_database(settings)
    try:
        if not args.no_catch_up:
            ProjectionRunner(service, db, all_projections()).catch_up()
        directory = service.directory
        actor = reader(args.as_unit, directory) if args.as_unit else SYSTEM
        yield Reading(
            service,
            db,
            directory,
            actor,
            ReadScope.of(actor, directory),
            china_date(service.clock.now()),
        )
    finally:
        db.close()
        service.close()


def emit(data: dict[str, Any], as_json: bool, text: Callable[[dict[str, Any]], str]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text(data))
