"""The annual report: one set of figures in every format, a tagged PDF with contents and page
numbers, the command line with its progress bar, and a clear refusal without published results."""

from __future__ import annotations

import datetime
import io
import json
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from residentvoice.publication import services
from residentvoice.publication.models import CommitmentResult, LandlordResult
from residentvoice.publication.report import ReportUnavailableError, report_build
from residentvoice.publication.tables import share_text

from .conftest import YEAR

pytestmark = pytest.mark.django_db


class _Cells(HTMLParser):
    """The text of every cell of the table with a given id, row by row."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = attrs.get("data-rating", "")
            self._text = ""

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell or self._text.strip())
            self.cell = None


def _table(html: str, table_id: str) -> list[list[str]]:
    parser = _Cells(table_id)
    parser.feed(html)
    return [row for row in parser.rows if row][1:]  # without the header row


def _shown(value) -> str:
    """A figure as the HTML report shows it in a table cell."""
    return "–" if value is None else str(value)


def test_html_xlsx_and_json_carry_the_same_figures(published):
    # Figures frozen with the results that the fixture has none of: residents taking part in
    # the year, and the regulator's satisfaction measures.
    LandlordResult.objects.filter(publication=published, landlord_slug="riverside").update(
        participation_figures={
            "consultations_run": 2,
            "residents_taking_part": 41,
            "recommendations_accepted": 3,
            "recommendations_completed": 1,
            "average_days_to_answer": 12.5,
        },
        participation_measures=[
            {
                "year": "2023-24",
                "measure": "TP06",
                "name": "Satisfaction that the landlord listens to tenant views and acts upon them",
                "residents": "Tenants (low-cost rental accommodation)",
                "value": 61.2,
                "reason": "",
                "england_median": 58.0,
            }
        ],
    )
    data = json.loads(report_build(YEAR, "json"))
    html = report_build(YEAR, "html").decode()
    workbook = load_workbook(io.BytesIO(report_build(YEAR, "xlsx")))

    # Each landlord's ratings in the matrix, and its share met.
    expected = {row["landlord"]: row["ratings"] for row in data["matrix"]["rows"]}
    assert expected["Riverside Homes"][:3] == ["Met", "Exceeded", "Not met"]
    html_matrix = {row[0]: row[1:-1] for row in _table(html, "table-matrix")}
    assert html_matrix == expected
    sheet = workbook["Matrix"]
    xlsx_matrix = {row[0]: list(row[1:-1]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert xlsx_matrix == expected

    shares = {s["name"]: s["share_met"] for s in data["landlords"]}
    assert shares == {"Hillside Housing": 94.1, "Riverside Homes": 94.1}
    html_shares = {row[0]: row[3] for row in _table(html, "table-shares")}
    assert html_shares == {name: share_text(value) for name, value in shares.items()}
    xlsx_shares = {
        row[0]: row[5] for row in workbook["Landlords"].iter_rows(min_row=2, values_only=True)
    }
    assert xlsx_shares == shares

    headline = dict(workbook["Headline"].iter_rows(min_row=2, values_only=True))
    assert (
        headline["Median landlord's share met or exceeded (%)"]
        == (data["headline"]["median_share_met"])
    )
    assert headline["Most improved"] == "Riverside Homes"
    borough = {row[0]: row[1] for row in _table(html, "table-borough")}
    assert borough == {
        r["year"]: share_text(r["median_share_met"]) for r in data["borough_history"]
    }

    # What residents said, per landlord.
    keys = ["yes", "partly", "no", "dont_know", "answered", "comments", "meetings"]
    residents = {s["name"]: [s["residents"][k] for k in keys] for s in data["landlords"]}
    assert residents["Riverside Homes"][:5] == [1, 1, 1, 0, 3]
    html_residents = {row[0]: row[1:8] for row in _table(html, "table-residents")}
    assert html_residents == {name: [str(v) for v in values] for name, values in residents.items()}
    header = [c.value for c in workbook["Landlords"][1]]
    columns = [
        header.index(title)
        for title in [
            "Residents: yes",
            "Residents: partly",
            "Residents: no",
            "Residents: don't know",
            "Residents answering",
            "Comments published",
            "Reality-check meetings",
        ]
    ]
    xlsx_residents = {
        row[0]: [row[i] for i in columns]
        for row in workbook["Landlords"].iter_rows(min_row=2, values_only=True)
    }
    assert xlsx_residents == residents

    # How many ratings of each kind.
    counts = {row["label"]: row["count"] for row in data["headline"]["rating_counts"]}
    assert counts["Exceeded"] >= 1
    html_counts = {row[0]: row[1] for row in _table(html, "table-rating-counts")}
    assert html_counts == {label: str(count) for label, count in counts.items()}
    xlsx_counts = dict(workbook["Ratings given"].iter_rows(min_row=2, values_only=True))
    assert xlsx_counts == counts

    # How the results were reached, in numbers.
    method = {
        name: data["methodology"][name]
        for name in ["landlords", "items", "reality_answers", "comments_published", "sessions"]
    }
    assert method["reality_answers"] == 3
    html_method = [row[1] for row in _table(html, "table-method")]
    xlsx_method = [row[1] for row in workbook["Method"].iter_rows(min_row=2, values_only=True)]
    assert html_method[:5] == [str(v) for v in method.values()]
    assert xlsx_method[:5] == list(method.values())

    # Residents taking part in the year, frozen at publication.
    taking_part = {s["name"]: list(s["participation"].values()) for s in data["landlords"]}
    assert taking_part["Riverside Homes"] == [2, 41, 3, 1, 12.5]
    assert taking_part["Hillside Housing"] == [0, 0, 0, 0, None]  # no answers: a dash
    html_taking_part = {row[0]: row[1:] for row in _table(html, "table-participation")}
    assert html_taking_part == {
        name: [_shown(v) for v in values] for name, values in taking_part.items()
    }
    xlsx_taking_part = {
        row[0]: list(row[1:])
        for row in workbook["Taking part"].iter_rows(min_row=2, values_only=True)
    }
    assert xlsx_taking_part == taking_part
    assert "Riverside Homes: residents taking part in 2024-25" in html

    # The regulator's measures.
    (measure,) = next(s for s in data["landlords"] if s["name"] == "Riverside Homes")[
        "participation_measures"
    ]
    (html_measure,) = _table(html, "table-tsm")
    assert html_measure[0] == "Riverside Homes"
    assert html_measure[4:] == ["61.2%", "58.0%"]
    (xlsx_measure,) = workbook["Tenant satisfaction"].iter_rows(min_row=2, values_only=True)
    assert list(xlsx_measure) == [
        "Riverside Homes",
        measure["measure"],
        measure["name"],
        measure["residents"],
        measure["year"],
        measure["value"],
        measure["england_median"],
    ]


def test_the_matrix_keeps_each_rating_under_its_own_commitment(published):
    # Hillside has no result for commitment 2 (a commitment it was not assessed on).
    CommitmentResult.objects.filter(
        publication=published, landlord__landlord_slug="hillside", commitment_number=2
    ).delete()
    CommitmentResult.objects.filter(
        publication=published, landlord__landlord_slug="hillside", commitment_number=3
    ).update(rating_label="Not met")
    data = json.loads(report_build(YEAR, "json"))
    hillside = next(row for row in data["matrix"]["rows"] if row["landlord"] == "Hillside Housing")
    numbers = data["matrix"]["commitments"]
    assert len(hillside["ratings"]) == len(numbers)
    assert hillside["ratings"][numbers.index(2)] == ""
    assert hillside["ratings"][numbers.index(3)] == "Not met"  # not moved along into 2's place
    html = report_build(YEAR, "html").decode()
    html_row = next(row for row in _table(html, "table-matrix") if row[0] == "Hillside Housing")
    assert html_row[1:-1] == [rating or "–" for rating in hillside["ratings"]]
    workbook = load_workbook(io.BytesIO(report_build(YEAR, "xlsx")))
    xlsx_row = next(
        row
        for row in workbook["Matrix"].iter_rows(min_row=2, values_only=True)
        if row[0] == "Hillside Housing"
    )
    assert list(xlsx_row[1:-1]) == [rating or None for rating in hillside["ratings"]]


def test_the_report_has_every_part_of_the_annual_report(published):
    services.report_text_update(
        reporting_year=YEAR, foreword="A year of listening.", next_steps="Train more panels."
    )
    html = report_build(YEAR, "html").decode()
    for heading in [
        "1. Foreword",
        "2. The charter in brief",
        "3. Headline figures",
        "4. Every landlord against every commitment",
        "6. Landlord by landlord",
        "7. Good practice to share",
        "8. What changed since last year",
        "9. Next steps",
        "10. How the results were reached",
        "11. Appendix: tables",
    ]:
        assert heading in html
    assert "A year of listening." in html
    assert "Train more panels." in html
    assert html.count("<svg") == 3 + 2  # three borough charts and one per landlord
    assert "The panel listened to us." in html
    assert "Recruit younger residents to the panel" in html


def test_a_tagged_pdf_with_contents_and_page_numbers(published):
    steps = []
    content = report_build(YEAR, "pdf", progress=lambda done, total, step: steps.append(done))
    assert content.startswith(b"%PDF-1.7")
    assert steps == sorted(steps)
    assert steps[-1] == 100
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Contents" in text
    assert f"Page 2 of {len(reader.pages)}" in text
    assert "Riverside Homes" in text
    assert "Hillside Housing" in text
    # The contents give the page each landlord's section starts on.
    contents = reader.pages[1].extract_text()
    assert "Riverside Homes" in contents


def test_a_demonstration_report_says_so_on_every_page(published):
    reader = PdfReader(io.BytesIO(report_build(YEAR, "pdf")))
    assert not any("synthetic demonstration data" in p.extract_text() for p in reader.pages[1:])
    published.is_demo = True
    published.save(update_fields=["is_demo"])
    reader = PdfReader(io.BytesIO(report_build(YEAR, "pdf")))
    for page in reader.pages:
        assert "synthetic demonstration data" in page.extract_text().lower()


def test_no_published_results_is_refused_with_a_clear_message(db, tmp_path):
    with pytest.raises(ReportUnavailableError, match="No results have been published for 2031-32"):
        report_build("2031-32", "pdf")
    with pytest.raises(CommandError, match="No results have been published") as refused:
        call_command(
            "report",
            "build",
            "--year",
            "2031-32",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "r.pdf"),
        )
    assert refused.value.returncode == 1
    assert not (tmp_path / "r.pdf").exists()
    with pytest.raises(CommandError, match="not a report format") as refused:
        call_command(
            "report",
            "build",
            "--year",
            YEAR,
            "--format",
            "docx",
            "--output",
            str(tmp_path / "r.docx"),
        )
    assert refused.value.returncode == 2


def test_embargoed_results_need_asking_for(ready, people, tmp_path):
    services.cycle_publish(
        cycle=ready, by=None, publish_at=timezone.now() + datetime.timedelta(days=3)
    )
    with pytest.raises(ReportUnavailableError, match="under embargo"):
        report_build(YEAR, "json")
    assert json.loads(report_build(YEAR, "json", include_embargoed=True))["reporting_year"] == YEAR
    assert json.loads(report_build(YEAR, "json", user=people["council_admin"]))


def test_the_command_writes_the_report(published, tmp_path, capsys):
    output = tmp_path / "out" / "report.json"
    call_command("report", "build", "--year", YEAR, "--format", "json", "--output", str(output))
    assert json.loads(output.read_text())["reporting_year"] == YEAR
    assert "Wrote the 2024-25 annual report" in capsys.readouterr().out
