"""Finding the cycle, participation or item a URL names, once per request (the permission check
and the view share the lookup)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import AssessmentCycle, AssessmentItem, Evidence, Participation


def cycle_of(request: HttpRequest, year: str, **_: Any) -> AssessmentCycle:
    cached = getattr(request, "_assessment_cycle", None)
    if cached is not None:
        return cached
    cycle = selectors.cycle_get(year)
    if cycle is None:
        raise Http404("There is no charter assessment for that year")
    request._assessment_cycle = cycle  # type: ignore[attr-defined]
    return cycle


def participation_of(request: HttpRequest, year: str, slug: str, **_: Any) -> Participation:
    cached = getattr(request, "_assessment_participation", None)
    if cached is not None:
        return cached
    cycle = cycle_of(request, year)
    participation = selectors.participation_get(cycle, slug)
    if participation is None:
        raise Http404("That landlord does not take part in this cycle")
    participation.cycle = cycle  # the copy that knows its stage
    request._assessment_participation = participation  # type: ignore[attr-defined]
    return participation


def item_of(request: HttpRequest, year: str, slug: str, number: int, **_: Any) -> AssessmentItem:
    cached = getattr(request, "_assessment_item", None)
    if cached is not None:
        return cached
    participation = participation_of(request, year, slug)
    item = get_object_or_404(
        AssessmentItem.objects.select_related(
            "commitment", "self_rating", "council_rating", "final_rating", "landlord"
        ),
        participation=participation,
        commitment__number=number,
    )
    item.participation = participation
    request._assessment_item = item  # type: ignore[attr-defined]
    return item


def evidence_of(
    request: HttpRequest, year: str, slug: str, number: int, pk: int, **_: Any
) -> Evidence:
    item = item_of(request, year, slug, number)
    evidence = get_object_or_404(Evidence, pk=pk, item=item, removed_at__isnull=True)
    evidence.item = item
    return evidence
