"""The spreadsheet pages pass axe-core in Chromium in each of their states (upload, problems,
preview, applied), and work without JavaScript: a landlord officer uploads a filled-in
spreadsheet, checks the changes and applies them; council staff see the cycle's downloads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from residentvoice.assessment import exchange, services
from residentvoice.assessment.models import Stage
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "2024-25"


@pytest.fixture
def participation(people, landlord, other_landlord):
    charter_load(path=DEFAULT_CHARTER_PATH)
    cycle = services.cycle_open(reporting_year=YEAR, landlords=[landlord, other_landlord])
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.SELF_ASSESSMENT)
    return cycle.participations.select_related("cycle", "landlord").get(landlord=landlord)


def _filled(participation: Any, changes: dict[str, Any]) -> bytes:
    book = load_workbook(io.BytesIO(exchange.self_assessment_workbook(participation)))
    for ref, value in changes.items():
        book[exchange.SHEET][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page: Any, data: bytes) -> None:
    page.set_input_files(
        "#id_spreadsheet",
        files=[{"name": "filled.xlsx", "mimeType": exchange.XLSX_MIME, "buffer": data}],
    )
    with page.expect_navigation():
        page.click("button:has-text('Check the spreadsheet')")


def _import_url(live_server: Any) -> str:
    return live_server.url + reverse(
        "assessment:self-import", kwargs={"year": YEAR, "slug": "riverside"}
    )


def test_upload_check_and_apply_pages_have_no_axe_violations(
    page, live_server, client, people, participation, axe_source
):
    page.set_default_timeout(30_000)
    sign_in(page, client, live_server, people["landlord_officer"])
    page.goto(_import_url(live_server))
    assert axe_violations(page, axe_source) == []

    _upload(page, _filled(participation, {"C2": "Brilliant", "A20": 77}))
    assert page.title().startswith("Error:")
    assert "2 problems" in page.inner_text(".govuk-error-summary")
    problems = page.inner_text("#problems")
    assert "“Brilliant” is not a rating" in problems
    assert "There is no commitment 77" in problems
    assert axe_violations(page, axe_source) == []

    _upload(page, _filled(participation, {"C2": "Met", "F2": "A residents' scrutiny panel"}))
    assert page.title().startswith("Check the changes")
    assert "A residents' scrutiny panel" in page.inner_text("main")
    assert axe_violations(page, axe_source) == []
    assert participation.items.get(commitment__number=1).self_rating is None

    page.click("button:has-text('Apply these changes')")
    assert "1 commitment changed" in page.inner_text(".govuk-notification-banner")
    assert axe_violations(page, axe_source) == []

    page.goto(_import_url(live_server))
    _upload(page, exchange.self_assessment_workbook(participation))
    assert "there is nothing to change" in page.inner_text("main")
    assert axe_violations(page, axe_source) == []


def test_the_import_works_without_javascript(browser, live_server, client, people, participation):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sign_in(page, client, live_server, people["landlord_officer"])
        page.goto(_import_url(live_server))
        _upload(page, _filled(participation, {"C2": "Exceeded", "G2": "Residents chose it"}))
        assert page.title().startswith("Check the changes")
        page.click("button:has-text('Apply these changes')")
        assert "1 commitment changed" in page.inner_text(".govuk-notification-banner")
    finally:
        context.close()
    item = participation.items.get(commitment__number=1)
    assert item.self_rating.code == "exceeded"
    assert item.how_residents_involved == "Residents chose it"


def test_council_download_page_has_no_axe_violations(
    page, live_server, client, people, participation, axe_source
):
    sign_in(page, client, live_server, people["council_officer"])
    response = page.goto(
        live_server.url + reverse("assessment:spreadsheets", kwargs={"year": YEAR})
    )
    assert response.status == 200
    assert "With the council's private notes" in page.inner_text("main")
    assert axe_violations(page, axe_source) == []
