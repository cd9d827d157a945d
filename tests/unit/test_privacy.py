"""What each audience sees of a petitioner (domain.md §7): handling units everything, other
officials masked identity, other systems masked names and text without the petition's words."""

from __future__ import annotations

from domain import privacy

LI = {"name": "李四", "id_number": "330106198001011234", "phone": "13800001234", "extra": "x"}


def test_other_officials_see_a_petitioner_masked_and_handling_units_see_them_whole() -> None:
    assert privacy.shown_petitioners([LI], masked=True) == [
        {"name": "李*", "id_number": "330106********1234", "phone": "138****1234"}
    ]
    assert privacy.shown_petitioners([LI], masked=False) == [LI]


def test_a_ledger_names_the_first_petitioner_masked_and_counts_the_others() -> None:
    assert privacy.petitioner_line([LI], anonymous=False) == "李*"
    assert privacy.petitioner_line([LI, {"name": "王五"}], anonymous=False) == "李*等2人"
    assert privacy.petitioner_line([], anonymous=True) == "匿名"


def test_other_systems_get_no_petition_text_and_masked_names_and_numbers() -> None:
    assert privacy.shared_form("content") is None
    assert privacy.shared_form("query_code_hash") is None
    assert privacy.shared_form("serial_number") is privacy.unchanged
    note = privacy.shared_form("note")
    assert note is not None and note("电话13800001234") == "电话138******34"
    leader = privacy.shared_form("leader_name")
    assert leader is not None and leader("王书记") == "王**"


def test_of_an_accusation_other_systems_get_ids_and_times_only() -> None:
    assert privacy.shared_accusation_field("received_by", "330106-bureau")
    assert privacy.shared_accusation_field("to_unit_id", "330106-di")
    assert not privacy.shared_accusation_field("accused_unit_id", "330106001-gov")
    assert not privacy.shared_accusation_field("subject", "某某收受贿赂")
    assert privacy.shared_actor(
        {"official_id": "o", "unit_id": "u", "name": "张三"}, with_name=False
    ) == {
        "official_id": "o",
        "unit_id": "u",
    }
