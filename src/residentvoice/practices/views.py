"""The best-practice library for signed-in council and landlord staff: the list with filters, a
practice, recording and changing one, the council's approval, and the coverage matrix."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from residentvoice.accounts.selectors import membership_of
from residentvoice.charter.models import Commitment
from residentvoice.charter.selectors import charter_current
from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from . import forms, selectors, services
from .models import Practice


@permission_required("practices.view_library")
def practice_list(request: HttpRequest) -> HttpResponse:
    commitments, landlords = selectors.practice_filter_choices(charter_current())
    form = forms.PracticeFilterForm(
        request.GET or None, commitments=commitments, landlords=landlords
    )
    commitment_number, landlord_slug = None, ""
    if form.is_bound and form.is_valid():
        commitment_number = form.cleaned_data["commitment"]
        landlord_slug = form.cleaned_data["landlord"]
    practices = selectors.practice_list(
        user=request.user, commitment_number=commitment_number, landlord_slug=landlord_slug
    )
    return render(
        request,
        "practices/list.html",
        {
            "form": form,
            "practices": practices,
            "filtered": commitment_number is not None or bool(landlord_slug),
        },
    )


def _target(request: HttpRequest, pk: int) -> Practice | None:
    """For the permission check: the practice whoever may see it (the rule decides)."""
    return Practice.objects.filter(pk=pk).first()


def _practice_or_404(request: HttpRequest, pk: int) -> Practice:
    practice = selectors.practice_get(pk, user=request.user)
    if practice is None:
        raise Http404("No practice at this address")
    return practice


@permission_required("practices.view_practice", _target)
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "may_change": request.user.has_perm("practices.change_practice", practice),
            "may_approve": request.user.has_perm("practices.approve_practice", practice),
        },
    )


def _commitment_choices(practice: Practice | None) -> QuerySet[Commitment]:
    """The current charter's commitments, plus any an older practice already names."""
    charter = charter_current()
    chosen = Commitment.objects.filter(charter=charter) if charter else Commitment.objects.none()
    if practice is not None:
        chosen = chosen | Commitment.objects.filter(practices=practice)
    return chosen.distinct().order_by("charter", "number")


def _form_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "description": data["description"],
        "commitments": data["commitments"],
        "landlords": data.get("landlords") or [],
        "how_residents_involved": data["how_residents_involved"],
        "evidence": data["evidence"],
        "evidence_url": data["evidence_url"],
    }


def _is_council(request: HttpRequest) -> bool:
    membership = membership_of(request.user)
    return membership is not None and membership.is_council


@permission_required("practices.add_practice")
def practice_add(request: HttpRequest) -> HttpResponse:
    form = forms.PracticeForm(
        request.POST or None,
        commitments=_commitment_choices(None),
        choose_landlords=_is_council(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(by=request.user, **_form_fields(form.cleaned_data))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                f"“{practice.title}” has been added to the library. The council approves "
                "practices before they appear in the public library.",
            )
            return redirect("practices:detail", pk=practice.pk)
    membership = membership_of(request.user)
    return render(
        request,
        "practices/form.html",
        {
            "form": form,
            "heading": "Record a practice",
            "landlord": None if membership is None else membership.landlord,
        },
    )


@permission_required("practices.change_practice", _target)
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    form = forms.PracticeForm(
        request.POST or None,
        initial=forms.PracticeForm.initial_for(practice),
        commitments=_commitment_choices(practice),
        choose_landlords=_is_council(request),
    )
    if request.method == "POST" and form.is_valid():
        was_public = practice.is_public
        try:
            practice = services.practice_update(
                practice=practice, by=request.user, **_form_fields(form.cleaned_data)
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            note = (
                " It has left the public library until the council approves the change."
                if was_public and not practice.is_public
                else ""
            )
            messages.success(request, f"“{practice.title}” has been saved.{note}")
            return redirect("practices:detail", pk=practice.pk)
    return render(
        request,
        "practices/form.html",
        {
            "form": form,
            "heading": f"Change “{practice.title}”",
            "practice": practice,
            "landlord": practice.recorded_by_landlord,
        },
    )


@require_POST
@permission_required("practices.approve_practice", _target)
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    decision = request.POST.get("public")
    if decision not in ("yes", "no"):
        messages.error(request, "Choose whether to approve the practice or take it out.")
        return redirect("practices:detail", pk=practice.pk)
    try:
        practice = services.practice_publish(
            practice=practice, by=request.user, public=decision == "yes"
        )
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    if practice.is_public:
        messages.success(request, f"“{practice.title}” is approved for the public library.")
    else:
        messages.success(request, f"“{practice.title}” is no longer in the public library.")
    return redirect("practices:detail", pk=practice.pk)


@permission_required("practices.view_coverage")
def practice_coverage(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practices/coverage.html",
        {"coverage": selectors.practice_coverage(user=request.user)},
    )
