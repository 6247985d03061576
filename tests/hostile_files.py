"""Hostile files, built by the tests themselves in a few milliseconds each: a sparse sheet that
asks a reader for a grid of 17 billion cells, the same with a dimension that lies, an
OpenDocument sheet of repeated rows, a document holding a decompression bomb, an image whose
header declares 88 million pixels, and a PDF that is also an HTML page."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from openpyxl import Workbook, load_workbook

ODS = "application/vnd.oasis.opendocument.spreadsheet"


def sparse_sheet(*, title: str = "Responses", last: str = "XFD1048576") -> bytes:
    """An .xlsx of about 5 KB: one cell in A1 and one in the last column of the last row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet["A1"] = "id"
    sheet[last] = "far away"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_far_cell(xlsx: bytes, sheet: str, last: str = "XFD1048576") -> bytes:
    """A copy of a workbook with one more cell, at `last`, on `sheet`."""
    book = load_workbook(io.BytesIO(xlsx))
    book[sheet][last] = "far away"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_declared_dimension(xlsx: bytes, ref: str) -> bytes:
    """A copy whose sheets declare the dimension `ref`, whatever their cells say (a lie)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as copy:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            copy.writestr(part, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def repeated_ods(*, rows: int = 1_000_000, columns: int = 16_000) -> bytes:
    """An .ods of under 1 KB whose one row, repeated, fills `rows` × `columns` cells."""
    cell = (
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Responses">'
        f'<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def decompression_bomb_docx(*, unpacked: int = 24 * 1024 * 1024) -> bytes:
    """A Word document of about 25 KB whose main part unpacks to `unpacked` bytes of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * unpacked + b"</w:document>")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(*, width: int = 9_400, height: int = 9_400) -> bytes:
    """A valid black-and-white PNG of `width` × `height` pixels, about 15 KB: a reader that
    decodes it holds every pixel (88 million of them by default)."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte, then one bit per pixel
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


POLYGLOT_SCRIPT = b"<script>document.title='ran'</script>"


def pdf_html_polyglot() -> bytes:
    """A file that is a PDF to a PDF reader and a web page with a script to a browser."""
    return (
        b"%PDF-1.4\n%<html><body><h1>Minutes</h1>"
        + POLYGLOT_SCRIPT
        + b"</body></html>\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
