"""An event's id is one UUID whichever way it is computed: in the history, on the topic, in the
trail and in the recommendations' citations."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.chain import event_id, event_id_text


@pytest.mark.parametrize(
    "originator", [UUID(int=0), UUID("12345678-1234-5678-1234-567812345678"), uuid4(), uuid4()]
)
@pytest.mark.parametrize("version", [1, 2, 17, 10_000])
def test_the_text_of_an_event_id_is_the_uuid_s_own(originator: UUID, version: int) -> None:
    text = event_id_text(originator, version)
    assert text == str(event_id(originator, version)) == event_id_text(str(originator), version)
    assert UUID(text).version == 5
