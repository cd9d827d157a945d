"""The commands' fast path: ``POST /api/v1/petitions`` (registration) and
``POST /api/v1/petitions/{case_id}/{command}`` answered in front of FastAPI's routing,
dependency solving and middleware, which cost more CPU per command than the command itself.

A request takes it only when it is well formed: a case id that is a UUID, a bearer token naming
a known official, a JSON body its model accepts. Everything else is replayed to the app, byte
for byte, so every error comes out as the plain routes answer it. The answer is built by the
plain routes' own pieces (``routes.petitions.perform`` and ``registration``, the body models,
the same bytes as the answer models serialise), so both paths answer alike
(``tests/api/test_speedups.py``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from domain.application import CaseService
from domain.commands import CASE_COMMANDS
from domain.errors import DomainError
from domain.petition import Petition
from gateways.http.auth import actor_of
from gateways.http.deps import Dependencies, today_of
from gateways.http.errors import domain_error
from gateways.http.routes.petitions import location, perform, registration
from gateways.http.schemas import BODIES, RegisterPetition
from gateways.http.views import case_view
from gateways.tokens import TokenError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COLLECTION = "/api/v1/petitions"
PREFIX = COLLECTION + "/"
# Bodies of commands are small (an opinion text at most); a larger one goes the long way.
MAX_BODY = 1 << 20

# command name → (its body model, whether an empty body means the model's defaults)
_BODIES: dict[str, tuple[type[BaseModel], bool]] = {
    name: (BODIES[command], BODIES[command].body_optional())
    for name, command in CASE_COMMANDS.items()
}


class CommandFastPath:
    """ASGI middleware: answers well-formed commands, hands everything else to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = _target(scope)
        if target is None:
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        replay = _replaying(body, more, receive)
        deps: Dependencies = scope["app"].state.deps
        ready = _prepare(deps, scope, body, more, target)
        if ready is None:
            await self.app(scope, replay, send)
            return
        case_id, actor, command = ready
        service = deps.service
        try:
            if case_id is None:
                created, view = await registration(service, actor, command)
                status = 201 if created else 200
                answer = _json(view)
                headers = [(b"location", location(view).encode("latin-1"))] if created else []
            else:
                status, headers = 200, []
                answer = _json(await _perform(service, case_id, actor, command))
        except DomainError as error:  # the handler the plain route's refusal reaches
            response = await domain_error(Request(scope), error)
            await response(scope, replay, send)
            return
        headers += [
            (b"content-length", str(len(answer)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


async def _perform(service: CaseService, case_id: UUID, actor: Any, command: Any) -> dict[str, Any]:
    """An act on a case the store remembers is decided on the event loop (no I/O) and only its
    save leaves it, for the group commit's thread; anything else (a case not remembered, a
    refusal, a conflict) is the plain route's ``perform``, decided again on the latest state."""
    store: Any = service.store
    case = store.recall([case_id]).get(case_id)
    if isinstance(case, Petition):
        try:
            service.act_on(case, actor, command)
            position = await asyncio.wrap_future(store.save_soon(case))
        except (DomainError, IntegrityError):
            pass
        else:
            view = case_view(case, actor, service.directory, service.rules, today_of(service))
            view["position"] = position
            return view
    return await perform(service, case_id, actor, command)


# The bytes the plain route's answer model serialises ``view`` to (its fields in the view's
# order, no spaces, UTF-8), without validating it again: validating a case view costs a tenth
# of a command. tests/api/test_speedups.py holds both paths to the same bytes, and the contract
# check of the API tests holds every answer to its documented schema.
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


def _json(view: dict[str, Any]) -> bytes:
    return _JSON.encode(view).encode("utf-8")


def _target(scope: Scope) -> tuple[str, str] | None:
    """``(case id text, command name)`` when ``scope`` is a POST of a command (``("", "")`` for
    a registration), else None."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path: str = scope["path"]
    if path == COLLECTION:
        return "", ""
    if not path.startswith(PREFIX):
        return None
    case_id, _, name = path[len(PREFIX) :].partition("/")
    if name not in _BODIES or not case_id:
        return None
    return case_id, name


def _prepare(
    deps: Dependencies, scope: Scope, body: bytes, more: bool, target: tuple[str, str]
) -> tuple[UUID | None, Any, Any] | None:
    """The case id (None for a registration), the caller and the command; None when the plain
    routes should answer (including every error they document)."""
    if more:
        return None
    case_text, name = target
    case_id: UUID | None = None
    model: type[Any] = RegisterPetition
    optional = False
    if name:
        model, optional = _BODIES[name]
        try:
            case_id = UUID(case_text)
        except ValueError:
            return None
    headers = _headers(scope)
    token = _bearer(headers.get(b"authorization"))
    if token is None:
        return None
    try:
        actor = actor_of(deps.settings, deps.service.directory, token)
    except TokenError:
        return None
    try:
        if not body:
            if not optional:
                return None
            parsed = model()
        else:
            kind = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
            if kind != b"application/json":
                return None
            fields = json.loads(body)
            if not isinstance(fields, dict):
                return None
            parsed = model.model_validate(fields)
    except (ValueError, ValidationError):  # json's errors are ValueErrors
        return None
    return case_id, actor, parsed.to_command()


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """Header name → its first value (what Starlette's ``Headers.get`` answers)."""
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.lower(), value)
    return found


def _bearer(header: bytes | None) -> str | None:
    """The credentials of ``Authorization: Bearer <token>``, as ``HTTPBearer`` reads them."""
    if not header:
        return None
    scheme, _, token = header.decode("latin-1").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request's body, up to ``MAX_BODY``; ``more`` when it goes on past that."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True  # a disconnect: let the app see it
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False
        if size > MAX_BODY:
            return b"".join(chunks), True


def _replaying(body: bytes, more: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then whatever the client sends next."""
    pending = [{"type": "http.request", "body": body, "more_body": more}]

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay
