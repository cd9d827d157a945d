"""A worker's app sets the garbage collector for a long-running server; an app handed a
service (the tests', or ``xinfang serve`` choosing for itself) leaves it alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gateways.http import heap
from gateways.http.app import create_app
from gateways.settings import Settings
from gateways.wiring import build_service


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_an_app_that_builds_its_own_service_freezes_what_it_started_with(
    collector: None, store_settings: Settings
) -> None:
    with TestClient(create_app(store_settings)) as client:
        assert client.get("/health").status_code == 200
        assert gc.get_freeze_count() > 10_000  # modules, routes, models, the directory
        assert gc.get_threshold()[0] == heap.YOUNG_THRESHOLD


def test_an_app_handed_a_service_leaves_the_collector_as_it_was(
    collector: None, store_settings: Settings
) -> None:
    before = gc.get_threshold()
    service = build_service(store_settings)
    try:
        with TestClient(create_app(store_settings, service=service)) as client:
            assert client.get("/health").status_code == 200
            assert gc.get_freeze_count() == 0
            assert gc.get_threshold() == before
    finally:
        service.close()
