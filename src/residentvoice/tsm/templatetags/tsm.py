"""Template filters for Tenant Satisfaction Measures pages, also used by the block other apps'
pages include (`tsm/_participation.html`, given `selectors.residents_voice`)."""

from __future__ import annotations

from django import template

register = template.Library()


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
