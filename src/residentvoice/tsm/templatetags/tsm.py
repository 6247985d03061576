"""Template tags that let other apps' pages show Tenant Satisfaction Measures without knowing how
they are stored: `{% load tsm %}{% tsm_participation landlord %}`."""

from __future__ import annotations

from typing import Any

from django import template

from residentvoice.organisations.models import Landlord

from .. import selectors

register = template.Library()


@register.inclusion_tag("tsm/_participation.html")
def tsm_participation(landlord: Landlord) -> dict[str, Any]:
    """TP06, TP07 and TP08 beside the charter's participation commitments, with benchmarks."""
    return {"landlord": landlord, "participation": selectors.participation_measures(landlord)}


QUARTERS = {
    1: "Lowest quarter",
    2: "Second lowest quarter",
    3: "Second highest quarter",
    4: "Highest quarter",
}


@register.filter
def quarter_words(quartile: int | None) -> str:
    """1 → "Lowest quarter" … 4 → "Highest quarter" of landlords compared."""
    return QUARTERS.get(quartile or 0, "–")


@register.filter
def year_span(reporting_year: str) -> str:
    """ "2024-25" → "1 April 2024 to 31 March 2025"."""
    start = (reporting_year or "")[:4]
    if not start.isdigit():
        return reporting_year
    return f"1 April {start} to 31 March {int(start) + 1}"
