"""Spreadsheets built to exhaust a reader are refused with a clear problem, and whatever gets
past the checks is read in a child process that cannot take the server down with it.

Before the sheet checks and the child process, the first of these files made the reader ask
for about 550 GB and abort the whole process (the test process here, a web worker on the site).
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from residentvoice.core.files import isolation, tabular
from residentvoice.core.files.isolation import FileRefusedError, UnsafeFileError
from residentvoice.core.files.limits import LIMITS
from residentvoice.core.files.tabular import read_tabular_file
from residentvoice.tsm.management_figures import ManagementFileError, read_management_file
from residentvoice.tsm.responses import SurveyFileError, read_survey_file
from residentvoice.tsm.workbook import WorkbookError, read_release

from ..hostile_files import repeated_ods, sparse_sheet, with_declared_dimension

FAR = "XFD1048576"
# Limits that let any sheet past the checks, so that only the child process stands in the way.
NO_SHEET_LIMITS = replace(
    LIMITS,
    sheet_rows=10**8,
    sheet_columns=10**6,
    sheet_cells=10**15,
    workbook_cells=10**15,
)


def _problem_text(error: pytest.ExceptionInfo) -> str:
    return " ".join(f"{p.sheet}|{p.reason}" for p in error.value.problems)


@pytest.mark.parametrize(
    ("reader", "error"),
    [
        (read_survey_file, SurveyFileError),
        (read_management_file, ManagementFileError),
        (read_release, WorkbookError),
    ],
    ids=["survey responses", "management figures", "regulator's workbook"],
)
def test_a_sparse_sheet_is_refused_naming_the_sheet_and_how_far_it_reaches(tmp_path, reader, error):
    path = tmp_path / "answers.xlsx"
    path.write_bytes(sparse_sheet(title="Responses"))
    assert path.stat().st_size < 6_000
    with pytest.raises(error) as refused:
        reader(path)
    text = _problem_text(refused)
    assert "Responses|" in text
    assert FAR in text
    assert "more than can be read" in text
    assert f"{LIMITS.sheet_cells:,} cells" in text


def test_a_dimension_that_lies_does_not_hide_the_far_cell(tmp_path):
    path = tmp_path / "answers.xlsx"
    path.write_bytes(with_declared_dimension(sparse_sheet(), "A1:B2"))
    with pytest.raises(SurveyFileError) as refused:
        read_survey_file(path)
    text = _problem_text(refused)
    assert f"this sheet reaches at least cell {FAR}" in text
    assert "says it reaches" not in text


def test_a_declared_dimension_beyond_the_limits_is_refused_before_the_cells_are_counted():
    small = Workbook()
    small.active["A1"] = "id"  # type: ignore[index]
    out = io.BytesIO()
    small.save(out)
    with pytest.raises(FileRefusedError) as refused:
        read_tabular_file(with_declared_dimension(out.getvalue(), f"A1:{FAR}"))
    assert f"says it reaches cell {FAR}" in _problem_text(refused)


def test_an_opendocument_sheet_of_repeated_rows_is_refused(tmp_path):
    path = tmp_path / "answers.ods"
    path.write_bytes(repeated_ods(rows=1_000_000, columns=16_000))
    with pytest.raises(SurveyFileError) as refused:
        read_survey_file(path)
    assert "Responses|this sheet reaches at least" in _problem_text(refused)


def test_a_csv_file_too_wide_is_refused(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(",".join(["x"] * (LIMITS.sheet_columns + 1)) + "\n")
    with pytest.raises(SurveyFileError) as refused:
        read_survey_file(path)
    assert f"{LIMITS.sheet_columns:,} columns" in _problem_text(refused)


def test_a_reader_that_runs_out_of_memory_dies_alone_in_its_child():
    """With the sheet checks lifted, the reader really asks for ~550 GB: the child process is
    stopped by its memory limit and this process is told the file could not be read safely."""
    with pytest.raises(UnsafeFileError) as refused:
        read_tabular_file(sparse_sheet(), limits=NO_SHEET_LIMITS)
    text = _problem_text(refused)
    assert "could not be read safely" in text
    assert f"{LIMITS.child_memory_bytes // 2**20:,} MB of memory" in text


def test_a_reader_past_its_time_is_stopped():
    with pytest.raises(UnsafeFileError) as refused:
        read_tabular_file(sparse_sheet(last="B2"), limits=replace(LIMITS, child_seconds=0.001))
    assert "took longer than 0.001 seconds" in _problem_text(refused)


def test_a_child_may_hand_back_plain_data_and_dates_only():
    allowed = pickle.dumps(("ok", [[1, "a", None, 2.5]]))
    assert isolation._ResultUnpickler(io.BytesIO(allowed)).load() == ("ok", [[1, "a", None, 2.5]])
    with pytest.raises(pickle.UnpicklingError):
        isolation._ResultUnpickler(io.BytesIO(pickle.dumps(os.getcwd))).load()


def test_a_workbook_within_the_limits_reads_as_before():
    import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Answers"
    sheet.append(["id", "answered on", "TP01"])
    sheet.append([1, datetime.date(2024, 5, 1), "Very satisfied"])
    out = io.BytesIO()
    book.save(out)
    read = read_tabular_file(out.getvalue())
    assert read.sheet_names == ["Answers"]
    assert read.sheets[0].rows[1] == [1, datetime.date(2024, 5, 1), "Very satisfied"]


def _without_references(xlsx: bytes) -> bytes:
    """The same workbook with every cell's and row's reference removed (readers then place
    each cell after the one before, as the format allows)."""
    import re

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as copy:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename.startswith("xl/worksheets/"):
                data = re.sub(rb' r="[A-Z]*[0-9]+"', b"", data)
            copy.writestr(part, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.tuples(st.integers(1, 3000), st.integers(1, 60), st.sampled_from(["x", 7, 2.5])),
        min_size=1,
        max_size=40,
    ),
    references=st.booleans(),
)
def test_the_measured_extent_is_the_readers_own(cells, references):
    """Whatever cells a sheet holds, with or without references, the sheet is measured as far
    as the reader will hold it: never less."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row, column, value in cells:
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue() if references else _without_references(out.getvalue())
    reader = CalamineWorkbook.from_filelike(io.BytesIO(data))
    end = reader.get_sheet_by_name(reader.sheet_names[0]).end
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (_, part), *_ = tabular._xlsx_sheet_parts(archive)
        with archive.open(part) as stream:
            _, rows, columns, whole = tabular._xlsx_extent(stream, LIMITS)
    assert whole
    assert end is not None
    assert (rows, columns) == (end[0] + 1, end[1] + 1)
