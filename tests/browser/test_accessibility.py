"""Every page passes axe-core (WCAG 2.2 A and AA) in Chromium, for the public and each role."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from residentvoice.accounts.models import Membership, ResidentRegistration
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

from ..factories import StockFigureFactory, user_with_role
from ..tsm.authorization import with_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Any, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def sign_in(page: Any, client: Any, live_server: Any, user: Any) -> None:
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def site(people, landlord, other_landlord):
    charter_load(path=DEFAULT_CHARTER_PATH)
    StockFigureFactory(landlord=landlord, homes=6300)
    applicant = user_with_role(None, email="applicant@example.org", full_name="Jamie Applicant")
    registration = ResidentRegistration.objects.create(
        user=applicant, landlord=landlord, tenure="tenant", tenancy_reference="T-9"
    )
    with_figures({"landlord": landlord, "other_landlord": other_landlord})
    return {
        "registration": registration,
        "officer_membership": Membership.objects.get(user=people["landlord_officer"]),
    }


PUBLIC_PAGES = [
    ("core:home", {}),
    ("core:accessibility", {}),
    ("core:privacy", {}),
    ("organisations:landlord-list", {}),
    ("organisations:landlord-detail", {"slug": "riverside"}),
    ("charter:overview", {}),
    ("charter:commitment", {"number": 1}),
    ("charter:standards", {}),
    ("accounts:login", {}),
    ("accounts:register", {}),
    ("accounts:password-reset", {}),
    ("tsm:overview", {}),
    ("tsm:year", {"year": "2050-51"}),
    ("tsm:landlord", {"year": "2050-51", "code": "L9001"}),
]

ROLE_PAGES = {
    "resident": ["accounts:home"],
    "landlord_officer": ["accounts:home", "accounts:registration-queue", "registration-decide"],
    "landlord_admin": ["accounts:staff-list", "accounts:staff-invite", "membership-edit"],
    "council_officer": ["accounts:home"],
    "council_admin": [
        "accounts:home",
        "core:history",
        "organisations:manage-landlords",
        "organisations:landlord-add",
        "organisations:landlord-stock",
        "accounts:staff-invite",
        "tsm:import",
        "tsm:verify",
    ],
}


def _url(name: str, site: dict[str, Any]) -> str:
    if name == "registration-decide":
        return reverse("accounts:registration-decide", args=[site["registration"].pk])
    if name == "membership-edit":
        return reverse("accounts:membership-edit", args=[site["officer_membership"].pk])
    if name == "organisations:landlord-stock":
        return reverse(name, args=["riverside"])
    if name == "tsm:verify":
        return reverse(name, args=["2050-51"])
    return reverse(name)


def test_public_pages_have_no_axe_violations(page, live_server, site, axe_source):
    problems = {}
    for name, kwargs in PUBLIC_PAGES:
        response = page.goto(live_server.url + reverse(name, kwargs=kwargs))
        assert response.status == 200, name
        violations = axe_violations(page, axe_source)
        if violations:
            problems[name] = violations
    assert not problems, problems


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_each_roles_pages_have_no_axe_violations(
    page, live_server, client, people, site, role, axe_source
):
    sign_in(page, client, live_server, people[role])
    problems = {}
    for name in ROLE_PAGES[role]:
        response = page.goto(live_server.url + _url(name, site))
        assert response.status == 200, name
        violations = axe_violations(page, axe_source)
        if violations:
            problems[name] = violations
    assert not problems, problems


def test_form_errors_are_accessible_and_keep_input(page, live_server, site, axe_source):
    page.goto(live_server.url + reverse("accounts:register"))
    page.fill("#id_full_name", "Typed Name")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_full_name") == "Typed Name"
    assert page.title().startswith("Error:")
    assert axe_violations(page, axe_source) == []


def test_pages_work_without_javascript(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("organisations:landlord-list"))
    with page.expect_navigation():
        page.click("text=All homes")
    assert "sort=homes" in page.url
    assert page.locator("table").count() == 1
    context.close()


def test_no_gov_uk_crown_or_font(page, live_server, site):
    page.goto(live_server.url + "/")
    assert page.locator(".govuk-header__logotype, svg.govuk-header__logotype").count() == 0
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
    assert "London Borough of Testshire" in page.inner_text("header")
