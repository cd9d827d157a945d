"""The commands are the one list of acts: every table that names acts is derived from it."""

from __future__ import annotations

from dataclasses import fields

from domain.acts import ROLES
from domain.commands import CASE_COMMANDS, COMMANDS, Register
from domain.handlers import HANDLERS
from gateways.http.schemas import BODIES, RegisterPetition


def test_every_act_has_a_handler_and_an_http_body() -> None:
    assert set(HANDLERS) == set(CASE_COMMANDS.values()) == set(BODIES)


def test_each_http_body_carries_its_commands_fields() -> None:
    """Nothing a body carries is lost on the way to the domain; what an official's body leaves
    out has a default (an evaluation over HTTP is a bureau's return visit: ``source``)."""
    for command, body in {**BODIES, Register: RegisterPetition}.items():
        own = {f.name: f for f in fields(command)}
        assert set(body.model_fields) <= set(own), command.name
        left_out = set(own) - set(body.model_fields)
        assert left_out <= {"source"}, (command.name, left_out)


def test_each_command_names_its_roles_article_and_summary() -> None:
    for name, command in COMMANDS.items():
        assert command.name == name
        assert command.roles and command.roles <= ROLES
        assert command.article.startswith("第") and command.summary
