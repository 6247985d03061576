"""Hostile files on the assessment's ways in: evidence (a decompression bomb, an image too large
to decode, a PDF named as a web page) and the self-assessment spreadsheet (a sheet reaching the
last cell a spreadsheet has). Each is refused with a clear message, or stored as what it is."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from residentvoice.assessment import exchange, services
from residentvoice.assessment.models import Evidence, Stage

from ..hostile_files import decompression_bomb_docx, huge_png, pdf_html_polyglot, with_far_cell
from .conftest import YEAR, item_of, move_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(cycle, landlord):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    return item_of(cycle, landlord, 1)


@pytest.mark.parametrize(
    ("name", "build", "says"),
    [
        ("strategy.docx", decompression_bomb_docx, "possible zip bomb"),
        ("photo.png", huge_png, "9,400 × 9,400 pixels"),
    ],
    ids=["decompression bomb", "huge image"],
)
def test_evidence_that_would_exhaust_the_server_is_refused(item, people, name, build, says):
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(
            item=item,
            by=people["landlord_officer"],
            title="Strategy",
            file=SimpleUploadedFile(name, build()),
        )
    assert says in " ".join(refused.value.message_dict["file"])
    assert not Evidence.objects.filter(item=item).exists()


def test_a_pdf_named_as_a_web_page_is_stored_and_served_as_a_pdf(client, item, landlord, people):
    evidence = services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Panel minutes",
        file=SimpleUploadedFile("minutes.html", pdf_html_polyglot(), "text/html"),
    )
    assert evidence.content_type == "application/pdf"
    assert re.search(r"/minutes(_\w+)?\.pdf$", evidence.file.name)  # storage may add a suffix
    client.force_login(people["landlord_officer"])
    response = client.get(
        reverse(
            "assessment:evidence-file",
            kwargs={"year": YEAR, "slug": landlord.slug, "number": 1, "pk": evidence.pk},
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="minutes(_\w+)?\.pdf"', response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_self_assessment_sheet_reaching_the_last_cell_is_refused_by_name(cycle, landlord):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    participation = cycle.participations.get(landlord=landlord)
    data = with_far_cell(exchange.self_assessment_workbook(participation), exchange.SHEET)
    with pytest.raises(exchange.SheetError) as refused:
        exchange.self_assessment_read(data)
    problem = refused.value.problems[0]
    assert problem.sheet == exchange.SHEET
    assert "XFD1048576" in problem.reason
    assert "more than can be read" in problem.reason
