"""Consultation and scrutiny panel documents keep to the same upload policy as evidence: a
damaged file or a decompression bomb is refused, and a PDF named as a web page is stored and
served back as a PDF, as a download, never as a page the browser would run."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from residentvoice.participation import services
from residentvoice.participation.models import ConsultationDocument, PanelDocument

from ..hostile_files import (
    POLYGLOT_SCRIPT,
    decompression_bomb_docx,
    huge_png,
    pdf_html_polyglot,
)
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(landlord, people):
    return builders.consultation_open(landlord=landlord, staff=people["landlord_admin"])


@pytest.fixture
def panel(landlord, people):
    return builders.panel_with_chair(landlord=landlord, chair=people["resident"])


def _add_consultation_document(consultation, upload):
    return services.consultation_document_add(
        consultation=consultation, title="Draft plan", file=upload
    )


def _add_panel_document(panel, upload, by):
    return services.panel_document_add(
        panel=panel, uploaded_by=by, kind="document", title="Minutes", file=upload
    )


@pytest.mark.parametrize(
    "data",
    [
        lambda: decompression_bomb_docx(unpacked=10_000)[:-100],
        lambda: huge_png(width=64, height=64)[:-30],
        decompression_bomb_docx,
    ],
    ids=["damaged docx", "damaged png", "decompression bomb"],
)
def test_damaged_and_hostile_documents_are_refused(consultation, panel, people, data):
    for add in (
        lambda upload: _add_consultation_document(consultation, upload),
        lambda upload: _add_panel_document(panel, upload, people["resident"]),
    ):
        with pytest.raises(ValidationError) as refused:
            add(SimpleUploadedFile("plan.docx", data()))
        reason = refused.value.message_dict["file"][0]
        assert "damaged" in reason or "zip bomb" in reason
    assert not ConsultationDocument.objects.exists()
    assert not PanelDocument.objects.exists()


def test_a_consultation_document_named_as_a_web_page_is_served_as_a_pdf(
    client, consultation, people
):
    document = _add_consultation_document(
        consultation, SimpleUploadedFile("plan.html", pdf_html_polyglot(), "text/html")
    )
    assert re.search(r"/plan(_\w+)?\.pdf$", document.file.name)  # storage may add a suffix
    client.force_login(people["resident"])
    response = client.get(
        reverse(
            "participation:consultation-document",
            kwargs={"pk": consultation.pk, "document": document.pk},
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="plan(_\w+)?\.pdf"', response["Content-Disposition"])
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_panel_document_named_as_a_web_page_is_served_as_a_pdf(client, panel, people):
    document = _add_panel_document(
        panel,
        SimpleUploadedFile("minutes.html", pdf_html_polyglot(), "text/html"),
        people["resident"],
    )
    client.force_login(people["landlord_officer"])
    response = client.get(
        reverse("participation:document-download", kwargs={"pk": document.pk}), {"file": "1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="minutes(_\w+)?\.pdf"', response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert POLYGLOT_SCRIPT in b"".join(response.streaming_content)  # the file itself, untouched
