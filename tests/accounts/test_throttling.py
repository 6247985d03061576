"""Signing in, asking for a password reset and registering are limited per account and per
client address, counted in the database so that every server process sees the same count."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from residentvoice.accounts.models import AccessAttempt, User
from residentvoice.accounts.throttling import client_address

from ..factories import user_with_role
from .registration_data import registration_data

PASSWORD = "a-long-test-password"  # every factory account's password
SIGN_IN = reverse("accounts:login")


def _sign_in(client, email, password, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _time_passes(minutes: int) -> None:
    AccessAttempt.objects.update(at=F("at") - datetime.timedelta(minutes=minutes))


def _pause_account(client, email):
    for _ in range(5):
        response = _sign_in(client, email, "not-the-password")
        assert "Enter a correct email address and password." in response.content.decode()
        assert response.status_code == 200


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(client, people):
    _pause_account(client, "ll-admin@example.org")
    response = _sign_in(client, "ll-admin@example.org", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "There have been too many attempts to sign in to this account" in page
    assert "wait 15 minutes and try again, or reset your password" in page
    assert "There is a problem" in page
    assert 850 <= int(response["Retry-After"]) <= 900
    assert not _signed_in(client)
    # Refusals are not counted: trying again during the pause does not make it longer.
    _sign_in(client, "LL-Admin@example.org", PASSWORD)
    assert AccessAttempt.objects.count() == 10  # 5 failures x (account, address)

    _time_passes(16)
    response = _sign_in(client, "ll-admin@example.org", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_pause_says_how_long_is_left(client, people):
    _pause_account(client, "ll-admin@example.org")
    _time_passes(13)
    page = _sign_in(client, "ll-admin@example.org", PASSWORD).content.decode()
    assert "wait 2 minutes and try again" in page


def test_a_password_reset_ends_the_pause(client, people, django_capture_on_commit_callbacks):
    _pause_account(client, "ll-admin@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "ll-admin@example.org"})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1].strip(), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-password-9", "new_password2": "a-brand-new-password-9"},
    )
    assert response.status_code == 302
    assert _signed_in(client)  # signed in at once: nobody can pause the account in between
    assert (
        "You are signed in with your new password"
        in client.get(response["Location"]).content.decode()
    )
    client.logout()
    response = _sign_in(client, "ll-admin@example.org", "a-brand-new-password-9")
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_successful_sign_in_starts_the_count_again(client, people):
    for _ in range(4):
        _sign_in(client, "ll-admin@example.org", "wrong")
    assert _sign_in(client, "ll-admin@example.org", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _sign_in(client, "ll-admin@example.org", "wrong")
    assert _sign_in(client, "ll-admin@example.org", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_paused_for_every_account(client, people):
    for number in range(20):
        _sign_in(client, f"guess{number}@example.org", "password123")
    response = _sign_in(client, "resident@example.org", PASSWORD)
    assert response.status_code == 429
    assert "too many attempts to sign in from your internet connection" in response.content.decode()
    # Another address is not affected, and the account itself is not paused.
    other = _sign_in(client, "resident@example.org", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_a_forwarded_for_header_is_not_believed_unless_the_site_says_so(client, people, settings):
    for number in range(20):
        _sign_in(
            client, f"guess{number}@example.org", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}"
        )
    assert _sign_in(client, "resident@example.org", PASSWORD).status_code == 429

    AccessAttempt.objects.all().delete()
    settings.NINJA_NUM_PROXIES = 1  # one trusted proxy: its X-Forwarded-For names the client
    for number in range(20):
        _sign_in(client, f"guess{number}@example.org", "x", HTTP_X_FORWARDED_FOR="203.0.113.9")
    refused = _sign_in(client, "resident@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert refused.status_code == 429
    allowed = _sign_in(client, "resident@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert allowed.status_code == 302


def test_the_django_admin_sign_in_is_paused_too(client, people):
    _pause_account(client, "c-admin@example.org")
    response = client.post(
        reverse("admin:login"), {"username": "c-admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200  # the admin's form again, not signed in
    assert not _signed_in(client)
    assert AccessAttempt.objects.count() == 10  # the refusal was not counted


def test_password_reset_requests_are_limited_whether_or_not_the_account_exists(
    client, people, django_capture_on_commit_callbacks
):
    url = reverse("accounts:password-reset")
    for email in ("resident@example.org", "nobody-here@example.org"):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                assert client.post(url, {"email": email}).status_code == 302
        response = client.post(url, {"email": email})
        assert response.status_code == 429
        assert "too many requests to reset the password for this email address" in (
            response.content.decode()
        )
    assert len(mail.outbox) == 3  # the account that exists, three times; the fourth not sent


def test_password_reset_requests_from_one_address_are_limited(client, people):
    url = reverse("accounts:password-reset")
    for number in range(10):
        assert client.post(url, {"email": f"someone{number}@example.org"}).status_code == 302
    response = client.post(url, {"email": "resident@example.org"})
    assert response.status_code == 429
    assert "from your internet connection" in response.content.decode()
    assert mail.outbox == []


def test_registrations_from_one_address_are_limited(client, landlord):
    url = reverse("accounts:register")
    for number in range(10):
        response = client.post(url, registration_data(landlord, email=f"pat{number}@example.org"))
        assert response.status_code == 200
        assert "Check your email" in response.content.decode()
    response = client.post(url, registration_data(landlord, email="late@example.org"))
    assert response.status_code == 429
    assert "too many registrations from your internet connection" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


def test_registrations_with_one_email_address_are_limited(client, landlord, people):
    url = reverse("accounts:register")
    for number in range(3):
        client.post(
            url,
            registration_data(landlord, email="resident@example.org"),
            REMOTE_ADDR=f"192.0.2.{number}",
        )
    response = client.post(
        url, registration_data(landlord, email="resident@example.org"), REMOTE_ADDR="192.0.2.50"
    )
    assert response.status_code == 429
    assert "too many registrations with this email address" in response.content.decode()


def test_the_count_keeps_neither_email_nor_address(client, people):
    _sign_in(client, "ll-admin@example.org", "wrong", REMOTE_ADDR="198.51.100.23")
    keys = list(AccessAttempt.objects.values_list("key", flat=True))
    assert len(keys) == 2
    for key in keys:
        assert len(key) == 64
        assert "ll-admin" not in key
        assert "198.51" not in key


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("192.0.2.1", "203.0.113.5", 0, "192.0.2.1"),
        ("192.0.2.1", "203.0.113.5, 198.51.100.1", 1, "198.51.100.1"),
        ("192.0.2.1", "203.0.113.5, 198.51.100.1", 2, "203.0.113.5"),
        ("2001:db8:1:2:aaaa::1", None, 0, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", None, 0, "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.44", None, 0, "192.0.2.44"),
    ],
)
def test_client_address_follows_the_api_rule(settings, remote, forwarded, proxies, expected):
    settings.NINJA_NUM_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **extra)) == expected


def test_different_accounts_from_different_addresses_do_not_affect_each_other(client, db):
    user_with_role(None, email="a@example.org")
    user_with_role(None, email="b@example.org")
    _pause_account(client, "a@example.org")
    assert _sign_in(client, "b@example.org", PASSWORD).status_code == 302
