"""The published scorecards in Chromium: every public page and each council admin's publishing
page passes axe-core (WCAG 2.2 A and AA), and the filters and downloads work without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residentvoice.practices.models import Practice
from residentvoice.publication.models import ReportBuild, ReportFile, ReportStatus
from residentvoice.publication.services import cycle_publish, publication_correct

from ..publication.conftest import (  # noqa: F401  (fixtures)
    YEAR,
    charter,
    cycle,
    ready,
)
from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def results(ready, people, landlord, charter):  # noqa: F811
    practice = Practice.objects.create(
        title="Residents chair the scrutiny panel",
        description="Every scrutiny review is chaired by a resident, trained by the landlord.",
        is_public=True,
    )
    practice.landlords.add(landlord)
    practice.commitments.add(charter.commitments.get(number=1))
    publication = cycle_publish(cycle=ready, by=people["council_admin"], note="Launch")
    first = publication.results.get(landlord__landlord_slug="riverside", commitment_number=1)
    publication_correct(
        publication=publication,
        by=people["council_admin"],
        note="Commitment 3 was misread; a comment and a document named a resident.",
        ratings={("riverside", 3): "met"},
        # Version 1's landlord page then shows the notices that replace withdrawn items.
        withdraw_evidence=[first.evidence[0]["id"]],
        withdraw_comments=[c["id"] for c in first.residents["comments"]],
    )
    # A report built from version 1 and published: the public list notes the correction since.
    build = ReportBuild.objects.create(
        reporting_year=YEAR,
        publication=publication,
        status=ReportStatus.DONE,
        progress=100,
        is_public=True,
        finished_at=publication.published_at,
    )
    for fmt in ("pdf", "html", "xlsx", "json"):
        ReportFile.objects.create(build=build, format=fmt, file=f"reports/a.{fmt}", size=2048)
    return publication


def _public_pages() -> list[str]:
    pages = [
        reverse("publication:index"),
        reverse("publication:overview", args=[YEAR]),
        reverse("publication:overview", args=[YEAR]) + "?commitment=1&size=large",
        reverse("publication:overview", args=[YEAR]) + "?commitment=nonsense",
        reverse("publication:landlord", args=[YEAR, "riverside"]),
        reverse("publication:landlord", args=[YEAR, "hillside"]),
        reverse("publication:commitment", args=[YEAR, 1]),
        reverse("publication:practices", args=[YEAR]),
        reverse("publication:methodology", args=[YEAR]),
        reverse("publication:versions", args=[YEAR]),
        reverse("publication:data"),
        reverse("publication:overview-version", args=[YEAR, 1]),
        reverse("publication:landlord-version", args=[YEAR, 1, "riverside"]),
        reverse("publication:commitment-version", args=[YEAR, 1, 1]),
        reverse("publication:practices-version", args=[YEAR, 1]),
        reverse("publication:methodology-version", args=[YEAR, 1]),
        reverse("publication:overview", args=["2023-24"]),
        reverse("publication:reports"),
    ]
    return pages


def test_public_scorecard_pages_have_no_axe_violations(page, live_server, results, axe_source):
    problems = {}
    for url in _public_pages():
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page, axe_source)
        if violations:
            problems[url] = violations
    assert not problems, problems


def test_the_no_results_yet_page_has_no_axe_violations(page, live_server, axe_source):
    response = page.goto(live_server.url + reverse("publication:index"))
    assert response.status == 200
    assert page.locator("text=No results have been published yet").count() >= 1
    assert axe_violations(page, axe_source) == []


def test_admin_publishing_pages_have_no_axe_violations(
    page, live_server, client, people, results, axe_source
):
    build = ReportBuild.objects.create(reporting_year=YEAR)
    sign_in(page, client, live_server, people["council_admin"])
    problems = {}
    for url in [
        reverse("publication:manage"),
        reverse("publication:settings"),
        reverse("publication:correct", args=[YEAR]),
        reverse("publication:report", args=[YEAR]),
        reverse("publication:report-status", args=[build.pk]),
        reverse(
            "publication:report-status", args=[ReportBuild.objects.filter(is_public=True).get().pk]
        ),
        reverse("publication:overview", args=[YEAR]),
    ]:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page, axe_source)
        if violations:
            problems[url] = violations
    # A correction with a missing note shows the error summary, accessibly.
    page.goto(live_server.url + reverse("publication:correct", args=[YEAR]))
    page.select_option("#id_result", "riverside:2")
    with page.expect_navigation():
        page.click("text=Publish the correction")
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert axe_violations(page, axe_source) == []
    assert not problems, problems


def test_the_publish_page_is_accessible(page, live_server, client, people, ready, axe_source):  # noqa: F811
    sign_in(page, client, live_server, people["council_admin"])
    page.goto(live_server.url + reverse("publication:publish", args=[YEAR]))
    assert page.locator("text=Publish the results").count() == 1
    assert axe_violations(page, axe_source) == []


def test_the_publish_page_is_accessible_when_refusing(
    page,
    live_server,
    client,
    people,
    cycle,  # noqa: F811
    axe_source,
):
    sign_in(page, client, live_server, people["council_admin"])
    page.goto(live_server.url + reverse("publication:publish", args=[YEAR]))
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page, axe_source) == []


def test_filters_and_downloads_work_without_javascript(browser, live_server, results):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("publication:overview", args=[YEAR]))
    page.select_option("#id_size", "small")
    with page.expect_navigation():
        page.click("text=Show results")
    page.wait_for_url("**size=small**")
    matrix = page.locator("table.rv-matrix")
    assert matrix.locator("text=Hillside Housing").count() == 1
    assert matrix.locator("text=Riverside Homes").count() == 0
    with page.expect_download() as download:
        page.click("text=as CSV")
    assert download.value.suggested_filename == f"scorecards-overview-{YEAR}-v2.csv"
    context.close()


def test_report_progress_updates_itself_with_javascript(
    page, live_server, client, people, results, axe_source
):
    build = ReportBuild.objects.create(reporting_year=YEAR, progress=40)
    sign_in(page, client, live_server, people["council_admin"])
    page.goto(live_server.url + reverse("publication:report-status", args=[build.pk]))
    assert page.locator("text=40%").count() >= 1
    ReportBuild.objects.filter(pk=build.pk).update(status="done", progress=100)
    page.locator("text=Download the report").wait_for(timeout=10_000)
    assert axe_violations(page, axe_source) == []
