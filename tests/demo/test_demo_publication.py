"""The demonstration's published years: practices carried into the results, evidence that opens
documents the site itself holds (never an address elsewhere), and annual reports with a real
foreword and next steps that leave out tables with nothing in them."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from residentvoice.publication.models import CommitmentResult, Publication
from residentvoice.publication.report import report_data, report_html

pytestmark = pytest.mark.django_db


def _newest(year: str) -> Publication:
    publication = Publication.objects.filter(reporting_year=year).order_by("-version").first()
    assert publication is not None
    return publication


def test_the_demo_publishes_its_practices(demo, client):
    publication = _newest("2023-24")
    titles = [p["title"] for p in publication.practices]
    assert 6 <= len(titles) <= 10
    assert all(p["is_demo"] for p in publication.practices)
    library = client.get(reverse("publication:practices", args=["2023-24"])).content.decode()
    assert "Residents mark every complaint letter before it is sent" in library
    assert "Synthetic example" in library
    assert "1 practice" in library  # the coverage table has something in it
    commitment = client.get(reverse("publication:commitment", args=["2023-24", 7])).content
    assert "Residents mark every complaint letter before it is sent" in commitment.decode()
    report = report_data(publication)
    assert {p["title"] for p in report["practices"]} == set(titles)


def test_no_public_page_links_to_example_org(demo, client):
    """Evidence is published as documents the site holds; nothing public points at
    example.org (the placeholder addresses the demonstration once used)."""
    years = list(Publication.objects.values_list("reporting_year", flat=True).distinct())
    assert len(years) >= 3
    for row in CommitmentResult.objects.all():
        assert all(item["kind"] == "file" and not item["url"] for item in row.evidence)
    pages = [
        reverse("publication:data"),
        reverse("publication:dataset", args=["json"]),
        reverse("participation:register"),
        reverse("participation:consultation-list"),
    ]
    newest = max(years)
    landlord_slugs = _newest(newest).landlords.values_list("landlord_slug", flat=True)
    for year in years:
        pages += [
            reverse("publication:overview", args=[year]),
            reverse("publication:practices", args=[year]),
            reverse("publication:commitment", args=[year, 3]),
        ]
    pages += [reverse("publication:landlord", args=[newest, slug]) for slug in landlord_slugs]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"example.org" not in body, url


def test_published_evidence_opens_a_synthetic_document_the_site_holds(demo, client):
    publication = _newest("2023-24")
    row = next(r for r in publication.results.all() if r.evidence)
    evidence = row.evidence[0]
    page = client.get(
        reverse("publication:landlord", args=["2023-24", row.landlord.landlord_slug])
    ).content.decode()
    link = reverse("publication:evidence", args=["2023-24", evidence["id"]])
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Synthetic demonstration document" in text
    assert evidence["title"] in " ".join(text.split())


def _report(year: str) -> str:
    return report_html(report_data(_newest(year)))


def _section(html: str, slug: str) -> str:
    start = html.index(f'id="landlord-{slug}"')
    end = html.find('<section class="landlord"', start)
    return html[start:end]


def test_the_demo_reports_have_a_foreword_and_leave_out_empty_tables(demo):
    html = _report("2023-24")
    # A real foreword and next steps, with the year's own figures, and said to be synthetic.
    assert "has not yet written" not in html
    foreword = html[html.index('id="foreword"') : html.index('id="charter"')]
    assert "Synthetic demonstration text" in foreword
    assert "Richmond upon Thames" in foreword
    assert "2022-23" in foreword  # compared with the year before
    steps = html[html.index('id="next-steps"') : html.index('id="method"')]
    assert "Synthetic demonstration text" in steps
    assert "commitment" in steps
    # RHP and PA Housing ran consultations and scrutiny in 2023-24: their tables have figures.
    for slug in ("rhp", "pa-housing"):
        section = _section(html, slug)
        assert "residents taking part in 2023-24</caption>" in section
        figures = re.search(r"Consultations run</th><td[^>]*>(\d+)<", section)
        assert figures is not None
        assert figures.group(1) == "1"
    # A landlord with none has one sentence instead of a table of noughts.
    cedar = _section(html, "cedar-court")
    assert "residents taking part in" not in cedar
    assert "No consultations, scrutiny panels or scrutiny recommendations were recorded" in cedar
    # No table in the report is all noughts and dashes, or a lone "None".
    for body in re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S)
        ]
        assert cells, body[:200]
        assert any(c not in ("0", "–", "None", "") for c in cells), body[:300]


def test_the_first_demo_year_has_no_participation_table_at_all(demo):
    html = _report("2022-23")
    assert 'id="table-participation"' not in html
    assert "were recorded for any landlord in 2022-23" in html
    assert "there is no earlier year to compare with" in html


def test_the_demo_asks_for_a_public_annual_report_of_each_published_year(demo):
    from residentvoice.publication.models import ReportBuild

    builds = ReportBuild.objects.order_by("pk")
    years = sorted(set(Publication.objects.values_list("reporting_year", flat=True)), reverse=True)
    assert [b.reporting_year for b in builds] == years  # the newest is built first
    assert all(b.is_public and b.status == "queued" for b in builds)
