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


def test_html_xlsx_and_json_carry_the_same_figures(published):
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
