"""Cycle pages: the list of cycles, opening a cycle, a cycle's home, stage moves, adding a
landlord, a landlord's participation (its items, sign-off, reviewer) and the council dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from residentvoice.accounts.selectors import membership_of
from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from .. import forms, selectors, services
from ..models import ALLOWED_MOVES, Participation, Stage
from .lookups import cycle_of, participation_of


@permission_required("assessment.view_cycles")
def cycles(request: HttpRequest) -> HttpResponse:
    return render(request, "assessment/cycles.html", {"cycles": selectors.cycle_list()})


@permission_required("assessment.manage_cycle")
def cycle_open(request: HttpRequest) -> HttpResponse:
    form = forms.CycleOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(
                reporting_year=form.cleaned_data["reporting_year"].strip(),
                landlords=form.cleaned_data["landlords"],
                stage_dates=form.stage_dates(),
                by=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"The {cycle.reporting_year} cycle is open, in preparation.")
            return redirect("assessment:cycle", year=cycle.reporting_year)
    return render(request, "assessment/cycle_open.html", {"form": form})


@permission_required("assessment.view_cycles")
def cycle(request: HttpRequest, year: str) -> HttpResponse:
    found = cycle_of(request, year)
    membership = membership_of(request.user)
    if membership is not None and membership.landlord_id is not None:
        # Landlord staff have one place in a cycle: their own landlord's page.
        mine = found.participations.filter(landlord_id=membership.landlord_id).first()
        if mine is None:
            return render(request, "assessment/not_taking_part.html", {"cycle": found})
        return redirect(
            "assessment:participation", year=found.reporting_year, slug=mine.landlord.slug
        )
    from residentvoice.participation.selectors import participation_figures

    progress = selectors.cycle_progress(found)
    figures = participation_figures(
        landlord_ids=[row["landlord"].pk for row in progress], reporting_year=found.reporting_year
    )
    for row in progress:
        row["participation_figures"] = figures.get(row["landlord"].pk, {})
    return render(
        request,
        "assessment/cycle.html",
        {
            "cycle": found,
            "progress": progress,
            "moves": selectors.stage_moves(found),
            "dates": selectors.stage_dates(found),
            "on_panel": request.user.has_perm("assessment.view_panel_papers", found),
        },
    )


@permission_required("assessment.manage_cycle")
def stage_move(request: HttpRequest, year: str) -> HttpResponse:
    found = cycle_of(request, year)
    choices = [
        (stage, Stage(stage).label)
        for stage in Stage.values
        if stage in ALLOWED_MOVES.get(found.stage, set())  # type: ignore[attr-defined]
    ]
    form = forms.StageMoveForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_stage_move(
                cycle=found,
                to_stage=form.cleaned_data["to_stage"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "The cycle has moved stage.")
            return redirect("assessment:cycle", year=found.reporting_year)
    return render(request, "assessment/stage_move.html", {"cycle": found, "form": form})


@permission_required("assessment.manage_cycle")
def landlord_add(request: HttpRequest, year: str) -> HttpResponse:
    found = cycle_of(request, year)
    form = forms.LandlordAddForm(request.POST or None, cycle=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_landlord_add(cycle=found, landlord=form.cleaned_data["landlord"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['landlord']} now takes part.")
            return redirect("assessment:cycle", year=found.reporting_year)
    return render(request, "assessment/landlord_add.html", {"cycle": found, "form": form})


def _participation_page(
    request: HttpRequest, participation: Participation, **extra: object
) -> HttpResponse:
    user = request.user
    page = selectors.participation_page(participation)
    context = {
        "cycle": page["cycle"],
        "participation": participation,
        "page": page,
        "can_sign_off": user.has_perm("assessment.sign_off", participation),
        "can_assign": user.has_perm("assessment.manage_cycle"),
        "reviewer_form": forms.ReviewerForm(
            initial={"reviewer": getattr(participation, "reviewer_id", None)}
        ),
        **extra,
    }
    return render(request, "assessment/participation.html", context)


@permission_required("assessment.view_item", participation_of)
def participation(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    return _participation_page(request, participation_of(request, year, slug))


@require_POST
@permission_required("assessment.sign_off", participation_of)
def submit(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    found = participation_of(request, year, slug)
    try:
        services.participation_submit(participation=found, by=request.user)
    except ValidationError as error:
        return _participation_page(request, found, submit_errors=error.messages)
    messages.success(request, "Your self-assessment is signed off and with the council.")
    return redirect("assessment:participation", year=year, slug=slug)


@require_POST
@permission_required("assessment.manage_cycle")
def reviewer_assign(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    found = participation_of(request, year, slug)
    form = forms.ReviewerForm(request.POST)
    if not form.is_valid():
        return _participation_page(request, found, reviewer_form=form)
    try:
        services.participation_reviewer_assign(
            participation=found, reviewer=form.cleaned_data["reviewer"]
        )
    except ValidationError as error:
        form_errors_from(form, error)
        return _participation_page(request, found, reviewer_form=form)
    messages.success(request, "The reviewer is saved.")
    return redirect("assessment:participation", year=year, slug=slug)


@permission_required("assessment.view_dashboard")
def dashboard(request: HttpRequest, year: str) -> HttpResponse:
    found = cycle_of(request, year)
    board = selectors.dashboard(
        found,
        user=request.user,
        landlord=request.GET.get("landlord", ""),
        commitment=request.GET.get("commitment", ""),
        state=request.GET.get("state", ""),
        reviewer=request.GET.get("reviewer", ""),
        page=request.GET.get("page", 1),
    )
    for row in board["grid"]:  # one reverse per landlord shown, not per cell
        row["url"] = reverse(
            "assessment:participation",
            kwargs={"year": found.reporting_year, "slug": row["landlord"].slug},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessment/dashboard.html",
        {"cycle": found, "board": board, "query": query.urlencode()},
    )
