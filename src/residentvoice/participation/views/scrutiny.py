"""Scrutiny pages: panels (public outline, private workspace), members, meetings, documents,
topic rounds and votes, reviews with their stages, recommendations, answers and progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from residentvoice.accounts.selectors import membership_of
from residentvoice.core.files.uploads import upload_response
from residentvoice.core.permissions import permission_required

from .. import forms, services
from ..models import (
    REVIEW_TRANSITIONS,
    DataRequest,
    Meeting,
    Panel,
    PanelDocument,
    PanelMember,
    Recommendation,
    ReportedKind,
    Review,
    TopicProposal,
    TopicRound,
)
from ..rules import review_moves_for
from ..selectors import scrutiny as selectors
from .pages import attempt, form_page


def _panel(request: HttpRequest, pk: int, **_: Any) -> Panel:
    return get_object_or_404(Panel.objects.select_related("landlord"), pk=pk)


def _member(request: HttpRequest, pk: int, **_: Any) -> PanelMember:
    return get_object_or_404(PanelMember.objects.select_related("panel", "user"), pk=pk)


def _meeting(request: HttpRequest, pk: int, **_: Any) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("panel__landlord"), pk=pk)


def _document(request: HttpRequest, pk: int, **_: Any) -> PanelDocument:
    return get_object_or_404(PanelDocument.objects.select_related("panel"), pk=pk)


def _round(request: HttpRequest, pk: int, **_: Any) -> TopicRound:
    return get_object_or_404(TopicRound.objects.select_related("panel__landlord", "chosen"), pk=pk)


def _proposal(request: HttpRequest, pk: int, **_: Any) -> TopicProposal:
    return get_object_or_404(TopicProposal.objects.select_related("round__panel"), pk=pk)


def _review(request: HttpRequest, pk: int, **_: Any) -> Review:
    return get_object_or_404(
        Review.objects.select_related("panel", "landlord", "current_stage"), pk=pk
    )


def _recommendation(request: HttpRequest, pk: int, **_: Any) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related(
            "review__panel", "review__landlord", "review__current_stage", "current_status"
        ),
        pk=pk,
    )


def _data_request(request: HttpRequest, pk: int, **_: Any) -> DataRequest:
    return get_object_or_404(DataRequest.objects.select_related("review__panel"), pk=pk)


# Panels -----------------------------------------------------------------------------------------


def panel_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/panel_list.html",
        {
            "panels": selectors.panels_public(),
            "reviews": selectors.reviews_public()[:20],
            "can_create": request.user.has_perm("participation.manage_panels"),
        },
    )


def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    private = request.user.has_perm("participation.view_panel_private", panel)
    return render(
        request,
        "participation/panel_detail.html",
        {
            "panel": panel,
            "private": private,
            "members": selectors.panel_members(panel) if private else None,
            "member_count": selectors.panel_members(panel).count(),
            "reviews": selectors.panel_reviews(panel),
            "rounds": selectors.panel_rounds(panel),
            "meetings": selectors.panel_meetings(panel)[:10] if private else None,
            "documents": selectors.panel_documents(panel)[:10] if private else None,
            "can_change": request.user.has_perm("participation.change_panel", panel),
            "can_run": request.user.has_perm("participation.run_panel", panel),
            "can_support": request.user.has_perm("participation.support_panel", panel),
            "can_open_round": request.user.has_perm("participation.open_round", panel),
            "can_view_rounds": request.user.has_perm("participation.view_round", panel),
        },
    )


@permission_required("participation.manage_panels")
def panel_create(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None
    assert membership.landlord is not None
    landlord = membership.landlord
    form = forms.PanelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        panel = attempt(
            form,
            lambda: services.panel_create(
                landlord=landlord,
                name=form.cleaned_data["name"],
                terms_of_reference=form.cleaned_data["terms_of_reference"],
            ),
        )
        if panel is not None:
            messages.success(request, "Panel set up. Now add its members.")
            return redirect("participation:panel-members", pk=panel.pk)
    return form_page(
        request,
        form,
        heading="Set up a scrutiny panel",
        caption=landlord.name,
        back=reverse("participation:panel-list"),
    )


@permission_required("participation.change_panel", _panel)
def panel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = forms.PanelForm(
        request.POST or None,
        initial={"name": panel.name, "terms_of_reference": panel.terms_of_reference},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.panel_update(
                panel=panel,
                name=form.cleaned_data["name"],
                terms_of_reference=form.cleaned_data["terms_of_reference"],
            ),
        )
    ):
        messages.success(request, "Saved.")
        return redirect(panel)
    return form_page(
        request, form, heading="Change the panel", caption=panel.name, back=panel.get_absolute_url()
    )


@permission_required("participation.change_panel", _panel)
def panel_members(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = forms.PanelMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if attempt(
            form,
            lambda: services.panel_member_add(
                panel=panel, user=user, role=form.cleaned_data["role"]
            ),
        ):
            messages.success(request, f"{user} joined the panel.")
            return redirect("participation:panel-members", pk=panel.pk)
    return render(
        request,
        "participation/panel_members.html",
        {"panel": panel, "members": selectors.panel_members(panel), "form": form},
    )


@permission_required("participation.change_panel", _member)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = forms.MemberRoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            services.panel_member_remove(member=member)
            messages.success(request, f"{member.user or 'The member'} has left the panel.")
            return redirect("participation:panel-members", pk=member.panel_id)
        if form.is_valid() and attempt(
            form,
            lambda: services.panel_member_role_set(member=member, role=form.cleaned_data["role"]),
        ):
            messages.success(request, "Role changed.")
            return redirect("participation:panel-members", pk=member.panel_id)
    return render(request, "participation/member_edit.html", {"member": member, "form": form})


# Meetings and documents -------------------------------------------------------------------------


@permission_required("participation.support_panel", _panel)
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = attempt(
            form,
            lambda: services.meeting_create(
                panel=panel,
                title=form.cleaned_data["title"],
                held_at=form.held_at(),
                place=form.cleaned_data["place"],
                agenda=form.cleaned_data["agenda"],
            ),
        )
        if meeting is not None:
            messages.success(request, "Meeting added; the panel's members have been told.")
            return redirect("participation:meeting-detail", pk=meeting.pk)
    return form_page(
        request, form, heading="Add a meeting", caption=panel.name, back=panel.get_absolute_url()
    )


@permission_required("participation.view_panel_private", _meeting)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(
        request,
        "participation/meeting_detail.html",
        {
            "meeting": meeting,
            "attendance": selectors.meeting_attendance(meeting),
            "can_support": request.user.has_perm("participation.support_panel", meeting),
        },
    )


@permission_required("participation.support_panel", _meeting)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    members = [member for member, _ in selectors.meeting_attendance(meeting)]
    initial: dict[str, Any] = {
        "title": meeting.title,
        # In the site's time zone, which the form reads the answer back in (not the server's).
        "held_on": timezone.localtime(meeting.held_at).date(),
        "held_time": timezone.localtime(meeting.held_at).time(),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
    }
    initial.update(
        {
            f"attendance_{member.pk}": status
            for member, status in selectors.meeting_attendance(meeting)
        }
    )
    form = forms.MeetingRecordForm(request.POST or None, initial=initial, members=members)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.meeting_update(
                meeting=meeting,
                title=form.cleaned_data["title"],
                held_at=form.held_at(),
                place=form.cleaned_data["place"],
                agenda=form.cleaned_data["agenda"],
                minutes=form.cleaned_data["minutes"],
                attendance=form.attendance(),
            ),
        )
    ):
        messages.success(request, "Meeting record saved.")
        return redirect("participation:meeting-detail", pk=meeting.pk)
    return form_page(
        request,
        form,
        heading="Agenda, minutes and attendance",
        caption=str(meeting),
        back=reverse("participation:meeting-detail", args=[meeting.pk]),
    )


@permission_required("participation.view_panel_private", _panel)
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    return render(
        request,
        "participation/document_list.html",
        {
            "panel": panel,
            "documents": selectors.panel_documents(panel),
            "can_support": request.user.has_perm("participation.support_panel", panel),
        },
    )


@permission_required("participation.support_panel", _panel)
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    reviews = list(panel.reviews.all())
    form = forms.PanelDocumentForm(request.POST or None, request.FILES or None, reviews=reviews)
    if request.method == "POST" and form.is_valid():
        review = next((r for r in reviews if r.pk == form.cleaned_data["review"]), None)
        if attempt(
            form,
            lambda: services.panel_document_add(
                panel=panel,
                uploaded_by=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                notes=form.cleaned_data["notes"],
                review=review,
            ),
        ):
            messages.success(request, "Added. Only the panel and the landlord's staff can see it.")
            return redirect("participation:document-list", pk=panel.pk)
    return form_page(
        request,
        form,
        heading="Add a private document or notes",
        caption=panel.name,
        intro="Only the panel's members and the landlord's staff can open these.",
        back=reverse("participation:document-list", args=[panel.pk]),
        multipart=True,
    )


@permission_required("participation.view_panel_private", _document)
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if not document.file or request.GET.get("file") != "1":
        return render(request, "participation/document_notes.html", {"document": document})
    return upload_response(document.file)


# Topics -------------------------------------------------------------------------------------------


@permission_required("participation.open_round", _panel)
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = forms.TopicRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topic_round = attempt(
            form,
            lambda: services.topic_round_open(
                panel=panel,
                title=form.cleaned_data["title"],
                closes_at=forms.end_of(form.cleaned_data["closes_on"]),
            ),
        )
        if topic_round is not None:
            messages.success(request, "Round opened; the landlord's residents have been told.")
            return redirect("participation:round-detail", pk=topic_round.pk)
    return form_page(
        request,
        form,
        heading="Ask residents for topics",
        caption=panel.name,
        intro="Every verified resident of the landlord can propose topics and has one vote.",
        back=panel.get_absolute_url(),
    )


@permission_required("participation.view_round", _round)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic_round = _round(request, pk)
    return render(
        request,
        "participation/round_detail.html",
        {
            "round": topic_round,
            "proposals": selectors.round_proposals(topic_round),
            "my_vote": selectors.vote_of(topic_round, request.user),
            "is_open": topic_round.decided_at is None and topic_round.closes_at > timezone.now(),
            "can_take_part": request.user.has_perm("participation.take_part_in_round", topic_round),
            "can_decide": request.user.has_perm("participation.decide_round", topic_round),
            "report_kind": ReportedKind.TOPIC,
        },
    )


@permission_required("participation.take_part_in_round", _round)
def topic_propose(request: HttpRequest, pk: int) -> HttpResponse:
    topic_round = _round(request, pk)
    form = forms.TopicProposalForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.topic_propose(
                round=topic_round,
                user=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            ),
        )
    ):
        messages.success(request, "Your topic is added. Residents can now vote for it.")
        return redirect("participation:round-detail", pk=topic_round.pk)
    return form_page(
        request,
        form,
        heading="Suggest a topic",
        caption=topic_round.title,
        intro="Your suggestion is shown to the landlord's residents without your name.",
        back=reverse("participation:round-detail", args=[topic_round.pk]),
        submit="Suggest",
    )


@permission_required("participation.take_part_in_round", _proposal)
@require_POST
def topic_vote(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    try:
        services.topic_vote(proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Your vote for “{proposal.title}” is counted.")
    return redirect("participation:round-detail", pk=proposal.round_id)


@permission_required("participation.decide_round", _round)
def round_decide(request: HttpRequest, pk: int) -> HttpResponse:
    topic_round = _round(request, pk)
    proposals = selectors.round_proposals(topic_round)
    form = forms.RoundDecisionForm(request.POST or None, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        chosen = next((p for p in proposals if p.pk == form.cleaned_data["proposal"]), None)
        review = (
            attempt(
                form,
                lambda: services.topic_round_decide(
                    round=topic_round,
                    proposal=chosen,
                    decided_by=request.user,
                    note=form.cleaned_data["note"],
                    review_type=form.cleaned_data["review_type"],
                ),
            )
            if chosen is not None
            else None
        )
        if review is not None:
            messages.success(
                request, "Topic chosen and the review started. Everyone who took part is told."
            )
            return redirect(review)
    return form_page(
        request,
        form,
        heading="Choose the topic",
        caption=topic_round.title,
        back=reverse("participation:round-detail", args=[topic_round.pk]),
        submit="Choose and start the review",
    )


# Reviews --------------------------------------------------------------------------------


@permission_required("participation.run_panel", _panel)
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = attempt(
            form,
            lambda: services.review_create(
                panel=panel,
                title=form.cleaned_data["title"],
                review_type=form.cleaned_data["review_type"],
                scope=form.cleaned_data["scope"],
                started_by=request.user,
            ),
        )
        if review is not None:
            messages.success(request, "Review started at scoping.")
            return redirect(review)
    return form_page(
        request, form, heading="Start a review", caption=panel.name, back=panel.get_absolute_url()
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_page(pk)
    if review is None:
        raise Http404("No such review")
    private = request.user.has_perm("participation.view_panel_private", review)
    return render(
        request,
        "participation/review_detail.html",
        {
            "review": review,
            "private": private,
            "show_recommendations": review.is_public or private,
            "recommendations": list(review.recommendations.all()),
            "stages": list(review.stage_changes.all()),
            "data_requests": list(review.data_requests.all()) if private else [],
            "documents": review.documents.select_related("uploaded_by") if private else [],
            "can_move": bool(review_moves_for(request.user, review)),
            "can_run": request.user.has_perm("participation.run_panel", review),
            "can_support": request.user.has_perm("participation.support_panel", review),
            "is_member": request.user.has_perm("participation.write_recommendations", review),
            "is_landlord": request.user.has_perm("participation.answer_recommendations", review),
            "report_kind": ReportedKind.REGISTER_ENTRY,
            "today": timezone.localdate(),
        },
    )


@permission_required("participation.run_panel", _review)
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = forms.ReviewEditForm(
        request.POST or None,
        initial={
            "title": review.title,
            "review_type": review.review_type,
            "scope": review.scope,
            "report_summary": review.report_summary,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.review_update(
                review=review,
                title=form.cleaned_data["title"],
                scope=form.cleaned_data["scope"],
                review_type=form.cleaned_data["review_type"],
                report_summary=form.cleaned_data["report_summary"],
            ),
        )
    ):
        messages.success(request, "Saved.")
        return redirect(review)
    return form_page(
        request,
        form,
        heading="Scope and report",
        caption=review.title,
        back=review.get_absolute_url(),
    )


@permission_required("participation.move_review", _review)
def review_stage(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    stages = review_moves_for(request.user, review)
    if not stages:
        messages.info(
            request,
            "This review is finished."
            if not REVIEW_TRANSITIONS.get(review.stage)
            else "The panel moves this review on.",
        )
        return redirect(review)
    form = forms.StageForm(request.POST or None, stages=stages)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.review_stage_move(
                review=review,
                stage=form.cleaned_data["stage"],
                moved_by=request.user,
                note=form.cleaned_data["note"],
                answer_due_on=form.cleaned_data["answer_due_on"],
                report_back=form.cleaned_data["report_back"],
            ),
        )
    ):
        messages.success(request, "The review has moved on; everyone taking part is told.")
        return redirect(review)
    return form_page(
        request,
        form,
        heading="Move the review on",
        caption=f"{review.title}: now “{review.stage_label}”",
        back=review.get_absolute_url(),
        submit="Move",
    )


@permission_required("participation.write_recommendations", _review)
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = forms.RecommendationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, lambda: services.recommendation_add(review=review, text=form.cleaned_data["text"])
        )
    ):
        messages.success(request, "Recommendation added.")
        return redirect(review)
    return form_page(
        request,
        form,
        heading="Add a recommendation",
        caption=review.title,
        back=review.get_absolute_url(),
    )


@permission_required("participation.write_recommendations", _recommendation)
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    form = forms.RecommendationForm(request.POST or None, initial={"text": recommendation.text})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.recommendation_update(
                recommendation=recommendation, text=form.cleaned_data["text"]
            ),
        )
    ):
        messages.success(request, "Saved.")
        return redirect(recommendation.get_absolute_url())
    return form_page(
        request,
        form,
        heading=f"Change recommendation {recommendation.number}",
        caption=recommendation.review.title,
        back=recommendation.review.get_absolute_url(),
    )


@permission_required("participation.answer_recommendations", _recommendation)
def recommendation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    form = forms.RecommendationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.recommendation_answer(
                recommendation=recommendation,
                answered_by=request.user,
                answer=data["answer"],
                reason=data["reason"],
                owner=data["owner"],
                due_on=data["due_on"],
            ),
        ):
            messages.success(request, "Answer published; the panel and residents are told.")
            return redirect(recommendation.get_absolute_url())
    return form_page(
        request,
        form,
        heading=f"Answer recommendation {recommendation.number}",
        caption=recommendation.review.title,
        intro=recommendation.text,
        back=recommendation.review.get_absolute_url(),
        submit="Publish the answer",
    )


@permission_required("participation.answer_recommendations", _recommendation)
def recommendation_progress(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    form = forms.ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.action_progress_add(
                recommendation=recommendation,
                added_by=request.user,
                percent=data["percent"],
                milestone=data["milestone"],
                note=data["note"],
            ),
        ):
            messages.success(request, "Progress recorded.")
            return redirect(recommendation.get_absolute_url())
    return form_page(
        request,
        form,
        heading=f"Progress on recommendation {recommendation.number}",
        caption=recommendation.review.title,
        intro="100% marks the action done. The panel can challenge that if it is not.",
        back=recommendation.review.get_absolute_url(),
    )


@permission_required("participation.challenge_recommendation", _recommendation)
def recommendation_challenge(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    form = forms.ChallengeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.recommendation_challenge(
                recommendation=recommendation,
                challenged_by=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
    ):
        messages.success(request, "Challenge recorded: the action is reopened.")
        return redirect(recommendation.get_absolute_url())
    return form_page(
        request,
        form,
        heading=f"Challenge: recommendation {recommendation.number} is not done",
        caption=recommendation.review.title,
        back=recommendation.review.get_absolute_url(),
        submit="Reopen it",
    )


@permission_required("participation.write_recommendations", _review)
def data_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = forms.DataRequestForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.data_request_create(
                review=review,
                question=form.cleaned_data["question"],
                due_on=form.cleaned_data["due_on"],
                asked_by=request.user,
            ),
        )
    ):
        messages.success(request, "Request sent to the landlord.")
        return redirect(review)
    return form_page(
        request,
        form,
        heading="Ask the landlord for information",
        caption=review.title,
        back=review.get_absolute_url(),
        submit="Send",
    )


@permission_required("participation.answer_recommendations", _data_request)
def data_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _data_request(request, pk)
    form = forms.DataAnswerForm(request.POST or None, initial={"answer": data_request.answer})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.data_request_answer(
                request=data_request, answer=form.cleaned_data["answer"], answered_by=request.user
            ),
        )
    ):
        messages.success(request, "Answer sent to the panel.")
        return redirect(data_request.review)
    return form_page(
        request,
        form,
        heading="Answer the panel's request",
        caption=data_request.review.title,
        intro=data_request.question,
        back=data_request.review.get_absolute_url(),
        submit="Send",
    )


@permission_required("participation.view_overdue")
def overdue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "participation/overdue.html", {"items": selectors.overdue_for(request.user)}
    )
