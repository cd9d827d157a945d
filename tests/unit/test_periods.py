"""The periods table says what the 2022 《信访工作条例》 says, and the configurable periods are
read from the rules."""

from __future__ import annotations

from dataclasses import replace

from domain import periods
from domain.acts import DEFAULT_RULES


def test_every_period_of_the_regulation_with_its_article() -> None:
    table = {p.name: (p.days, p.working_days, p.article) for p in periods.PERIODS}
    assert table["transfer"] == (15, False, "第二十二条")
    assert table["inform"] == (15, False, "第二十三条")
    assert table["accept"] == (15, False, "第二十三条")
    assert table["objection"] == (5, True, "第二十三条")
    assert table["answer"] == (60, False, "第三十四条")
    assert table["extension"] == (30, False, "第三十四条")
    assert table["review_request"] == (30, False, "第三十五条")
    assert table["review"] == (30, False, "第三十五条")
    assert table["recheck_request"] == (30, False, "第三十六条")
    assert table["recheck"] == (30, False, "第三十六条")


def test_the_periods_the_regulation_leaves_open_come_from_the_rules() -> None:
    rules = replace(DEFAULT_RULES, suggestion_days=45, accusation_days=90, path5_days=20)
    assert periods.SUGGESTION_ANSWER.length(rules) == 45
    assert periods.ACCUSATION_ANSWER.length(rules) == 90
    assert periods.PATH5_ANSWER.length(rules) == 20
    assert periods.ANSWER.length(rules) == 60
    for period in periods.PERIODS:
        assert period.length(DEFAULT_RULES) == period.days
