"""The TSM pages added for benchmarks, trends and a landlord's own results pass axe-core in
Chromium, with real content on them (a release, charts, results with every measure), including
forms with errors; and they work with JavaScript switched off."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

from ..tsm.authorization import own_results, with_figures
from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "2050-51"
MANAGEMENT = "measure,population,numerator,denominator\nBS01,,99,100\nCH01(1),LCRA,21,200\n"


@pytest.fixture
def site(people, landlord, other_landlord):
    from residentvoice.tsm.services import management_figures_import

    charter_load(path=DEFAULT_CHARTER_PATH)
    ctx = {"landlord": landlord, "other_landlord": other_landlord}
    with_figures(ctx)
    survey = own_results(ctx, publish=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mi.csv"
        path.write_text(MANAGEMENT)
        management_figures_import(survey=survey, path=path)
    return {"survey": survey, "landlord": landlord}


def _public_pages(site: dict[str, Any]) -> list[str]:
    slug = site["landlord"].slug
    return [
        reverse("tsm:benchmarks", args=[YEAR]),
        reverse("tsm:benchmarks", args=[YEAR])
        + "?measure=CH01_1&population=LCRA&size_band=%3C5%2C000",
        reverse("tsm:trend", args=["L9001"]),
        reverse("tsm:published", args=[YEAR, slug]),
        reverse("organisations:landlord-detail", args=[slug]),
        reverse("tsm:overview"),
        reverse("tsm:landlord_search", args=[YEAR]) + "?q=test",
        reverse("tsm:landlord_search", args=[YEAR]) + "?q=nobody",
    ]


def _check(page: Any, live_server: Any, urls: list[str], axe_source: str) -> dict[str, Any]:
    problems = {}
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        violations = axe_violations(page, axe_source)
        if violations:
            problems[url] = violations
    return problems


def test_public_tsm_pages_have_no_axe_violations(page, live_server, site, axe_source):
    assert not _check(page, live_server, _public_pages(site), axe_source)


def test_the_chart_is_an_image_with_a_text_alternative(page, live_server, site):
    page.goto(live_server.url + reverse("tsm:benchmarks", args=[YEAR]))
    image = page.locator("figure img")
    assert image.count() == 1
    assert image.get_attribute("alt").startswith("Bar chart of 3 landlords")
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 100  # it drew


def test_landlord_staff_pages_have_no_axe_violations(
    page, live_server, client, people, site, axe_source
):
    sign_in(page, client, live_server, people["landlord_admin"])
    pk = site["survey"].pk
    urls = [
        reverse("tsm:own_list"),
        reverse("tsm:own_manage", args=[pk]),
        reverse("tsm:own_responses", args=[pk]),
        reverse("tsm:own_management", args=[pk]),
        reverse("tsm:own_approach", args=[pk]),
    ]
    assert not _check(page, live_server, urls, axe_source)


def test_form_errors_are_accessible_and_keep_input(
    page, live_server, client, people, site, axe_source
):
    sign_in(page, client, live_server, people["landlord_admin"])
    page.goto(live_server.url + reverse("tsm:own_list"))
    page.fill("#id_reporting_year", "2050-52")
    page.fill("#id_lcra_population", "900")
    with page.expect_navigation():
        page.click("button:has-text('Start')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_lcra_population") == "900"
    assert page.title().startswith("Error:")
    assert axe_violations(page, axe_source) == []

    page.goto(
        live_server.url + reverse("tsm:benchmarks", args=[YEAR]) + "?measure=TP02&population=LCHO"
    )
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page, axe_source) == []


def test_uploads_and_filters_work_without_javascript(browser, live_server, client, people, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("tsm:benchmarks", args=[YEAR]))
    page.select_option("#id_measure", "TP06")
    with page.expect_navigation():
        page.click("button:has-text('Show the comparison')")
    assert "measure=TP06" in page.url
    assert page.locator("figure img").count() == 1
    # Finding a landlord by name: a plain GET form.
    page.goto(live_server.url + reverse("tsm:year", args=[YEAR]))
    page.fill("#id_q", "second housing")
    with page.expect_navigation():
        page.click("form[role=search] button")
    assert "q=second+housing" in page.url
    assert page.locator("a:has-text('Second Test Housing')").count() == 1
    sign_in(page, client, live_server, people["landlord_admin"])
    page.goto(live_server.url + reverse("tsm:own_management", args=[site["survey"].pk]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_text("measure,numerator,denominator\nBS02,50,100\n")
        page.set_input_files("#id_figures", str(path))
        # Two figures are loaded already: replacing them is confirmed first.
        page.check("#id_replace")
        with page.expect_navigation():
            page.click("button:has-text('Load the file')")
    # The real browser sends the file (multipart form) and lands back on the results page.
    assert page.url.endswith(reverse("tsm:own_manage", args=[site["survey"].pk]))
    assert "1 figure from figures.csv" in page.content()
    context.close()
