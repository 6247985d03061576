"""Numbered pages for every list the API returns: at most 100 rows a page, and a page number past
any real page refused (422) before it reaches the database, where a huge offset would fail."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 100


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)
