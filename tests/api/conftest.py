"""The API end to end: a real ``CaseService`` on a temp SQLite file or a fresh PostgreSQL
database (``store_settings`` of tests/conftest.py), the scenario world's directory and clock,
and FastAPI's ``TestClient`` speaking HTTP to the app with signed tokens. Every answer is held
against the contract the app documents (``tests.api.contract``).

Directory (tests/scenario_support.py): province 33, city 3301 (bureau, government, discipline
inspection), county 330106 (bureau, government, human-resources department, discipline
inspection), townships 330106001 and 330106002 with a village each. Day 0 is 2026-03-02.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from domain.units import area_prefix
from gateways.http.app import create_app
from gateways.settings import Settings
from gateways.tokens import issue_token
from tests.api.contract import Contract
from tests.scenario_support import (
    COUNTY_BUREAU,
    PETITIONER,
    UNIT_BY_ID,
    VILLAGE_1_CODE,
    World,
    build_world,
    official,
)

API = "/api/v1/petitions"


def register_body(**overrides: Any) -> dict[str, Any]:
    """A letter from one named petitioner about land compensation in village 330106001001."""
    body: dict[str, Any] = {
        "channel": "letter",
        "category": "appeal",
        "division_code": VILLAGE_1_CODE,
        "subject": "征地补偿款未足额发放",
        "content": "本人承包地被征收，补偿款至今未足额发放，请求依法处理。",
        "matter_kind": "land_compensation",
        "petitioners": [dict(PETITIONER, address="杭州市西湖区转塘街道某村5组")],
    }
    body.update(overrides)
    return body


@dataclass
class Api:
    """The client, the world behind it (clock, service), and tokens for its officials."""

    client: TestClient
    world: World
    settings: Settings

    def token(self, unit_id: str, *roles: str) -> str:
        actor = official(unit_id, *roles)
        unit = UNIT_BY_ID[unit_id]
        return issue_token(
            self.settings,
            actor.official_id,
            actor.name,
            unit_id,
            sorted(actor.roles),
            area_prefix(unit.division_code),
        )

    def auth(self, unit_id: str, *roles: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(unit_id, *roles)}"}

    def on(self, day: int, hour: int = 10) -> None:
        self.world.on(day, hour)

    def day(self, n: int) -> date:
        return self.world.day(n)

    def position(self) -> int:
        return self.world.top()

    # ------------------------------------------------------------- requests
    def register(self, by: str = COUNTY_BUREAU, **overrides: Any) -> Any:
        return self.client.post(API, json=register_body(**overrides), headers=self.auth(by))

    def registered(self, by: str = COUNTY_BUREAU, **overrides: Any) -> dict[str, Any]:
        response = self.register(by, **overrides)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def act(self, case_id: str, by: str, action: str, **body: Any) -> Any:
        return self.client.post(f"{API}/{case_id}/{action}", json=body, headers=self.auth(by))

    def done(self, case_id: str, by: str, action: str, **body: Any) -> dict[str, Any]:
        response = self.act(case_id, by, action, **body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def get(self, path: str, by: str | None = None, **params: Any) -> Any:
        headers = self.auth(by) if by else {}
        return self.client.get(path, params=params or None, headers=headers)


_DOCUMENT: dict[str, Any] = {}


def checked_client(app: FastAPI) -> TestClient:
    """A client that holds every answer against the contract the app documents
    (``tests.api.contract``): an answer that strays from it fails the test that got it."""
    if not _DOCUMENT:
        _DOCUMENT.update(app.openapi())
    contract = Contract(app, _DOCUMENT)
    client = TestClient(app)

    def check(response: httpx.Response) -> None:
        response.read()
        problems = contract.problems(
            response.request.method,
            response.request.url.path,
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
        )
        assert not problems, "the answer strays from /openapi.json:\n" + "\n".join(problems)

    client.event_hooks = {"request": [], "response": [check]}
    client.contract = contract  # type: ignore[attr-defined]
    return client


@pytest.fixture
def api(store_settings: Settings) -> Iterator[Api]:
    world = build_world(store_settings)
    app = create_app(store_settings, service=world.service)
    try:
        with checked_client(app) as client:
            yield Api(client, world, store_settings)
    finally:
        world.service.close()
