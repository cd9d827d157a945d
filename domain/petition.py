"""The case (信访事项): the ``Petition`` aggregate, composed of the phases of ``domain.case``.

Defined here, not in the package, because stored registrations name the aggregate by this
module (topic ``domain.petition:Petition``).
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from domain.case.acceptance import Acceptance
from domain.case.answering import Answering
from domain.case.intake import Intake
from domain.case.oversight import Oversight
from domain.case.review import Review


class CaseActs(Intake, Acceptance, Answering, Review, Oversight):
    """Every act of every phase. One base for ``Petition``: the library redefines, on an
    aggregate, a copy of each event class found on its direct bases; through this base it
    takes the phases' event classes as they are (one class per event)."""


class Petition(CaseActs, Aggregate):
    """One 信访事项 and everything done about it, across every tier."""
