"""Every limit a file from outside must keep to, in one place. docs/SECURITY.md lists them with
what happens at each; change both together."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    # A sheet is measured from A1 to its last cell (empty cells in between count: a reader
    # holds them all). These bound the memory a sheet costs before it is read.
    sheet_rows: int = 200_000
    sheet_columns: int = 1_000
    sheet_cells: int = 1_000_000
    workbook_cells: int = 2_000_000
    workbook_sheets: int = 100
    # Zip-based files (xlsx, docx, pptx, ods, odt, odp), from the sizes their directory declares.
    archive_parts: int = 5_000
    part_bytes: int = 100 * MB
    archive_bytes: int = 250 * MB
    # Parts larger than `ratio_from_bytes` may expand at most this many times their stored size.
    compression_ratio: int = 100
    ratio_from_bytes: int = 1 * MB
    # A tag in a sheet's XML longer than this is not what a spreadsheet program writes.
    xml_tag_bytes: int = 1 * MB
    # A CSV file this small is read in the web process (Python's own reader: nothing native
    # that could crash, and a few megabytes of memory at most); larger ones in the child.
    csv_in_process_bytes: int = 1 * MB
    # Images, from the dimensions in their header.
    image_pixels: int = 50_000_000
    # The child process that opens every untrusted file.
    child_memory_bytes: int = 1024 * MB
    child_seconds: float = 20.0


LIMITS = FileLimits()
