"""Private file downloads: the view has already checked who may have the file."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import cast

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse


def file_download(file: FieldFile) -> HttpResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing") from missing
    response = FileResponse(
        handle, as_attachment=True, filename=PurePosixPath(file.name or "download").name
    )
    response["Cache-Control"] = "private, no-store"
    # A streamed response; typed as the permission decorator expects of every view.
    return cast(HttpResponse, response)
