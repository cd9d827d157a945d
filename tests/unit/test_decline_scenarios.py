"""不予受理 (Art.19, 31, 44): declining is for matters that belong to another lawful channel
(paths 1-4) and for the Art.19 repeat; refusing a matter within the unit's power is 推诿."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from tests.scenario_support import TOWN_1, World, refusal


@pytest.mark.parametrize("path", ["1", "2", "3", "4"])
def test_a_matter_of_paths_1_to_4_is_declined_with_its_lawful_channel(
    world: World, path: str
) -> None:
    """Art.31(1)-(4): channelled into litigation, arbitration, Party appeal or administrative
    procedure, with written notice; that concludes the case for the petition system."""
    case_id = world.transferred()
    world.on(3)

    case = world.act(case_id, TOWN_1, "decline", reason="请依法通过相应法定途径解决", path=path)

    assert (case.conclusion, case.path) == ("declined", path)


@pytest.mark.parametrize("path", ["5", "6"])
def test_a_matter_of_path_5_or_6_cannot_be_declined(world: World, path: str) -> None:
    """Art.31(5), (6) and Art.44(2): the organ performs its duty or answers; refusing to accept
    is 推诿, so the act is refused and nothing is recorded."""
    case_id = world.transferred()
    world.on(3)
    top = world.top()

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "decline", reason="不属于本单位职责", path=path)

    assert refusal(excinfo) == "DECLINE_NOT_ALLOWED"
    assert excinfo.value.kind == "rule"
    assert world.top() == top
    assert not world.case(case_id).concluded


@pytest.mark.parametrize("category", ["suggestion", "accusation"])
def test_a_suggestion_or_an_accusation_is_not_declined(world: World, category: str) -> None:
    """Art.29, 30: suggestions are studied and accusations handled by their own rules; a unit
    that thinks one is not its business objects (Art.23) or the bureau routes it."""
    extra = {"accused_unit_id": "330106002-gov"} if category == "accusation" else {}
    case_id = world.transferred(category=category, **extra)
    world.on(3)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "decline", reason="不属于本单位职责")

    assert refusal(excinfo) == "DECLINE_NOT_ALLOWED"


def test_a_decline_names_the_path(world: World) -> None:
    case_id = world.transferred()
    world.on(3)

    with pytest.raises(DomainError) as excinfo:
        world.act(case_id, TOWN_1, "decline", reason="不予受理")

    assert refusal(excinfo) == "DECLINE_PATH_REQUIRED"
    assert excinfo.value.kind == "invalid"
