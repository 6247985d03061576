"""CSV and XLSX downloads of TSM tables: one function per format over the same rows, so a
spreadsheet and a CSV file of the same page always agree."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from residentvoice.core.spreadsheets import csv_cell, xlsx_row

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Regulator of Social Housing, Tenant Satisfaction Measures."
)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if cell is None else csv_cell(cell) for cell in row])
    # With a byte order mark, Excel opens the file as UTF-8 (names with accents, the ÷ sign).
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    about: Sequence[str] = (),
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    if about:
        notes = workbook.create_sheet("About")
        for line in about:
            notes.append([line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_response(
    *,
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str,
    about: Sequence[str] = (),
) -> HttpResponse:
    """The table as a file to download, in the format asked for (csv or xlsx)."""
    rows = list(rows)
    content = (
        csv_bytes(headers, rows)
        if fmt == "csv"
        else xlsx_bytes(headers, rows, title=title, about=about)
    )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


__all__ = ["ATTRIBUTION", "FORMATS", "table_response"]
