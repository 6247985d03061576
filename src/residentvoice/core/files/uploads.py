"""The upload policy: the one set of rules every stored upload meets (evidence, consultation
documents, scrutiny panel documents), and the one response that serves a stored upload back.

A file's type is judged from its content, never from its name: a PDF named `page.html` is a
PDF, and HTML named `minutes.pdf` is refused. Each type is then checked for damage in its own
way (an end-of-file mark for PDF, every part of an Office or OpenDocument file read after its
declared sizes are checked, every image decoded after its dimensions are checked), the last two
in the child process. The stored name takes the extension of the type found, and the file is
served back with that type, as a download, never sniffed or rendered by the browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import cast

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

from .archives import inspect_document_archive
from .images import inspect_image
from .isolation import FileRefusedError, run_isolated
from .limits import LIMITS, MB, FileLimits

ZIP = "application/zip"


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str  # what the stored file is named with
    label: str  # what people call it
    check: str = ""  # "pdf", "archive", "image", or "" for none


DOCUMENT_TYPES: tuple[FileType, ...] = (
    FileType("application/pdf", "pdf", "PDF", "pdf"),
    FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word document",
        "archive",
    ),
    FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel workbook",
        "archive",
    ),
    FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "PowerPoint",
        "archive",
    ),
    FileType("application/msword", "doc", "Word document"),
    FileType("application/vnd.ms-excel", "xls", "Excel workbook"),
    FileType("application/vnd.ms-powerpoint", "ppt", "PowerPoint"),
    FileType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text", "archive"),
    FileType(
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
        "OpenDocument spreadsheet",
        "archive",
    ),
    FileType(
        "application/vnd.oasis.opendocument.presentation",
        "odp",
        "OpenDocument presentation",
        "archive",
    ),
    FileType("image/jpeg", "jpg", "JPEG image", "image"),
    FileType("image/png", "png", "PNG image", "image"),
    FileType("image/gif", "gif", "GIF image", "image"),
    FileType("image/webp", "webp", "WebP image", "image"),
)


@dataclass(frozen=True)
class UploadPolicy:
    types: tuple[FileType, ...]
    max_bytes: int

    def type_for(self, content_type: str) -> FileType | None:
        return next((t for t in self.types if t.content_type == content_type), None)

    def type_for_name(self, name: str) -> FileType | None:
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        return next((t for t in self.types if t.extension == extension), None)

    def allowed(self) -> str:
        return ", ".join(sorted({t.label for t in self.types}))


# Evidence, consultation documents and scrutiny panel documents.
DOCUMENTS = UploadPolicy(types=DOCUMENT_TYPES, max_bytes=20 * MB)


@dataclass(frozen=True)
class CheckedUpload:
    file_type: FileType
    size: int

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    def stored_name(self, uploaded_as: str) -> str:
        """The uploader's name for the file, made safe, with the extension of what it is."""
        stem = PurePosixPath(uploaded_as.replace("\\", "/")).name
        stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
        stem = re.sub(r"[^\w\-]+", "-", stem).strip("-_.")[:80] or "file"
        return f"{stem}.{self.file_type.extension}"


def upload_check(
    upload: UploadedFile,
    *,
    policy: UploadPolicy = DOCUMENTS,
    field: str = "file",
    limits: FileLimits = LIMITS,
) -> CheckedUpload:
    """What the upload is, once it is found to be allowed and undamaged; a `ValidationError` on
    `field` saying why not otherwise."""
    size = upload.size or 0
    if size > policy.max_bytes:
        raise ValidationError(
            {
                field: f"The file is {size / MB:.1f} MB; the most allowed is "
                f"{policy.max_bytes // MB} MB."
            }
        )
    if not size:
        raise ValidationError({field: "The file is empty."})
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    found = kind.mime if kind else ""
    named = policy.type_for(found)
    try:
        if found == ZIP or (named is not None and named.check == "archive"):
            # Office and OpenDocument files are zips: what they are is read from the parts.
            found = run_isolated(inspect_document_archive, _source(upload), limits=limits) or found
        file_type = policy.type_for(found)
        if file_type is None:
            looks = f" (it looks like {found})" if found else ""
            raise ValidationError(
                {
                    field: f"The file must be one of: {policy.allowed()}{looks}. Its name does "
                    "not decide this."
                }
            )
        if file_type.check == "pdf":
            _check_pdf(upload, field)
        elif file_type.check == "image":
            run_isolated(inspect_image, _source(upload), limits=limits)
    except FileRefusedError as refused:
        raise ValidationError({field: [p.reason for p in refused.problems]}) from refused
    finally:
        upload.seek(0)
    return CheckedUpload(file_type=file_type, size=size)


def _source(upload: UploadedFile) -> Path | bytes:
    """Where the child process reads the upload: its temporary file, or its bytes when small
    enough to be held in memory."""
    if hasattr(upload, "temporary_file_path"):
        return Path(upload.temporary_file_path())
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return cast(bytes, data)


def _check_pdf(upload: UploadedFile, field: str) -> None:
    upload.seek(max(0, (upload.size or 0) - 2048))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise ValidationError({field: "The PDF is damaged or incomplete and cannot be opened."})


# --- serving -----------------------------------------------------------------------------------

# Whatever the file is, the browser may not run anything in it, even if it were shown.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def upload_response(
    file: FieldFile | File,
    *,
    content_type: str = "",
    filename: str = "",
    private: bool = True,
    policy: UploadPolicy = DOCUMENTS,
) -> HttpResponse:
    """A stored upload as a download: the type checked when it was uploaded (given, or known
    from the stored extension, which the policy chose), `Content-Disposition: attachment`, never
    sniffed, never run. A file stored before the policy under an extension it does not know is
    served as plain bytes."""
    name = filename or PurePosixPath(getattr(file, "name", "") or "download").name
    file_type = policy.type_for(content_type) if content_type else policy.type_for_name(name)
    if file_type is not None:
        # The name ends with what the file is, whatever it was uploaded as.
        stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
        name = f"{stem}.{file_type.extension}"
    try:
        handle = file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    if private:
        response["Cache-Control"] = "private, no-store"
    # A streamed response; typed as views are.
    return cast(HttpResponse, response)
