"""The case (信访事项), one act at a time: each act's rule, its event and the event's change.

Cut by phase of the 2022 《信访工作条例》, each a class the ``Petition`` aggregate
(``domain.petition``) is composed of. In a phase, every act is written as the eventsourcing
library's examples write it: the event class (its fields and ``change``, which never fails),
then the method that checks the rules, refuses with a coded error, and triggers that event.

- ``state``: the fields events write, the receipts, and what is derived (stage, holder).
- ``event``: the base event (actor, times, chain link) and how an event is folded.
- ``guards``: the checks several phases share, and ``_trigger``.
- ``intake``: register, transfer, assign, route, inform (Art.20-23, 28, 30).
- ``acceptance``: accept, object and its decision, decline, refuse reacceptance (Art.19, 23,
  24, 31, 36).
- ``answering``: extend, answer, serve, evaluate, conclude (Art.32-35).
- ``review``: request review, review, request recheck, hearing, recheck (Art.31(6), 35, 36).
- ``oversight``: urge, leader, repeat link, reads of an accusation (Art.18, 30, 38, 40, 46).

Deadlines and windows the guards check are computed in ``domain.deadlines`` from the numbers
of ``domain.periods``. Stored events keep their topics ``domain.case_events:<Name>``
(``domain.case.event.STORED_MODULE``); ``domain.case_events`` resolves them.
"""
