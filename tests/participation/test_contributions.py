"""A resident's own contributions: the download includes their reality checks and their panel
work (information asked for, challenges, review moves); deleting the account clears the link to
them everywhere, change history included."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.assessment import services as assessment
from residentvoice.assessment.models import RealityCheck, Stage
from residentvoice.participation import services
from residentvoice.participation.models import (
    DataRequest,
    PanelMember,
    RecommendationStatusChange,
    ReviewStageChange,
    TopicRound,
)

from ..assessment.conftest import charter, cycle, item_of, move_to, rating  # noqa: F401
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributed(cycle, landlord, people):  # noqa: F811
    """The resident checked a claim, chairs the panel, moved a review on, asked for information
    and challenged an action marked done."""
    resident, officer = people["resident"], people["landlord_officer"]
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = assessment.item_self_assess(
        item=item_of(cycle, landlord, 1),
        version=None,
        rating=rating("met"),
        what_we_do="A monthly residents' forum",
    )
    check = assessment.reality_check_answer(
        item=item,
        resident=resident,
        answer="partly",
        comment="The forum is always on a weekday afternoon.",
    )
    panel = builders.panel_with_chair(landlord=landlord, chair=resident)
    in_evidence = builders.review_with_recommendations(panel=panel, by=resident, stage="evidence")
    services.data_request_create(
        review=in_evidence,
        question="How many complaints were upheld?",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        asked_by=resident,
    )
    review = builders.review_with_recommendations(panel=panel, by=resident, count=1)
    recommendation = review.recommendations.get()
    services.recommendation_answer(
        recommendation=recommendation,
        answered_by=officer,
        answer="accepted",
        owner="Complaints team",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.action_progress_add(
        recommendation=recommendation, added_by=officer, percent=100, milestone="Done"
    )
    services.recommendation_challenge(
        recommendation=recommendation,
        challenged_by=resident,
        reason="Residents still wait weeks for an answer.",
    )
    topic_round = builders.topic_round(panel)
    proposal = services.topic_propose(
        round=topic_round, user=resident, title="Repairs", description="Too slow"
    )
    services.topic_round_decide(round=topic_round, proposal=proposal, decided_by=resident)
    return check


def test_the_download_includes_reality_checks_and_panel_work(client, contributed, people):
    client.force_login(people["resident"])
    data = json.loads(
        client.get(
            reverse("participation:my-contributions-download", args=["json"])
        ).content.decode()
    )
    assert data["reality_checks"] == [
        {
            "year": "2024-25",
            "landlord": "Riverside Homes",
            "commitment": data["reality_checks"][0]["commitment"],
            "answer": "Partly",
            "comment": "The forum is always on a weekday afternoon.",
            "comment_status": "Waiting for moderation",
            "given": data["reality_checks"][0]["given"],
            "changed": data["reality_checks"][0]["changed"],
        }
    ]
    assert data["reality_checks"][0]["commitment"].startswith("1. ")
    assert [r["question"] for r in data["information_asked_for"]] == [
        "How many complaints were upheld?"
    ]
    assert [c["reason"] for c in data["challenges_made"]] == [
        "Residents still wait weeks for an answer."
    ]
    moves = {(m["review"], m["moved_to"]) for m in data["review_stage_moves"]}
    assert ("Complaints handling", "Landlord answering the recommendations") in moves
    page = client.get(reverse("participation:my-contributions")).content.decode()
    assert "Reality check" in page
    assert "Challenge to an action marked done" in page
    assert "Information asked for" in page
    csv_text = client.get(
        reverse("participation:my-contributions-download", args=["csv"])
    ).content.decode()
    assert "The forum is always on a weekday afternoon." in csv_text
    assert "Review moved on" in csv_text


def test_deleting_the_account_clears_the_link_in_history_too(client, contributed, people):
    resident = people["resident"]
    member = PanelMember.objects.get(user=resident)
    assert member.history.filter(user_id=resident.pk).exists()
    assert contributed.history.filter(resident_id=resident.pk).exists()
    resident_id = resident.pk
    client.force_login(resident)
    client.post(reverse("participation:account-delete"), {"confirm": "on"})

    for model, field in [
        (PanelMember, "user_id"),
        (RealityCheck, "resident_id"),
        (DataRequest, "asked_by_id"),
        (TopicRound, "decided_by_id"),
    ]:
        assert not model.objects.filter(**{field: resident_id}).exists(), model
        assert not model.history.filter(**{field: resident_id}).exists(), model  # type: ignore[attr-defined]
    assert not ReviewStageChange.objects.filter(changed_by_id=resident_id).exists()
    assert not RecommendationStatusChange.objects.filter(changed_by_id=resident_id).exists()
    # What they contributed stays, without their name.
    contributed.refresh_from_db()
    assert contributed.answer == "partly"
    assert contributed.resident is None
    assert RecommendationStatusChange.objects.filter(is_challenge=True).count() == 1
    assert DataRequest.objects.get().question == "How many complaints were upheld?"
