"""Addresses of scorecard pages, within an earlier version when one is being read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .models import Publication


def scorecard_url(name: str, publication: Publication, version: int | None, *args: Any) -> str:
    if version is not None:
        return reverse(
            f"publication:{name}-version", args=[publication.reporting_year, version, *args]
        )
    return reverse(f"publication:{name}", args=[publication.reporting_year, *args])
