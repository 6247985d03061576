"""The best-practice library and the reality-check pages pass axe-core in Chromium for each role
that uses them, with real content on them (practices, a moderated cycle for the coverage tables,
claims, answers, comments and sessions), including their forms with errors; and a resident can
answer with JavaScript switched off."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.assessment import services
from residentvoice.assessment.models import STAGE_ORDER, AssessmentItem, RealityCheck, Stage
from residentvoice.charter.models import Commitment, RatingOption
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
from residentvoice.practices.services import practice_create, practice_publish

from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "2024-25"


def _move(cycle: Any, stage: str) -> None:
    while services.cycle_stage(cycle) != stage:
        following = STAGE_ORDER[STAGE_ORDER.index(services.cycle_stage(cycle)) + 1]
        if following == Stage.READY_TO_PUBLISH:
            AssessmentItem.objects.filter(
                participation__cycle=cycle, moderated_at__isnull=True
            ).update(
                final_rating=RatingOption.objects.get(code="met"),
                final_rationale="Set for the test",
                moderated_at=timezone.now(),
            )
        services.cycle_stage_move(cycle=cycle, to_stage=following)


@pytest.fixture
def site(people, landlord, other_landlord):
    charter_load(path=DEFAULT_CHARTER_PATH)
    one, three = Commitment.objects.get(number=1), Commitment.objects.get(number=3)

    # Last year's results are agreed: Riverside was rated partly met on commitment 3.
    past = services.cycle_open(reporting_year="2023-24", landlords=[landlord, other_landlord])
    _move(past, Stage.MODERATION)
    AssessmentItem.objects.filter(
        participation__cycle=past, landlord=landlord, commitment=three
    ).update(
        final_rating=RatingOption.objects.get(code="partly_met"),
        final_rationale="Test",
        moderated_at=timezone.now(),
    )
    _move(past, Stage.READY_TO_PUBLISH)

    own = practice_create(
        by=people["landlord_admin"],
        title="Tea and talk",
        description="Monthly drop-in with the housing team.",
        commitments=[one],
        how_residents_involved="Residents choose the topics.",
        evidence_url="https://example.org/tea",
    )
    theirs = practice_create(
        by=people["other_landlord_admin"],
        title="Resident scrutiny panel",
        description="Residents review one service a quarter.",
        commitments=[three],
    )
    practice_publish(practice=theirs, by=people["council_admin"], public=True)

    # This year's cycle is in self-assessment with a claim, answers, a comment and a session.
    cycle = services.cycle_open(reporting_year=YEAR, landlords=[landlord, other_landlord])
    _move(cycle, Stage.SELF_ASSESSMENT)
    item = AssessmentItem.objects.get(participation__cycle=cycle, landlord=landlord, commitment=one)
    item = services.item_self_assess(
        item=item,
        version=None,
        rating=None,
        what_we_do="A residents' forum meets every month.",
        how_residents_involved="Residents chair it.",
    )
    services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Forum minutes",
        url="https://example.org/minutes",
        is_public=True,
    )
    services.reality_check_answer(
        item=item, resident=people["resident"], answer="partly", comment="It is often cancelled."
    )
    services.reality_session_record(
        participation=cycle.participations.get(landlord=landlord),
        by=people["council_officer"],
        held_on=datetime.date(2024, 6, 1),
        residents_count=8,
        summary="Residents knew about the forum.",
        commitments=[one],
    )
    return {"own": own, "item": item}


def _urls(site: dict[str, Any]) -> dict[str, list[str]]:
    year = {"year": YEAR}
    own = site["own"].pk
    return {
        "landlord_admin": [
            reverse("practices:list"),
            reverse("practices:add"),
            reverse("practices:detail", args=[own]),
            reverse("practices:edit", args=[own]),
        ],
        "council_admin": [
            reverse("practices:list") + "?commitment=1",
            reverse("practices:coverage"),
            reverse("practices:detail", args=[own]),
            reverse("practices:add"),
            reverse("assessment:reality-overview", kwargs=year),
            reverse("assessment:reality-comments", kwargs=year),
            reverse("assessment:reality-comments", kwargs=year) + "?status=approved",
            reverse("assessment:reality-session-add", kwargs=year),
        ],
        "resident": [
            reverse("assessment:reality-checks", kwargs=year),
            reverse("accounts:home"),
        ],
    }


@pytest.mark.parametrize("role", ["landlord_admin", "council_admin", "resident"])
def test_pages_have_no_axe_violations(page, live_server, client, people, site, role, axe_source):
    sign_in(page, client, live_server, people[role])
    problems = {}
    for url in _urls(site)[role]:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page, axe_source)
        if violations:
            problems[url] = violations
    assert not problems, problems


def test_coverage_shows_where_a_practice_could_help(page, live_server, client, people, site):
    sign_in(page, client, live_server, people["council_admin"])
    page.goto(live_server.url + reverse("practices:coverage"))
    help_table = page.inner_text("#help ~ .rv-table-scroll table")
    assert "Riverside Homes" in help_table
    assert "Partly met" in help_table
    assert "Resident scrutiny panel" in help_table


def test_practice_form_errors_are_accessible_and_keep_input(
    page, live_server, client, people, site, axe_source
):
    sign_in(page, client, live_server, people["landlord_officer"])
    page.goto(live_server.url + reverse("practices:add"))
    page.fill("#id_title", "Typed title")
    page.fill("#id_evidence_url", "not an address")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_title") == "Typed title"
    assert page.title().startswith("Error:")
    assert axe_violations(page, axe_source) == []


def test_reality_form_errors_are_accessible_and_keep_input(
    page, live_server, client, people, site, axe_source
):
    sign_in(page, client, live_server, people["other_resident"])
    # Hillside has no claim yet: the page says so and passes axe-core too.
    page.goto(live_server.url + reverse("assessment:reality-checks", kwargs={"year": YEAR}))
    assert "has not said what it does" in page.content()
    assert axe_violations(page, axe_source) == []

    sign_in(page, client, live_server, people["resident"])
    page.goto(live_server.url + reverse("assessment:reality-checks", kwargs={"year": YEAR}))
    item = site["item"]  # answered already: take the answer away to send the form without one
    page.evaluate(
        "name => document.querySelectorAll(`input[name='${name}']`)"
        ".forEach(input => { input.checked = false; })",
        f"claim-{item.pk}-answer",
    )
    page.fill(f"#id_claim-{item.pk}-comment", "Kept words")
    with page.expect_navigation():
        page.click("#claim-1 button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value(f"#id_claim-{item.pk}-comment") == "Kept words"
    assert page.title().startswith("Error:")
    assert axe_violations(page, axe_source) == []


def test_session_form_errors_are_accessible(page, live_server, client, people, site, axe_source):
    sign_in(page, client, live_server, people["council_officer"])
    page.goto(live_server.url + reverse("assessment:reality-session-add", kwargs={"year": YEAR}))
    page.fill("#id_summary", "Typed summary")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_summary") == "Typed summary"
    assert axe_violations(page, axe_source) == []


def test_a_resident_answers_without_javascript(browser, live_server, client, people, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, client, live_server, people["resident"])
    page.goto(live_server.url + reverse("assessment:reality-checks", kwargs={"year": YEAR}))
    item = site["item"]
    page.check(f"input[name='claim-{item.pk}-answer'][value='no']")
    page.fill(f"#id_claim-{item.pk}-comment", "Changed my mind")
    with page.expect_navigation():
        page.click("#claim-1 button[type=submit]")
    assert "your answer on commitment 1 is saved" in page.content()
    check = RealityCheck.objects.get(item=item, resident=people["resident"])
    assert (check.answer, check.comment) == ("no", "Changed my mind")
    context.close()
