"""The register and the published results: reality-check outcomes appear when an embargo lifts
(with no job to run) and follow corrections; entries hidden after a report stay hidden; "report
this" is one report per person, and moderators hear once per item."""

# Fixtures imported from the publication tests are named again as the tests' parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from residentvoice.assessment.models import AssessmentItem
from residentvoice.notifications.models import Notification
from residentvoice.participation import services
from residentvoice.participation.models import ContentReport, RegisterEntry
from residentvoice.participation.selectors import evidence_candidates
from residentvoice.publication.services import cycle_publish, publication_correct

from ..publication.conftest import (  # noqa: F401  (fixtures used here)
    _media_in_a_temporary_folder,
    charter,
    cycle,
    published,
    ready,
)
from . import builders

pytestmark = pytest.mark.django_db


def _public_everywhere(client, entry: RegisterEntry) -> dict[str, bool]:
    """Whether the entry shows on each public view of the register."""
    path = entry.get_absolute_url()
    return {
        "page": path in client.get(reverse("participation:register")).content.decode(),
        "landlord page": path
        in client.get(
            reverse("participation:register-landlord", args=[entry.landlord.slug])
        ).content.decode(),
        "feed": path in client.get(reverse("participation:register-feed")).content.decode(),
        "csv": path in client.get(reverse("participation:register-csv")).content.decode(),
        "entry": client.get(path).status_code == 200,
        "evidence": any(
            found["kind"] == "register_entry" and found["id"] == entry.pk
            for found in evidence_candidates(landlord=entry.landlord)
        ),
    }


def test_reality_check_outcomes_wait_for_the_embargo_and_then_appear(
    client, ready, people, monkeypatch
):
    lifts = timezone.now() + datetime.timedelta(days=2)
    cycle_publish(cycle=ready, by=people["council_admin"], publish_at=lifts)
    entry = RegisterEntry.objects.get(source_kind="reality_check")
    assert entry.is_public
    assert entry.public_from == lifts
    assert not any(_public_everywhere(client, entry).values())
    with pytest.raises(ValidationError):  # nothing public to report yet
        services.content_report_create(kind="register_entry", object_id=entry.pk, reason="x")

    # The clock passes the embargo: nothing runs, and the entry is public everywhere.
    after = lifts + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert all(_public_everywhere(client, entry).values())


def test_a_published_cycle_without_embargo_shows_the_outcomes_at_once(client, published):
    entry = RegisterEntry.objects.get(source_kind="reality_check")
    assert "3 residents said" in entry.residents_said
    assert entry.decision == "The council's final rating for 2024-25: Met."
    assert all(_public_everywhere(client, entry).values())


def test_a_correction_changes_the_decision_the_register_shows(published, people, landlord):
    publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Residents' checks were read again.",
        ratings={("riverside", 1): "partly_met"},
        rationales={("riverside", 1): "Residents did not recognise the monthly panels."},
    )
    entry = RegisterEntry.objects.get(source_kind="reality_check")
    assert entry.decision == "The council's final rating for 2024-25: Partly met."
    assert entry.reason == "Residents did not recognise the monthly panels."
    # The register follows the published result, not the assessment's live row.
    item = AssessmentItem.objects.get(
        participation__cycle=published.cycle, landlord=landlord, commitment__number=1
    )
    assert item.final_rating.code == "met"  # type: ignore[union-attr]


def test_a_correction_during_the_embargo_keeps_the_entry_waiting(client, ready, people):
    lifts = timezone.now() + datetime.timedelta(days=2)
    first = cycle_publish(cycle=ready, by=people["council_admin"], publish_at=lifts)
    publication_correct(
        publication=first,
        by=people["council_admin"],
        note="Reworded.",
        rationales={("riverside", 1): "Panels meet monthly and residents chair them."},
    )
    entry = RegisterEntry.objects.get(source_kind="reality_check")
    assert entry.public_from == lifts
    assert entry.reason == "Panels meet monthly and residents chair them."
    assert not _public_everywhere(client, entry)["page"]


# Reports ---------------------------------------------------------------------------------------


@pytest.fixture
def recommendation_entry(landlord, people):
    """A recommendation the landlord accepted and has started on: its entry says what was done,
    so it is on the public register."""
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    review = builders.review_with_recommendations(panel=panel, by=people["resident"])
    recommendation = review.recommendations.order_by("number").first()
    services.recommendation_answer(
        recommendation=recommendation,
        answered_by=people["landlord_officer"],
        answer="accepted",
        owner="Repairs team",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.action_progress_add(
        recommendation=recommendation,
        added_by=people["landlord_officer"],
        percent=10,
        milestone="Team chosen",
    )
    entry = RegisterEntry.objects.get(
        source_kind="recommendation", source_id=str(recommendation.pk)
    )
    return recommendation, entry


def test_the_hide_flow_through_the_pages(client, recommendation_entry, people):
    _, entry = recommendation_entry
    client.force_login(people["other_resident"])
    sent = client.post(
        reverse("participation:report-content", args=["register_entry", entry.pk]),
        {"reason": "It names my neighbour."},
    )
    assert "A moderator will look at it" in sent.content.decode()
    report = ContentReport.objects.get()
    assert report.reporter == people["other_resident"]

    client.force_login(people["landlord_officer"])
    listed = client.get(reverse("participation:report-list")).content.decode()
    assert "It names my neighbour." in listed
    resolved = client.post(
        reverse("participation:report-resolve", args=[report.pk]), {"decision": "hide"}
    )
    assert resolved.status_code == 302
    report.refresh_from_db()
    assert report.outcome == "hidden"
    assert report.resolved_by == people["landlord_officer"]
    assert "No reports waiting" in client.get(reverse("participation:report-list")).content.decode()
    client.logout()
    assert not any(_public_everywhere(client, entry).values())


def test_a_hidden_entry_stays_hidden_when_its_source_changes(client, recommendation_entry, people):
    recommendation, entry = recommendation_entry
    report = services.content_report_create(
        kind="register_entry", object_id=entry.pk, reason="Wrong", reporter=people["resident"]
    )
    assert report is not None
    services.content_report_resolve(report=report, resolved_by=people["landlord_admin"], hide=True)
    # The landlord records progress: the entry is written again.
    services.action_progress_add(
        recommendation=recommendation,
        added_by=people["landlord_officer"],
        percent=40,
        milestone="Started",
    )
    entry.refresh_from_db()
    assert entry.status == "in_progress"  # kept in step with its source...
    assert entry.is_public
    assert entry.hidden_at is not None
    assert not any(_public_everywhere(client, entry).values())


def test_one_report_per_person_and_one_notice_per_item_until_dealt_with(
    recommendation_entry, people
):
    _, entry = recommendation_entry
    staff = {people["landlord_officer"].pk, people["landlord_admin"].pk}

    def notices() -> int:
        return Notification.objects.filter(topic="moderation", user_id__in=staff).count()

    services.content_report_create(
        kind="register_entry", object_id=entry.pk, reason="Untrue", reporter=people["resident"]
    )
    assert notices() == 2  # each of the landlord's two staff, once
    with pytest.raises(ValidationError, match="already reported"):
        services.content_report_create(
            kind="register_entry", object_id=entry.pk, reason="Again", reporter=people["resident"]
        )
    # Someone else, and people not signed in: recorded, but the moderators already know.
    services.content_report_create(
        kind="register_entry", object_id=entry.pk, reason="Untrue", reporter=people["signed_in"]
    )
    for _ in range(10):
        services.content_report_create(kind="register_entry", object_id=entry.pk, reason="Spam")
    assert notices() == 2
    assert ContentReport.objects.count() == services.moderation.OPEN_REPORTS_LIMIT
    # Once dealt with (kept), a new report tells the moderators again.
    services.content_report_resolve(
        report=ContentReport.objects.first(), resolved_by=people["landlord_admin"], hide=False
    )
    services.content_report_create(
        kind="register_entry",
        object_id=entry.pk,
        reason="Still untrue",
        reporter=people["council_officer"],
    )
    assert notices() == 4


def test_reporting_twice_through_the_page_is_a_form_error(client, recommendation_entry, people):
    _, entry = recommendation_entry
    client.force_login(people["resident"])
    url = reverse("participation:report-content", args=["register_entry", entry.pk])
    client.post(url, {"reason": "Untrue"})
    again = client.post(url, {"reason": "Untrue"})
    assert again.status_code == 200
    assert "You have already reported this" in again.content.decode()
    assert ContentReport.objects.count() == 1


def test_an_entry_waits_out_of_sight_until_it_says_what_was_done(client, landlord, people):
    """Every public view (pages, feed, CSV, evidence links, "report this") leaves out an entry
    whose "we did" is empty; staff see it waiting; once something is done it is everywhere."""
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    review = builders.review_with_recommendations(panel=panel, by=people["resident"])
    first, second = review.recommendations.order_by("number")[:2]
    services.recommendation_answer(
        recommendation=first,
        answered_by=people["landlord_officer"],
        answer="accepted",
        owner="Repairs team",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    entry = RegisterEntry.objects.get(source_kind="recommendation", source_id=str(first.pk))
    assert entry.is_public
    assert entry.action_taken == ""
    assert not any(_public_everywhere(client, entry).values())
    assert entry.public_state == "Waiting for what we did"
    with pytest.raises(ValidationError):
        services.content_report_create(kind="register_entry", object_id=entry.pk, reason="x")
    client.force_login(people["council_admin"])
    admin_list = client.get(
        reverse("admin:participation_registerentry_changelist"), {"we_did": "waiting"}
    )
    assert "Waiting for what we did" in admin_list.content.decode()
    assert entry.title in admin_list.content.decode()
    client.logout()

    services.action_progress_add(
        recommendation=first, added_by=people["landlord_officer"], percent=50, milestone="Half"
    )
    entry.refresh_from_db()
    assert entry.action_taken == "50% complete: Half"
    assert all(_public_everywhere(client, entry).values())
    assert entry.public_state == "On the public register"

    # Not taken forward: the decision and its reason are the answer, so it is public at once.
    services.recommendation_answer(
        recommendation=second,
        answered_by=people["landlord_officer"],
        answer="rejected",
        reason="The budget is spent for this year.",
    )
    rejected = RegisterEntry.objects.get(source_kind="recommendation", source_id=str(second.pk))
    assert rejected.action_taken == ""
    assert all(_public_everywhere(client, rejected).values())


def test_a_reality_check_with_no_action_waits_instead_of_saying_none_was_recorded(
    client, published
):
    entries = RegisterEntry.objects.filter(source_kind="reality_check")
    assert entries.exists()
    assert not entries.filter(action_taken__icontains="No improvement action").exists()
    for entry in entries:
        shown = any(_public_everywhere(client, entry).values())
        assert shown == bool(entry.action_taken), entry.title
