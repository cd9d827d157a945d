"""Who is calling: the bearer token turned into an ``Actor``, or a 401.

No I/O (decoded tokens are cached; the directory is kept fresh by the app), so the
dependency (``gateways.http.deps.current_actor``) runs on the event loop.
"""

from __future__ import annotations

from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.acts import Actor
from domain.units import Directory
from gateways.settings import Settings
from gateways.tokens import UNKNOWN_UNIT_MESSAGE, TokenError, read_token

# Shown in the OpenAPI document as the "Authorize" button of /docs.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="签名令牌（JWT, HS256）：sub 工作人员、unit 单位、roles 角色、jurisdiction 管辖区划前缀。"
    " Signed token naming the official, unit, roles and jurisdiction (`xinfang token`).",
)


def authenticate(
    settings: Settings, directory: Directory, credentials: HTTPAuthorizationCredentials | None
) -> Actor:
    """The actor a request's credentials name; ``TokenError`` when they name nobody (no or
    bad token, or a unit the directory does not hold)."""
    if credentials is None or not credentials.credentials:
        raise TokenError("UNAUTHENTICATED")
    return actor_of(settings, directory, credentials.credentials)


def actor_of(settings: Settings, directory: Directory, token: str) -> Actor:
    """The actor a bearer token names; ``TokenError`` for a bad token or an unknown unit."""
    actor = read_token(settings, token)
    if actor.unit_id not in directory:
        raise TokenError("TOKEN_INVALID", "unit", UNKNOWN_UNIT_MESSAGE)
    return actor
