"""The moderation panel: a council admin names a cycle's panel (council staff and verified
residents); during moderation each member reads the commitments they may judge side by side and
records the rating they would give and why. The moderator sees the panel's views on each
commitment's own page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from .. import selectors, services
from ..forms import PanelMemberForm, PanelViewForm
from ..models import AssessmentItem, ModerationPanelMember, Stage
from .lookups import cycle_of, item_of

# ---------------------------------------------------------------------------------------------
# The council admin's page


def _panel_page(request: HttpRequest, year: str, form: PanelMemberForm) -> HttpResponse:
    found = cycle_of(request, year)
    members = selectors.panel_members(found)
    return render(
        request,
        "assessment/panel/manage.html",
        {
            "cycle": found,
            "form": form,
            "members": [m for m in members if m.removed_at is None],
            "former": [m for m in members if m.removed_at is not None],
        },
    )


@permission_required("assessment.manage_panel")
def panel(request: HttpRequest, year: str) -> HttpResponse:
    found = cycle_of(request, year)
    form = PanelMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.panel_member_add(
                cycle=found, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{member.person} is on the panel and has been told.")
            return redirect("assessment:panel", year=found.reporting_year)
    return _panel_page(request, year, form)


@require_POST
@permission_required("assessment.manage_panel")
def panel_member_remove(request: HttpRequest, year: str, pk: int) -> HttpResponse:
    found = cycle_of(request, year)
    member = get_object_or_404(ModerationPanelMember, pk=pk, cycle=found)
    member.cycle = found
    try:
        services.panel_member_remove(member=member, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"{member.person or 'The member'} is no longer on the panel.")
    return redirect("assessment:panel", year=found.reporting_year)


# ---------------------------------------------------------------------------------------------
# The members' pages


@permission_required("assessment.view_panel_papers", cycle_of)
def panel_papers(request: HttpRequest, year: str) -> HttpResponse:
    found = cycle_of(request, year)
    in_moderation = found.stage == Stage.MODERATION  # type: ignore[attr-defined]
    return render(
        request,
        "assessment/panel/papers.html",
        {
            "cycle": found,
            "in_moderation": in_moderation,
            "landlords": selectors.panel_papers(found, user=request.user) if in_moderation else [],
        },
    )


def _panel_item_page(
    request: HttpRequest, item: AssessmentItem, form: PanelViewForm | None = None
) -> HttpResponse:
    may_give = request.user.has_perm("assessment.give_panel_view", item)
    if form is None and may_give:
        form = PanelViewForm(item=item, prefix="panel")
    return render(
        request,
        "assessment/panel/item.html",
        {
            "cycle": item.participation.cycle,
            "item": item,
            "papers": selectors.panel_item(item, user=request.user),
            "form": form,
            "may_give": may_give,
            "has_errors": bool(form is not None and form.is_bound and form.errors),
        },
    )


@permission_required("assessment.view_panel_item", item_of)
def panel_item(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    found = item_of(request, year, slug, number)
    if request.method != "POST":
        return _panel_item_page(request, found)
    if not request.user.has_perm("assessment.give_panel_view", found):
        messages.error(request, "You reviewed this landlord: your rating is the council's rating.")
        return redirect(request.path)
    form = PanelViewForm(request.POST, item=found, prefix="panel")
    if form.is_valid():
        try:
            services.panel_view_record(
                item=found,
                person=request.user,
                rating=form.cleaned_data.get("rating"),
                not_applicable=form.cleaned_data.get("not_applicable", False),
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Your view is recorded. Thank you.")
            return redirect(reverse("assessment:panel-papers", kwargs={"year": year}) + f"#{slug}")
    return _panel_item_page(request, found, form)
