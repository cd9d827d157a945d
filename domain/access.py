"""Who may see a case and who may do which act.

A caller sees cases inside their jurisdiction (a division-code prefix) and cases their unit
has held or decides on. An accusation is hidden from the unit it accuses and every unit under
it, whatever their jurisdiction (Art.30, 46): that rule is checked first and admits no role.
"""

from __future__ import annotations

from typing import Any

from domain.acts import Actor
from domain.errors import forbidden, not_found
from domain.units import Directory

# Which roles may perform which act (admin may do everything).
ACT_ROLES: dict[str, frozenset[str]] = {
    "register": frozenset({"registrar", "handler", "bureau"}),
    # A department or township passes a matter down its own system (Art.23): its handlers.
    "transfer": frozenset({"bureau", "handler"}),
    "assign": frozenset({"bureau", "handler"}),
    "route": frozenset({"bureau"}),
    "objection-decision": frozenset({"bureau", "handler"}),
    "urge": frozenset({"bureau"}),
    "inform": frozenset({"handler", "bureau", "registrar"}),
    "accept": frozenset({"handler", "bureau"}),
    "object": frozenset({"handler"}),
    "decline": frozenset({"handler", "bureau"}),
    "extend": frozenset({"handler"}),
    "answer": frozenset({"handler", "bureau"}),
    "serve": frozenset({"handler", "bureau", "registrar"}),
    "review-request": frozenset({"registrar", "handler", "bureau"}),
    "review": frozenset({"handler", "bureau"}),
    "recheck-request": frozenset({"registrar", "handler", "bureau"}),
    "hearing": frozenset({"handler", "bureau"}),
    "recheck": frozenset({"handler", "bureau"}),
    "evaluate": frozenset({"registrar", "handler", "bureau"}),
    "leader": frozenset({"leader"}),
    "conclude": frozenset({"handler", "bureau"}),
}


def check_role(actor: Actor, action: str) -> None:
    allowed = ACT_ROLES[action]
    if not actor.has_any(*allowed):
        raise forbidden("ROLE_REQUIRED", action=action, needs=sorted(allowed))


def involved_units(case: Any) -> set[str]:
    units = {r["unit_id"] for r in case.receipts}
    units |= {u for u in (case.reviewing_unit_id, case.rechecking_unit_id) if u}
    return units


def hidden_from(case: Any, unit_id: str, directory: Directory) -> bool:
    """True when ``case`` is an accusation against ``unit_id`` or a unit above it."""
    accused = getattr(case, "accused_unit_id", None)
    if not accused or unit_id not in directory:
        return False
    if unit_id == getattr(case, "received_by", None) and unit_id != accused:
        # The unit that received the accusation holds it already and must route it on to
        # discipline inspection (Art.22), even when it sits under the accused unit.
        return False
    return directory.is_under(unit_id, accused)


def can_see(actor: Actor, case: Any, directory: Directory) -> bool:
    if hidden_from(case, actor.unit_id, directory):
        return False
    if "admin" in actor.roles:
        return True
    if case.division_code.startswith(actor.jurisdiction) and actor.jurisdiction:
        return True
    return any(directory.answers_for(actor.unit_id, u) for u in involved_units(case))


def check_visible(actor: Actor, case: Any, directory: Directory) -> None:
    """Raise as if the case did not exist when the actor may not see it: an accused unit
    cannot even learn that an accusation exists, nor anyone that a case outside their
    jurisdiction does (design.md: 404, like an unknown case)."""
    if not can_see(actor, case, directory):
        raise not_found()
