"""Bearer tokens: what they carry, and that a cached token still expires on time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from gateways.settings import Settings
from gateways.tokens import TokenError, issue_token, read_token

SETTINGS = Settings(jwt_secret="a-test-secret-that-is-long-enough-for-hs256")


def test_a_token_names_the_official_unit_roles_and_jurisdiction() -> None:
    token = issue_token(
        SETTINGS, "330106-bureau/li", "李科长", "330106-bureau", ["registrar", "bureau"], "330106"
    )
    actor = read_token(SETTINGS, token)
    assert actor.official_id == "330106-bureau/li" and actor.name == "李科长"
    assert actor.unit_id == "330106-bureau"
    assert actor.roles == frozenset({"registrar", "bureau"})
    assert actor.jurisdiction == "330106"
    claims = jwt.decode(token, SETTINGS.jwt_secret, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == SETTINGS.token_hours * 3600
    assert read_token(SETTINGS, token) is actor  # decoded once, then cached


def test_a_cached_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    token = issue_token(SETTINGS, "o", "王五", "u", ["handler"], "330106", hours=1)
    assert read_token(SETTINGS, token).unit_id == "u"
    later = datetime.now(UTC) + timedelta(hours=2)
    monkeypatch.setattr("gateways.tokens.time.time", later.timestamp)
    with pytest.raises(TokenError) as refused:
        read_token(SETTINGS, token)
    assert refused.value.code == "TOKEN_EXPIRED"


def test_a_token_is_bound_to_its_secret() -> None:
    token = issue_token(SETTINGS, "o", "王五", "u", ["handler"], "330106")
    other = Settings(jwt_secret="another-secret-that-is-long-enough-for-hs256")
    with pytest.raises(TokenError) as refused:
        read_token(other, token)
    assert refused.value.code == "TOKEN_INVALID"


def test_unknown_roles_are_neither_issued_nor_accepted() -> None:
    with pytest.raises(ValueError):
        issue_token(SETTINGS, "o", "王五", "u", ["emperor"], "33")
    forged = jwt.encode(
        {"sub": "o", "unit": "u", "roles": ["emperor"], "exp": 4_000_000_000},
        SETTINGS.jwt_secret,
        algorithm="HS256",
    )
    with pytest.raises(TokenError) as refused:
        read_token(SETTINGS, forged)
    assert refused.value.code == "TOKEN_INVALID"


def test_a_token_without_expiry_is_refused() -> None:
    endless = jwt.encode(
        {"sub": "o", "unit": "u", "roles": ["handler"]}, SETTINGS.jwt_secret, algorithm="HS256"
    )
    with pytest.raises(TokenError) as refused:
        read_token(SETTINGS, endless)
    assert refused.value.code == "TOKEN_INVALID"
