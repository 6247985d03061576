"""Reads about people and their access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import (
    COUNCIL_ROLES,
    LANDLORD_STAFF_ROLES,
    AccessAttempt,
    Membership,
    RegistrationDecision,
    ResidentRegistration,
    Role,
    StaffInvitation,
)


@dataclass(frozen=True)
class RoleSummary:
    role: str | None
    label: str
    landlord_id: int | None


def membership_of(user: Any) -> Membership | None:
    """The person's membership, fetched once per request and cached on the user object."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_rv_membership"):
        user._rv_membership = (
            Membership.objects.select_related("landlord").filter(user=user).first()
        )
    membership: Membership | None = user._rv_membership
    return membership


def _landlord_of(membership: Membership) -> int:
    """The landlord a landlord-scoped membership belongs to (the database guarantees one)."""
    if membership.landlord_id is None:
        raise ValueError("This membership does not belong to a landlord")
    return membership.landlord_id


def user_role_summary(user: Any) -> RoleSummary | None:
    membership = membership_of(user)
    if membership is None:
        return None
    label = membership.get_role_display()
    if membership.landlord is not None:
        label = f"{label}, {membership.landlord.short_name}"
    return RoleSummary(role=membership.role, label=label, landlord_id=membership.landlord_id)


def _with_decisions(queryset: QuerySet[ResidentRegistration]) -> QuerySet[ResidentRegistration]:
    return queryset.select_related("user", "landlord").prefetch_related(
        Prefetch("decisions", queryset=RegistrationDecision.objects.select_related("decided_by"))
    )


def registrations_pending_for(user: Any) -> QuerySet[ResidentRegistration]:
    """Registrations waiting for a decision by the user's landlord."""
    membership = membership_of(user)
    if membership is None or membership.role not in LANDLORD_STAFF_ROLES:
        return ResidentRegistration.objects.none()
    return _with_decisions(
        ResidentRegistration.objects.filter(
            landlord_id=_landlord_of(membership), decisions__isnull=True
        )
    ).order_by("created_at")


def registrations_decided_for(user: Any, *, limit: int = 50) -> QuerySet[ResidentRegistration]:
    membership = membership_of(user)
    if membership is None or membership.role not in LANDLORD_STAFF_ROLES:
        return ResidentRegistration.objects.none()
    return _with_decisions(
        ResidentRegistration.objects.filter(
            landlord_id=_landlord_of(membership), decisions__isnull=False
        ).distinct()
    ).order_by("-created_at")[:limit]


def registrations_of(user: Any) -> QuerySet[ResidentRegistration]:
    """A person's own registrations, newest first."""
    return _with_decisions(ResidentRegistration.objects.filter(user=user)).order_by("-created_at")


def staff_visible_to(user: Any) -> QuerySet[Membership]:
    """The staff a person manages: their landlord's staff, or for council admins, all staff."""
    membership = membership_of(user)
    base = Membership.objects.select_related("user", "landlord").order_by(
        "landlord__name", "role", "user__email"
    )
    if membership is None:
        return base.none()
    if membership.role == Role.COUNCIL_ADMIN:
        return base.filter(role__in=[*COUNCIL_ROLES, *LANDLORD_STAFF_ROLES])
    if membership.role == Role.LANDLORD_ADMIN:
        return base.filter(landlord_id=_landlord_of(membership), role__in=LANDLORD_STAFF_ROLES)
    return base.none()


def invitations_visible_to(user: Any) -> QuerySet[StaffInvitation]:
    membership = membership_of(user)
    base = StaffInvitation.objects.select_related("landlord", "invited_by").filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True
    )
    if membership is None:
        return base.none()
    if membership.role == Role.COUNCIL_ADMIN:
        return base
    if membership.role == Role.LANDLORD_ADMIN:
        return base.filter(landlord_id=_landlord_of(membership))
    return base.none()


def residents_count_for(user: Any) -> int:
    membership = membership_of(user)
    if membership is None or membership.landlord_id is None:
        return 0
    return Membership.objects.filter(
        landlord_id=_landlord_of(membership), role=Role.RESIDENT
    ).count()


def attempt_wait(
    *, action: str, key: str, attempts: int, window: datetime.timedelta, now: datetime.datetime
) -> datetime.timedelta | None:
    """How long until fewer than `attempts` of these attempts fall within the last `window`, or
    None when fewer already do (one indexed query: the `attempts`-th newest in the window)."""
    newest = (
        AccessAttempt.objects.filter(action=action, key=key, at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[attempts - 1 : attempts]
    )
    for at in newest:
        return at + window - now
    return None
