"""Public pages about the borough's landlords, and the council's pages to manage them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required
from residentvoice.tsm.selectors import residents_voice, tsm_latest_return_for

from . import forms, selectors, services
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


def _landlord_or_404(slug: str) -> Landlord:
    try:
        return selectors.landlord_detail(slug=slug)
    except Landlord.DoesNotExist as missing:
        raise Http404("No landlord with that address") from missing


def landlord_detail(request: HttpRequest, slug: str) -> HttpResponse:
    landlord = _landlord_or_404(slug)
    return render(
        request,
        "organisations/landlord_detail.html",
        {
            "landlord": landlord,
            "stock": selectors.landlord_stock_table(landlord),
            "satisfaction": tsm_latest_return_for(landlord_id=landlord.pk),
            "voice": residents_voice(landlord),
        },
    )


@permission_required("organisations.manage_landlords")
def manage_landlords(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/manage_landlords.html",
        {"landlords": selectors.landlord_list(sort="name")},
    )


@permission_required("organisations.manage_landlords")
def landlord_add(request: HttpRequest) -> HttpResponse:
    form = forms.LandlordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            landlord = services.landlord_create(**form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{landlord.name} has been added.")
            return redirect("organisations:landlord-stock", slug=landlord.slug)
    return render(
        request, "organisations/landlord_form.html", {"form": form, "heading": "Add a landlord"}
    )


@permission_required("organisations.manage_landlords")
def landlord_edit(request: HttpRequest, slug: str) -> HttpResponse:
    landlord = _landlord_or_404(slug)
    form = forms.LandlordForm(request.POST or None, instance=Landlord.objects.get(pk=landlord.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.landlord_update(landlord=landlord, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{landlord.name} has been updated.")
            return redirect("organisations:manage-landlords")
    return render(
        request,
        "organisations/landlord_form.html",
        {"form": form, "heading": f"Change {landlord.name}", "landlord": landlord},
    )


@permission_required("organisations.manage_landlords")
def landlord_stock(request: HttpRequest, slug: str) -> HttpResponse:
    landlord = _landlord_or_404(slug)
    form = forms.StockForm(request.POST or None, landlord=landlord)
    if request.method == "POST" and form.is_valid():
        try:
            services.landlord_stock_set(
                landlord=landlord,
                figures=form.figures(),
                as_of=form.cleaned_data["as_of"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"Homes for {landlord.name} have been saved.")
            return redirect(landlord.get_absolute_url())
    return render(
        request,
        "organisations/landlord_form.html",
        {"form": form, "heading": f"Homes of {landlord.name}", "landlord": landlord},
    )
