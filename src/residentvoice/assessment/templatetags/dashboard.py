"""The council dashboard's grid cells, written in Python: a page holds hundreds of them, and the
template language would take most of the page's time to draw them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def dashboard_cells(row: dict[str, Any]) -> SafeString:
    """One `<td>` per commitment: the state's short form, linked to the commitment's page, with
    its words for screen readers and as a tooltip; an overdue one marked with "!"."""
    url = escape(row["url"])
    words: dict[str, str] = {}  # a label escaped once, for the many cells that share it
    cells = []
    for found in row["cells"]:
        if found is None:
            cells.append('<td class="govuk-table__cell rv-matrix__number">–</td>')
            continue
        label = words.get(found.label) or words.setdefault(found.label, escape(found.label))
        late = found.flags.overdue
        cells.append(
            '<td class="govuk-table__cell rv-matrix__number">'
            f'<a class="govuk-link rv-state{" rv-state--overdue" if late else ""}" '
            f'href="{url}{found.url}" title="{label}{" (overdue)" if late else ""}">'
            f'<span aria-hidden="true">{escape(found.short)}{"!" if late else ""}</span>'
            f'<span class="govuk-visually-hidden">{label}{" (overdue)" if late else ""}</span>'
            "</a></td>"
        )
    return mark_safe("".join(cells))  # noqa: S308 - every value above is escaped
