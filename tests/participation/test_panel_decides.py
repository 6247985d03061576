"""The panel decides: its chair or vice-chair chooses the topic, its members shape the review and
move it on; the landlord's staff support and answer it, and move it on only from "landlord
answering" to "actions"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import Role
from residentvoice.participation import services
from residentvoice.participation.models import PanelRole, Review, TopicRound

from ..factories import user_with_role
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(landlord, people):
    return builders.panel_with_chair(landlord=landlord, chair=people["resident"])


@pytest.fixture
def member(panel, landlord):
    person = user_with_role(Role.RESIDENT, landlord, email="member@example.org")
    services.panel_member_add(panel=panel, user=person, role=PanelRole.MEMBER)
    return person


@pytest.fixture
def topic_round(panel, people):
    topic_round = builders.topic_round(panel)
    services.topic_propose(
        round=topic_round, user=people["resident"], title="Repairs", description="Too slow."
    )
    return topic_round


@pytest.mark.parametrize("role", ["landlord_officer", "landlord_admin"])
def test_landlord_staff_cannot_choose_the_panels_topic(client, people, topic_round, role):
    client.force_login(people[role])
    url = reverse("participation:round-decide", args=[topic_round.pk])
    proposal = topic_round.proposals.get()
    assert client.get(url).status_code == 403
    posted = client.post(
        url, {"proposal": proposal.pk, "review_type": "in_depth", "note": "Staff choice"}
    )
    assert posted.status_code == 403
    assert TopicRound.objects.get(pk=topic_round.pk).decided_at is None
    assert not Review.objects.exists()
    page = client.get(reverse("participation:round-detail", args=[topic_round.pk]))
    assert "Choose the topic" not in page.content.decode()


def test_a_member_who_is_not_chair_cannot_choose_but_the_vice_chair_can(
    client, panel, member, topic_round
):
    client.force_login(member)
    url = reverse("participation:round-decide", args=[topic_round.pk])
    assert client.get(url).status_code == 403
    services.panel_member_role_set(member=panel.members.get(user=member), role=PanelRole.VICE_CHAIR)
    proposal = topic_round.proposals.get()
    posted = client.post(url, {"proposal": proposal.pk, "review_type": "in_depth"})
    assert posted.status_code == 302
    assert Review.objects.get().title == "Repairs"


@pytest.mark.parametrize("name", ["review-edit", "review-stage"])
def test_staff_cannot_change_the_scope_findings_or_stage_while_the_panel_works(
    client, panel, people, name
):
    review = builders.review_with_recommendations(
        panel=panel, by=people["resident"], stage="report"
    )
    client.force_login(people["landlord_officer"])
    url = reverse(f"participation:{name}", args=[review.pk])
    assert client.get(url).status_code == 403
    data = {
        "title": "Changed by staff",
        "review_type": "in_depth",
        "scope": "Something else",
        "report_summary": "Staff findings",
        "stage": "answering",
    }
    assert client.post(url, data).status_code == 403
    review.refresh_from_db()
    assert (review.title, review.stage, review.report_summary) == (
        "Complaints handling",
        "report",
        "",
    )
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Move the review on" not in page
    assert "Change the scope or report" not in page


def test_staff_cannot_start_a_review_for_the_panel(client, panel, people):
    client.force_login(people["landlord_admin"])
    url = reverse("participation:review-create", args=[panel.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"title": "x", "review_type": "in_depth", "scope": "x"}).status_code == 403
    )
    assert not Review.objects.exists()


def test_staff_move_a_review_on_only_to_actions_once_every_answer_is_in(client, panel, people):
    review = builders.review_with_recommendations(panel=panel, by=people["resident"], count=1)
    recommendation = review.recommendations.get()
    client.force_login(people["landlord_officer"])
    url = reverse("participation:review-stage", args=[review.pk])
    form = client.get(url).content.decode()
    assert 'value="actions"' in form
    # Not answered yet: the service refuses, and the form says why.
    refused = client.post(url, {"stage": "actions"})
    assert refused.status_code == 200
    assert "has not yet answered recommendation 1" in refused.content.decode()
    services.recommendation_answer(
        recommendation=recommendation,
        answered_by=people["landlord_officer"],
        answer="rejected",
        reason="It costs too much.",
    )
    assert client.post(url, {"stage": "actions"}).status_code == 302
    review.refresh_from_db()
    assert review.stage == "actions"
    # From "actions" on, moving the review (closing it, reporting back) is the panel's.
    assert client.get(url).status_code == 403
    assert client.post(url, {"stage": "closed"}).status_code == 403
    review.refresh_from_db()
    assert review.stage == "actions"


def test_the_panel_still_runs_its_review_and_staff_still_support_it(client, panel, people):
    review = builders.review_with_recommendations(
        panel=panel, by=people["resident"], stage="evidence"
    )
    client.force_login(people["resident"])  # the chair
    edited = client.post(
        reverse("participation:review-edit", args=[review.pk]),
        {
            "title": "Complaints handling",
            "review_type": "in_depth",
            "scope": "How complaints are handled, start to finish.",
            "report_summary": "",
        },
    )
    assert edited.status_code == 302
    review.refresh_from_db()
    assert review.scope == "How complaints are handled, start to finish."
    # Staff arrange meetings and share papers with the panel.
    client.force_login(people["landlord_officer"])
    held = timezone.localtime() + datetime.timedelta(days=3)
    made = client.post(
        reverse("participation:meeting-create", args=[panel.pk]),
        {"title": "Evidence session", "held_on": held.date(), "held_time": "18:00"},
    )
    assert made.status_code == 302
    assert panel.meetings.get().title == "Evidence session"
