"""The one upload policy: a file is what its content says, whatever its name; a document holding
a decompression bomb and an image too large to decode are refused before they are opened; and a
stored upload is served back as the type it was checked to be, as a download, never sniffed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from residentvoice.core.files.limits import LIMITS
from residentvoice.core.files.uploads import DOCUMENTS, upload_check, upload_response

from ..hostile_files import decompression_bomb_docx, huge_png, pdf_html_polyglot


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as refused:
        upload_check(ContentFile(data, name=name))
    return " ".join(refused.value.message_dict["file"])


def test_a_document_holding_a_decompression_bomb_is_refused_from_its_declared_sizes():
    data = decompression_bomb_docx(unpacked=24 * 1024 * 1024)
    assert len(data) < 60_000
    reason = _refusal(data, "minutes.docx")
    assert "word/document.xml" in reason
    assert "possible zip bomb" in reason
    assert f"more than {LIMITS.compression_ratio} to 1" in reason


def test_a_document_with_a_part_too_large_is_refused_whatever_its_ratio(monkeypatch):
    limits = LIMITS.__class__(part_bytes=1024 * 1024, compression_ratio=10**6)
    with pytest.raises(ValidationError) as refused:
        upload_check(
            ContentFile(decompression_bomb_docx(unpacked=2 * 1024 * 1024), name="m.docx"),
            limits=limits,
        )
    assert "would unpack to 2 MB" in refused.value.message_dict["file"][0]


def test_an_image_declaring_too_many_pixels_is_refused_before_it_is_decoded():
    reason = _refusal(huge_png(width=9_400, height=9_400), "photo.png")
    assert "9,400 × 9,400 pixels" in reason
    assert f"{LIMITS.image_pixels // 1_000_000} million pixels" in reason


def test_an_image_within_the_limits_is_accepted():
    checked = upload_check(ContentFile(huge_png(width=2_000, height=1_500), name="photo"))
    assert checked.content_type == "image/png"
    assert checked.stored_name("photo") == "photo.png"


def test_a_pdf_named_as_a_web_page_is_a_pdf_and_is_stored_as_one():
    checked = upload_check(ContentFile(pdf_html_polyglot(), name="minutes.html"))
    assert checked.content_type == "application/pdf"
    assert checked.stored_name("minutes.html") == "minutes.pdf"
    assert checked.stored_name("../../Panel minutes (final).HTML") == "Panel-minutes-final.pdf"


def test_a_web_page_named_as_a_pdf_is_refused():
    reason = _refusal(b"<html><script>alert(1)</script></html>", "minutes.pdf")
    assert "The file must be one of" in reason
    assert "Its name does not decide this" in reason


def test_a_stored_upload_is_served_as_its_checked_type_as_a_download():
    stored = ContentFile(pdf_html_polyglot(), name="uploads/minutes.html")
    response = upload_response(stored, content_type="application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_stored_file_of_a_type_the_policy_does_not_know_is_served_as_plain_bytes():
    response = upload_response(ContentFile(b"<script></script>", name="old/page.html"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_every_type_the_policy_allows_names_its_own_extension():
    extensions = [t.extension for t in DOCUMENTS.types]
    assert len(extensions) == len(set(extensions))
    assert all(DOCUMENTS.type_for_name(f"x.{e}") is not None for e in extensions)
