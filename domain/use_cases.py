"""What every use case shares: the store, the clock, the rules, the directory, finding a case.

``CaseService`` (``domain.application``) is composed of the use cases of registration
(``domain.registration``) and reading (``domain.reading``) on this base, and its own acts.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.acts import Rules
from domain.errors import not_found
from domain.petition import Petition
from domain.store import CaseStore
from domain.units import Directory

SAVE_ATTEMPTS = 5  # a use case decided again this often when other writers keep winning


class Clock(Protocol):
    def now(self) -> datetime: ...


def _code_generator(length: int) -> str:
    """``length`` random digits (one draw from the system's generator, not one per digit)."""
    return str(secrets.randbelow(10**length)).zfill(length)


class UseCases:
    """The collaborators every use case receives, and the reads they all need."""

    def __init__(
        self,
        store: CaseStore,
        *,
        clock: Clock,
        rules: Rules,
        pepper: bytes = b"xinfang",
        codes: Callable[[int], str] = _code_generator,
    ) -> None:
        self.store = store
        self.clock = clock
        self.rules = rules
        self.pepper = pepper  # the key of petitioner hashes
        self.codes = codes

    def close(self) -> None:
        self.store.close()

    @property
    def directory(self) -> Directory:
        """The unit directory as recorded (by this process or, a moment ago, by others)."""
        return self.store.directory()

    def _get(self, case_id: UUID, *, latest: bool = True) -> Petition:
        case = self._find_case(case_id, latest=latest)
        if case is None:
            raise not_found()
        return case

    def _find_case(self, case_id: UUID, *, latest: bool = True) -> Petition | None:
        case = self.store.load(case_id, latest=latest)
        return case if isinstance(case, Petition) else None
