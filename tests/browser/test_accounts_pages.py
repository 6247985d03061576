"""Registering, being signed in by the emailed link, a paused sign-in and a refused removal, in
Chromium: each page says what happens next or what went wrong, and passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from residentvoice.accounts.models import Membership

from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, selector: str = "main button[type=submit]") -> Any:
    with page.expect_navigation() as navigation:
        page.click(selector)
    return navigation.value


def test_a_newcomer_registers_and_the_emailed_link_signs_them_in(
    page, live_server, people, landlord, axe_source
):
    page.goto(live_server.url + reverse("accounts:register"))
    page.fill("#id_full_name", "Sam Newcomer")
    page.fill("#id_email", "sam@example.org")
    page.select_option("#id_landlord", str(landlord.pk))
    page.check("input[name=tenure][value=tenant]", force=True)
    page.fill("#id_tenancy_reference", "T-100")
    page.fill("#id_password1", "a-long-new-password-1")
    page.fill("#id_password2", "a-long-new-password-1")
    _submit(page)
    assert page.locator("h1").inner_text() == "Check your email"
    assert "What happens next" in page.content()
    assert axe_violations(page, axe_source) == []

    body = next(m.body for m in mail.outbox if m.to == ["sam@example.org"])
    link = next(line for line in body.splitlines() if "/account/register/sign-in/" in line)
    page.goto(live_server.url + link.split("8000", 1)[1].strip())
    assert axe_violations(page, axe_source) == []
    _submit(page)
    assert page.url.endswith(reverse("accounts:home"))
    assert "Sam Newcomer" in page.content()
    assert "Riverside Homes will check that you live in one of their homes" in page.content()
    assert axe_violations(page, axe_source) == []


def test_a_paused_sign_in_is_explained_accessibly(page, live_server, people, axe_source):
    page.goto(live_server.url + reverse("accounts:login"))
    for _ in range(5):
        page.fill("#id_username", "resident@example.org")
        page.fill("#id_password", "not-the-password")
        _submit(page)
    page.fill("#id_password", "a-long-test-password")
    response = _submit(page)
    assert response.status == 429
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "too many attempts to sign in to this account" in summary
    assert page.title().startswith("Error:")
    assert axe_violations(page, axe_source) == []


def test_removing_your_own_role_is_explained_accessibly(
    page, client, live_server, people, axe_source
):
    own = Membership.objects.get(user=people["landlord_admin"])
    sign_in(page, client, live_server, people["landlord_admin"])
    page.goto(live_server.url + reverse("accounts:membership-edit", args=[own.pk]))
    _submit(page, "button:has-text('Remove role')")
    assert "You cannot remove your own role" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page, axe_source) == []
