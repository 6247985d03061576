"""Spreadsheets and CSV files from outside, read into rows in the child process (see
`isolation`), with each sheet's extent checked before a cell is read.

A spreadsheet reader holds a sheet as a grid from A1 to its last cell, however empty the grid is:
a 5 KB file with one cell in A1 and one in XFD1048576 asks for a grid of 17 billion cells. So the
extent of every sheet to be read is measured first: for .xlsx and .xlsm from the dimension the
sheet declares and from the reference of every cell (the declaration can lie), for .ods from its
rows and cells with their repeat counts, for CSV row by row. A sheet beyond the limits is refused
with its name and how far it reaches. The binary formats (.xls, .xlsb) are measured by the reader
itself, inside the child's memory limit, before any cell is handed back.
"""

from __future__ import annotations

import csv
import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from residentvoice.core.file_problems import Problem

from .archives import UNREADABLE_ZIP, open_source, refuse_oversized
from .isolation import FileRefusedError, run_isolated
from .limits import LIMITS, MB, FileLimits

CHUNK = 1 * MB
# The workbook's list of sheets and its links: a few kilobytes in any real file.
SMALL_PART_BYTES = 10 * MB
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UNREADABLE = "not a spreadsheet we can read"
# The most any spreadsheet program holds: a cell past these is named by numbers.
SPREADSHEET_ROWS, SPREADSHEET_COLUMNS = 1_048_576, 16_384

# Start tags in a sheet's XML, whatever namespace prefix the writer chose.
_XLSX_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_FIRST_ATTRIBUTE_COLUMN = re.compile(rb'<c r="([A-Z]+)[0-9]+"')
_FIRST_ATTRIBUTE_ROW = re.compile(rb'<row r="([0-9]+)"')
_ODS_TAGS = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>"
)
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?([0-9]*)["']""")
_DIMENSION = re.compile(rb"""dimension\s+ref\s*=\s*["']([^"']*)["']""")
_REF_PARTS = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)$")
_SHEET = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?sheet\s[^>]*>")
_RELATIONSHIP = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w.:\-]*)\s*=\s*("[^"]*"|'[^']*')""")
_ODS_NAME = re.compile(rb"""\s(?:[\w.\-]+:)?name\s*=\s*(["'])(.*?)\1""")
_ODS_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']([0-9]+)["']""")
_ODS_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']([0-9]+)["']""")
_ODS_VALUE = re.compile(rb"value-type\s*=")
# Beyond these, a row or column number is past any limit; longer text is not parsed.
_MAX_DIGITS = 10
_MAX_LETTERS = 4


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    # Why this sheet could not be read (the rest of the file could), or "".
    error: str = ""


@dataclass
class TabularFile:
    sheets: list[Sheet]

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.sheets]


def read_tabular_file(
    source: Path | str | bytes,
    *,
    name: str = "",
    as_csv: bool | None = None,
    first_sheet_only: bool = False,
    limits: FileLimits = LIMITS,
) -> TabularFile:
    """Every sheet of a spreadsheet (or the first, or the rows of a CSV file), read in a child
    process. A path ending in .csv is read as CSV unless `as_csv` says otherwise; anything else
    is recognised by its content (.xlsx, .xlsm, .xlsb, .xls, .ods), whatever its name.
    Raises `FileRefusedError` listing every problem, `UnsafeFileError` when the file could not be
    read within the child's memory and time."""
    if isinstance(source, bytes):
        head, size = source[:8], len(source)
    else:
        path = Path(source)
        name = name or path.name
        if as_csv is None:
            as_csv = path.suffix.lower() == ".csv"
        source = str(path)
        with open(path, "rb") as stream:
            head, size = stream.read(8), path.stat().st_size
    if as_csv and size <= limits.csv_in_process_bytes:
        # Python's own CSV reader on a small file: nothing native to crash, little memory.
        sheets = read_sheets(source, name, True, first_sheet_only, limits=limits)
    elif not as_csv and not head.startswith((b"PK", OLE_SIGNATURE)):
        raise _not_a_spreadsheet()
    else:
        sheets = run_isolated(
            read_sheets, source, name, bool(as_csv), first_sheet_only, limits=limits
        )
    return TabularFile([Sheet(*sheet) for sheet in sheets])


def column_letters(number: int) -> str:
    """1 → A, 16384 → XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters or "A"


def _column_number(letters: bytes | str) -> int:
    if len(letters) > _MAX_LETTERS:
        return 26**_MAX_LETTERS
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _row_number(digits: bytes | str) -> int:
    return 10**_MAX_DIGITS if len(digits) > _MAX_DIGITS else int(digits)


def _cell_name(rows: int, columns: int) -> str:
    if rows <= SPREADSHEET_ROWS and columns <= SPREADSHEET_COLUMNS:
        return f"cell {column_letters(columns)}{rows}"
    return f"row {rows:,}, column {columns:,}"


def extent_problem(
    sheet: str, rows: int, columns: int, limits: FileLimits, *, how: str = "reaches"
) -> Problem | None:
    """The problem with a sheet reaching `rows` × `columns` from A1, or None within limits.
    `how` says what is known: "reaches", "reaches at least" or "says it reaches"."""
    if not _beyond(rows, columns, limits):
        return None
    return Problem(
        sheet,
        None,
        None,
        f"this sheet {how} {_cell_name(rows, columns)} ({rows:,} rows by {columns:,} columns "
        f"from A1, {rows * columns:,} cells counting the empty ones), more than can be read: at "
        f"most {limits.sheet_rows:,} rows, {limits.sheet_columns:,} columns and "
        f"{limits.sheet_cells:,} cells. Delete the empty rows and columns after your data, or "
        "copy the data into a new file, and upload it again",
    )


def _beyond(rows: int, columns: int, limits: FileLimits) -> bool:
    return (
        rows > limits.sheet_rows
        or columns > limits.sheet_columns
        or rows * columns > limits.sheet_cells
    )


# --- the child's side --------------------------------------------------------------------------


def read_sheets(
    source: str | bytes, name: str, as_csv: bool, first_sheet_only: bool, *, limits: FileLimits
) -> list[tuple[str, list[list[Any]], str]]:
    """The reading itself, a job for the child process (or this one, for a small CSV file):
    (name, rows, error) for each sheet read."""
    with open_source(source) as stream:
        data = stream.read()
    if as_csv:
        return [(name, _csv_rows(data, name, limits), "")]
    kind = _refuse_beyond_limits(data, first_sheet_only, limits)
    return _read_cells(data, kind, first_sheet_only, limits)


def _refuse(sheet: str, reason: str) -> FileRefusedError:
    return FileRefusedError([Problem(sheet, None, None, reason)])


def _not_a_spreadsheet() -> FileRefusedError:
    return _refuse(
        "",
        f"{UNREADABLE}: it is not an Excel (.xlsx, .xlsm, .xlsb, .xls) or OpenDocument (.ods) "
        "spreadsheet",
    )


def _csv_rows(data: bytes, name: str, limits: FileLimits) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse(name, f"not a readable CSV file ({error})") from error
    rows: list[list[Any]] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            width = max(width, len(row))
            if _beyond(len(rows), width, limits):
                problem = extent_problem(name, len(rows), width, limits, how="reaches at least")
                assert problem is not None
                raise FileRefusedError([problem])
    except csv.Error as error:
        raise _refuse(name, f"not a readable CSV file ({error})") from error
    return rows


def _refuse_beyond_limits(data: bytes, first_sheet_only: bool, limits: FileLimits) -> str:
    """The file's kind ("xlsx", "xlsb", "ods", "xls"), once every sheet to be read is measured
    and found within the limits."""
    if data.startswith(OLE_SIGNATURE):
        return "xls"
    if not data.startswith(b"PK"):
        raise _not_a_spreadsheet()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            refuse_oversized(archive, limits)
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                kind, extents = "xlsx", _xlsx_extents(archive, first_sheet_only, limits)
            elif "xl/workbook.bin" in names:
                return "xlsb"
            elif "content.xml" in names:
                kind, extents = "ods", _ods_extents(archive, first_sheet_only, limits)
            else:
                raise _refuse("", f"{UNREADABLE}: it is a zip file with no workbook in it")
    except UNREADABLE_ZIP as error:
        raise _refuse("", f"{UNREADABLE} ({type(error).__name__}: {error})") from error
    problems = [problem for _, _, problem in extents if problem is not None]
    if len(extents) > limits.workbook_sheets:
        problems.append(
            Problem(
                "",
                None,
                None,
                f"the file has {len(extents):,} sheets; the most that can be read is "
                f"{limits.workbook_sheets:,}",
            )
        )
    cells = sum(area for _, area, _ in extents)
    if not problems and cells > limits.workbook_cells:
        problems.append(
            Problem(
                "",
                None,
                None,
                f"its sheets hold {cells:,} cells together (counting from A1 to each sheet's last "
                f"cell); the most that can be read is {limits.workbook_cells:,}",
            )
        )
    if problems:
        raise FileRefusedError(problems)
    return kind


def _small_part(archive: zipfile.ZipFile, part: str) -> str:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return ""
    if info.file_size > SMALL_PART_BYTES:
        raise _refuse("", f"{UNREADABLE}: its part “{part}” is far larger than a workbook's")
    return archive.read(part).decode("utf-8", errors="replace")


def _attributes(tag: str) -> dict[str, str]:
    """A tag's attributes by local name (no namespace prefix), their values unescaped."""
    return {
        name.rsplit(":", 1)[-1]: html.unescape(value[1:-1])
        for name, value in _ATTRIBUTE.findall(tag)
    }


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) in the workbook's order, which is the order sheets are read.
    Read with patterns rather than an XML parser: no entity or declaration is ever expanded."""
    targets = {}
    for tag in _RELATIONSHIP.findall(_small_part(archive, "xl/_rels/workbook.xml.rels")):
        link = _attributes(tag)
        targets[link.get("Id", "")] = link.get("Target", "")
    parts = []
    for tag in _SHEET.findall(_small_part(archive, "xl/workbook.xml")):
        sheet = _attributes(tag)
        target = targets.get(sheet.get("id", ""), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts.append((sheet.get("name", ""), posixpath.normpath(part)))
    return parts


def _chunks(stream: IO[bytes], limits: FileLimits) -> Iterator[bytes]:
    """The XML a chunk at a time, each ending with a whole tag: a tag cut by a chunk's end is
    held back until the next chunk completes it."""
    pending = b""
    while chunk := stream.read(CHUNK):
        data = pending + chunk
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, pending = data[:cut], data[cut:]
            if len(pending) > limits.xml_tag_bytes:
                raise _refuse("", f"{UNREADABLE}: its XML holds a tag longer than a sheet's")
        else:
            pending = b""
        yield data


@dataclass
class _Reach:
    """How far a sheet's cells reach, as it is read: the row and column of the cell just read
    (for a cell without a reference, which takes the next place) and the furthest of each."""

    row: int = 0
    column: int = 0
    last_row: int = 0
    last_column: int = 0


def _reach_as_written(data: bytes, reach: _Reach) -> bool:
    """Measure a chunk written as spreadsheet programs write it (every cell tag starting
    `<c r="` and no namespace prefixes) without looking at each cell: the columns are the
    distinct letters of the references, the rows those of the row tags, and a cell claiming a row
    with more digits than any row tag is caught. False when the chunk is written otherwise."""
    cells = data.count(b'<c r="')
    if (
        cells != data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")
        or b":c " in data
        or b":c>" in data
        or b":row" in data
    ):
        return False
    rows = _FIRST_ATTRIBUTE_ROW.findall(data)
    if len(rows) != data.count(b"<row ") + data.count(b"<row>") or (cells and not rows):
        return False
    last_row = max(map(_row_number, rows), default=reach.row)
    if cells and re.search(rb'<c r="[A-Z]+[0-9]{%d,}"' % (len(str(last_row)) + 1), data):
        return False
    columns = set(_FIRST_ATTRIBUTE_COLUMN.findall(data))
    if len(columns) == 0 and cells:
        return False
    if cells:
        reach.last_row = max(reach.last_row, last_row)
        reach.last_column = max([reach.last_column, *map(_column_number, columns)])
    reach.row, reach.column = last_row, 0
    return True


def _reach_cell_by_cell(data: bytes, reach: _Reach) -> None:
    """Measure a chunk tag by tag, placing cells without a reference after the one before."""
    for tag in _XLSX_TAGS.finditer(data):
        name, attributes = tag.group(1), tag.group(2)
        ref = _CELL_REF.search(attributes)
        letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
        if name == b"c":
            reach.column = _column_number(letters) if letters else reach.column + 1
            if digits:
                reach.row = _row_number(digits)
            reach.last_row = max(reach.last_row, reach.row, 1)
            reach.last_column = max(reach.last_column, reach.column)
        elif name == b"row":
            reach.row = _row_number(digits) if digits else reach.row + 1
            reach.column = 0


def _xlsx_extent(
    stream: IO[bytes], limits: FileLimits
) -> tuple[tuple[int, int] | None, int, int, bool]:
    """The dimension a sheet declares (rows, columns); how far its cells reach (the last row and
    column holding a cell, cells without a reference placed in order as readers do); and whether
    the whole sheet was measured (False: it was found too large part way)."""
    declared: tuple[int, int] | None = None
    looking = True  # for the declared dimension, which comes before the cells
    reach = _Reach()
    as_written = True
    try:
        for data in _chunks(stream, limits):
            if looking and (found := _DIMENSION.search(data)):
                last = _REF_PARTS.search(found.group(1).decode("ascii", errors="replace"))
                if last:
                    declared = (_row_number(last.group(2)), _column_number(last.group(1)))
                looking = False
            looking = looking and b"sheetData" not in data
            as_written = as_written and _reach_as_written(data, reach)
            if not as_written:
                _reach_cell_by_cell(data, reach)
            if _beyond(reach.last_row, reach.last_column, limits):
                return declared, reach.last_row, reach.last_column, False  # no need to read on
    except UNREADABLE_ZIP:
        # A damaged part: the reader will say so for this sheet. What was read is still counted.
        pass
    return declared, reach.last_row, reach.last_column, True


def _xlsx_extents(
    archive: zipfile.ZipFile, first_sheet_only: bool, limits: FileLimits
) -> list[tuple[str, int, Problem | None]]:
    """(sheet, cells from A1 to its last cell, problem or None) for each sheet to be read, and
    for any sheet part the workbook does not list (named by its part), in case a reader finds
    its sheets otherwise than the workbook's links say."""
    parts = _xlsx_sheet_parts(archive)
    listed = {part for _, part in parts}
    unlisted = [
        (part, part)
        for part in archive.namelist()
        if part.startswith("xl/worksheets/") and part.endswith(".xml") and part not in listed
    ]
    found: list[tuple[str, int, Problem | None]] = []
    for sheet, part in (parts[:1] if first_sheet_only else parts) + unlisted:
        try:
            stream = archive.open(part)
        except (KeyError, *UNREADABLE_ZIP):
            found.append((sheet, 0, None))  # the reader will say what is wrong with it
            continue
        with stream:
            declared, rows, columns, whole = _xlsx_extent(stream, limits)
        problem = None
        if declared is not None:
            problem = extent_problem(sheet, *declared, limits, how="says it reaches")
        how = "reaches" if whole else "reaches at least"
        problem = problem or extent_problem(sheet, rows, columns, limits, how=how)
        found.append((sheet, rows * columns, problem))
    return found


def _ods_extents(
    archive: zipfile.ZipFile, first_sheet_only: bool, limits: FileLimits
) -> list[tuple[str, int, Problem | None]]:
    """The same for an OpenDocument spreadsheet: rows and cells repeat (`number-rows-repeated`,
    `number-columns-repeated`), and only cells with content count, as LibreOffice ends every
    sheet with a million repeated empty rows."""
    tables: list[list[Any]] = []  # [name, last row, last column]
    next_row = column = 0
    how = "reaches"
    with archive.open("content.xml") as stream:
        try:
            tags = (tag for data in _chunks(stream, limits) for tag in _ODS_TAGS.finditer(data))
            for tag in tags:
                name, attributes = tag.group(1), tag.group(2)
                if name == b"table":
                    if first_sheet_only and tables:
                        break
                    found = _ODS_NAME.search(attributes)
                    label = found.group(2).decode("utf-8", "replace") if found else ""
                    tables.append([html.unescape(label), 0, 0])
                    next_row = 1
                elif not tables:
                    continue
                elif name == b"table-row":
                    repeat = _ODS_ROWS_REPEATED.search(attributes)
                    next_row += _row_number(repeat.group(1)) if repeat else 1
                    column = 0
                else:
                    repeat = _ODS_COLUMNS_REPEATED.search(attributes)
                    column += _row_number(repeat.group(1)) if repeat else 1
                    if not attributes.endswith(b"/") or _ODS_VALUE.search(attributes):
                        table = tables[-1]
                        table[1], table[2] = max(table[1], next_row - 1), max(table[2], column)
                        if _beyond(table[1], table[2], limits):
                            how = "reaches at least"
                            break
        except UNREADABLE_ZIP:
            pass  # damaged: the reader will say so; what was read is still counted
    return [
        (name, rows * columns, extent_problem(name, rows, columns, limits, how=how))
        for name, rows, columns in tables
    ]


def _read_cells(
    data: bytes, kind: str, first_sheet_only: bool, limits: FileLimits
) -> list[tuple[str, list[list[Any]], str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # the reader raises several unrelated types for unreadable files
        raise _refuse("", f"{UNREADABLE} ({error})") from error
    names = workbook.sheet_names[:1] if first_sheet_only else workbook.sheet_names
    if len(names) > limits.workbook_sheets:
        raise _refuse(
            "",
            f"the file has {len(names):,} sheets; the most that can be read is "
            f"{limits.workbook_sheets:,}",
        )
    sheets: list[tuple[str, list[list[Any]], str]] = []
    cells = 0
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            if kind in ("xls", "xlsb"):
                # Measured by the reader: the cells are not handed over if it is too large.
                rows, columns = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
                problem = extent_problem(name, rows, columns, limits)
                cells += rows * columns
                if problem is None and cells > limits.workbook_cells:
                    problem = Problem(
                        "",
                        None,
                        None,
                        f"its sheets hold more than {limits.workbook_cells:,} cells together",
                    )
                if problem is not None:
                    raise FileRefusedError([problem])
            rows_read = sheet.to_python(skip_empty_area=False)
        except (FileRefusedError, MemoryError):
            raise
        except Exception as error:  # a damaged sheet (cut-short XML and the like) in any form
            sheets.append((name, [], f"{type(error).__name__}: {error}".strip(": ")))
            continue
        sheets.append((name, rows_read, ""))
    return sheets
