"""Registering, verifying and managing staff through the pages people use."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from residentvoice.accounts.models import Membership, ResidentRegistration, User

from .registration_data import registration_data as _form


def test_registration_then_verification_by_the_landlord(
    client, people, landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), _form(landlord))
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    registration = ResidentRegistration.objects.get(user__email="pat@example.org")
    assert registration.postcode == "TW9 1AA"

    client.force_login(people["landlord_officer"])
    queue = client.get(reverse("accounts:registration-queue")).content.decode()
    assert "Pat Resident" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:registration-decide", args=[registration.pk]),
            {"outcome": "verified"},
        )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="pat@example.org").role == "resident"
    assert mail.outbox[-1].to == ["pat@example.org"]


def test_other_landlords_staff_cannot_see_or_decide(client, people, landlord):
    client.post(reverse("accounts:register"), _form(landlord))
    registration = ResidentRegistration.objects.get()
    client.force_login(people["other_landlord_admin"])
    assert "Pat Resident" not in client.get(reverse("accounts:registration-queue")).content.decode()
    response = client.post(
        reverse("accounts:registration-decide", args=[registration.pk]), {"outcome": "verified"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=registration.user).exists()


def test_registration_mistakes_are_shown_and_what_was_typed_is_kept(client, landlord, people):
    cases = {
        "unknown landlord": _form(landlord, landlord="999999"),
        "landlord not a number": _form(landlord, landlord="abc"),
        "weak password": _form(landlord, password1="password", password2="password"),
        "passwords differ": _form(landlord, password2="something-else-entirely"),
        "no reference or address": _form(landlord, tenancy_reference=""),
    }
    for case, data in cases.items():
        response = client.post(reverse("accounts:register"), data)
        page = response.content.decode()
        assert response.status_code == 200, case
        assert "There is a problem" in page, case
        assert "<title>Error:" in page, case
        assert 'value="Pat Resident"' in page, case
        assert 'value="password"' not in page, case  # passwords are never echoed back
    assert not User.objects.filter(email="pat@example.org").exists()
    assert ResidentRegistration.objects.count() == 0


def test_sign_in_with_email_any_case(client, people):
    response = client.post(
        reverse("accounts:login"),
        {"username": "LL-ADMIN@example.org", "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:home")).content.decode()
    assert "Landlord admin" in page
    assert "Riverside Homes" in page


def test_wrong_password_gives_a_clear_error(client, people):
    response = client.post(
        reverse("accounts:login"), {"username": "ll-admin@example.org", "password": "nope"}
    )
    assert "Enter a correct email address and password." in response.content.decode()
    assert 'value="ll-admin@example.org"' in response.content.decode()


def test_password_reset_sends_a_working_link(client, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "resident@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    response = client.get(path, follow=True)
    assert "Set a new password" in response.content.decode()


def test_invitation_round_trip(client, people, landlord, django_capture_on_commit_callbacks):
    client.force_login(people["landlord_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:staff-invite"),
            {"full_name": "New Officer", "email": "new@example.org", "role": "landlord_officer"},
        )
    assert response.status_code == 302
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)
    client.logout()
    path = link.split("8000", 1)[-1].strip()
    response = client.post(
        path,
        {
            "full_name": "New Officer",
            "password1": "another-long-password",
            "password2": "another-long-password",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new@example.org")
    assert (membership.role, membership.landlord) == ("landlord_officer", landlord)
    assert client.get(path).status_code == 404  # a used link no longer works


def test_landlord_admin_cannot_manage_another_landlords_staff(client, people):
    officer = Membership.objects.get(user=people["landlord_officer"])
    client.force_login(people["other_landlord_admin"])
    response = client.post(
        reverse("accounts:membership-edit", args=[officer.pk]), {"action": "remove"}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=officer.pk).exists()


def test_malformed_ids_give_404(client, people):
    client.force_login(people["landlord_admin"])
    assert client.get("/manage/residents/99999999/").status_code == 404
    assert client.get("/manage/residents/abc/").status_code == 404
    assert client.get("/account/invitation/..%2F..%2F/").status_code == 404


def test_pages_show_the_reason_of_a_decided_registration(client, people, landlord):
    from residentvoice.accounts.models import ResidentRegistration
    from residentvoice.accounts.services import registration_decide

    from ..factories import user_with_role

    applicant = user_with_role(None, email="decided@example.org")
    registration = ResidentRegistration.objects.create(
        user=applicant, landlord=landlord, tenure="tenant", tenancy_reference="T-1"
    )
    registration_decide(
        registration=registration,
        decided_by=people["landlord_officer"],
        outcome="rejected",
        reason="No tenancy with that reference",
    )
    client.force_login(people["landlord_officer"])
    queue = client.get(reverse("accounts:registration-queue"))
    assert "No tenancy with that reference" in queue.content.decode()
    client.force_login(applicant)
    assert "No tenancy with that reference" in client.get(reverse("accounts:home")).content.decode()
