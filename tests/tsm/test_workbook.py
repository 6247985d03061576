"""Reading releases by structure: synthetic workbooks with moved columns and new markers."""

from __future__ import annotations

import pytest

from residentvoice.tsm.workbook import WorkbookError, read_cell, read_release

from .conftest import build_workbook, damage_sheet


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


# --- damaged and incomplete files ---------------------------------------------------------------


def _edit(path, sheet_ending, change):
    """Open a built workbook, let `change` alter the sheet whose name ends so, save it again."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = next(s for s in workbook.worksheets if s.title.endswith(sheet_ending))
    change(workbook, sheet)
    workbook.save(path)
    return path


def _column_of(sheet, words):
    """The column number (from 1) of the header in row 3 that contains all of `words`."""
    return next(
        cell.column
        for cell in sheet[3]
        if isinstance(cell.value, str) and all(w in cell.value for w in words)
    )


def test_a_damaged_sheet_is_a_problem_naming_it(tmp_path):
    damaged = damage_sheet(build_workbook(tmp_path / "d.xlsx"), "TSM25_Management_Info")
    with pytest.raises(WorkbookError) as error:
        read_release(damaged)
    [problem] = error.value.problems
    assert problem.sheet == "TSM25_Management_Info"
    assert "cannot be read" in problem.reason
    assert "damaged" in problem.reason


def test_a_missing_sheet_names_the_sheet_expected(tmp_path):
    path = _edit(
        build_workbook(tmp_path / "s.xlsx"),
        "LCHO_Perception",
        lambda workbook, sheet: workbook.remove(sheet),
    )
    with pytest.raises(WorkbookError) as error:
        read_release(path)
    [problem] = error.value.problems
    assert "no LCHO perception sheet" in problem.reason
    assert "TSM25_LCHO_Perception" in problem.reason


def test_a_missing_management_measure_column_is_named(tmp_path):
    path = _edit(
        build_workbook(tmp_path / "c.xlsx"),
        "Management_Info",
        lambda _, sheet: sheet.delete_cols(_column_of(sheet, ["Proportion", "(BS03)"])),
    )
    with pytest.raises(WorkbookError) as error:
        read_release(path)
    [problem] = error.value.problems
    assert (problem.sheet, problem.row, problem.reason) == (
        "TSM25_Management_Info",
        3,
        "no column for BS03",
    )


def test_a_percentage_over_100_names_sheet_row_and_column(tmp_path):
    path = build_workbook(tmp_path / "p.xlsx", marker_cell=("4321", "TP01", 104.5))
    with pytest.raises(WorkbookError) as error:
        read_release(path)
    problems = [p for p in error.value.problems if p.sheet == "TSM25_LCRA_Perception"]
    assert [(p.row, p.column) for p in problems] == [(5, "G")]
    assert "104.5 is not a percentage between 0 and 100" in problems[0].reason


def test_a_negative_count_names_sheet_row_and_column(tmp_path):
    changed = []

    def negative(_, sheet):
        cell = sheet.cell(row=4, column=_column_of(sheet, ["very dissatisfied", "(TP03)"]))
        cell.value = -3
        changed.append(cell.column_letter)

    path = _edit(build_workbook(tmp_path / "n.xlsx"), "LCRA_Perception", negative)
    with pytest.raises(WorkbookError) as error:
        read_release(path)
    [problem] = error.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("TSM25_LCRA_Perception", 4, changed[0])
    assert "-3 is below 0" in problem.reason


def test_a_management_percentage_over_100_is_a_problem_but_a_rate_per_1000_is_not(tmp_path):
    release = read_release(build_workbook(tmp_path / "ok.xlsx"))
    # The builder gives every rate per 1,000 homes as 90 / 120 × 1,000 = 750.
    assert float(_value(release, "L9001", "LCRA", "CH01_1").value) == pytest.approx(750)

    def over(_, sheet):
        sheet.cell(row=4, column=_column_of(sheet, ["Proportion", "(RP01)"]), value=120)

    path = _edit(build_workbook(tmp_path / "m.xlsx"), "Management_Info", over)
    with pytest.raises(WorkbookError) as error:
        read_release(path)
    [problem] = error.value.problems
    assert (problem.sheet, problem.row) == ("TSM25_Management_Info", 4)
    assert "not a percentage" in problem.reason


def _management_cells(path, measure, cells):
    """Set the LCRA value, numerator and denominator of `measure` for the first landlord."""

    def change(_, sheet):
        for words, value in (
            (["Figure for", f"({measure})"], cells[0]),
            ([f"({measure} Numerator)"], cells[1]),
            ([f"({measure} Denominator)"], cells[2]),
        ):
            sheet.cell(row=4, column=_column_of(sheet, words)).value = value

    return _edit(path, "Management_Info", change)


@pytest.mark.parametrize(
    ("cells", "value", "marker"),
    [
        ((0, "[X]", "[X]"), None, "X"),  # the regulator's 0 for two parts not given
        ((0, "[X]", 685), None, "X"),  # a numerator not given: 0 is not a result
        ((None, "[Z]", "[Z]"), None, "Z"),  # a blank value takes its parts' marker
        ((0, 0, "[X]"), 0, ""),  # nothing happened: 0 is the result
        ((0, 0, 0), 0, ""),  # zero denominator, shown as 0 as the regulator does
        ((12.5, "[X]", "[X]"), 12.5, ""),  # the regulator's own figure stays
    ],
)
def test_a_management_zero_beside_marked_parts_is_no_value(tmp_path, cells, value, marker):
    path = _management_cells(build_workbook(tmp_path / "z.xlsx"), "CH02 1", cells)
    parsed = _value(read_release(path), "L9001", "LCRA", "CH02_1")
    assert (parsed.value, parsed.marker) == (value, marker)


def test_a_later_measure_is_not_held_to_100(tmp_path):
    """A measure this code does not know yet may be a rate per 1,000 homes: it is read, not
    refused for being over 100."""

    def add_column(_, sheet):
        column = sheet.max_column + 1
        sheet.cell(row=3, column=column, value="New cases opened per 1,000 homes (NM02)")
        for row in (4, 5, 6):
            sheet.cell(row=row, column=column, value=250)

    path = _edit(build_workbook(tmp_path / "later.xlsx"), "Management_Info", add_column)
    assert float(_value(read_release(path), "L9001", "ALL", "NM02").value) == 250
