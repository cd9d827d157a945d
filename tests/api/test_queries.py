"""Reading a case over HTTP: its state at an instant, its history with the hash chain, and
petitioners' data masked for units that do not handle the case."""

from __future__ import annotations

import itertools

from tests.api.conftest import API, Api
from tests.scenario_support import CITY_BUREAU, COUNTY_BUREAU, COUNTY_GOV, TOWN_1


def accepted_case(api: Api) -> str:
    """Registered day 0, transferred to town 1 on day 1, accepted on day 2."""
    api.on(0)
    case_id = api.registered()["id"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(2)
    api.done(case_id, TOWN_1, "accept", path="6")
    return case_id


def test_history_as_of_an_earlier_instant_shows_fewer_events(api: Api) -> None:
    case_id = accepted_case(api)
    everything = api.get(f"{API}/{case_id}/history", TOWN_1).json()
    assert [e["type"] for e in everything] == ["Registered", "Transferred", "Accepted"]
    earlier = api.get(f"{API}/{case_id}/history", TOWN_1, as_of="2026-03-03T12:00:00+08:00")
    assert earlier.status_code == 200
    assert [e["type"] for e in earlier.json()] == ["Registered", "Transferred"]
    # A bare date means the end of that China day.
    assert len(api.get(f"{API}/{case_id}/history", TOWN_1, as_of="2026-03-02").json()) == 1


def test_the_case_as_of_an_earlier_instant_is_its_state_then(api: Api) -> None:
    case_id = accepted_case(api)
    now = api.get(f"{API}/{case_id}", TOWN_1).json()
    then = api.get(f"{API}/{case_id}", TOWN_1, as_of="2026-03-03T12:00:00+08:00").json()
    assert now["stage"] == "handling" and now["version"] == 3
    assert then["stage"] == "awaiting_acceptance" and then["version"] == 2
    assert then["deadlines_on"] == api.day(1).isoformat()
    accept = next(d for d in then["deadlines"] if d["step"] == "accept")
    assert accept["status"] == "running" and accept["done_on"] is None


def test_an_unencoded_plus_in_as_of_is_understood(api: Api) -> None:
    case_id = accepted_case(api)
    url = f"{API}/{case_id}/history?as_of=2026-03-03T12:00:00+08:00"  # '+' becomes a space
    response = api.client.get(url, headers=api.auth(TOWN_1))
    assert response.status_code == 200, response.text
    assert len(response.json()) == 2


def test_history_events_carry_actor_times_ids_and_a_linked_hash_chain(api: Api) -> None:
    from uuid import NAMESPACE_URL, uuid5

    case_id = accepted_case(api)
    history = api.get(f"{API}/{case_id}/history", TOWN_1).json()
    transfer = history[1]
    assert transfer["actor"]["unit_id"] == COUNTY_BUREAU
    assert transfer["payload"] == {
        "to_unit_id": TOWN_1,
        "to_bureau": False,
        "note": "",
        "level_skipping": None,  # a letter: only a visit can skip a level (Art.20)
    }
    assert transfer["occurred_at"].startswith(api.day(1).isoformat())
    assert transfer["recorded_at"].startswith(api.day(1).isoformat())
    assert history[0]["prev_hash"] == "0" * 64
    for before, after in itertools.pairwise(history):
        assert after["prev_hash"] == before["hash"]
    assert history[-1]["hash"] == api.get(f"{API}/{case_id}", TOWN_1).json()["last_hash"]
    assert [e["id"] for e in history] == [
        str(uuid5(NAMESPACE_URL, f"{case_id}:{v}")) for v in (1, 2, 3)
    ]
    assert "query_code_hash" not in history[0]["payload"]


def test_petitioners_are_masked_for_a_unit_that_does_not_handle_the_case(api: Api) -> None:
    case_id = accepted_case(api)
    handling = api.get(f"{API}/{case_id}", TOWN_1).json()
    assert handling["petitioners"] == [
        {
            "name": "张三丰",
            "id_number": "330106198001011234",
            "phone": "13800000000",
            "address": "杭州市西湖区转塘街道某村5组",
        }
    ]
    assert handling["petitioners_masked"] is False
    for outsider in (COUNTY_GOV, CITY_BUREAU):  # in jurisdiction, never held the case
        seen = api.get(f"{API}/{case_id}", outsider).json()
        assert seen["petitioners_masked"] is True
        assert seen["petitioners"] == [
            {
                "name": "张**",
                "id_number": "330106********1234",
                "phone": "138****0000",
                "address": "杭州市西湖区****",
            }
        ]
        history = api.get(f"{API}/{case_id}/history", outsider).json()
        assert history[0]["payload"]["petitioners"] == seen["petitioners"]
        assert "13800000000" not in api.get(f"{API}/{case_id}/history", outsider).text


def test_the_case_view_has_flags_deadlines_and_receipts(api: Api) -> None:
    case_id = accepted_case(api)
    case = api.get(f"{API}/{case_id}", TOWN_1).json()
    assert set(case["flags"]) >= {
        "level_skipping",
        "collective",
        "repeat_of",
        "repeats",
        "anonymous",
        "major",
        "accusation",
    }
    assert [r["unit_id"] for r in case["receipts"]] == [COUNTY_BUREAU, TOWN_1]
    steps = {d["step"]: d for d in case["deadlines"]}
    assert steps["transfer"]["status"] == "met"
    assert steps["accept"]["status"] == "met"
    assert steps["answer"]["status"] == "running"
    assert steps["answer"]["warning_level"] == "normal"


def test_a_registration_proposes_the_earlier_case_and_the_registrar_links_it(api: Api) -> None:
    first = accepted_case(api)
    api.on(5)
    proposed = api.registered()
    (candidate,) = proposed["candidates"]
    assert candidate["case_id"] == first and candidate["stage_label"]
    assert {r["code"] for r in candidate["reasons"]} >= {"same_petitioner", "same_matter_kind"}
    assert (
        candidate["if_linked"]["code"] == "repeat" and "第十九条" in candidate["if_linked"]["label"]
    )
    assert proposed["flags"]["repeat_of"] is None and proposed["stage"] != "concluded"

    repeat = api.registered(same_matter_as=first)
    assert repeat["flags"]["repeat_of"] == first
    assert repeat["flags"]["repeat_relation"] == "repeat"
    assert repeat["stage"] == "concluded"  # declined: the same matter is being handled
    original = api.get(f"{API}/{first}", TOWN_1).json()
    assert original["flags"]["repeats"] == [repeat["id"]]  # the unlinked one is not a repeat
