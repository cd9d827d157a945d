"""The catalogue of faults (domain.faults) cites only what Chapter 5 of the 2022 text says:
each ground an article that exists, an item that article has (Art.43 has none), and the
article's own words for it."""

from __future__ import annotations

from domain.faults import (
    DUTY_GROUNDS,
    GROUNDS,
    ITEM_COUNTS,
    ITEMS,
    MARK_GROUNDS,
    NOT_URGED,
    RETRANSFER,
    FaultKind,
    ground_of_late,
)


def test_every_ground_cites_an_item_its_article_has() -> None:
    for ground in GROUNDS.values():
        items = ITEM_COUNTS[ground.kind]
        if items == 0:
            assert ground.paragraph is None, ground.key
        else:
            assert ground.paragraph is not None and 1 <= ground.paragraph <= items, ground.key
        assert ground.item_text == ITEMS[(ground.kind, ground.paragraph)]
        assert ground.fact and ground.citation.startswith(ground.article)


def test_late_duties_and_marks_by_article_and_item() -> None:
    cited = {k: (g.kind, g.paragraph) for k, g in DUTY_GROUNDS.items()}
    assert cited == {
        "transfer": (FaultKind.BUREAU, None),
        "inform": (FaultKind.ACCEPTANCE, 3),
        "accept": (FaultKind.ACCEPTANCE, 3),
        "answer": (FaultKind.HANDLING, 1),
        "assigned_report": (FaultKind.HANDLING, 1),
        "review": (FaultKind.HANDLING, 1),
        "recheck": (FaultKind.HANDLING, 1),
    }
    assert [(g.citation, g.key) for g in MARK_GROUNDS.values()] == [
        ("第四十五条第（二）项", "overturned_answer"),
        ("第四十五条第（二）项", "overturned_review"),
        ("第四十六条第（七）项", "accusation_read_attempt"),
    ]
    assert NOT_URGED.citation == "第四十三条" and NOT_URGED.paragraph is None
    assert ground_of_late("transfer", "ObjectionDecided") is RETRANSFER
    assert ground_of_late("transfer", "Registered") is DUTY_GROUNDS["transfer"]


def test_exercising_a_right_has_no_ground() -> None:
    """An objection (Art.23), a path 1-4 decline (Art.31) and 不再受理 (Art.36) are no fault."""
    keys = " ".join(GROUNDS)
    assert "object" not in keys and "declin" not in keys and "reaccept" not in keys
