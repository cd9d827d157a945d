"""Bearer tokens: signed JWTs (HS256) that name an official, their unit, roles and jurisdiction.

Issued by ``xinfang token`` and ``xinfang serve`` in development, or by the province's identity
provider in production with the same secret and claims. Reading a token is on every request's
path, so decoded tokens are kept in a small LRU keyed by the token text; expiry is checked on
every hit, so a cached token still dies on time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from domain.acts import ROLES, Actor
from gateways.settings import Settings

ALGORITHM = "HS256"
CACHE_SIZE = 4096
REQUIRED_CLAIMS = ("sub", "unit", "roles", "exp")

# The codes a gateway answers 401 with; messages are for the official at the desk.
TOKEN_MESSAGES: dict[str, str] = {
    "UNAUTHENTICATED": "未提供身份令牌，请先登录",
    "TOKEN_INVALID": "身份令牌无效",
    "TOKEN_EXPIRED": "身份令牌已过期，请重新登录",
}
UNKNOWN_UNIT_MESSAGE = "身份令牌无效：令牌中的单位不存在"


class TokenError(Exception):
    """A token that does not authenticate anyone (HTTP 401)."""

    def __init__(self, code: str, reason: str | None = None, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or TOKEN_MESSAGES[code]
        self.reason = reason

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.reason:
            body["details"] = {"reason": self.reason}
        return body


def issue_token(
    settings: Settings,
    official_id: str,
    name: str,
    unit_id: str,
    roles: Iterable[str],
    jurisdiction: str,
    hours: int | None = None,
    now: datetime | None = None,
) -> str:
    """A token for one official; ``jurisdiction`` is the division-code prefix of their unit
    (``domain.units.area_prefix(unit.division_code)``). ``now`` is for tests of expiry."""
    granted = sorted(set(roles))
    unknown = sorted(set(granted) - ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    issued = now or datetime.now(UTC)
    lifetime = timedelta(hours=settings.token_hours if hours is None else hours)
    claims = {
        "sub": official_id,
        "name": name,
        "unit": unit_id,
        "roles": granted,
        "jurisdiction": jurisdiction,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


class _DecodedCache:
    """token text → (actor, expiry), least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, str], tuple[Actor, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[Actor, float] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], value: tuple[Actor, float]) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache = _DecodedCache(CACHE_SIZE)
_decoder = jwt.PyJWT(options={"require": list(REQUIRED_CLAIMS)})


def read_token(settings: Settings, token: str) -> Actor:
    """The official a token names; raises ``TokenError`` (TOKEN_INVALID / TOKEN_EXPIRED)."""
    key = (settings.jwt_secret, token)
    cached = _cache.get(key)
    if cached is not None:
        actor, expires = cached
        if time.time() >= expires:
            raise TokenError("TOKEN_EXPIRED")
        return actor
    actor, expires = _decode(settings.jwt_secret, token)
    _cache.put(key, (actor, expires))
    return actor


def _decode(secret: str, token: str) -> tuple[Actor, float]:
    try:
        claims = _decoder.decode(token, secret, algorithms=[ALGORITHM])
    except jwt.ExpiredSignatureError:
        raise TokenError("TOKEN_EXPIRED") from None
    except jwt.InvalidTokenError as error:
        raise TokenError("TOKEN_INVALID", type(error).__name__) from None
    roles = claims.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise TokenError("TOKEN_INVALID", "roles")
    if set(roles) - ROLES:
        raise TokenError("TOKEN_INVALID", "roles")
    for claim in ("sub", "unit"):
        if not isinstance(claims.get(claim), str) or not claims[claim]:
            raise TokenError("TOKEN_INVALID", claim)
    jurisdiction = claims.get("jurisdiction") or ""
    if not isinstance(jurisdiction, str) or (jurisdiction and not jurisdiction.isdigit()):
        raise TokenError("TOKEN_INVALID", "jurisdiction")
    actor = Actor(
        official_id=claims["sub"],
        name=str(claims.get("name") or claims["sub"]),
        unit_id=claims["unit"],
        roles=frozenset(roles),
        jurisdiction=jurisdiction,
    )
    return actor, float(claims["exp"])
