"""A petitioner follows their own case with the serial number and query code, no token."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.scenario_support import BASIS, COUNTY_BUREAU, FACTS, TOWN_1, TOWN_2, VILLAGE_2_CODE

TRACK = "/api/v1/tracking"


def test_tracking_with_the_code_shows_dates_stage_and_deadlines_only(api: Api) -> None:
    registered = api.registered()
    serial, code = registered["serial_number"], registered["query_code"]
    api.on(1)
    api.done(registered["id"], COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(7)  # + 60 days: Friday 8 May, a working day
    api.done(registered["id"], TOWN_1, "accept", path="6")

    response = api.client.get(f"{TRACK}/{serial}", params={"code": code})
    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["serial_number"] == serial
    assert seen["stage"] == "handling" and seen["stage_label"] == "办理中"
    assert seen["registered_on"] == api.day(0).isoformat()
    assert seen["transferred_on"] == api.day(1).isoformat()
    assert seen["accepted_on"] == api.day(7).isoformat()
    assert seen["answered_on"] is None
    assert seen["handling_unit"] == "转塘街道办事处"
    answer = next(d for d in seen["deadlines"] if d["step"] == "answer")
    assert answer["due"] == api.day(67).isoformat()
    assert answer["calendar_warning"] is None
    text = response.text
    for private in ("张三丰", "330106198001011234", "13800000000", "补偿款至今", TOWN_1):
        assert private not in text


def test_a_wrong_code_answers_as_an_unknown_serial_404(api: Api) -> None:
    registered = api.registered()
    wrong = "0" if registered["query_code"] != "0" else "1"
    response = api.client.get(f"{TRACK}/{registered['serial_number']}", params={"code": wrong})
    unknown = api.client.get(f"{TRACK}/33010620260302999999", params={"code": "12345678"})
    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()


def test_an_accusation_shows_nothing_of_its_circumstances(api: Api) -> None:
    registered = api.registered(
        category="accusation",
        division_code=VILLAGE_2_CODE,
        accused_unit_id=TOWN_2,
        accused_persons=["赵某"],
        subject="检举村干部侵占集体资金",
    )
    seen = api.client.get(
        f"{TRACK}/{registered['serial_number']}", params={"code": registered["query_code"]}
    ).json()
    assert seen["subject"] is None and seen["handling_unit"] is None
    assert "赵某" not in str(seen) and TOWN_2 not in str(seen)


def test_the_petitioner_evaluates_the_answer_once(api: Api) -> None:
    registered = api.registered()
    case_id, serial, code = registered["id"], registered["serial_number"], registered["query_code"]
    api.on(1)
    api.done(case_id, COUNTY_BUREAU, "transfer", to_unit_id=TOWN_1)
    api.on(2)
    api.done(case_id, TOWN_1, "accept", path="6")
    api.on(10)
    api.done(
        case_id,
        TOWN_1,
        "answer",
        outcome="supported",
        opinion="予以支持。",
        facts=FACTS,
        basis=BASIS,
    )

    body = {"code": code, "satisfaction": "basically_satisfied", "comment": "基本满意"}
    response = api.client.post(f"{TRACK}/{serial}/evaluate", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["evaluation"] == "basically_satisfied"
    again = api.client.post(f"{TRACK}/{serial}/evaluate", json=body)
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_EVALUATED"
    wrong = api.client.post(f"{TRACK}/{serial}/evaluate", json=dict(body, code="x"))
    assert wrong.status_code == 404  # as an unknown serial: a guess learns nothing
    history = api.get(f"/api/v1/petitions/{case_id}/history", TOWN_1).json()
    assert history[-1]["type"] == "Evaluated"
    assert history[-1]["actor"]["official_id"] == "petitioner"
