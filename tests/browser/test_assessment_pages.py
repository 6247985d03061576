"""Every assessment page passes axe-core in Chromium, with the forms each role sees in each stage
on the page (the "not taking part" page, an item at ready to publish and the moderation panel's
pages among them), and a form's errors are accessible and keep what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from residentvoice.assessment import services
from residentvoice.assessment.models import STAGE_ORDER, Stage
from residentvoice.charter.models import RatingOption
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

from ..assessment.conftest import moderate_all
from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEARS = {
    "2021-22": Stage.SELF_ASSESSMENT,
    "2022-23": Stage.COUNCIL_REVIEW,
    "2023-24": Stage.RIGHT_OF_REPLY,
    "2024-25": Stage.MODERATION,
}


def _move(cycle: Any, stage: str) -> None:
    while services.cycle_stage(cycle) != stage:
        following = STAGE_ORDER[STAGE_ORDER.index(services.cycle_stage(cycle)) + 1]
        services.cycle_stage_move(cycle=cycle, to_stage=following)


@pytest.fixture
def cycles(people, landlord, other_landlord):
    charter_load(path=DEFAULT_CHARTER_PATH)
    met = RatingOption.objects.get(code="met")
    for year, stage in YEARS.items():
        cycle = services.cycle_open(reporting_year=year, landlords=[landlord, other_landlord])
        participation = cycle.participations.get(landlord=landlord)
        services.participation_reviewer_assign(
            participation=participation, reviewer=people["council_officer"]
        )
        _move(cycle, Stage.SELF_ASSESSMENT)
        item = participation.items.get(commitment__number=1)
        item = services.item_self_assess(
            item=item, version=item.version, rating=met, what_we_do="A residents' forum"
        )
        services.evidence_add(
            item=item,
            by=people["landlord_officer"],
            title="Minutes",
            file=SimpleUploadedFile("minutes.pdf", PDF),
            is_public=True,
        )
        if stage != Stage.SELF_ASSESSMENT:
            _move(cycle, Stage.COUNCIL_REVIEW)
            item.refresh_from_db()
            services.item_review(
                item=item, by=people["council_officer"], version=item.version, rating=met
            )
        _move(cycle, stage)
        if stage == Stage.MODERATION:
            # A panel: the council officer and Hillside's resident, who has given a view.
            for role in ("council_officer", "other_resident"):
                services.panel_member_add(
                    cycle=cycle, email=people[role].email, by=people["council_admin"]
                )
            services.panel_view_record(
                item=item,
                person=people["other_resident"],
                rating=met,
                comment="The minutes show it",
            )
    # Riverside alone, at "ready to publish": Hillside's staff see the "not taking part" page.
    frozen = services.cycle_open(reporting_year="2020-21", landlords=[landlord])
    _move(frozen, Stage.MODERATION)
    moderate_all(frozen)
    _move(frozen, Stage.READY_TO_PUBLISH)
    return YEARS


def _item(year: str, suffix: str = "") -> str:
    return reverse(
        f"assessment:item{suffix}", kwargs={"year": year, "slug": "riverside", "number": 1}
    )


ROLE_URLS = {
    "landlord_officer": [
        reverse("assessment:cycles"),
        reverse("assessment:participation", kwargs={"year": "2021-22", "slug": "riverside"}),
        _item("2021-22"),
        _item("2021-22", "-timeline"),
    ],
    "landlord_admin": [_item("2023-24")],
    "council_officer": [
        reverse("assessment:cycle", kwargs={"year": "2022-23"}),
        reverse("assessment:dashboard", kwargs={"year": "2022-23"}),
        _item("2022-23"),
        reverse("assessment:panel-papers", kwargs={"year": "2024-25"}),
        reverse(
            "assessment:panel-item", kwargs={"year": "2024-25", "slug": "riverside", "number": 1}
        ),
    ],
    "council_admin": [
        reverse("assessment:cycle-open"),
        reverse("assessment:stage-move", kwargs={"year": "2024-25"}),
        reverse("assessment:landlord-add", kwargs={"year": "2024-25"}),
        reverse("assessment:participation", kwargs={"year": "2024-25", "slug": "riverside"}),
        reverse("assessment:dashboard", kwargs={"year": "2022-23"}),  # every reviewer's queue
        reverse("assessment:panel", kwargs={"year": "2024-25"}),
        _item("2024-25"),  # with the panel's views
        _item("2020-21"),  # ready to publish
    ],
    "other_landlord_admin": [reverse("assessment:cycle", kwargs={"year": "2020-21"})],
    "other_resident": [
        reverse("assessment:panel-papers", kwargs={"year": "2024-25"}),
        reverse(
            "assessment:panel-item", kwargs={"year": "2024-25", "slug": "riverside", "number": 1}
        ),
    ],
}


@pytest.mark.parametrize("role", sorted(ROLE_URLS))
def test_assessment_pages_have_no_axe_violations(
    page, live_server, client, people, cycles, role, axe_source
):
    sign_in(page, client, live_server, people[role])
    problems = {}
    for url in ROLE_URLS[role]:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page, axe_source)
        if violations:
            problems[url] = violations
    assert not problems, problems


def test_evidence_errors_are_accessible_and_keep_input(
    page, live_server, client, people, cycles, axe_source
):
    sign_in(page, client, live_server, people["landlord_officer"])
    page.goto(live_server.url + _item("2021-22"))
    page.fill("#id_evidence-title", "Typed and kept")
    with page.expect_navigation():
        page.click("button:has-text('Add evidence')")
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Upload a file or give a web address" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#id_evidence-title") == "Typed and kept"
    assert axe_violations(page, axe_source) == []
