"""Publishing a cycle and correcting a publication: refusals, the frozen copy, derived figures,
embargo and versions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from residentvoice.assessment.models import AssessmentItem, Stage, StageMove
from residentvoice.assessment.services import cycle_stage, cycle_stage_move
from residentvoice.publication import selectors, services
from residentvoice.publication.models import CommitmentResult, LandlordResult, Publication

from .conftest import PREVIOUS_YEAR, YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db


def test_a_cycle_not_ready_is_refused_with_everything_missing_listed(cycle, landlord):
    move_to(cycle, Stage.MODERATION)
    AssessmentItem.objects.filter(participation__cycle=cycle).exclude(
        landlord=landlord, commitment__number=1
    ).update(final_rating=rating("met"), final_rationale="x", moderated_at=timezone.now())
    with pytest.raises(services.PublicationRefusedError) as refused:
        services.cycle_publish(cycle=cycle, by=None)
    messages = refused.value.messages
    assert any("Moderation" in m and "Ready to publish" in m for m in messages)
    assert "Riverside Homes: commitment 1 has no moderated result" in messages
    assert len(messages) == 2
    assert not Publication.objects.exists()
    assert cycle_stage(cycle) == Stage.MODERATION


def test_an_unmoderated_item_is_refused_even_at_ready_to_publish(cycle, landlord):
    move_to(cycle, Stage.READY_TO_PUBLISH)
    item_of(cycle, landlord, 4).__class__.objects.filter(pk=item_of(cycle, landlord, 4).pk).update(
        moderated_at=None
    )
    with pytest.raises(services.PublicationRefusedError, match="commitment 4"):
        services.cycle_publish(cycle=cycle, by=None)


def test_publishing_freezes_results_and_records_the_stage_move(published, ready, people):
    assert cycle_stage(ready) == Stage.PUBLISHED
    move = StageMove.objects.filter(cycle=ready).latest()
    assert (move.stage, move.moved_by, move.note) == (
        Stage.PUBLISHED,
        people["council_admin"],
        "First publication",
    )
    assert published.version == 1
    assert published.previous_year == PREVIOUS_YEAR
    riverside = published.landlords.get(landlord_slug="riverside")
    first = riverside.results.get(commitment_number=1)
    assert (first.rating_label, first.points, first.meets) == ("Met", 2, True)
    assert first.rationale == "Panels are resident-led and meet monthly."
    assert [e["title"] for e in first.evidence] == [
        "Panel terms of reference",
        "Annual panel report",
    ]
    link, document = first.evidence
    assert (link["url"], link["page"], link["excerpt"]) == (
        "https://example.org/panel-terms",
        "4",
        "Residents chair every panel meeting.",
    )
    assert document["kind"] == "file"
    assert document["url"] == ""
    assert published.files.get().evidence_id == document["id"]
    assert first.residents["answers"] == {"yes": 1, "partly": 1, "no": 1, "dont_know": 0}
    assert [c["text"] for c in first.residents["comments"]] == ["The panel listened to us."]
    assert (first.residents["sessions"], first.residents["session_residents"]) == (1, 12)
    assert first.actions[0]["owner"] == "Resident involvement team"


def test_the_snapshot_does_not_follow_later_edits(published, ready, landlord):
    AssessmentItem.objects.filter(participation__cycle=ready).update(
        final_rating=rating("not_met"), final_rationale="Changed later"
    )
    result = CommitmentResult.objects.get(
        publication=published, landlord__landlord_slug="riverside", commitment_number=1
    )
    assert (result.rating_label, result.rationale) == (
        "Met",
        "Panels are resident-led and meet monthly.",
    )


def test_change_since_last_year_most_improved_and_median(published):
    riverside = published.landlords.get(landlord_slug="riverside")
    hillside = published.landlords.get(landlord_slug="hillside")
    # 2023-24: Riverside met 15 of 17, Hillside all 17.
    assert riverside.previous_share_met == Decimal("88.2")
    assert hillside.previous_share_met == Decimal("100.0")
    # 2024-25: Riverside 16 of 17 (commitment 3 not met); Hillside 16 of 17 (1 partly met).
    assert (riverside.met, riverside.assessed, riverside.share_met) == (16, 17, Decimal("94.1"))
    assert hillside.share_met == Decimal("94.1")
    assert riverside.change == Decimal("5.9")
    assert hillside.change == Decimal("-5.9")
    assert riverside.is_most_improved
    assert not hillside.is_most_improved
    assert published.headline["most_improved"] == [
        {"slug": "riverside", "name": "Riverside Homes", "change": 5.9}
    ]
    assert published.headline["median_share_met"] == 94.1
    assert published.headline["previous_median_share_met"] == 94.1
    assert published.headline["median_change"] == 0.0
    changes = {
        r.commitment_number: (r.previous_label, r.change)
        for r in riverside.results.filter(commitment_number__in=[1, 2, 3, 4])
    }
    assert changes == {
        1: ("Partly met", "up"),
        2: ("Not met", "up"),
        3: ("Met", "down"),
        4: ("Met", "same"),
    }


def test_not_applicable_reduces_the_maximum(ready, landlord, people):
    AssessmentItem.objects.filter(
        participation__cycle=ready, landlord=landlord, commitment__number=3
    ).update(final_rating=None, final_not_applicable=True)
    publication = services.cycle_publish(cycle=ready, by=people["council_admin"])
    riverside = publication.landlords.get(landlord_slug="riverside")
    assert (riverside.assessed, riverside.met, riverside.not_applicable) == (16, 16, 1)
    assert riverside.share_met == Decimal("100.0")
    assert riverside.points_max == 16 * 3


def test_a_published_cycle_cannot_be_published_again_or_moved(published, ready):
    with pytest.raises(services.PublicationRefusedError, match="already published"):
        services.cycle_publish(cycle=ready, by=None)
    with pytest.raises(ValidationError):
        cycle_stage_move(cycle=ready, to_stage=Stage.MODERATION, note="Try")


def test_embargo_hides_the_results_from_everyone_but_named_people(ready, people):
    later = timezone.now() + datetime.timedelta(days=2)
    publication = services.cycle_publish(
        cycle=ready,
        by=people["council_admin"],
        publish_at=later,
        embargo_viewers=[people["council_officer"]],
    )
    assert publication.is_embargoed
    assert selectors.publication_latest(YEAR) is None
    assert selectors.publication_latest(YEAR, user=people["landlord_admin"]) is None
    assert selectors.publication_latest(YEAR, user=people["council_officer"]) == publication
    assert selectors.publication_latest(YEAR, user=people["council_admin"]) == publication
    assert YEAR not in selectors.published_years()
    assert YEAR in selectors.published_years(user=people["council_officer"])
    Publication.objects.filter(pk=publication.pk).update(publish_at=timezone.now())
    assert selectors.publication_latest(YEAR) == publication


def test_a_correction_adds_a_version_and_keeps_the_earlier_one(published, people):
    first = published.landlords.get(landlord_slug="riverside").results.get(commitment_number=1)
    evidence_id = first.evidence[1]["id"]
    comment_id = first.residents["comments"][0]["id"]
    corrected = services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Commitment 3 was rated against the wrong evidence.",
        ratings={("riverside", 3): "met"},
        rationales={("riverside", 3): "Evidence found after moderation."},
        withdraw_evidence=[evidence_id],
        withdraw_comments=[comment_id],
    )
    assert corrected.version == 2
    assert corrected.note == "Commitment 3 was rated against the wrong evidence."
    assert "Riverside Homes, commitment 3: rating changed from Not met to Met" in corrected.changes
    riverside = corrected.landlords.get(landlord_slug="riverside")
    assert riverside.share_met == Decimal("100.0")
    assert (
        riverside.results.get(commitment_number=3).rationale == "Evidence found after moderation."
    )
    assert not corrected.files.exists()
    assert riverside.results.get(commitment_number=1).residents["comments"] == []
    # Version 1 is untouched and still readable.
    assert selectors.publication_version(YEAR, 1) == published
    old = LandlordResult.objects.get(publication=published, landlord_slug="riverside")
    assert old.share_met == Decimal("94.1")
    assert selectors.publication_latest(YEAR) == corrected
    assert [p.version for p in selectors.publication_versions(corrected)] == [1, 2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ratings": {("riverside", 3): "met"}, "note": " "}, "what the correction changes"),
        ({"note": "Nothing"}, "at least one thing"),
        ({"ratings": {("nobody", 3): "met"}, "note": "x"}, "not in the published results"),
        ({"ratings": {("riverside", 3): "superb"}, "note": "x"}, "not a rating"),
        ({"ratings": {("riverside", 1): "not_applicable"}, "note": "x"}, "cannot be marked"),
        ({"ratings": {("riverside", 1): "met"}, "note": "x"}, "changes nothing"),
        ({"withdraw_evidence": [999999], "note": "x"}, "evidence chosen"),
    ],
)
def test_a_correction_is_checked_first(published, people, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        services.publication_correct(publication=published, by=people["council_admin"], **kwargs)
    assert Publication.objects.filter(cycle=published.cycle).count() == 1


def test_settings_default_to_the_open_government_licence(db):
    row = services.publication_settings_get()
    assert row.licence_name == "Open Government Licence v3.0"
    services.publication_settings_update(
        licence_name="CC BY 4.0", licence_url="https://example.org/l"
    )
    assert services.publication_settings_get().licence_name == "CC BY 4.0"
    with pytest.raises(ValidationError):
        services.publication_settings_update(licence_name="", licence_url="")


def test_a_withdrawal_redacts_the_item_in_every_earlier_version(published, people):
    first = published.landlords.get(landlord_slug="riverside").results.get(commitment_number=1)
    link, file = first.evidence[0]["id"], first.evidence[1]["id"]
    comment = first.residents["comments"][0]["id"]
    second = services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Commitment 3 was misread.",
        ratings={("riverside", 3): "met"},
        rationales={("riverside", 3): "Evidence found after moderation."},
    )
    third = services.publication_correct(
        publication=second,
        by=people["council_admin"],
        note="A comment and two documents named a resident.",
        withdraw_evidence=[link, file],
        withdraw_comments=[comment],
    )
    notice = "Withdrawn in version 3: A comment and two documents named a resident."
    for earlier in (published, second):
        row = earlier.results.get(landlord__landlord_slug="riverside", commitment_number=1)
        assert [e["title"] for e in row.evidence] == [notice, notice]
        assert all(e["url"] == "" and e["excerpt"] == "" for e in row.evidence)
        assert row.residents["comments"] == [{"id": comment, "text": notice, "withdrawn": True}]
        assert row.residents["answers"] == first.residents["answers"]  # counts stay as published
        assert not earlier.files.exists()  # no earlier version offers the file
    assert "Version 1: 3 withdrawn items replaced there by a notice of the withdrawal" in (
        third.changes
    )
    assert "Version 2: 3 withdrawn items replaced there by a notice of the withdrawal" in (
        third.changes
    )
    # The withdrawn title is not repeated in the record of what changed.
    assert not any("Panel terms of reference" in change for change in third.changes)
    # A rating or reason corrected later never rewrites an earlier version.
    old = published.results.get(landlord__landlord_slug="riverside", commitment_number=3)
    assert (old.rating_label, old.rationale) == ("Not met", "Rated not_met for the test")
    assert LandlordResult.objects.get(
        publication=published, landlord_slug="riverside"
    ).share_met == (Decimal("94.1"))


def test_participation_figures_are_frozen_at_publication(ready, people, landlord):
    from residentvoice.accounts.models import Role
    from residentvoice.participation.models import Consultation
    from residentvoice.publication.report import report_data

    from ..factories import user_with_role
    from ..participation import builders

    second = user_with_role(Role.RESIDENT, landlord, email="second@example.org")
    consultation = builders.consultation_with_results(
        landlord=landlord, respondents=[people["resident"], second]
    )
    # Closed in June 2024: in the 2024-25 reporting year being published.
    closed = datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=closed - datetime.timedelta(days=30), closes_at=closed
    )
    publication = services.cycle_publish(cycle=ready, by=people["council_admin"])
    riverside = publication.landlords.get(landlord_slug="riverside")
    assert riverside.participation_figures == {
        "consultations_run": 1,
        "residents_taking_part": 2,
        "recommendations_accepted": 0,
        "recommendations_completed": 0,
        "average_days_to_answer": None,
    }
    # Later changes to participation never change what was published, nor the report.
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=closed.replace(year=2026))
    data = report_data(Publication.objects.get(pk=publication.pk))
    section = next(s for s in data["landlords"] if s["slug"] == "riverside")
    assert section["participation"]["consultations_run"] == 1
    assert section["participation"]["residents_taking_part"] == 2
    # A correction carries the figures into the next version.
    corrected = services.publication_correct(
        publication=publication,
        by=people["council_admin"],
        note="Fix",
        ratings={("riverside", 3): "met"},
    )
    assert (
        corrected.landlords.get(landlord_slug="riverside").participation_figures
        == riverside.participation_figures
    )
