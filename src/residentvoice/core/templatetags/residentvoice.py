"""Template helpers shared across the site."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    return type(field.field.widget).__name__.lower()
