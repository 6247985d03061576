"""Every PDF the site makes: HTML printed by WeasyPrint with a fetcher that never fetches.

HTML can name addresses (an image, a stylesheet, a font), whether a template put them there or
text someone typed did. Printing must never make the server request a web address, an internal
service or a file of its own: only `data:` addresses and the site's own static files (the
`static/` folders inside this package) are read; anything else is left out of the PDF, and
WeasyPrint notes it in the log.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PACKAGE = Path(__file__).resolve().parent.parent
STATIC_FOLDERS = tuple(folder.resolve() for folder in PACKAGE.glob("*/static") if folder.is_dir())


class NoFetching(URLFetcher):
    """Reads `data:` addresses and the package's static files; refuses everything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(f) for f in STATIC_FOLDERS):
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        raise ValueError(f"not fetched (PDFs read only the site's own files): {url[:100]}")


def render_pdf(
    html: str,
    *,
    variant: str | None = None,
    laid_out: Callable[[int], None] | None = None,
) -> bytes:
    """The PDF of `html` (`variant`: a WeasyPrint PDF variant such as "pdf/ua-1"); `laid_out` is
    told the number of pages once they are laid out, before the PDF is written."""
    options = {"pdf_variant": variant} if variant else {}
    document = HTML(string=html, url_fetcher=NoFetching()).render(**options)
    if laid_out is not None:
        laid_out(len(document.pages))
    return document.write_pdf(**options) or b""
