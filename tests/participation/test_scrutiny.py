"""Scrutiny: panels, one vote per resident per round, a review's stages, the landlord's answers,
append-only progress, the panel's challenge, overdue flags and the register entries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from residentvoice.accounts.models import Role
from residentvoice.notifications.models import Notification
from residentvoice.participation import services
from residentvoice.participation.models import (
    ActionUpdate,
    PanelRole,
    RecommendationStatusChange,
    RegisterEntry,
    ReviewStageChange,
    TopicVote,
)

from ..factories import user_with_role
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(landlord, people):
    return builders.panel_with_chair(landlord=landlord, chair=people["resident"])


def test_members_are_the_landlords_verified_residents_with_one_chair(panel, people, landlord):
    with pytest.raises(ValidationError):
        services.panel_member_add(panel=panel, user=people["other_resident"])
    with pytest.raises(ValidationError):
        services.panel_member_add(panel=panel, user=people["landlord_officer"])
    second = user_with_role(Role.RESIDENT, landlord, email="second@example.org")
    with pytest.raises(ValidationError, match="already has a chair"):
        services.panel_member_add(panel=panel, user=second, role=PanelRole.CHAIR)
    member = services.panel_member_add(panel=panel, user=second, role=PanelRole.VICE_CHAIR)
    services.panel_member_remove(member=member)
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()


def test_one_vote_per_resident_per_round_even_past_the_service(panel, people, landlord):
    topic_round = builders.topic_round(panel)
    repairs = services.topic_propose(
        round=topic_round, user=people["resident"], title="Repairs", description="Slow."
    )
    noise = services.topic_propose(
        round=topic_round, user=people["resident"], title="Noise", description="Loud."
    )
    services.topic_vote(proposal=repairs, user=people["resident"])
    with pytest.raises(ValidationError, match="already voted"):
        services.topic_vote(proposal=noise, user=people["resident"])
    # The database refuses a second vote even if the service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicVote.objects.create(round=topic_round, proposal=noise, voter=people["resident"])
    with pytest.raises(ValidationError):
        services.topic_vote(proposal=noise, user=people["other_resident"])
    assert TopicVote.objects.count() == 1


def test_voting_after_the_round_closes_is_refused(panel, people):
    topic_round = builders.topic_round(panel)
    proposal = services.topic_propose(
        round=topic_round, user=people["resident"], title="Repairs", description="Slow."
    )
    topic_round.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    topic_round.save()
    with pytest.raises(ValidationError, match="closed"):
        services.topic_vote(proposal=proposal, user=people["resident"])
    assert not TopicVote.objects.exists()


def test_deciding_a_round_starts_the_review_and_tells_those_who_took_part(panel, people, landlord):
    voter = user_with_role(Role.RESIDENT, landlord, email="voter@example.org")
    topic_round = builders.topic_round(panel)
    proposal = services.topic_propose(
        round=topic_round, user=people["resident"], title="Repairs", description="Slow."
    )
    services.topic_vote(proposal=proposal, user=voter)
    review = services.topic_round_decide(
        round=topic_round, proposal=proposal, decided_by=people["resident"]
    )
    assert review.stage == "scoping"
    assert review.topic == proposal
    assert Notification.objects.filter(user=voter, subject__contains="chosen").exists()


def test_a_review_moves_only_along_allowed_stages(panel, people):
    review = builders.review_with_recommendations(
        panel=panel, by=people["resident"], stage="scoping"
    )
    with pytest.raises(ValidationError, match="cannot move"):
        services.review_stage_move(review=review, stage="closed", moved_by=people["resident"])
    services.review_stage_move(review=review, stage="evidence", moved_by=people["resident"])
    services.review_stage_move(review=review, stage="report", moved_by=people["resident"])
    with pytest.raises(ValidationError):  # no summary, no recommendations yet
        services.review_stage_move(review=review, stage="answering", moved_by=people["resident"])
    assert list(
        ReviewStageChange.objects.filter(review=review).values_list("stage", flat=True)
    ) == [
        "scoping",
        "evidence",
        "report",
    ]


def _answered(panel, people, count=5):
    review = builders.review_with_recommendations(panel=panel, by=people["resident"], count=count)
    return review, list(review.recommendations.order_by("number"))


def test_the_landlord_answers_each_recommendation_with_reasons(panel, people):
    review, (first, second) = _answered(panel, people, count=2)
    officer = people["landlord_officer"]
    with pytest.raises(ValidationError) as error:
        services.recommendation_answer(
            recommendation=second, answered_by=officer, answer="rejected"
        )
    assert "reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.recommendation_answer(recommendation=first, answered_by=officer, answer="accepted")
    assert {"owner", "due_on"} <= set(error.value.error_dict)
    with pytest.raises(ValidationError, match="not yet answered"):
        services.review_stage_move(review=review, stage="actions", moved_by=officer)
    services.recommendation_answer(
        recommendation=first,
        answered_by=officer,
        answer="accepted",
        owner="Head of complaints",
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    services.recommendation_answer(
        recommendation=second, answered_by=officer, answer="rejected", reason="Costs too much."
    )
    with pytest.raises(ValidationError, match="already been answered"):
        services.recommendation_answer(
            recommendation=second,
            answered_by=officer,
            answer="accepted",
            owner="x",
            due_on=timezone.localdate(),
        )
    entry = RegisterEntry.objects.get(source_kind="recommendation", source_id=str(second.pk))
    assert entry.is_public
    assert entry.status == "not_taken_forward"
    assert entry.reason == "Costs too much."
    services.review_stage_move(review=review, stage="actions", moved_by=officer)


def test_progress_is_append_only_and_closing_needs_every_recommendation_finished(panel, people):
    review, (first, second) = _answered(panel, people, count=2)
    officer, chair = people["landlord_officer"], people["resident"]
    for recommendation in (first, second):
        services.recommendation_answer(
            recommendation=recommendation,
            answered_by=officer,
            answer="accepted",
            owner="Repairs team",
            due_on=timezone.localdate() + datetime.timedelta(days=30),
        )
    services.review_stage_move(review=review, stage="actions", moved_by=officer)
    services.action_progress_add(
        recommendation=first, added_by=officer, percent=40, milestone="Contractor appointed"
    )
    services.action_progress_add(
        recommendation=first, added_by=officer, percent=100, milestone="Done"
    )
    with pytest.raises(ValidationError, match="recommendation 2"):
        services.review_stage_move(review=review, stage="closed", moved_by=chair)
    services.action_progress_add(
        recommendation=second, added_by=officer, percent=100, milestone="Done"
    )
    services.review_stage_move(review=review, stage="closed", moved_by=chair)
    # The panel challenges: the recommendation reopens with the reason, and so does the review.
    first.refresh_from_db()
    services.recommendation_challenge(
        recommendation=first, challenged_by=chair, reason="Residents still wait weeks."
    )
    first.refresh_from_db()
    review.refresh_from_db()
    assert first.status == "in_progress"
    assert review.stage == "actions"
    challenge = RecommendationStatusChange.objects.get(recommendation=first, is_challenge=True)
    assert challenge.reason == "Residents still wait weeks."
    assert list(
        RecommendationStatusChange.objects.filter(recommendation=first).values_list(
            "status", flat=True
        )
    ) == ["awaiting_answer", "accepted", "in_progress", "done", "in_progress"]
    assert ActionUpdate.objects.filter(recommendation=first).count() == 2
    assert RegisterEntry.objects.get(source_id=str(first.pk)).status == "in_progress"


def test_only_done_actions_can_be_challenged(panel, people):
    _, (first,) = _answered(panel, people, count=1)
    with pytest.raises(ValidationError):
        services.recommendation_challenge(
            recommendation=first, challenged_by=people["resident"], reason="Not done"
        )


def test_overdue_answers_and_actions_are_flagged_once_a_week(panel, people, council):
    review, (first, _second) = _answered(panel, people, count=2)
    services.recommendation_answer(
        recommendation=first,
        answered_by=people["landlord_officer"],
        answer="accepted",
        owner="Repairs team",
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    review.answer_due_on = timezone.localdate() - datetime.timedelta(days=1)
    review.save()
    Notification.objects.all().delete()
    assert services.overdue_remind() == 2
    flagged = set(Notification.objects.values_list("user__email", flat=True))
    assert flagged == {
        "resident@example.org",  # the panel
        "ll-admin@example.org",  # the landlord's admin
        "c-officer@example.org",  # the council
        "c-admin@example.org",
    }
    before = Notification.objects.count()
    call_command("participation", "remind")
    assert Notification.objects.count() == before


def test_reported_back_tells_every_resident(panel, people, landlord):
    review, (first,) = _answered(panel, people, count=1)
    officer, chair = people["landlord_officer"], people["resident"]
    services.recommendation_answer(
        recommendation=first, answered_by=officer, answer="rejected", reason="Not possible."
    )
    services.review_stage_move(review=review, stage="actions", moved_by=officer)
    services.review_stage_move(review=review, stage="closed", moved_by=chair)
    with pytest.raises(ValidationError):
        services.review_stage_move(review=review, stage="reported_back", moved_by=chair)
    other = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    services.review_stage_move(
        review=review, stage="reported_back", moved_by=chair, report_back="Here is what changed."
    )
    assert Notification.objects.filter(user=other, body="Here is what changed.").exists()
    assert not Notification.objects.filter(user=people["other_resident"]).exists()


def test_private_documents_need_a_file_or_notes(panel, people):
    with pytest.raises(ValidationError):
        services.panel_document_add(
            panel=panel, uploaded_by=people["resident"], kind="inspection", title="Empty"
        )
    from django.core.files.base import ContentFile

    with pytest.raises(ValidationError, match="PDF"):
        services.panel_document_add(
            panel=panel,
            uploaded_by=people["resident"],
            kind="document",
            title="A script",
            file=ContentFile(b"#!/bin/sh\necho hi\n", name="evil.pdf"),
        )
