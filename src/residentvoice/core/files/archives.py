"""Zip-based files (Office Open XML and OpenDocument) checked from the sizes their directory
declares, before any part is opened: too many parts, a part or a whole that would unpack to
too much, or a part compressed far more than documents are (a "zip bomb"), is refused.

Python's zip reader never returns more of a part than its declared size, and the checksum
then fails, so the declared sizes bound everything read after this check.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from pathlib import Path
from typing import IO

from residentvoice.core.file_problems import Problem

from .isolation import FileRefusedError
from .limits import LIMITS, MB, FileLimits

# What reading a damaged or unreadable archive can raise: a broken structure (BadZipFile), a
# corrupted compressed stream (zlib.error, lzma.LZMAError, or OSError and EOFError from bzip2
# and cut-off streams), a compression method Python cannot read (NotImplementedError) and a
# password-protected part (RuntimeError). Each means the same to the person uploading: the file
# cannot be opened.
UNREADABLE_ZIP = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
)
DAMAGED = (
    "The file is damaged and cannot be opened. Check that it opens on your computer, then upload "
    "it again."
)
OFFICE_FOLDERS = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
OPENDOCUMENT_PREFIX = "application/vnd.oasis.opendocument."


def _megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size:,} bytes"


def archive_problems(archive: zipfile.ZipFile, limits: FileLimits = LIMITS) -> list[str]:
    """Why the archive's declared sizes are beyond the limits; empty when they are within."""
    parts = archive.infolist()
    if len(parts) > limits.archive_parts:
        return [
            f"the file holds {len(parts):,} parts; the most allowed is {limits.archive_parts:,}"
        ]
    reasons = []
    for part in parts:
        if part.file_size > limits.part_bytes:
            reasons.append(
                f"its part “{part.filename[:80]}” would unpack to {_megabytes(part.file_size)}; "
                f"the most allowed for one part is {_megabytes(limits.part_bytes)}"
            )
        elif (
            part.file_size > limits.ratio_from_bytes
            and part.file_size > limits.compression_ratio * max(part.compress_size, 1)
        ):
            ratio = part.file_size // max(part.compress_size, 1)
            reasons.append(
                f"its part “{part.filename[:80]}” is compressed {ratio:,} to 1 (it would unpack "
                f"to {_megabytes(part.file_size)}); documents are never compressed more than "
                f"{limits.compression_ratio} to 1, so this is refused as a possible zip bomb"
            )
    total = sum(part.file_size for part in parts)
    if total > limits.archive_bytes:
        reasons.append(
            f"it would unpack to {_megabytes(total)} in all; the most allowed is "
            f"{_megabytes(limits.archive_bytes)}"
        )
    return reasons[:10]


def refuse_oversized(archive: zipfile.ZipFile, limits: FileLimits = LIMITS) -> None:
    reasons = archive_problems(archive, limits)
    if reasons:
        raise FileRefusedError([Problem("", None, None, reason) for reason in reasons])


def open_source(source: Path | str | bytes) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def inspect_document_archive(source: Path | str | bytes, *, limits: FileLimits) -> str:
    """A job for the child process: the type an Office or OpenDocument file really is ("" when
    it is some other zip), after checking its declared sizes and then reading every part, so that
    a damaged file is refused now rather than found by the person who cannot open it."""
    with open_source(source) as stream:
        try:
            with zipfile.ZipFile(stream) as archive:
                refuse_oversized(archive, limits)
                found = _document_type(archive)
                if archive.testzip() is not None:
                    raise FileRefusedError([Problem("", None, None, DAMAGED)])
        except UNREADABLE_ZIP as error:
            raise FileRefusedError([Problem("", None, None, DAMAGED)]) from error
    return found


def _document_type(archive: zipfile.ZipFile) -> str:
    names = archive.namelist()
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        declared = archive.read("mimetype").decode("ascii", errors="replace").strip()
        if declared.startswith(OPENDOCUMENT_PREFIX):
            return declared
    for folder, content_type in OFFICE_FOLDERS:
        if any(name.startswith(folder) for name in names):
            return content_type
    return ""
