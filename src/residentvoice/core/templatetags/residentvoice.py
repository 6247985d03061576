"""Template helpers shared across the site."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.http import QueryDict
from django.template.base import FilterExpression
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import formats

register = template.Library()

# Numbers, dates, closing times and page references, one way everywhere (core/formats.py).
register.filter("number", formats.number)
register.filter("long_date", formats.long_date)
register.filter("closing_time", formats.closing_time)
register.filter("date_and_time", formats.date_and_time)
register.filter("page_reference", formats.page_reference)


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


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist: template.NodeList, parts: list[FilterExpression]) -> None:
        self.nodelist, self.parts = nodelist, parts

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="rv-table-scroll" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            "".join(str(part.resolve(context)) for part in self.parts),
            self.nodelist.render(context),
        )


@register.tag
def scroll_region(parser: template.base.Parser, token: template.base.Token) -> ScrollRegionNode:
    """`{% scroll_region "caption-id" %}<table>…</table>{% endscroll_region %}`: a table that may be
    wider than the screen scrolls inside its own region (never the page), named by the table's
    caption and reachable with the keyboard (the Design System's pattern for wide tables). The id
    may come in parts, joined: `{% scroll_region "results-" forloop.counter %}`."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the id of the table's caption")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


@register.inclusion_tag("core/includes/pagination.html")
def pagination(page: Any, query: str = "", label: str = "Pages") -> dict[str, Any]:
    """GOV.UK pagination for a Django page: previous, numbered pages (with gaps) and next, each
    link keeping the other query parameters (`query`, already encoded, without `page`)."""
    prefix = f"?{query}&page=" if query else "?page="
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "page": page,
        "label": label,
        "prefix": prefix,
        "numbers": [None if n == page.paginator.ELLIPSIS else n for n in numbers],
    }
