"""Two API workers over one store, as ``XINFANG_WORKERS=2`` runs them: each caches the cases it
acted on, and an act reaching a worker whose copy is stale is decided on the store's state:
a case read from the store, a save refused because the case moved on, the cached copy caught
up, and the save again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gateways.http.app import create_app
from gateways.wiring import build_service
from tests.api.conftest import API, Api
from tests.scenario_support import COUNTY_BUREAU, TOWN_1, TOWN_2


@pytest.fixture
def other(api: Api) -> Iterator[TestClient]:
    """A second worker: its own service (and cache) over the same store and clock."""
    service = build_service(api.settings, api.world.clock)
    try:
        with TestClient(create_app(api.settings, service=service)) as client:
            yield client
    finally:
        service.close()


def test_an_act_on_a_stale_cached_copy_is_decided_on_what_the_other_worker_recorded(
    api: Api, other: TestClient
) -> None:
    api.on(0)
    case_id = api.registered()["id"]  # this worker caches the new case
    api.on(1)
    moved = other.post(  # the other reads it from the store and transfers it to town 2
        f"{API}/{case_id}/transfer", json={"to_unit_id": TOWN_2}, headers=api.auth(COUNTY_BUREAU)
    )
    assert moved.status_code == 200, moved.text

    api.on(2)
    # Here the cached copy still has the bureau holding the case, and town 2 not involved:
    # the act is refused on it, decided again on the caught-up state, and recorded.
    accepted = api.done(case_id, TOWN_2, "accept", path="6")

    assert accepted["holder_unit_id"] == TOWN_2 and accepted["stage"] == "handling"
    api.on(3)
    # And this worker's copy is now current: an act the bureau no longer may do is refused.
    again = api.act(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    assert again.status_code == 409 and again.json()["code"] == "NOT_HOLDER"
    history = api.get(f"{API}/{case_id}/history", COUNTY_BUREAU).json()
    assert [e["type"] for e in history][-2:] == ["Transferred", "Accepted"]


def test_a_save_refused_because_the_case_moved_on_is_written_again_on_the_fresh_state(
    api: Api, other: TestClient
) -> None:
    api.on(0)
    case_id = api.registered()["id"]
    api.on(1)
    urged = other.post(  # the other worker adds an event this worker's copy does not have
        f"{API}/{case_id}/urge",
        json={"target_unit_id": COUNTY_BUREAU, "reason": "尽快转送"},
        headers=api.auth(COUNTY_BUREAU),
    )
    assert urged.status_code == 200, urged.text

    api.on(2)
    # Allowed on the stale copy too, so it reaches the store, which refuses that version;
    # the copy is caught up with the urge and the transfer recorded after it.
    moved = api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)

    assert moved["holder_unit_id"] == TOWN_1
    history = api.get(f"{API}/{case_id}/history", COUNTY_BUREAU).json()
    assert [e["type"] for e in history][-2:] == ["Urged", "Transferred"]
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
