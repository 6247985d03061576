"""Writes about people and access: registration, verification, invitations and memberships."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from residentvoice.core.notifications import email_send
from residentvoice.organisations.models import Landlord

from .models import (
    COUNCIL_ROLES,
    LANDLORD_STAFF_ROLES,
    AccessAttempt,
    Membership,
    RegistrationDecision,
    RegistrationOutcome,
    ResidentRegistration,
    ResidentTenure,
    Role,
    StaffInvitation,
    User,
)

INVITATION_SALT = "residentvoice.accounts.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks


NO_REFERENCE_OR_ADDRESS = (
    "Enter your tenancy reference or your address, so your landlord can find you"
)
REJECTION_REASON = "Enter a reason, so the person knows what to do next"


class RegistrationSignInTokenGenerator(PasswordResetTokenGenerator):
    """The link in the "we have your registration" email signs the person in once: it is made
    from the account's last sign-in, which the first use changes, and lasts as long as a password
    reset link (PASSWORD_RESET_TIMEOUT)."""

    key_salt = "residentvoice.accounts.registration-sign-in"


registration_sign_in_tokens = RegistrationSignInTokenGenerator()


def registration_sign_in_path(user: User) -> str:
    return reverse(
        "accounts:registration-sign-in",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": registration_sign_in_tokens.make_token(user),
        },
    )


def registration_sign_in_user(*, uidb64: str, token: str) -> User | None:
    """The account a registration's sign-in link names, or None if the link is wrong, expired
    or already used."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not registration_sign_in_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def resident_register(
    *,
    email: str,
    full_name: str,
    password: str,
    landlord: Landlord,
    tenure: str,
    tenancy_reference: str = "",
    address: str = "",
    postcode: str = "",
) -> ResidentRegistration | None:
    """Create an account and a registration for the landlord's staff to verify, and email the
    person a link that signs them in.

    An email address that already has an account gets exactly the same answer on the page, so
    that nobody can find out who has an account (staff included): nothing is created and the
    account's owner is told by email instead. Returns None then.
    """
    email = email.strip().lower()
    if tenure not in ResidentTenure.values:
        raise ValidationError(
            {"tenure": "Select whether you are a tenant, leaseholder or shared owner"}
        )
    if not tenancy_reference.strip() and not address.strip():
        raise ValidationError(NO_REFERENCE_OR_ADDRESS)
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        make_password(password)  # the same work as for a new account: the answer takes as long
        email_send(
            to=[owner.email],
            subject="Someone tried to register with your email address",
            template="accounts/email/registration_existing.txt",
            context={
                "user": owner,
                "sign_in_path": reverse("accounts:login"),
                "reset_path": reverse("accounts:password-reset"),
            },
        )
        return None
    user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
    registration = ResidentRegistration.objects.create(
        user=user,
        landlord=landlord,
        tenure=tenure,
        tenancy_reference=tenancy_reference.strip(),
        address=address.strip(),
        postcode=postcode.strip().upper(),
    )
    email_send(
        to=[user.email],
        subject="We have your registration",
        template="accounts/email/registration_received.txt",
        context={"registration": registration, "sign_in_path": registration_sign_in_path(user)},
    )
    return registration


def registration_status(registration: ResidentRegistration) -> str:
    """'pending', 'verified' or 'rejected', from the latest decision."""
    decisions = list(registration.decisions.all())
    return decisions[-1].outcome if decisions else "pending"


@transaction.atomic
def registration_decide(
    *,
    registration: ResidentRegistration,
    decided_by: User,
    outcome: str,
    reason: str = "",
) -> RegistrationDecision:
    """Verify or reject a registration and tell the person by email."""
    if outcome not in RegistrationOutcome.values:
        raise ValidationError({"outcome": "Select whether to verify or reject this person"})
    if outcome == RegistrationOutcome.REJECTED and not reason.strip():
        raise ValidationError({"reason": REJECTION_REASON})
    if registration_status(registration) != "pending":
        raise ValidationError("This registration has already been decided.")
    user = registration.user
    existing = Membership.objects.filter(user=user).first()
    if outcome == RegistrationOutcome.VERIFIED and existing is not None:
        raise ValidationError("This person already has a role on the site.")
    decision = RegistrationDecision.objects.create(
        registration=registration, outcome=outcome, reason=reason.strip(), decided_by=decided_by
    )
    if outcome == RegistrationOutcome.VERIFIED:
        Membership.objects.create(
            user=user,
            role=Role.RESIDENT,
            landlord=registration.landlord,
            resident_tenure=registration.tenure,
        )
    email_send(
        to=[user.email],
        subject=(
            f"{registration.landlord.short_name} has verified you as a resident"
            if outcome == RegistrationOutcome.VERIFIED
            else f"{registration.landlord.short_name} could not verify your registration"
        ),
        template="accounts/email/registration_decided.txt",
        context={"registration": registration, "decision": decision},
    )
    return decision


def _check_inviter_may_grant(*, invited_by: User, role: str, landlord: Landlord | None) -> None:
    membership = Membership.objects.filter(user=invited_by).first()
    if membership is None:
        raise ValidationError("You cannot invite people.")
    if role == Role.RESIDENT:
        raise ValidationError(
            {"role": "Residents register themselves and are verified by their landlord."}
        )
    if membership.role == Role.COUNCIL_ADMIN:
        if role in COUNCIL_ROLES and landlord is not None:
            raise ValidationError("Council roles do not belong to a landlord.")
        if role in LANDLORD_STAFF_ROLES and landlord is None:
            raise ValidationError({"landlord": "Select the landlord this person will work for"})
        return
    if membership.role == Role.LANDLORD_ADMIN:
        if (
            role not in LANDLORD_STAFF_ROLES
            or landlord is None
            or landlord.pk != membership.landlord_id
        ):
            raise ValidationError({"role": "You can invite staff of your own landlord only."})
        return
    raise ValidationError("You cannot invite people.")


@transaction.atomic
def invitation_create(
    *,
    invited_by: User,
    email: str,
    full_name: str,
    role: str,
    landlord: Landlord | None = None,
) -> StaffInvitation:
    """Invite a member of staff; they get an email with a link to set their password."""
    email = email.strip().lower()
    _check_inviter_may_grant(invited_by=invited_by, role=role, landlord=landlord)
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": "This person already has a role on the site."})
    if StaffInvitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError({"email": "This person already has an open invitation."})
    invitation = StaffInvitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        role=role,
        landlord=landlord,
        invited_by=invited_by,
    )
    token = invitation_token(invitation)
    email_send(
        to=[email],
        subject="You are invited to Resident Voice",
        template="accounts/email/invitation.txt",
        context={
            "invitation": invitation,
            "path": reverse("accounts:invitation-accept", kwargs={"token": token}),
        },
    )
    return invitation


def invitation_token(invitation: StaffInvitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> StaffInvitation | None:
    """The open invitation a token names, or None if the link is wrong, expired or used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    invitation = (
        StaffInvitation.objects.select_related("landlord").filter(pk=data.get("invitation")).first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def invitation_accept(*, invitation: StaffInvitation, full_name: str, password: str) -> User:
    """Create (or reuse) the account and give it the invited role."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("This invitation has already been used or withdrawn.")
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    else:
        if Membership.objects.filter(user=user).exists():
            raise ValidationError("This account already has a role on the site.")
        user.full_name = full_name.strip() or user.full_name
        user.set_password(password)
        user.save()
    Membership.objects.create(user=user, role=invitation.role, landlord=invitation.landlord)
    if invitation.role == Role.COUNCIL_ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return user


@transaction.atomic
def invitation_withdraw(*, invitation: StaffInvitation) -> StaffInvitation:
    if not invitation.is_open:
        raise ValidationError("Only an open invitation can be withdrawn.")
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    return invitation


ADMIN_ROLES = frozenset({Role.COUNCIL_ADMIN, Role.LANDLORD_ADMIN})


def _organisation_keeps_an_admin(*, membership: Membership) -> None:
    """Refuse to take away the last admin role of the council or of a landlord.

    Every admin of the organisation is locked first, so two admins removing each other at the
    same moment cannot both succeed: the second waits and then sees that only one is left.
    """
    if membership.role not in ADMIN_ROLES:
        return
    admins = set(
        Membership.objects.select_for_update()
        .filter(role=membership.role)
        .filter(
            Q(landlord_id=membership.landlord_id)
            if membership.landlord_id
            else Q(landlord__isnull=True)
        )
        .values_list("pk", flat=True)
    )
    if admins - {membership.pk}:
        return
    organisation = membership.landlord.name if membership.landlord else "The council"
    raise ValidationError(
        f"{organisation} must keep at least one admin. Make someone else an admin first."
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, changed_by: User) -> Membership:
    """Move a member of staff between admin and officer within the same organisation."""
    allowed = COUNCIL_ROLES if membership.is_council else LANDLORD_STAFF_ROLES
    if membership.role == Role.RESIDENT or role not in allowed:
        raise ValidationError({"role": "Select a role within the same organisation."})
    if membership.user_id == changed_by.pk:
        raise ValidationError("You cannot change your own role. Ask another admin to do it.")
    if role == membership.role:
        return membership
    _organisation_keeps_an_admin(membership=membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    user = membership.user
    user.is_staff = role == Role.COUNCIL_ADMIN
    user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: User) -> None:
    """Take a person's role away. Their account stays, with public access only."""
    if membership.user_id == removed_by.pk:
        raise ValidationError("You cannot remove your own role. Ask another admin to do it.")
    _organisation_keeps_an_admin(membership=membership)
    user = membership.user
    membership.delete()
    if user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    landlord: Landlord | None = None,
    resident_tenure: str = "",
) -> Membership:
    """Give a person a role directly (set-up, the demonstration), writing only what changes."""
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user, role=role, landlord=landlord, resident_tenure=resident_tenure
        )
    elif (membership.role, membership.landlord_id, membership.resident_tenure) != (
        role,
        landlord.pk if landlord else None,
        resident_tenure,
    ):
        if (membership.role, membership.landlord_id) != (role, landlord.pk if landlord else None):
            _organisation_keeps_an_admin(membership=membership)
        membership.role, membership.landlord = role, landlord
        membership.resident_tenure = resident_tenure
        membership.save()
    wants_admin = role == Role.COUNCIL_ADMIN
    if user.is_staff != wants_admin and not user.is_superuser:
        user.is_staff = wants_admin
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def attempt_record(
    *, action: str, keys: list[str], at: datetime.datetime, forget_before: datetime.datetime
) -> None:
    """Count one attempt under each key, and forget attempts no limit looks back to."""
    AccessAttempt.objects.filter(at__lt=forget_before).delete()
    AccessAttempt.objects.bulk_create(
        [AccessAttempt(action=action, key=key, at=at) for key in keys]
    )


@transaction.atomic
def attempts_clear(*, action: str, key: str) -> None:
    """Forget the attempts counted under one key (a successful sign-in or password reset)."""
    AccessAttempt.objects.filter(action=action, key=key).delete()
