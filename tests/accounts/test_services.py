"""Registration, verification, invitations and roles, through the services that make them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from residentvoice.accounts import services
from residentvoice.accounts.models import Membership, Role, User
from residentvoice.accounts.rules import is_resident_of_landlord

from ..factories import user_with_role


@pytest.fixture
def registration(landlord, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.resident_register(
            email="Newcomer@Example.org",
            full_name="New Comer",
            password="a-long-test-password",
            landlord=landlord,
            tenure="leaseholder",
            tenancy_reference="LH-77",
        )


def test_registering_creates_an_account_without_access_and_emails_the_person(registration):
    user = registration.user
    assert user.email == "newcomer@example.org"
    assert not Membership.objects.filter(user=user).exists()
    assert services.registration_status(registration) == "pending"
    assert mail.outbox[-1].to == ["newcomer@example.org"]
    assert "Riverside Homes" in mail.outbox[-1].body


def test_registering_again_with_a_used_email_creates_nothing_and_tells_the_owner(
    registration, landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        again = services.resident_register(
            email="NEWCOMER@example.org",
            full_name="Someone Else",
            password="another-long-password",
            landlord=landlord,
            tenure="tenant",
            tenancy_reference="X",
        )
    assert again is None
    assert User.objects.filter(email__iexact="newcomer@example.org").count() == 1
    assert registration.user.registrations.count() == 1
    assert mail.outbox[-1].to == ["newcomer@example.org"]
    assert mail.outbox[-1].subject == "Someone tried to register with your email address"


def test_verifying_gives_resident_access_and_tells_the_person(
    registration, people, landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_decide(
            registration=registration, decided_by=people["landlord_officer"], outcome="verified"
        )
    membership = Membership.objects.get(user=registration.user)
    assert (membership.role, membership.landlord, membership.resident_tenure) == (
        Role.RESIDENT,
        landlord,
        "leaseholder",
    )
    assert is_resident_of_landlord(User.objects.get(pk=registration.user.pk), landlord)
    assert "has verified you" in mail.outbox[-1].subject
    assert services.registration_status(registration) == "verified"


def test_rejecting_needs_a_reason_and_gives_no_access(
    registration, people, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.registration_decide(
            registration=registration, decided_by=people["landlord_admin"], outcome="rejected"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_decide(
            registration=registration,
            decided_by=people["landlord_admin"],
            outcome="rejected",
            reason="No tenancy with that reference.",
        )
    assert not Membership.objects.filter(user=registration.user).exists()
    assert "No tenancy with that reference." in mail.outbox[-1].body


def test_a_registration_is_decided_once(registration, people):
    services.registration_decide(
        registration=registration, decided_by=people["landlord_admin"], outcome="verified"
    )
    with pytest.raises(ValidationError):
        services.registration_decide(
            registration=registration,
            decided_by=people["landlord_admin"],
            outcome="rejected",
            reason="Changed our mind",
        )
    assert registration.decisions.count() == 1


def test_landlord_admin_invites_own_staff_only(people, landlord, other_landlord):
    admin = people["landlord_admin"]
    invitation = services.invitation_create(
        invited_by=admin,
        email="helper@example.org",
        full_name="Helper",
        role=Role.LANDLORD_OFFICER,
        landlord=landlord,
    )
    assert invitation.is_open
    with pytest.raises(ValidationError):
        services.invitation_create(
            invited_by=admin,
            email="spy@example.org",
            full_name="Spy",
            role=Role.LANDLORD_OFFICER,
            landlord=other_landlord,
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            invited_by=admin, email="boss@example.org", full_name="Boss", role=Role.COUNCIL_ADMIN
        )


def test_officers_and_residents_cannot_invite(people, landlord):
    for role in ("landlord_officer", "resident", "council_officer"):
        with pytest.raises(ValidationError):
            services.invitation_create(
                invited_by=people[role],
                email=f"{role}-guest@example.org",
                full_name="Guest",
                role=Role.LANDLORD_OFFICER,
                landlord=landlord,
            )


def test_accepting_an_invitation_creates_the_account_with_its_role(
    people, landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            invited_by=people["council_admin"],
            email="new-admin@example.org",
            full_name="New Admin",
            role=Role.COUNCIL_ADMIN,
        )
    assert "/account/invitation/" in mail.outbox[-1].body
    token = services.invitation_token(invitation)
    assert services.invitation_from_token(token) == invitation
    user = services.invitation_accept(
        invitation=invitation, full_name="New Admin", password="a-long-test-password"
    )
    assert user.membership.role == Role.COUNCIL_ADMIN
    assert user.is_staff  # council admins use the Django admin
    assert services.invitation_from_token(token) is None  # used up
    assert services.invitation_from_token("garbage") is None


def test_withdrawn_invitation_cannot_be_accepted(people, landlord):
    invitation = services.invitation_create(
        invited_by=people["landlord_admin"],
        email="late@example.org",
        full_name="Late",
        role=Role.LANDLORD_OFFICER,
        landlord=landlord,
    )
    token = services.invitation_token(invitation)
    services.invitation_withdraw(invitation=invitation)
    assert services.invitation_from_token(token) is None


def test_roles_change_within_the_organisation_and_not_for_yourself(people):
    officer = Membership.objects.get(user=people["landlord_officer"])
    services.membership_change_role(
        membership=officer, role=Role.LANDLORD_ADMIN, changed_by=people["landlord_admin"]
    )
    officer.refresh_from_db()
    assert officer.role == Role.LANDLORD_ADMIN
    with pytest.raises(ValidationError):
        services.membership_change_role(
            membership=officer, role=Role.COUNCIL_ADMIN, changed_by=people["council_admin"]
        )
    own = Membership.objects.get(user=people["landlord_admin"])
    with pytest.raises(ValidationError):
        services.membership_change_role(
            membership=own, role=Role.LANDLORD_OFFICER, changed_by=people["landlord_admin"]
        )


def test_removing_a_role_leaves_public_access_and_history(people):
    membership = Membership.objects.get(user=people["council_officer"])
    membership_id = membership.pk
    services.membership_remove(membership=membership, removed_by=people["council_admin"])
    assert not Membership.objects.filter(user=people["council_officer"]).exists()
    assert Membership.history.filter(id=membership_id, history_type="-").exists()


def test_membership_grant_writes_nothing_when_unchanged(landlord):
    user = user_with_role(None)
    services.membership_grant(user=user, role=Role.LANDLORD_OFFICER, landlord=landlord)
    before = Membership.history.count()
    services.membership_grant(user=user, role=Role.LANDLORD_OFFICER, landlord=landlord)
    assert Membership.history.count() == before


def test_demo_accounts_cannot_sign_in_outside_demo_mode(db, client, settings):
    user_with_role(None, email="demo@example.org", is_demo=True)
    settings.DEMO_MODE = False
    assert not client.login(username="demo@example.org", password="a-long-test-password")
    settings.DEMO_MODE = True
    assert client.login(username="demo@example.org", password="a-long-test-password")


def test_people_grant_command_makes_a_council_admin(db, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    user = user_with_role(None, email="first@example.org")
    call_command("people", "grant", "FIRST@example.org", "council_admin")
    user.refresh_from_db()
    assert user.membership.role == Role.COUNCIL_ADMIN
    assert user.is_staff
    assert "council admin" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No account"):
        call_command("people", "grant", "nobody@example.org", "council_admin")
    with pytest.raises(CommandError, match="--landlord"):
        call_command("people", "grant", "first@example.org", "landlord_admin")
