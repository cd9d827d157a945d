"""Who is calling: the bearer token turned into an ``Actor``, or a 401.

The dependency is ``async`` on purpose: it does no I/O on the hot path (decoded tokens are
cached, and a unit once known stays in the directory, since units are merged, never deleted),
so it runs on the event loop instead of costing a thread hop per request.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import State

from domain.acts import Actor
from gateways.tokens import UNKNOWN_UNIT_MESSAGE, TokenError, read_token

# Shown in the OpenAPI document as the "Authorize" button of /docs.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="签名令牌（JWT, HS256）：sub 工作人员、unit 单位、roles 角色、jurisdiction 管辖区划前缀。"
    " Signed token naming the official, unit, roles and jurisdiction (`xinfang token`).",
)


def authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Actor:
    """The actor a request's credentials name; ``TokenError`` when they name nobody."""
    if credentials is None or not credentials.credentials:
        raise TokenError("UNAUTHENTICATED")
    return actor_of(request.app.state, credentials.credentials)


def actor_of(state: State, token: str) -> Actor:
    """The actor a bearer token names, in the app whose ``state`` this is (its settings, its
    directory, the units already seen); ``TokenError`` when it names nobody."""
    actor = read_token(state.settings, token)
    known: set[str] = state.known_units
    if actor.unit_id not in known:
        if actor.unit_id not in state.service.directory:
            raise TokenError("TOKEN_INVALID", "unit", UNKNOWN_UNIT_MESSAGE)
        known.add(actor.unit_id)
    return actor
