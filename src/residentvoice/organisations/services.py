"""Writes about the council and its landlords."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .models import Council, Landlord, StockArea, StockFigure, Tenure

LANDLORD_FIELDS = (
    "name",
    "short_name",
    "regulator_code",
    "landlord_type",
    "website",
    "parent_group",
    "charter_status",
    "charter_status_date",
    "is_fictional",
)


@transaction.atomic
def council_set(*, name: str, area_name: str, short_name: str = "", website: str = "") -> Council:
    """Create the council record, or update the one there is."""
    council = Council.objects.order_by("pk").first() or Council()
    changed = (council.name, council.area_name, council.short_name, council.website) != (
        name,
        area_name,
        short_name,
        website,
    )
    if changed or council.pk is None:
        council.name, council.area_name = name, area_name
        council.short_name, council.website = short_name, website
        council.full_clean()
        council.save()
    return council


def _unique_slug(short_name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(short_name)[:70] or "landlord"
    slug, n = base, 2
    others = Landlord.objects.exclude(pk=exclude_pk) if exclude_pk else Landlord.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def landlord_create(**fields: Any) -> Landlord:
    unknown = set(fields) - set(LANDLORD_FIELDS) - {"slug"}
    if unknown:
        raise TypeError(f"Unknown landlord fields: {sorted(unknown)}")
    fields["regulator_code"] = (fields.get("regulator_code") or "").strip()
    if not fields.get("slug"):
        fields["slug"] = _unique_slug(fields.get("short_name") or fields.get("name", ""))
    landlord = Landlord(**fields)
    landlord.full_clean()
    landlord.save()
    return landlord


@transaction.atomic
def landlord_update(*, landlord: Landlord, **fields: Any) -> Landlord:
    """Change a landlord's details; saves (and records history) only if something changed."""
    unknown = set(fields) - set(LANDLORD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown landlord fields: {sorted(unknown)}")
    if "regulator_code" in fields:
        fields["regulator_code"] = (fields["regulator_code"] or "").strip()
    changed = [name for name, value in fields.items() if getattr(landlord, name) != value]
    if not changed:
        return landlord
    for name in changed:
        setattr(landlord, name, fields[name])
    landlord.full_clean()
    landlord.save()
    return landlord


@transaction.atomic
def landlord_stock_set(
    *,
    landlord: Landlord,
    figures: dict[tuple[str, str], int | None],
    as_of: datetime.date,
    source: str,
) -> list[StockFigure]:
    """Record stock figures keyed by (area, tenure).

    None removes a figure; a figure whose number is unchanged keeps its date and source.
    """
    if not source.strip():
        raise ValidationError({"source": "Say where these figures come from."})
    existing = {(f.area, f.tenure): f for f in landlord.stock_figures.all()}
    saved: list[StockFigure] = []
    for (area, tenure), homes in figures.items():
        if area not in StockArea.values or tenure not in Tenure.values:
            raise ValidationError(f"Unknown area or tenure: {area}, {tenure}")
        figure = existing.get((area, tenure))
        if homes is None:
            if figure is not None:
                figure.delete()
            continue
        if homes < 0:
            raise ValidationError("Numbers of homes cannot be negative.")
        if figure is None:
            figure = StockFigure(landlord=landlord, area=area, tenure=tenure)
        elif figure.homes == homes:
            saved.append(figure)  # same number: keep the date and source it was first given with
            continue
        figure.homes, figure.as_of, figure.source = homes, as_of, source.strip()
        figure.save()
        saved.append(figure)
    return saved
