"""Reality checks: verified residents say whether their landlord's public claims match their
experience; council staff moderate residents' comments, see the answers per landlord and record
offline reality-check sessions.

The forms live here because only these pages use them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.selectors import membership_of
from residentvoice.charter.models import Commitment
from residentvoice.core.formats import long_date
from residentvoice.core.forms import GovukForm, form_errors_from
from residentvoice.core.permissions import permission_required

from .. import selectors, services
from ..models import (
    REALITY_CHECK_STAGES,
    AssessmentItem,
    CommentStatus,
    Participation,
    RealityAnswer,
    RealityCheck,
    Stage,
)
from .lookups import cycle_of

FROZEN = (Stage.READY_TO_PUBLISH, Stage.PUBLISHED)


# ---------------------------------------------------------------------------------------------
# Forms


class RealityCheckForm(GovukForm):
    answer = django_forms.ChoiceField(
        label="Does this match your experience?",
        choices=RealityAnswer.choices,
        widget=django_forms.RadioSelect,
        error_messages={
            "required": "Choose yes, partly, no or don't know.",
            "invalid_choice": "Choose yes, partly, no or don't know.",
        },
    )
    comment = django_forms.CharField(
        label="Tell the council more (optional)",
        required=False,
        strip=False,  # kept as typed; the service trims the ends only
        widget=django_forms.Textarea(attrs={"rows": 4}),
        help_text="Say what happened to you. Leave out names, addresses and other personal "
        "details. The council reads every comment before anyone else can see it, and your name "
        "is never shown with it.",
    )

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = f"Does commitment {number} match your experience?"
        self._style_widgets()


class CommitmentChoices(django_forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number}. {obj.title}"


class ParticipationChoice(django_forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.landlord.name


class SessionForm(GovukForm):
    participation = ParticipationChoice(
        label="Landlord",
        queryset=Participation.objects.none(),
        empty_label="Choose the landlord",
        error_messages={
            "required": "Choose the landlord whose residents took part.",
            "invalid_choice": "Choose a landlord taking part in this cycle.",
        },
    )
    held_on = django_forms.DateField(
        label="Date of the session",
        widget=django_forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the date the session was held.",
            "invalid": "Enter the date as day, month and year, for example 14 10 2024.",
        },
    )
    residents_count = django_forms.IntegerField(
        label="Number of residents who took part",
        min_value=1,
        max_value=100000,
        error_messages={
            "required": "Give how many residents took part (at least 1).",
            "invalid": "Give the number of residents as a whole number, such as 12.",
            "min_value": "Give how many residents took part (at least 1).",
            "max_value": "That is more residents than a session can hold: check the number.",
        },
    )
    summary = django_forms.CharField(
        label="What residents said",
        widget=django_forms.Textarea(attrs={"rows": 8}),
        help_text="A fair summary of where residents' experience matched the landlord's claims "
        "and where it did not. Leave out anything that would identify a resident.",
        error_messages={"required": "Summarise what residents said."},
    )
    commitments = CommitmentChoices(
        label="Commitments covered",
        required=False,
        queryset=Commitment.objects.none(),
        widget=django_forms.CheckboxSelectMultiple,
        help_text="Leave them all unticked if the session covered the landlord's claims in "
        "general: it is then shown beside every commitment.",
        error_messages={"invalid_choice": "Choose commitments from the list."},
    )

    def __init__(self, *args: Any, cycle: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participation"].queryset = (  # type: ignore[attr-defined]
            Participation.objects.filter(cycle=cycle).select_related("landlord")
        )
        self.fields["commitments"].queryset = cycle.charter.commitments.filter(  # type: ignore[attr-defined]
            commits_landlords=True
        ).order_by("number")
        self.fields["residents_count"].width_class = "govuk-input--width-5"  # type: ignore[attr-defined]
        self._style_widgets()


# ---------------------------------------------------------------------------------------------
# Residents


def _own_landlord(request: HttpRequest, **_: Any) -> Any:
    """What the permission is asked about: the person's own landlord (residents have one)."""
    membership = membership_of(request.user)
    return membership.landlord if membership is not None else None


def _claim_form(item: AssessmentItem, data: Any = None) -> RealityCheckForm:
    mine = item.my_check  # type: ignore[attr-defined]
    initial = {"answer": mine.answer, "comment": mine.comment} if mine else {}
    return RealityCheckForm(
        data, prefix=f"claim-{item.pk}", initial=initial, number=item.commitment.number
    )


@permission_required("assessment.reality_check", _own_landlord)
def reality_checks(request: HttpRequest, year: str) -> HttpResponse:
    """A verified resident's own landlord's claims, each with "does this match your experience?"."""
    cycle = cycle_of(request, year)
    landlord = _own_landlord(request)
    participation = (
        Participation.objects.filter(cycle=cycle, landlord=landlord)
        .select_related("landlord")
        .first()
    )
    context: dict[str, Any] = {
        "cycle": cycle,
        "landlord": landlord,
        "participation": None,
        # A resident on the cycle's moderation panel finds the panel's papers from here.
        "on_panel": request.user.has_perm("assessment.view_panel_papers", cycle),
    }
    if participation is None:
        return render(request, "assessment/reality/claims.html", context)
    claims = selectors.reality_claims(participation, request.user)
    is_open = cycle.stage in REALITY_CHECK_STAGES  # type: ignore[attr-defined]
    bound: dict[int, RealityCheckForm] = {}
    if request.method == "POST":
        if not is_open:
            messages.error(
                request,
                f"Answers are closed: this cycle is at “{cycle.stage_label}”. "  # type: ignore[attr-defined]
                "Nothing was saved.",
            )
            return redirect("assessment:reality-checks", year=year)
        item = _posted_claim(request, claims, participation)
        if item is None:
            messages.error(request, "Choose one of the claims on this page to answer.")
            return redirect("assessment:reality-checks", year=year)
        form = _claim_form(item, request.POST)
        if form.is_valid():
            try:
                services.reality_check_answer(
                    item=item,
                    resident=request.user,
                    answer=form.cleaned_data["answer"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                comment = form.cleaned_data["comment"].strip()
                messages.success(
                    request,
                    f"Thank you: your answer on commitment {item.commitment.number} is saved."
                    + (
                        " The council will read your comment before anyone else sees it."
                        if comment
                        else ""
                    ),
                )
                url = reverse("assessment:reality-checks", kwargs={"year": year})
                return redirect(f"{url}#claim-{item.commitment.number}")
        bound[item.pk] = form
    context.update(
        {
            "participation": participation,
            "is_open": is_open,
            "claims": [(item, bound.get(item.pk) or _claim_form(item)) for item in claims],
            "has_errors": any(form.errors for form in bound.values()),
            "comment_statuses": CommentStatus,
        }
    )
    return render(request, "assessment/reality/claims.html", context)


def _posted_claim(
    request: HttpRequest, claims: list[AssessmentItem], participation: Participation
) -> AssessmentItem | None:
    """The claim a form was posted for: one of this page's, never another landlord's."""
    try:
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        return None
    for item in claims:
        if item.pk == item_id:
            return item
    other = AssessmentItem.objects.filter(pk=item_id).values_list("landlord_id", flat=True).first()
    if other is not None and other != participation.landlord_id:
        raise PermissionDenied
    return None


# ---------------------------------------------------------------------------------------------
# Council staff


@permission_required("assessment.record_session")
def reality_overview(request: HttpRequest, year: str) -> HttpResponse:
    """Per landlord: claims open to check, residents' answers, comments waiting, sessions."""
    cycle = cycle_of(request, year)
    return render(
        request,
        "assessment/reality/overview.html",
        {
            "cycle": cycle,
            "rows": selectors.reality_overview(cycle),
            "sessions": selectors.reality_sessions(cycle),
            "is_open": cycle.stage in REALITY_CHECK_STAGES,  # type: ignore[attr-defined]
            "may_record": cycle.stage not in (Stage.PREPARATION, *FROZEN),  # type: ignore[attr-defined]
            "answers": RealityAnswer.choices,
        },
    )


@permission_required("assessment.moderate_comments")
def reality_comments(request: HttpRequest, year: str) -> HttpResponse:
    """The council's queue of residents' comments: approve, or do not publish."""
    cycle = cycle_of(request, year)
    status = request.GET.get("status", CommentStatus.PENDING)
    if status not in CommentStatus.values:
        status = CommentStatus.PENDING
    if request.method == "POST":
        _moderate(request, cycle)
        url = reverse("assessment:reality-comments", kwargs={"year": year})
        return redirect(f"{url}?status={status}" if status != CommentStatus.PENDING else url)
    comments, counts = selectors.reality_comments(cycle, status=status)
    return render(
        request,
        "assessment/reality/comments.html",
        {
            "cycle": cycle,
            "comments": comments,
            "status": status,
            "tabs": [(value, label, counts[value]) for value, label in CommentStatus.choices],
            "may_moderate": cycle.stage not in FROZEN,  # type: ignore[attr-defined]
        },
    )


def _moderate(request: HttpRequest, cycle: Any) -> None:
    decision = request.POST.get("decision")
    try:
        check_id = int(request.POST.get("check", ""))
    except ValueError:
        check_id = 0
    check = (
        RealityCheck.objects.filter(pk=check_id, item__participation__cycle=cycle)
        .select_related("item__participation__cycle", "item__commitment", "item__landlord")
        .first()
    )
    if check is None:
        messages.error(request, "That comment was not found in this cycle. Nothing was changed.")
        return
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose approve or do not publish. Nothing was changed.")
        return
    try:
        services.reality_comment_moderate(
            check=check, by=request.user, approve=decision == "approve"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    where = f"{check.item.landlord.name}, commitment {check.item.commitment.number}"
    if decision == "approve":
        messages.success(request, f"Comment approved ({where}): the landlord can now read it.")
    else:
        messages.success(request, f"Comment kept unpublished ({where}): only the council sees it.")


@permission_required("assessment.record_session")
def reality_session_add(request: HttpRequest, year: str) -> HttpResponse:
    """Record an offline reality-check session with a landlord's residents."""
    cycle = cycle_of(request, year)
    form = SessionForm(
        request.POST or None,
        cycle=cycle,
        initial={"held_on": timezone.localdate(), "participation": request.GET.get("landlord")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.reality_session_record(
                participation=data["participation"],
                by=request.user,
                held_on=data["held_on"],
                residents_count=data["residents_count"],
                summary=data["summary"],
                commitments=data["commitments"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                f"The session with {session.residents_count} residents of "
                f"{data['participation'].landlord.name} on {_day(session.held_on)} is recorded.",
            )
            return redirect("assessment:reality-overview", year=year)
    return render(
        request,
        "assessment/reality/session_form.html",
        {"cycle": cycle, "form": form},
    )


def _day(day: datetime.date) -> str:
    return long_date(day)


@permission_required("assessment.reality_check", _own_landlord)
def reality_checks_current(request: HttpRequest) -> HttpResponse:
    """A stable address for residents (their account page links to it): the newest cycle open to
    answers, or else the newest cycle."""
    cycles = selectors.cycle_list()  # newest first
    chosen = next((c for c in cycles if c.stage in REALITY_CHECK_STAGES), None)  # type: ignore[attr-defined]
    chosen = chosen or (cycles[0] if cycles else None)
    if chosen is None:
        messages.info(
            request, "There is no charter assessment yet, so there are no claims to check."
        )
        return redirect("accounts:home")
    return redirect("assessment:reality-checks", year=chosen.reporting_year)
