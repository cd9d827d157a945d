"""The commands' hot path: ``POST /api/v1/petitions`` (registration) and
``POST /api/v1/petitions/{case_id}/{action}`` (the acts) served without FastAPI's per-request
machinery, and everything off that path handed to FastAPI unchanged.

Why: for an act, FastAPI's route matching (the act routes are tried one by one), dependency
solving and its middleware stack cost about as much CPU as the act itself (rules, save, view),
and on the two-core machine the API's CPU is what bounds commands per second and, near that
bound, latency.

What stays the same: the route, its body model and its answer come from the same definitions
(``ACTION_BODIES``, ``RegisterPetition``, ``routes.petitions.act_answer`` and
``registration_answer``, ``auth.actor_of``, the error handlers of ``gateways.http.errors``),
the answer's bytes are those ``JSONResponse`` would send, and the OpenAPI document is
FastAPI's. A request takes this path only when it is well formed: a case id that is a UUID, a
bearer token that names a known official, a JSON body its model accepts. Anything else (no or
bad token, malformed body, a content type other than JSON) is replayed to FastAPI, byte for
byte, so every error comes out exactly as the contract documents it. A refusal of the domain
is answered here by the same handler FastAPI would have called.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from domain.errors import DomainError
from gateways.http.auth import actor_of
from gateways.http.errors import domain_error, unexpected_error
from gateways.http.routes.petitions import act_answer, registration_answer
from gateways.http.schemas import ACTION_BODIES, RegisterPetition
from gateways.tokens import TokenError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COLLECTION = "/api/v1/petitions"
PREFIX = COLLECTION + "/"
REGISTER = "register"  # the action name the hot path gives a registration
# Bodies of acts are small (an opinion text at most); a larger one goes the long way.
MAX_BODY = 1 << 20

# action → (its body model, whether an empty body means the model's defaults)
_ACTS: dict[str, tuple[type[BaseModel], bool]] = {
    action: (model, model.body_optional()) for action, model in ACTION_BODIES.items()
}
_ACTS[REGISTER] = (RegisterPetition, False)


def act_of(scope: Scope) -> tuple[str, str] | None:
    """``(case id text, action)`` when ``scope`` is a POST to an act route (``("",
    "register")`` for a registration), else None."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path: str = scope["path"]
    if path == COLLECTION:
        return "", REGISTER
    if not path.startswith(PREFIX):
        return None
    case_id, _, action = path[len(PREFIX) :].partition("/")
    if action not in ACTION_BODIES or not case_id:
        return None
    return case_id, action


async def serve(
    app: Any,
    scope: Scope,
    receive: Receive,
    send: Send,
    act: tuple[str, str],
    fallback: ASGIApp,
) -> None:
    """Answer one command, or replay it to ``fallback`` (FastAPI) when it is not well formed."""
    body, more = await _read_body(receive)
    replay = _replaying(body, more, receive)
    ready = _prepare(app, scope, body, more, act)
    if ready is None:
        await fallback(scope, replay, send)
        return
    case_id, actor, command, action = ready
    service = app.state.service
    try:
        if case_id is None:
            status, view, headers = await registration_answer(command, actor, service)
        else:
            status, view, headers = (
                200,
                await act_answer(service, case_id, actor, action, command),
                {},
            )
    except DomainError as error:
        response = await domain_error(Request(scope), error)
    except Exception as error:  # what FastAPI's handler for Exception answers, logged alike
        response = await unexpected_error(Request(scope), error)
    else:
        await _answer(send, status, view, headers)
        return
    await response(scope, replay, send)


# What Starlette's ``JSONResponse`` renders, built once (``json.dumps`` with options makes an
# encoder per call).
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


async def _answer(send: Send, status: int, view: Any, headers: dict[str, str]) -> None:
    """The bytes ``JSONResponse(view, status, headers)`` sends, without building one (a
    command's answer is on the hot path; Starlette's response object costs a few percent of
    it for headers this path knows already)."""
    body = _JSON.encode(view).encode("utf-8")
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode("latin-1")))
    raw.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _prepare(
    app: Any, scope: Scope, body: bytes, more: bool, act: tuple[str, str]
) -> tuple[UUID | None, Any, BaseModel, str] | None:
    """The case id (None for a registration), the caller, the parsed body and the action;
    None when FastAPI should answer (including every error it documents)."""
    if more:
        return None
    case_text, action = act
    case_id: UUID | None = None
    if action != REGISTER:
        try:
            case_id = UUID(case_text)
        except ValueError:
            return None
    headers = _headers(scope)
    token = _bearer(headers.get(b"authorization"))
    if token is None or app.state.service is None:
        return None
    try:
        actor = actor_of(app.state, token)
    except TokenError:
        return None
    model, optional = _ACTS[action]
    try:
        if not body:
            if not optional:
                return None
            command = model()
        else:
            kind = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
            if kind != b"application/json":
                return None
            command = model.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # json's errors are ValueErrors
        return None
    return case_id, actor, command, action


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
            return b"".join(chunks), True  # a disconnect: let FastAPI see it
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
