"""Who is who, for deciding who may take part and who is told: one query per question."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES, Role
from residentvoice.accounts.selectors import membership_of

User = get_user_model()


def _active() -> QuerySet[Any]:
    return User.objects.filter(is_active=True)


def landlord_staff(landlord_id: int | None) -> QuerySet[Any]:
    """Staff of a landlord; for the council's own things (no landlord), the council's staff."""
    if landlord_id is None:
        return council_staff()
    return _active().filter(
        membership__role__in=sorted(LANDLORD_STAFF_ROLES), membership__landlord_id=landlord_id
    )


def landlord_admins(landlord_id: int) -> QuerySet[Any]:
    return _active().filter(
        membership__role=Role.LANDLORD_ADMIN, membership__landlord_id=landlord_id
    )


def council_staff() -> QuerySet[Any]:
    return _active().filter(membership__role__in=sorted(COUNCIL_ROLES))


def residents_of(landlord_id: int | None) -> QuerySet[Any]:
    """Verified residents of a landlord; with no landlord, every verified resident."""
    people = _active().filter(membership__role=Role.RESIDENT)
    return people if landlord_id is None else people.filter(membership__landlord_id=landlord_id)


def is_verified_resident(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Role.RESIDENT


def resident_landlord_id(user: Any) -> int | None:
    membership = membership_of(user)
    if membership is None or membership.role != Role.RESIDENT:
        return None
    return membership.landlord_id


def is_staff_for(user: Any, landlord_id: int | None) -> bool:
    """Landlord staff of that landlord, or council staff for the council's own (no landlord)."""
    membership = membership_of(user)
    if membership is None:
        return False
    if landlord_id is None:
        return membership.role in COUNCIL_ROLES
    return membership.role in LANDLORD_STAFF_ROLES and membership.landlord_id == landlord_id
