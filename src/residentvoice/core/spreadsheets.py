"""Text people typed, made safe to open in a spreadsheet program: one place for every CSV and XLSX
download on the site.

A cell whose text starts with "=" (and, in a CSV file, "+", "-", "@", a tab or a carriage return)
is read by spreadsheet programs as a formula, which can run commands or send data elsewhere when
the file is opened ("formula injection"). In XLSX such text is stored as a text cell, so it shows
exactly as typed; in CSV, which has no types, it gets a leading apostrophe, which spreadsheet
programs read as "this is text". Numbers stay numbers in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# What a spreadsheet program may take as the start of a formula in a CSV file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text ("-3", "+2.5"): a spreadsheet reads it as that number and runs
# nothing, so it is left alone.
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text a spreadsheet would read as a formula gets a leading
    apostrophe; numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def xlsx_printable(value: Any) -> Any:
    """XLSX cannot hold most control characters; they are dropped rather than refused."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value for `sheet.append`: text starting with "=" becomes a text cell, never a formula;
    everything else is passed through (numbers stay numbers). Works for ordinary and write-only
    sheets."""
    value = xlsx_printable(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append`, every value made safe with `xlsx_cell`."""
    return [xlsx_cell(sheet, value) for value in values]


def xlsx_set(cell: Cell, value: Any) -> None:
    """Put `value` in an existing cell, as text when it would otherwise be a formula."""
    value = xlsx_printable(value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
