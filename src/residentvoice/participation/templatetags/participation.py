"""Template helpers for participation pages."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def paragraphs(text: str | None) -> SafeString:
    """Typed text as GOV.UK paragraphs: escaped; blank lines split paragraphs; line breaks kept."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((mark_safe(escape(block).replace("\n", "<br>")),) for block in blocks),  # noqa: S308
    )


@register.filter
def answer_text(value: Any) -> str:
    """An answer's value as words: lists joined, numbers as they are."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
