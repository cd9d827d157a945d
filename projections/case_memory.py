"""Every case's state, kept in memory by the projection runner and folded from the events it reads.

Deadlines depend on the whole case, so a projection needs the case as it stands after each
event. The runner folds every case event once, before any projection sees it. A case not in
memory (a restart, an eviction) is loaded at the version just reached, for a whole batch of
notifications at once (``prefetch``). The fold applies each event's ``change`` but skips the
hash-chain digest: these cases are read, never acted on. See
docs/decisions/0007-home-made-projection-runner.md and 0008-bulk-histories-and-analyze.md.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.acts import Rules
from domain.case_events import CASE_EVENTS, CaseEvent, Registered
from domain.deadlines import Deadline, deadlines_of
from domain.petition import Petition

DEFAULT_CAPACITY = 200_000

# Events that touch nothing ``deadlines_of`` reads (each says so: ``moves_deadlines``): the
# deadlines computed before them still hold after them.
DEADLINE_NEUTRAL: frozenset[type] = frozenset(e for e in CASE_EVENTS if not e.moves_deadlines)


class CaseMemory:
    """case id → the case after the last event the runner folded (least recently used go first)."""

    def __init__(
        self,
        repository: Any,
        rules: Rules,
        capacity: int = DEFAULT_CAPACITY,
        histories: Callable[[Mapping[UUID, int]], Mapping[UUID, Sequence[Any]]] | None = None,
    ) -> None:
        self._repository = repository
        self._histories = histories
        self.rules = rules
        self.capacity = capacity
        self._cases: OrderedDict[UUID, Petition] = OrderedDict()
        self._deadlines: dict[UUID, tuple[int, list[Deadline]]] = {}
        self.loads = 0  # how many cases had to be read from the store (for tests and tuning)

    def apply(self, event: CaseEvent) -> Petition:
        """Fold ``event`` into its case and return the case as it stands after it."""
        case_id = event.originator_id
        version = event.originator_version
        case = self._cases.get(case_id)
        if case is not None and case.version == version - 1:
            _fold(event, case)
        elif case is not None and case.version == version:
            pass  # already folded (a batch replayed after a rollback)
        elif isinstance(event, Registered):
            case = _create(event)
        else:
            case = self._repository.get(case_id, version=version)
            self.loads += 1
        assert case is not None
        self._cases[case_id] = case
        self._cases.move_to_end(case_id)
        cached = self._deadlines.get(case_id)
        if (
            cached is not None
            and cached[0] == version - 1
            and type(event) in DEADLINE_NEUTRAL
            and case.version == version
        ):
            self._deadlines[case_id] = (version, cached[1])
        else:
            self._deadlines.pop(case_id, None)
        while len(self._cases) > self.capacity:
            old, _ = self._cases.popitem(last=False)
            self._deadlines.pop(old, None)
        return case

    def prefetch(self, events: Iterable[CaseEvent]) -> None:
        """Reload, in one call of ``histories``, every case that ``events`` (a batch about to
        be applied) finds neither in memory nor starting at its registration."""
        if self._histories is None:
            return
        wanted: dict[UUID, int] = {}
        seen: set[UUID] = set()
        cases = self._cases
        for event in events:
            case_id = event.originator_id
            if case_id in seen:
                continue
            seen.add(case_id)
            case = cases.get(case_id)
            if case is not None:
                # Newest first out of reach of eviction: a case this batch still needs must not
                # make room for another case of the same batch.
                cases.move_to_end(case_id)
            before = event.originator_version - 1
            stale = case.version < before if case is not None else not isinstance(event, Registered)
            if stale:
                wanted[case_id] = before
        if not wanted:
            return
        for case_id, history in self._histories(wanted).items():
            if not history or not isinstance(history[0], Registered):
                continue  # not a case after all; ``apply`` reads it the slow way, or fails
            case = _create(history[0])
            for event in history[1:]:
                _fold(event, case)
            if case.version != wanted[case_id]:
                continue
            cases[case_id] = case
            self._deadlines.pop(case_id, None)
            self.loads += 1

    def case(self, case_id: UUID) -> Petition:
        """The case after the event being handled (``apply`` has run for it)."""
        return self._cases[case_id]

    def deadlines(self, case_id: UUID) -> list[Deadline]:
        """``domain.deadlines.deadlines_of`` for the current state, computed once per version."""
        case = self._cases[case_id]
        cached = self._deadlines.get(case_id)
        if cached is not None and cached[0] == case.version:
            return cached[1]
        found = deadlines_of(case, self.rules)
        self._deadlines[case_id] = (case.version, found)
        return found

    def forget(self, case_id: UUID) -> None:
        self._cases.pop(case_id, None)
        self._deadlines.pop(case_id, None)

    def clear(self) -> None:
        self._cases.clear()
        self._deadlines.clear()

    def __len__(self) -> int:
        return len(self._cases)


def _create(event: Registered) -> Petition:
    """The case as its registration makes it (what ``Registered.mutate(None)`` builds)."""
    case = Petition.__new__(Petition)
    case.__base_init__(event.originator_id, event.originator_version, event.timestamp)
    case._init_state(event)
    return case


def _fold(event: CaseEvent, case: Petition) -> None:
    """One more event on the case (``event.mutate(case)`` without the chain digest)."""
    event.change(case)
    case.last_occurred_at = event.occurred_at
    case.version = event.originator_version
    case.modified_on = event.timestamp
