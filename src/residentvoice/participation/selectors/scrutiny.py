"""Reads about scrutiny: panels, membership, rounds with their vote counts, reviews with their
recommendations, and what is overdue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES
from residentvoice.accounts.selectors import membership_of

from ..models import (
    ActionUpdate,
    DataRequest,
    Meeting,
    Panel,
    PanelDocument,
    PanelMember,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    Review,
    ReviewStage,
    ReviewStageChange,
    TopicProposal,
    TopicRound,
    TopicVote,
)


def panel_member_of(panel: Any, user: Any) -> PanelMember | None:
    """The person's current place on the panel, cached on the user for the request."""
    if user is None or not user.is_authenticated:
        return None
    cache: dict[int, PanelMember | None] = user.__dict__.setdefault("_rv_panel_members", {})
    panel_id = panel if isinstance(panel, int) else panel.pk
    if panel_id not in cache:
        cache[panel_id] = PanelMember.objects.filter(
            panel_id=panel_id, user=user, left_on__isnull=True
        ).first()
    return cache[panel_id]


def panels_public() -> QuerySet[Panel]:
    return (
        Panel.objects.select_related("landlord")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            review_count=Count("reviews", distinct=True),
        )
        .order_by("landlord__name", "name")
    )


def panels_of_user(user: Any) -> QuerySet[Panel]:
    return Panel.objects.filter(members__user=user, members__left_on__isnull=True).select_related(
        "landlord"
    )


def panel_members(panel: Panel) -> QuerySet[PanelMember]:
    return panel.members.filter(left_on__isnull=True).select_related("user")


def panel_reviews(panel: Panel) -> QuerySet[Review]:
    return panel.reviews.select_related("current_stage").annotate(
        recommendation_count=Count("recommendations")
    )


def panel_meetings(panel: Panel) -> QuerySet[Meeting]:
    return panel.meetings.all()


def panel_documents(panel: Panel) -> QuerySet[PanelDocument]:
    return panel.documents.select_related("uploaded_by", "review")


def panel_rounds(panel: Panel) -> QuerySet[TopicRound]:
    return panel.topic_rounds.select_related("chosen")


def meeting_attendance(meeting: Meeting) -> list[tuple[PanelMember, str]]:
    """Every member on the panel at the time, with what was recorded for them ('' if nothing)."""
    recorded = dict(meeting.attendance.values_list("member_id", "status"))
    held_on = timezone.localdate(meeting.held_at)
    members = (
        meeting.panel.members.filter(joined_on__lte=held_on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=held_on))
        .select_related("user")
    )
    return [(member, recorded.get(member.pk, "")) for member in members]


def round_proposals(topic_round: TopicRound) -> list[TopicProposal]:
    """Proposals with their votes, most voted first; hidden ones left out."""
    return list(
        topic_round.proposals.filter(is_hidden=False)
        .annotate(vote_count=Count("votes"))
        .order_by("-vote_count", "created_at", "pk")
    )


def vote_of(topic_round: TopicRound, user: Any) -> TopicVote | None:
    if user is None or not user.is_authenticated:
        return None
    return TopicVote.objects.filter(round=topic_round, voter=user).first()


def review_page(review_id: int) -> Review | None:
    """A review with everything its page shows, in a fixed number of queries."""
    return (
        Review.objects.select_related("panel", "landlord", "current_stage", "topic")
        .prefetch_related(
            Prefetch(
                "stage_changes",
                queryset=ReviewStageChange.objects.select_related("changed_by"),
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("current_status").prefetch_related(
                    Prefetch(
                        "status_changes",
                        queryset=RecommendationStatusChange.objects.order_by("changed_at", "pk"),
                    ),
                    Prefetch("updates", queryset=ActionUpdate.objects.order_by("added_at", "pk")),
                ),
            ),
            Prefetch("data_requests", queryset=DataRequest.objects.order_by("due_on", "pk")),
        )
        .filter(pk=review_id)
        .first()
    )


def reviews_public() -> QuerySet[Review]:
    return (
        Review.objects.select_related("panel", "landlord", "current_stage")
        .annotate(recommendation_count=Count("recommendations"))
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class OverdueItem:
    kind: str  # "answer", "action" or "data_request"
    landlord_id: int
    landlord_name: str
    review: Review
    label: str
    due_on: datetime.date
    url: str
    object_id: int

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_on).days


def overdue_items(
    *, landlord_ids: list[int] | None = None, today: datetime.date | None = None
) -> list[OverdueItem]:
    """Answers, actions and information requests past their date, in three queries."""
    today = today or timezone.localdate()
    recommendations = Recommendation.objects.select_related(
        "review__landlord", "current_status", "review__current_stage"
    )
    requests = DataRequest.objects.select_related("review__landlord", "review__current_stage")
    if landlord_ids is not None:
        recommendations = recommendations.filter(review__landlord_id__in=landlord_ids)
        requests = requests.filter(review__landlord_id__in=landlord_ids)
    items: list[OverdueItem] = []
    for recommendation in recommendations.filter(
        current_status__status=RecommendationStatus.AWAITING_ANSWER,
        review__answer_due_on__lt=today,
    ):
        review = recommendation.review
        assert review.answer_due_on is not None
        items.append(
            OverdueItem(
                kind="answer",
                landlord_id=review.landlord_id,
                landlord_name=review.landlord.short_name,
                review=review,
                label=f"Answer to recommendation {recommendation.number}",
                due_on=review.answer_due_on,
                url=recommendation.get_absolute_url(),
                object_id=recommendation.pk,
            )
        )
    for recommendation in recommendations.filter(
        current_status__status__in=[
            RecommendationStatus.ACCEPTED,
            RecommendationStatus.PARTLY,
            RecommendationStatus.IN_PROGRESS,
        ],
        due_on__lt=today,
    ):
        review = recommendation.review
        assert recommendation.due_on is not None
        items.append(
            OverdueItem(
                kind="action",
                landlord_id=review.landlord_id,
                landlord_name=review.landlord.short_name,
                review=review,
                label=f"Action on recommendation {recommendation.number} "
                f"({recommendation.owner or 'no owner'})",
                due_on=recommendation.due_on,
                url=recommendation.get_absolute_url(),
                object_id=recommendation.pk,
            )
        )
    for request in requests.filter(answered_at__isnull=True, due_on__lt=today).exclude(
        review__current_stage__stage__in=[ReviewStage.CLOSED, ReviewStage.REPORTED_BACK]
    ):
        items.append(
            OverdueItem(
                kind="data_request",
                landlord_id=request.review.landlord_id,
                landlord_name=request.review.landlord.short_name,
                review=request.review,
                label=f"Information asked for: {request.question[:80]}",
                due_on=request.due_on,
                url=request.review.get_absolute_url(),
                object_id=request.pk,
            )
        )
    return sorted(items, key=lambda item: (item.due_on, item.landlord_name, item.label))


def overdue_for(user: Any) -> list[OverdueItem]:
    """Council staff see every landlord's; landlord staff their own; panel members their panels'."""
    membership = membership_of(user)
    if membership is not None and membership.role in COUNCIL_ROLES:
        return overdue_items()
    if membership is not None and membership.role in LANDLORD_STAFF_ROLES:
        assert membership.landlord_id is not None
        return overdue_items(landlord_ids=[membership.landlord_id])
    panels = list(panels_of_user(user).values_list("pk", flat=True))
    return [item for item in overdue_items() if item.review.panel_id in panels]
