"""Every case event, by the name stored events are found under (``domain.case_events:<Name>``).

The classes are written next to their acts in ``domain.case``; this module is where stored
topics resolve (``eventsourcing.utils.resolve_topic``) and where code reading events imports
them from. ``CASE_EVENTS`` lists them all.
"""

from __future__ import annotations

from domain.case.event import CaseEvent
from domain.petition import Petition

Registered = Petition.Registered
Transferred = Petition.Transferred
Assigned = Petition.Assigned
Routed = Petition.Routed
Informed = Petition.Informed
Accepted = Petition.Accepted
Objected = Petition.Objected
ObjectionDecided = Petition.ObjectionDecided
Declined = Petition.Declined
NotReaccepted = Petition.NotReaccepted
Extended = Petition.Extended
Answered = Petition.Answered
Served = Petition.Served
Evaluated = Petition.Evaluated
Concluded = Petition.Concluded
ReviewRequested = Petition.ReviewRequested
Reviewed = Petition.Reviewed
RecheckRequested = Petition.RecheckRequested
HearingHeld = Petition.HearingHeld
Rechecked = Petition.Rechecked
Urged = Petition.Urged
LeaderAssigned = Petition.LeaderAssigned
RepeatLinked = Petition.RepeatLinked
AccusationViewed = Petition.AccusationViewed
AccusationReadRefused = Petition.AccusationReadRefused

CASE_EVENTS: tuple[type[CaseEvent], ...] = (
    Registered,
    Transferred,
    Assigned,
    Routed,
    Informed,
    Accepted,
    Objected,
    ObjectionDecided,
    Declined,
    NotReaccepted,
    Extended,
    Answered,
    Served,
    Evaluated,
    Concluded,
    ReviewRequested,
    Reviewed,
    RecheckRequested,
    HearingHeld,
    Rechecked,
    Urged,
    LeaderAssigned,
    RepeatLinked,
    AccusationViewed,
    AccusationReadRefused,
)

__all__ = ["CASE_EVENTS", "CaseEvent", *(cls.__name__ for cls in CASE_EVENTS)]
