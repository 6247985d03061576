"""Public pages: the charter, each commitment in full, and the national standards behind them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Commitment


def _no_charter(request: HttpRequest) -> HttpResponse:
    return render(request, "charter/no_charter.html")


def overview(request: HttpRequest) -> HttpResponse:
    charter = selectors.charter_current()
    if charter is None:
        return _no_charter(request)
    return render(
        request, "charter/overview.html", {"overview": selectors.charter_overview(charter)}
    )


def commitment(request: HttpRequest, number: int) -> HttpResponse:
    charter = selectors.charter_current()
    if charter is None:
        return _no_charter(request)
    try:
        detail = selectors.commitment_detail(charter, number)
    except Commitment.DoesNotExist as missing:
        raise Http404("The charter has no commitment with that number") from missing
    return render(request, "charter/commitment.html", {"charter": charter, "detail": detail})


def standards(request: HttpRequest) -> HttpResponse:
    charter = selectors.charter_current()
    return render(
        request,
        "charter/standards.html",
        {"charter": charter, "frameworks": selectors.standards_overview(charter)},
    )
