"""Template helpers for the scorecards: addresses within a version, ratings as coloured labels,
shares and changes in words."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from residentvoice.core import formats

from .. import tables
from ..charts import rating_colour
from ..links import scorecard_url as _scorecard_url

register = template.Library()
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.simple_tag(takes_context=True)
def scorecard_url(context: template.Context, name: str, *args: Any) -> str:
    return _scorecard_url(name, context["publication"], context.get("version"), *args)


@register.simple_tag
def rating_tag(result: Any, count: int) -> SafeString:
    """A rating as a coloured label that always carries its words: colour is never alone."""
    if result is None:
        return mark_safe('<span class="govuk-body-s">Not assessed</span>')
    return format_html(
        '<strong class="govuk-tag govuk-tag--{} rv-rating">{}</strong>',
        rating_colour(result.rating_rank, count),
        result.rating_label,
    )


@register.simple_tag
def rating_short(result: Any, key: list[dict[str, Any]]) -> SafeString:
    """A rating in the grid: its short form in its colour (the key beside the grid gives the
    words), its words for screen readers."""
    if result is None:
        return mark_safe(
            '<span aria-hidden="true">–</span>'
            '<span class="govuk-visually-hidden">Not assessed</span>'
        )
    entry = next((e for e in key if e["label"] == result.rating_label), None)
    if entry is None:  # a rating the key does not know: its words, in full
        return rating_tag(result, len(key))
    return format_html(
        '<strong class="govuk-tag govuk-tag--{} rv-rating-short"><span aria-hidden="true">{}'
        '</span><span class="govuk-visually-hidden">{}</span></strong>',
        entry["colour"],
        entry["short"],
        result.rating_label,
    )


@register.simple_tag
def option_tag(option: dict[str, Any], count: int) -> SafeString:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{} rv-rating">{}</strong>',
        rating_colour(option.get("rank"), count),
        option["label"],
    )


@register.filter
def share(value: Any) -> str:
    return tables.share_text(value)


@register.filter
def change(value: Any) -> str:
    return tables.change_text(value)


@register.simple_tag
def change_mark(result: Any) -> SafeString:
    """Change since last year as an arrow with words (the arrow is hidden from screen readers)."""
    marks = {"up": "▲", "down": "▼", "same": "=", "new": "•"}
    if not result or not result.change:
        return mark_safe('<span class="govuk-body-s">–</span>')
    return format_html(
        '<span class="rv-change rv-change--{}"><span aria-hidden="true">{} </span>{}</span>',
        result.change,
        marks[result.change],
        result.get_change_display(),
    )


@register.filter
def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


@register.filter
def filesize(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.filter
def cell(value: Any) -> Any:
    """A table value for reading: a dash for nothing, thousands separated, one decimal place for
    fractions, dates in words (the downloads keep the plain numbers and ISO dates)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return formats.long_date(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number(value)
    return value


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def short_for(key: list[dict[str, str]], label: str) -> str:
    """The short form of a rating in the report's matrix key."""
    return next((row["short"] for row in key if row["label"] == label), label)
