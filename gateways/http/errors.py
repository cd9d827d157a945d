"""Refusals as HTTP answers: one JSON shape ``{code, message, details}`` for every error.

The domain says why (``DomainError``: a stable code, a Chinese message); this module only says
which status that is: 409 a rule refuses, 422 malformed, 403 out of scope, 404 unknown, 401 no
or bad credentials. Nothing is recorded on any of them: the domain raises before it records.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError
from gateways.http.field_messages import field_message
from gateways.http.schemas import ErrorBody
from gateways.tokens import TokenError

log = logging.getLogger("xinfang.http")

STATUS_BY_KIND = {"rule": 409, "invalid": 422, "scope": 403, "not_found": 404}

_DESCRIPTIONS = {
    401: "未认证：缺少、无效或过期的令牌 (UNAUTHENTICATED, TOKEN_INVALID, TOKEN_EXPIRED)",
    403: "超出权限：角色或管辖范围不符 (ROLE_REQUIRED, OUT_OF_JURISDICTION)",
    404: "不存在：事项不存在，或对被检举控告单位隐藏 (CASE_NOT_FOUND, UNKNOWN_ACTION)",
    409: "条例规则不允许该操作 (e.g. ALREADY_ACCEPTED, REVIEW_WINDOW_EXPIRED)",
    422: "请求格式错误或引用不存在的对象 (VALIDATION_FAILED, UNKNOWN_UNIT, …)",
}

_HTTP_CODES = {
    404: ("NOT_FOUND", "请求的资源不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each status documented with the error body."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


def _json(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)


async def domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return _json(STATUS_BY_KIND.get(error.kind, 409), error.as_dict())


async def token_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TokenError)
    return _json(401, error.as_dict(), {"WWW-Authenticate": 'Bearer realm="xinfang"'})


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's own checks of the body, path and query; the input is not echoed back (it may
    hold personal data), only where and what."""
    assert isinstance(error, RequestValidationError)
    details = [
        {
            "loc": list(e.get("loc", ())),
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "message": field_message(e.get("type", ""), e.get("ctx")),
            "message_en": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in error.errors()
    ]
    return _json(
        422, {"code": "VALIDATION_FAILED", "message": "请求参数格式错误", "details": details}
    )


async def http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, message = _HTTP_CODES.get(error.status_code, ("HTTP_ERROR", str(error.detail)))
    return _json(error.status_code, {"code": code, "message": message}, error.headers)


async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return _json(500, {"code": "INTERNAL_ERROR", "message": "系统内部错误，请稍后重试"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(TokenError, token_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
