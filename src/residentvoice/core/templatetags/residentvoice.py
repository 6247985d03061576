"""Template helpers shared across the site."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def govuk_control(field: BoundField) -> str:
    """Which Design System component draws the field: "radios", "checkboxes" (a group),
    "checkbox" (one on its own) or "" (a label above a box). Asked by type, so a widget made
    from one of these is drawn the same way."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # Django makes it a kind of RadioSelect
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return ""


@register.simple_tag(takes_context=True)
def sortable_header(
    context: template.Context, key: str, label: str, numeric: bool = False
) -> SafeString:
    """A table header cell whose link sorts by `key`; works without JavaScript.

    `aria-sort` tells screen readers which column the table is sorted by and which way.
    """
    current, descending = context.get("sort"), context.get("descending", False)
    params = QueryDict(mutable=True)
    params["sort"] = key
    if current == key and not descending:
        params["order"] = "desc"
    state = ("descending" if descending else "ascending") if current == key else "none"
    css = "govuk-table__header" + (" govuk-table__header--numeric" if numeric else "")
    hint = ""
    if current == key:
        hint = " (sorted, descending)" if descending else " (sorted, ascending)"
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="govuk-link rv-sort-link" href="?{}">{}'
        '<span class="govuk-visually-hidden">{}</span></a></th>',
        css,
        state,
        params.urlencode(),
        label,
        hint,
    )
