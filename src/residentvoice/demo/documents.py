"""Synthetic evidence documents for the demonstration: small PDFs, each labelled "synthetic
demonstration document" on every page, printed by WeasyPrint from `demo/evidence_document.html`
while the demonstration loads and stored like any uploaded evidence. So a published result's
evidence opens a document the site itself holds, never an address elsewhere.

Each document is printed once per load (by its title and commitment) and every piece of evidence
gets its own stored copy, as an upload would: withdrawing or removing one never touches another.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils.text import slugify

from residentvoice.assessment.models import Evidence, EvidenceKind

PDF = "application/pdf"


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """The template carries its own styles and no images: nothing is ever fetched."""
    raise ValueError(f"not fetched: {url[:80]}")


class EvidenceDocuments:
    """Prints the demonstration's evidence documents, each once, and attaches copies."""

    def __init__(self) -> None:
        self._printed: dict[tuple[str, int | None], bytes] = {}

    def pdf(self, *, title: str, commitment: Any = None, summary: str, involvement: str) -> bytes:
        key = (title, getattr(commitment, "number", None))
        if key not in self._printed:
            from weasyprint import HTML

            html = render_to_string(
                "demo/evidence_document.html",
                {
                    "title": title,
                    "commitment": commitment,
                    "summary": summary,
                    "involvement": involvement,
                },
            )
            self._printed[key] = (
                HTML(string=html, url_fetcher=_no_fetching).write_pdf(pdf_variant="pdf/ua-1") or b""
            )
        return self._printed[key]

    @staticmethod
    def attach(evidence: Evidence, content: bytes) -> Evidence:
        """Store `content` as the (unsaved) evidence's own file, as an upload is stored."""
        evidence.kind = EvidenceKind.FILE
        evidence.url = ""
        evidence.content_type = PDF
        evidence.size = len(content)
        name = f"{slugify(evidence.title)[:60] or 'evidence'}.pdf"
        evidence.file.save(name, ContentFile(content), save=False)
        return evidence
