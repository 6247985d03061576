"""Who may do what with people and access. Role predicates here are reused by every app."""

from __future__ import annotations

from typing import Any

import rules

from .models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES, Role
from .selectors import membership_of


def _landlord_id(target: Any) -> int | None:
    """Accepts a landlord, or anything that belongs to one (it has `landlord_id`)."""
    if target is None:
        return None
    if hasattr(target, "landlord_id"):
        return target.landlord_id
    return getattr(target, "pk", None)


@rules.predicate
def is_council_admin(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Role.COUNCIL_ADMIN


@rules.predicate
def is_council_staff(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in COUNCIL_ROLES


@rules.predicate
def is_landlord_staff(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in LANDLORD_STAFF_ROLES


@rules.predicate
def is_landlord_admin(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Role.LANDLORD_ADMIN


@rules.predicate
def is_staff_of_landlord(user: Any, target: Any) -> bool:
    """Staff (admin or officer) of the landlord that `target` is, or belongs to."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in LANDLORD_STAFF_ROLES
        and membership.landlord_id == _landlord_id(target)
    )


@rules.predicate
def is_admin_of_landlord(user: Any, target: Any) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.LANDLORD_ADMIN
        and membership.landlord_id == _landlord_id(target)
    )


@rules.predicate
def is_resident_of_landlord(user: Any, target: Any) -> bool:
    """A verified resident of the landlord that `target` is, or belongs to."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.RESIDENT
        and membership.landlord_id == _landlord_id(target)
    )


rules.add_perm("accounts.verify_residents", is_landlord_staff)
rules.add_perm("accounts.decide_registration", is_staff_of_landlord)
rules.add_perm("accounts.manage_staff", is_landlord_admin | is_council_admin)
rules.add_perm("accounts.manage_membership", is_admin_of_landlord | is_council_admin)
rules.add_perm("accounts.view_history", is_council_admin)
rules.add_perm("accounts.manage_background_tasks", is_council_admin)
