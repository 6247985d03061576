"""Registering: the page never says which addresses have accounts, errors name their field, and
the person who registered is signed in by the link we email and told what happens next."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from residentvoice.accounts import forms
from residentvoice.accounts.models import ResidentRegistration, User

from .registration_data import registration_data as _form

REGISTER = reverse("accounts:register")


def _page_without(page: str, email: str) -> str:
    """The page as a visitor compares it: without the address typed, the per-request nonce and
    the form token."""
    page = page.replace(email, "EMAIL")
    page = re.sub(r'nonce="[^"]*"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.parametrize("used", ["resident@example.org", "C-Admin@Example.org"])
def test_a_used_email_address_gets_the_same_answer_as_a_new_one(
    client, landlord, people, used, django_capture_on_commit_callbacks
):
    accounts_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(REGISTER, _form(landlord, email="pat@example.org"))
        taken = client.post(REGISTER, _form(landlord, email=used))
    assert (new.status_code, taken.status_code) == (200, 200)
    assert "already" not in taken.content.decode()
    assert _page_without(taken.content.decode(), used.lower()) == _page_without(
        new.content.decode(), "pat@example.org"
    )
    # Only the new address has a new account; the owner of the used one is told by email.
    assert User.objects.count() == accounts_before + 1
    assert not ResidentRegistration.objects.filter(user__email=used.lower()).exists()
    owner_mail = next(message for message in mail.outbox if message.to == [used.lower()])
    assert owner_mail.subject == "Someone tried to register with your email address"
    assert "If it was you, sign in" in owner_mail.body
    assert "/account/password-reset/" in owner_mail.body
    assert "correct-horse-battery" not in owner_mail.body


def test_the_emailed_link_signs_the_person_in_and_the_site_says_what_happens_next(
    client, landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(REGISTER, _form(landlord)).content.decode()
    assert "What happens next" in done
    assert "Riverside Homes will check that you live in one of their homes" in done
    assert "We will email you at pat@example.org when they have decided" in done
    assert "you can see everything the public can" in done

    body = mail.outbox[-1].body
    assert "What happens next" in body
    link = next(line for line in body.splitlines() if "/account/register/sign-in/" in line)
    path = link.split("8000", 1)[1].strip()
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "_auth_user_id" not in client.session  # opening the link (a mail scanner) does nothing
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Pat Resident" in home
    assert "What happens next" in home
    assert "Riverside Homes will check that you live in one of their homes" in home
    assert "Waiting for your landlord" in home

    client.logout()
    used_again = client.get(path)
    assert used_again.status_code == 404
    assert "This link does not work" in used_again.content.decode()


def test_registration_errors_name_the_field(client, landlord):
    page = client.post(REGISTER, {}).content.decode()
    for message in (
        "Enter your full name",
        "Enter your email address",
        "Select your landlord",
        "Select whether you are a tenant, leaseholder or shared owner",
        "Enter your tenancy reference or your address, so your landlord can find you",
        "Enter a password",
        "Confirm your password",
    ):
        assert f">{message}</a>" in page, message  # in the summary, linked to its field
    assert "This field is required" not in page
    page = client.post(REGISTER, _form(landlord, email="pat-at-example.org")).content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in page


def _empty_forms(people):
    resident = people["resident"]
    return {
        "sign in": forms.SignInForm(data={}),
        "register": forms.ResidentRegistrationForm(data={}),
        "decide": forms.RegistrationDecisionForm(data={}),
        "invite": forms.InvitationForm(data={}, for_council_admin=True),
        "accept": forms.InvitationAcceptForm(data={}, initial={"email": "x@example.org"}),
        "role": forms.MembershipRoleForm(data={}, council=True),
        "reset": forms.GovukPasswordResetForm(data={}),
        "new password": forms.GovukSetPasswordForm(resident, data={}),
    }


def test_every_accounts_form_says_what_to_do_about_each_missing_answer(people):
    for name, form in _empty_forms(people).items():
        assert not form.is_valid(), name
        for field, errors in form.errors.items():
            for error in errors:
                assert error.split(" ")[0] in {"Enter", "Select", "Confirm"}, (name, field, error)
