"""Public pages about the borough's landlords, and the council's pages to manage them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Landlord


def landlord_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "name")
    if sort not in selectors.LANDLORD_SORTS:
        sort = "name"
    descending = request.GET.get("order") == "desc"
    return render(
        request,
        "organisations/landlord_list.html",
        {
            "landlords": selectors.landlord_list(sort=sort, descending=descending),
            "sort": sort,
            "descending": descending,
            "totals": selectors.borough_totals(),
        },
    )


def landlord_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        landlord = selectors.landlord_detail(slug=slug)
    except Landlord.DoesNotExist as missing:
        raise Http404("No landlord with that address") from missing
    return render(
        request,
        "organisations/landlord_detail.html",
        {"landlord": landlord, "stock": selectors.landlord_stock_table(landlord)},
    )
