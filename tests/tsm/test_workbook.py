"""Reading releases by structure: synthetic workbooks with moved columns and new markers."""

from __future__ import annotations

import pytest

from residentvoice.tsm.workbook import WorkbookError, read_cell, read_release

from .conftest import build_workbook


def _value(release, code, population, measure):
    return next(
        v
        for v in release.values
        if v.code == code and v.population == population and v.measure == measure
    )


def test_reads_year_codes_and_counts(tmp_path):
    release = read_release(build_workbook(tmp_path / "tsm.xlsx"))
    assert release.reporting_year == "2024-25"
    assert set(release.landlords) == {"L9001", "4321", "L9003"}
    tp01 = _value(release, "L9001", "LCRA", "TP01")
    assert float(tp01.value) == pytest.approx(70.0)
    assert tp01.counts["very_satisfied"] == 40


def test_shifted_columns_extra_columns_and_new_marker_still_read(tmp_path):
    path = build_workbook(
        tmp_path / "later.xlsx",
        shuffle=True,
        extra_columns=True,
        marker_cell=("4321", "TP06", "[U]"),
        header_row=5,
    )
    release = read_release(path)
    tp06 = _value(release, "4321", "LCRA", "TP06")
    assert tp06.value is None
    assert tp06.marker == "U"
    # The TP05 block is worded like TP06 (as in the real file); the code decides, not the words.
    tp05 = _value(release, "L9001", "LCRA", "TP05")
    assert float(tp05.value) == pytest.approx(70.0)
    survey = next(s for s in release.surveys if s.code == "L9001" and s.population == "LCRA")
    assert survey.facts["contractor"] == "Acme Research"
    assert survey.markers["A column added in a later year"] == "S"
    assert survey.extra["Fieldwork period"] == "Autumn"


def test_numeric_landlord_codes_are_read_as_text(tmp_path):
    path = build_workbook(
        tmp_path / "n.xlsx", landlords=[(4849, "Numbered Homes", [1, 1, 1, 1, 1])]
    )
    assert "4849" in read_release(path).landlords


def test_a_missing_measure_column_is_named(tmp_path):
    with pytest.raises(WorkbookError) as error:
        read_release(build_workbook(tmp_path / "m.xlsx", skip_measure="TP07"))
    assert any("TP07" in p.reason and "LCRA" in p.sheet for p in error.value.problems)


def test_a_value_that_is_neither_number_nor_marker_names_sheet_row_and_column(tmp_path):
    path = build_workbook(tmp_path / "bad.xlsx", marker_cell=("4321", "TP01", "about half"))
    with pytest.raises(WorkbookError) as error:
        read_release(path)
    problem = error.value.problems[0]
    assert problem.row == 5
    assert problem.column == "G"
    assert "about half" in problem.reason
    assert "LCRA" in str(problem)


def test_not_a_tsm_workbook(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(WorkbookError, match="not the regulator's TSM workbook"):
        read_release(path)


def test_not_a_spreadsheet_at_all(tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(WorkbookError, match="not a spreadsheet"):
        read_release(path)


@pytest.mark.parametrize(
    ("raw", "kind", "content"),
    [
        ("[X]", "marker", "X"),
        (" [u] ", "marker", "U"),
        ("1,067", "number", 1067),
        (3.3, "number", 3.3),
        ("", "blank", None),
    ],
)
def test_cells(raw, kind, content):
    found_kind, found = read_cell(raw)
    assert found_kind == kind
    assert (float(found) if found_kind == "number" else found) == content
