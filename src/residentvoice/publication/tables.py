"""The tables behind every public view, and their CSV and XLSX downloads.

A page and its downloads are built from the same `Table`, so the download holds exactly the
figures the page shows. Every download says where the data comes from, under which licence, and
whether it is synthetic demonstration data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from residentvoice.core.spreadsheets import csv_row, xlsx_row

from .models import Publication
from .selectors import CommitmentPage, LandlordPage, Overview, PracticeLibrary

DEMO_NOTE = "Synthetic demonstration data: not the results of a real assessment."


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    sheet: str = ""  # short name for a spreadsheet tab


def share_text(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1f}%"


def change_text(value: Any) -> str:
    if value is None:
        return "–"
    value = float(value)
    if value == 0:
        return "No change"
    return f"{'+' if value > 0 else '−'}{abs(value):.1f} points"


def _number(value: Any) -> Any:
    return float(value) if value is not None else None


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def overview_tables(view: Overview) -> list[Table]:
    commitments = view.commitments
    summary = Table(
        title=f"Commitments met or exceeded by each landlord, {view.publication.reporting_year}",
        columns=[
            "Landlord",
            "Homes in the borough",
            "Commitments assessed",
            "Met or exceeded",
            "Share met or exceeded (%)",
            "Last year (%)",
            "Change (percentage points)",
        ],
        sheet="Share met",
    )
    matrix = Table(
        title=f"Rating for each commitment, {view.publication.reporting_year}",
        columns=["Landlord"] + [f"{c['number']}. {c['title']}" for c in commitments],
        sheet="Ratings",
    )
    for row in view.rows:
        landlord = row.landlord
        summary.rows.append(
            [
                landlord.landlord_name,
                landlord.borough_homes,
                landlord.assessed,
                landlord.met,
                _number(landlord.share_met),
                _number(landlord.previous_share_met),
                _number(landlord.change),
            ]
        )
        matrix.rows.append(
            [landlord.landlord_name] + [cell.rating_label if cell else "" for cell in row.cells]
        )
    return [matrix, summary]


def landlord_tables(page: LandlordPage) -> list[Table]:
    ratings = Table(
        title=f"{page.landlord.landlord_name}: ratings {page.publication.reporting_year}",
        columns=[
            "Commitment",
            "Title",
            "Rating",
            "Points",
            "Met or exceeded",
            "Last year",
            "Change",
            "Reason for the rating",
            "Residents answering yes",
            "Partly",
            "No",
            "Don't know",
            "Published comments",
            "Public evidence",
            "Improvement actions",
        ],
        sheet="Ratings",
    )
    for result in page.results:
        answers = result.residents.get("answers", {})
        ratings.rows.append(
            [
                result.commitment_number,
                result.commitment_title,
                result.rating_label,
                result.points,
                _yes_no(result.meets),
                result.previous_label,
                result.get_change_display() if result.change else "",
                result.rationale,
                answers.get("yes", 0),
                answers.get("partly", 0),
                answers.get("no", 0),
                answers.get("dont_know", 0),
                len(result.residents.get("comments", [])),
                len(result.evidence),
                len(result.actions),
            ]
        )
    history = Table(
        title=f"{page.landlord.landlord_name}: commitments met or exceeded by year",
        columns=["Reporting year", "Met or exceeded", "Assessed", "Share met or exceeded (%)"],
        rows=[[y.year, y.met, y.assessed, y.share_met] for y in page.history],
        sheet="By year",
    )
    return [ratings, history]


def commitment_tables(page: CommitmentPage) -> list[Table]:
    number, title = page.commitment["number"], page.commitment["title"]
    table = Table(
        title=f"Commitment {number}, {title}: every landlord, {page.publication.reporting_year}",
        columns=[
            "Landlord",
            "Rating",
            "Points",
            "Met or exceeded",
            "Last year",
            "Change",
            "Reason for the rating",
        ],
        sheet="Landlords",
    )
    for result in page.results:
        table.rows.append(
            [
                result.landlord.landlord_name,
                result.rating_label,
                result.points,
                _yes_no(result.meets),
                result.previous_label,
                result.get_change_display() if result.change else "",
                result.rationale,
            ]
        )
    practices = Table(
        title=f"Practices meeting commitment {number}",
        columns=["Practice", "Landlords doing it", "What it is"],
        rows=[
            [p["title"], ", ".join(x["name"] for x in p["landlords"]), p["description"]]
            for p in page.practices
        ],
        sheet="Practices",
    )
    return [table, practices]


def practice_tables(library: PracticeLibrary) -> list[Table]:
    practices = Table(
        title=f"Good practice in the public library, {library.publication.reporting_year}",
        columns=[
            "Practice",
            "Commitments it meets",
            "Landlords doing it",
            "What it is",
            "How residents were involved",
            "What shows it works",
            "Web address",
        ],
        rows=[
            [
                p["title"],
                ", ".join(str(n) for n in p["commitments"]),
                ", ".join(x["name"] for x in p["landlords"]),
                p["description"],
                p["how_residents_involved"],
                p["evidence"],
                p["evidence_url"],
            ]
            for p in library.practices
        ],
        sheet="Practices",
    )
    coverage = Table(
        title="Practices for each commitment, by landlord (number of practices)",
        columns=["Commitment"] + [x["name"] for x in library.landlords],
        rows=[
            [f"{row.commitment['number']}. {row.commitment['title']}"]
            + [len(cell) for cell in row.cells]
            for row in library.coverage
        ],
        sheet="Coverage",
    )
    return [practices, coverage]


def methodology_tables(publication: Publication) -> list[Table]:
    scale = Table(
        title="The rating scale",
        columns=["Rating", "Points", "Means the commitment is met", "What it means"],
        rows=[
            [r["label"], r["points"], _yes_no(r["meets"]), r["description"]]
            for r in publication.ratings
        ],
        sheet="Rating scale",
    )
    stages = Table(
        title="How the year's assessment ran",
        columns=["Stage", "Planned to open", "Planned to close", "Reached on"],
        rows=[
            [s["label"], s["opens_on"] or "", s["closes_on"] or "", s["reached_on"] or ""]
            for s in publication.methodology.get("stages", [])
        ],
        sheet="Stages",
    )
    return [scale, stages]


# ---------------------------------------------------------------------------------------------
# Writers


def _about(publication: Publication, licence: Any) -> list[list[str]]:
    rows = [
        ["Reporting year", publication.reporting_year],
        ["Version", str(publication.version)],
        ["Published", publication.published_at.date().isoformat()],
        ["Licence", f"{licence.licence_name} ({licence.licence_url})"],
    ]
    if licence.attribution:
        rows.append(["Attribution", licence.attribution])
    if publication.is_demo:
        rows.insert(0, ["Note", DEMO_NOTE])
    return rows


def to_csv(table: Table, publication: Publication) -> bytes:
    """One table as CSV (UTF-8 with a byte-order mark, so spreadsheets read it right). A demo
    publication's rows say so in a last column."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row([*table.columns, "Synthetic demonstration data"]))
    flag = "Yes" if publication.is_demo else "No"
    for row in table.rows:
        writer.writerow(csv_row([*("" if value is None else value for value in row), flag]))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(tables: list[Table], publication: Publication, licence: Any) -> bytes:
    """Each table on its own sheet, with a first sheet saying what the data is."""
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "About"
    about.append(["Resident participation charter results"])
    about["A1"].font = Font(bold=True, size=14)
    for row in _about(publication, licence):
        about.append(xlsx_row(about, row))
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    for table in tables:
        sheet = workbook.create_sheet(title=(table.sheet or table.title)[:31])
        sheet.append(xlsx_row(sheet, [table.title]))
        sheet["A1"].font = Font(bold=True)
        sheet.append(xlsx_row(sheet, table.columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(xlsx_row(sheet, row))
        sheet.freeze_panes = "B3"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(12, len(str(column)) + 2), 45
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
