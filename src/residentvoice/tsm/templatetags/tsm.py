"""Template filters for Tenant Satisfaction Measures pages, also used by the block other apps'
pages include (`tsm/_participation.html`, given `selectors.residents_voice`)."""

from __future__ import annotations

from typing import Any

from django import template

from residentvoice.tsm.selectors import landlord_type_label

register = template.Library()


QUARTERS = {
    1: "Lowest quarter",
    2: "Second lowest quarter",
    3: "Second highest quarter",
    4: "Highest quarter",
}


@register.filter
def quarter_words(where: Any) -> str:
    """Where a figure sits among the landlords compared: a benchmark or benchmark row (or a
    quarter, 1 → "Lowest quarter" … 4 → "Highest quarter"). A figure at the top or bottom of
    the range that others share is said to be there: "At the maximum, tied with 212 other
    landlords", never a quarter its ties happen to average to."""
    if where is None or isinstance(where, int):
        return QUARTERS.get(where or 0, "–")
    if getattr(where, "extreme", ""):
        end = "maximum" if where.extreme == "highest" else "minimum"
        others = where.tied_with
        return f"At the {end}, tied with {others:,} other landlord{'s' if others != 1 else ''}"
    return QUARTERS.get(getattr(where, "quartile", None) or 0, "–")


@register.filter
def year_span(reporting_year: str) -> str:
    """ "2024-25" → "1 April 2024 to 31 March 2025"."""
    start = (reporting_year or "")[:4]
    if not start.isdigit():
        return reporting_year
    return f"1 April {start} to 31 March {int(start) + 1}"


@register.filter
def landlord_type(code: str) -> str:
    """The regulator's landlord type code in words ("PRP" → "Housing association (private
    registered provider)"); a code the site has no words for is shown as written."""
    return landlord_type_label(code or "")
