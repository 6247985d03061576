"""One landlord's assessment of one commitment: the page that shows it to each role, and the forms
each role uses in its stage (self-assessment, evidence, actions, review, evidence requests,
reply, moderation, reopening), plus the item's timeline and evidence downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from residentvoice.core.files.uploads import upload_response
from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from .. import forms, selectors, services
from ..models import STAGE_ORDER, AssessmentItem, ImprovementAction, Stage
from .lookups import evidence_of, item_of


def _version(item: AssessmentItem) -> dict[str, Any]:
    return {"version": item.version}


def _self_initial(item: AssessmentItem) -> dict[str, Any]:
    initial = {
        **_version(item),
        "rating": item.self_rating_id,
        "not_applicable": item.self_not_applicable,
        "not_applicable_reason": item.not_applicable_reason,
        "what_we_do": item.what_we_do,
        "how_residents_involved": item.how_residents_involved,
    }
    for row in item.criteria.all():
        initial[f"criterion_{row.criterion_id}"] = row.rating_id
        initial[f"criterion_{row.criterion_id}_note"] = row.note
    return initial


def _candidates(item: AssessmentItem) -> list[dict[str, Any]]:
    """The landlord's own consultations, reviews and register entries it may cite as evidence."""
    from residentvoice.participation.selectors import evidence_candidates

    return evidence_candidates(landlord=item.landlord)


def _reopen_stages(item: AssessmentItem, current: str) -> list[str]:
    if current in services.FROZEN_STAGES:
        return []  # frozen: move the cycle back to moderation first
    return [s for s in STAGE_ORDER[1:5] if STAGE_ORDER.index(s) <= STAGE_ORDER.index(current)]


def _item_page(request: HttpRequest, item: AssessmentItem, **bound: Any) -> HttpResponse:
    """Render the item for this person; `bound` replaces a blank form with the one just posted."""
    user = request.user
    cycle = item.participation.cycle
    stage = cycle.stage  # type: ignore[attr-defined]
    private = user.has_perm("assessment.view_private_notes")
    may = {
        "self_assess": user.has_perm("assessment.self_assess", item)
        and services.self_assessment_open(item),
        "add_evidence": user.has_perm("assessment.self_assess", item)
        and (
            services.self_assessment_open(item)
            or (
                services.stage_allows(item, Stage.COUNCIL_REVIEW)
                and item.evidence_requests.filter(answered_at__isnull=True).exists()
            )
        ),
        "add_action": user.has_perm("assessment.self_assess", item)
        and (
            services.self_assessment_open(item) or services.stage_allows(item, Stage.RIGHT_OF_REPLY)
        ),
        "review": user.has_perm("assessment.review", item)
        and services.stage_allows(item, Stage.COUNCIL_REVIEW),
        "reply": user.has_perm("assessment.reply", item)
        and services.stage_allows(item, Stage.RIGHT_OF_REPLY)
        and item.reviewed_at is not None,
        "moderate": user.has_perm("assessment.moderate", item)
        and services.stage_allows(item, Stage.MODERATION),
        "reopen": user.has_perm("assessment.reopen_item", item)
        and bool(_reopen_stages(item, stage)),
        "see_private": private,
    }
    # After sign-off the self-assessment's evidence stays; in the right of reply only the
    # reply's own evidence can be withdrawn.
    may["remove_evidence"] = may["self_assess"]
    may["remove_reply_evidence"] = user.has_perm(
        "assessment.reply", item
    ) and services.stage_allows(item, Stage.RIGHT_OF_REPLY)
    may["update_actions"] = user.has_perm("assessment.self_assess", item) and services.stage_allows(
        item, Stage.SELF_ASSESSMENT, Stage.COUNCIL_REVIEW, Stage.RIGHT_OF_REPLY, Stage.MODERATION
    )
    blank: dict[str, Callable[[], Any]] = {
        "self_form": lambda: forms.SelfAssessmentForm(
            item=item, initial=_self_initial(item), prefix="self"
        ),
        "evidence_form": lambda: forms.EvidenceForm(
            prefix="evidence", candidates=_candidates(item)
        ),
        "reply_evidence_form": lambda: forms.EvidenceForm(prefix="reply-evidence"),
        "action_form": lambda: forms.ActionForm(prefix="action"),
        "review_form": lambda: forms.ReviewForm(
            item=item,
            prefix="review",
            initial={
                **_version(item),
                "rating": item.council_rating_id or item.self_rating_id,
                "feedback": item.council_feedback,
                "private_notes": item.council_private_notes,
            },
        ),
        "request_form": lambda: forms.EvidenceRequestForm(prefix="request"),
        "reply_form": lambda: forms.ReplyForm(
            prefix="reply",
            initial={
                **_version(item),
                "position": item.reply_position,
                "reason": item.reply_reason,
                # what the person typed before adding evidence, until the reply is saved
                **_reply_draft(request, item),
            },
        ),
        "moderation_form": lambda: forms.ModerationForm(
            item=item,
            prefix="moderate",
            initial={
                **_version(item),
                "rating": item.final_rating_id or item.council_rating_id,
                "not_applicable": item.final_not_applicable,
                "rationale": item.final_rationale,
            },
        ),
        "reopen_form": lambda: forms.ReopenForm(
            prefix="reopen", stages=_reopen_stages(item, stage)
        ),
    }
    needed = {
        "self_form": may["self_assess"],
        "evidence_form": may["add_evidence"],
        "reply_evidence_form": may["reply"],
        "action_form": may["add_action"],
        "review_form": may["review"],
        "request_form": may["review"],
        "reply_form": may["reply"],
        "moderation_form": may["moderate"],
        "reopen_form": may["reopen"],
    }
    context: dict[str, Any] = {
        name: bound[name] if name in bound else make()
        for name, make in blank.items()
        if needed[name] or name in bound
    }
    detail = selectors.item_detail(item, private=private, user=user)
    context.update(
        {
            "cycle": cycle,
            "participation": item.participation,
            "item": item,
            "detail": detail,
            "may": may,
            "stale": bound.get("stale"),
            "has_errors": any(
                getattr(form, "errors", None)
                for name, form in bound.items()
                if name.endswith("form")
            ),
            "status": bound.get("status", 200),
        }
    )
    return render(request, "assessment/item.html", context, status=context["status"])


@permission_required("assessment.view_item", item_of)
def item(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    return _item_page(request, item_of(request, year, slug, number))


def _item_url(item: AssessmentItem) -> str:
    return reverse(
        "assessment:item",
        kwargs={
            "year": item.participation.cycle.reporting_year,
            "slug": item.landlord.slug,
            "number": item.commitment.number,
        },
    )


def _saved(request: HttpRequest, item: AssessmentItem, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{_item_url(item)}#{anchor}")


def _versioned_post(
    request: HttpRequest,
    item: AssessmentItem,
    *,
    make_form: Callable[[Any, AssessmentItem], Any],
    name: str,
    save: Callable[[Any], AssessmentItem],
    message: str,
    anchor: str,
) -> HttpResponse:
    """Validate, save through the service, and on a clash show the newer version with the
    person's own text kept in the form (its version moves on, so a second save is deliberate)."""
    form = make_form(request.POST, item)
    if form.is_valid():
        try:
            save(form)
        except services.StaleItemError as clash:
            current = clash.current
            current.participation = item.participation  # the copy that knows its stage
            data = request.POST.copy()
            data[f"{form.prefix}-version"] = str(current.version)
            form = make_form(data, current)
            form.is_valid()
            form.add_error(None, clash.messages[0])
            return _item_page(request, current, **{name: form, "stale": True, "status": 409})
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _saved(request, item, message, anchor)
    return _item_page(request, item, **{name: form})


def _versioned_view(
    perm: str,
    *,
    make_form: Callable[[Any, AssessmentItem], Any],
    name: str,
    save: Callable[[HttpRequest, AssessmentItem, Any], AssessmentItem],
    message: str,
    anchor: str,
) -> Callable[..., HttpResponse]:
    """A POST-only view that saves one stage's answer on an item through its service."""

    @require_POST
    @permission_required(perm, item_of)
    def view(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
        found = item_of(request, year, slug, number)
        return _versioned_post(
            request,
            found,
            make_form=make_form,
            name=name,
            save=lambda form: save(request, found, form),
            message=message,
            anchor=anchor,
        )

    return view


item_self = _versioned_view(
    "assessment.self_assess",
    make_form=lambda data, item: forms.SelfAssessmentForm(data, item=item, prefix="self"),
    name="self_form",
    save=lambda request, item, form: services.item_self_assess(
        item=item,
        version=form.cleaned_data["version"],
        rating=form.cleaned_data.get("rating"),
        not_applicable=form.cleaned_data.get("not_applicable", False),
        not_applicable_reason=form.cleaned_data.get("not_applicable_reason", ""),
        what_we_do=form.cleaned_data.get("what_we_do", ""),
        how_residents_involved=form.cleaned_data.get("how_residents_involved", ""),
        criteria=form.criteria_values(),
    ),
    message="Your draft is saved.",
    anchor="self-assessment",
)

item_review = _versioned_view(
    "assessment.review",
    make_form=lambda data, item: forms.ReviewForm(data, item=item, prefix="review"),
    name="review_form",
    save=lambda request, item, form: services.item_review(
        item=item,
        by=request.user,
        version=form.cleaned_data["version"],
        rating=form.cleaned_data.get("rating"),
        feedback=form.cleaned_data.get("feedback", ""),
        private_notes=form.cleaned_data.get("private_notes", ""),
    ),
    message="Your review is saved.",
    anchor="review",
)

item_moderate = _versioned_view(
    "assessment.moderate",
    make_form=lambda data, item: forms.ModerationForm(data, item=item, prefix="moderate"),
    name="moderation_form",
    save=lambda request, item, form: services.item_moderate(
        item=item,
        by=request.user,
        version=form.cleaned_data["version"],
        rating=form.cleaned_data.get("rating"),
        not_applicable=form.cleaned_data.get("not_applicable", False),
        rationale=form.cleaned_data.get("rationale", ""),
    ),
    message="The final rating is saved.",
    anchor="moderation",
)


def _simple_post(
    request: HttpRequest,
    found: AssessmentItem,
    *,
    form: django_forms.Form,
    name: str,
    save: Callable[[dict[str, Any]], Any],
    message: str,
    anchor: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _saved(request, found, message, anchor)
    return _item_page(request, found, **{name: form})


# The right of reply: one form holds the reply and the evidence given with it, so a landlord can
# add evidence (one piece at a time) before saving a disagreement without losing what it typed.

REPLY_DRAFTS = "assessment-reply-drafts"
EVIDENCE_FIELDS = {"title", "file", "url", "page", "excerpt", "is_public", "from_site"}


def _reply_draft(request: HttpRequest, item: AssessmentItem) -> dict[str, str]:
    return dict(request.session.get(REPLY_DRAFTS, {}).get(str(item.pk), {}))


def _reply_draft_keep(request: HttpRequest, item: AssessmentItem, typed: dict[str, str]) -> None:
    drafts = dict(request.session.get(REPLY_DRAFTS, {}))
    drafts[str(item.pk)] = typed
    request.session[REPLY_DRAFTS] = drafts


def _reply_draft_drop(request: HttpRequest, item: AssessmentItem) -> None:
    drafts = dict(request.session.get(REPLY_DRAFTS, {}))
    if drafts.pop(str(item.pk), None) is not None:
        request.session[REPLY_DRAFTS] = drafts


def _reply_errors(reply_form: Any, evidence_form: Any, error: ValidationError) -> None:
    """Put a refusal beside the fields it concerns: the evidence's on the evidence form, the
    missing-evidence refusal on its file field, everything else on the reply form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form = evidence_form if field in EVIDENCE_FIELDS else reply_form
            form_errors_from(form, ValidationError({field: errors}))
    elif error.code == "reply_evidence":
        evidence_form.add_error("file", error.messages[0])
    else:
        form_errors_from(reply_form, error)


@require_POST
@permission_required("assessment.reply", item_of)
def item_reply(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    """Save the reply, or (with "Add this evidence") add one piece of evidence to it and come
    back to the form with what was typed kept."""
    found = item_of(request, year, slug, number)
    reply_form = forms.ReplyForm(request.POST, prefix="reply")
    # Left empty, the evidence part is skipped rather than refused.
    evidence_form = forms.EvidenceForm(
        request.POST,
        request.FILES,
        prefix="reply-evidence",
        empty_permitted=True,
        use_required_attribute=False,
    )
    given = evidence_form.has_changed()
    typed = {
        "position": request.POST.get("reply-position", ""),
        "reason": request.POST.get("reply-reason", ""),
    }

    def again(**bound: Any) -> HttpResponse:
        return _item_page(request, found, reply_evidence_form=evidence_form, **bound)

    if request.POST.get("reply-action") == "evidence":
        # Only the evidence is saved: the reply form is shown again unbound, as typed.
        unsaved = forms.ReplyForm(prefix="reply", initial={**_version(found), **typed})
        if not given:
            evidence_form.add_error(
                "title", "Give the evidence a title, and upload a file or give a web address."
            )
            return again(reply_form=unsaved)
        if not evidence_form.is_valid():
            return again(reply_form=unsaved)
        evidence = evidence_form.evidence_given()
        try:
            services.evidence_add(
                item=found, by=request.user, for_reply=True, **evidence.as_arguments()
            )
        except ValidationError as error:
            form_errors_from(evidence_form, error)
            return again(reply_form=unsaved)
        _reply_draft_keep(request, found, typed)
        messages.success(
            request,
            f"“{evidence.title}” is added to your reply. Your reply itself is not saved yet: "
            "press “Save the reply” when it is ready.",
        )
        return redirect(f"{_item_url(found)}#reply")

    reply_ok = reply_form.is_valid()
    if not (evidence_form.is_valid() and reply_ok):
        return again(reply_form=reply_form)
    try:
        services.item_reply(
            item=found,
            by=request.user,
            version=reply_form.cleaned_data["version"],
            position=reply_form.cleaned_data["position"],
            reason=reply_form.cleaned_data.get("reason", ""),
            evidence=evidence_form.evidence_given() if given else None,
        )
    except services.StaleItemError as clash:
        current = clash.current
        current.participation = found.participation  # the copy that knows its stage
        data = request.POST.copy()
        data["reply-version"] = str(current.version)
        reply_form = forms.ReplyForm(data, prefix="reply")
        reply_form.is_valid()
        reply_form.add_error(None, clash.messages[0])
        return _item_page(
            request,
            current,
            reply_form=reply_form,
            reply_evidence_form=evidence_form,
            stale=True,
            status=409,
        )
    except ValidationError as error:
        _reply_errors(reply_form, evidence_form, error)
        return again(reply_form=reply_form)
    _reply_draft_drop(request, found)
    return _saved(request, found, "Your reply is saved and the council has been told.", "reply")


@require_POST
@permission_required("assessment.self_assess", item_of)
def evidence_add(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    """Evidence for the self-assessment (the reply's evidence is given on the reply's form)."""
    found = item_of(request, year, slug, number)
    form = forms.EvidenceForm(
        request.POST, request.FILES, prefix="evidence", candidates=_candidates(found)
    )

    def save(data: dict[str, Any]) -> Any:
        return services.evidence_add(
            item=found, by=request.user, **form.evidence_given().as_arguments()
        )

    return _simple_post(
        request,
        found,
        form=form,
        name="evidence_form",
        save=save,
        message="The evidence is added.",
        anchor="evidence",
    )


@permission_required("assessment.view_evidence_file", item_of)
def evidence_file(request: HttpRequest, year: str, slug: str, number: int, pk: int) -> HttpResponse:
    evidence = evidence_of(request, year, slug, number, pk)
    if not evidence.is_public and not request.user.has_perm("assessment.view_item", evidence.item):
        raise Http404("There is no such evidence")  # residents see public evidence only
    if not evidence.file:
        raise Http404("That evidence is a link, not a file")
    return upload_response(evidence.file, content_type=evidence.content_type)


@require_POST
@permission_required("assessment.self_assess", item_of)
def evidence_remove(
    request: HttpRequest, year: str, slug: str, number: int, pk: int
) -> HttpResponse:
    found = item_of(request, year, slug, number)
    evidence = evidence_of(request, year, slug, number, pk)
    try:
        services.evidence_remove(evidence=evidence)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(_item_url(found) + "#evidence")
    return _saved(request, found, f"“{evidence.title}” is removed.", "evidence")


@require_POST
@permission_required("assessment.self_assess", item_of)
def action_add(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    found = item_of(request, year, slug, number)
    form = forms.ActionForm(request.POST, prefix="action")

    def save(data: dict[str, Any]) -> Any:
        return services.action_add(
            item=found,
            description=data["description"],
            owner=data["owner"],
            target_date=data["target_date"],
        )

    return _simple_post(
        request,
        found,
        form=form,
        name="action_form",
        save=save,
        message="The improvement action is added.",
        anchor="actions",
    )


@require_POST
@permission_required("assessment.self_assess", item_of)
def action_update(request: HttpRequest, year: str, slug: str, number: int, pk: int) -> HttpResponse:
    found = item_of(request, year, slug, number)
    action = get_object_or_404(ImprovementAction, pk=pk, item=found)
    action.item = found
    form = forms.ActionStatusForm(request.POST, prefix=f"action-{pk}")
    if form.is_valid():
        try:
            services.action_update(action=action, status=form.cleaned_data["status"])
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            return _saved(request, found, "The action's progress is saved.", "actions")
    else:
        messages.error(request, "Choose planned, in progress or done.")
    return redirect(_item_url(found) + "#actions")


@require_POST
@permission_required("assessment.review", item_of)
def evidence_request(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    found = item_of(request, year, slug, number)
    form = forms.EvidenceRequestForm(request.POST, prefix="request")

    def save(data: dict[str, Any]) -> Any:
        return services.evidence_request_create(
            item=found, by=request.user, message=data["message"], due_on=data["due_on"]
        )

    return _simple_post(
        request,
        found,
        form=form,
        name="request_form",
        save=save,
        message="The landlord has been asked for more evidence.",
        anchor="review",
    )


@require_POST
@permission_required("assessment.reopen_item", item_of)
def item_reopen(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    found = item_of(request, year, slug, number)
    stages = _reopen_stages(found, found.participation.cycle.stage)  # type: ignore[attr-defined]
    form = forms.ReopenForm(request.POST, prefix="reopen", stages=stages)

    def save(data: dict[str, Any]) -> Any:
        return services.item_reopen(item=found, stage=data["stage"], reason=data["reason"])

    return _simple_post(
        request,
        found,
        form=form,
        name="reopen_form",
        save=save,
        message="The commitment is reopened.",
        anchor="reopen",
    )


@permission_required("assessment.view_item", item_of)
def item_timeline(request: HttpRequest, year: str, slug: str, number: int) -> HttpResponse:
    found = item_of(request, year, slug, number)
    private = request.user.has_perm("assessment.view_private_notes")
    return render(
        request,
        "assessment/timeline.html",
        {
            "cycle": found.participation.cycle,
            "participation": found.participation,
            "item": found,
            "events": selectors.item_timeline(found, private=private),
        },
    )
