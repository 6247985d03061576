"""The assessment services: stages, self-assessment, review, reply, moderation, refusals."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from residentvoice.assessment import services
from residentvoice.assessment.models import (
    AssessmentItem,
    RealityCheck,
    Stage,
    StageMove,
)

from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_opening_a_cycle_makes_an_item_per_landlord_and_commitment(cycle, charter):
    commitments = charter.commitments.filter(commits_landlords=True).count()
    assert commitments == 17  # one of the 18 binds the council alone
    assert AssessmentItem.objects.filter(participation__cycle=cycle).count() == 2 * commitments
    assert services.cycle_stage(cycle) == Stage.PREPARATION
    assert cycle.starts_on == datetime.date(2024, 4, 1)
    assert cycle.ends_on == datetime.date(2025, 3, 31)


@pytest.mark.parametrize("year", ["2024", "2024-26", "24-25", "next year"])
def test_a_cycle_needs_a_real_reporting_year(charter, landlord, year):
    with pytest.raises(ValidationError, match=r"reporting year|follow"):
        services.cycle_open(reporting_year=year, landlords=[landlord], charter=charter)


def test_a_year_has_one_cycle(cycle, landlord):
    with pytest.raises(ValidationError, match="already a cycle"):
        services.cycle_open(reporting_year=YEAR, landlords=[landlord])


def test_stages_move_one_at_a_time_and_every_move_is_kept(cycle, people):
    with pytest.raises(services.StageError):
        services.cycle_stage_move(cycle=cycle, to_stage=Stage.MODERATION)
    services.cycle_stage_move(
        cycle=cycle, to_stage=Stage.SELF_ASSESSMENT, by=people["council_admin"]
    )
    with pytest.raises(ValidationError, match="why"):
        services.cycle_stage_move(cycle=cycle, to_stage=Stage.PREPARATION)
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.PREPARATION, note="Dates were wrong")
    assert list(StageMove.objects.filter(cycle=cycle).values_list("stage", flat=True)) == [
        "preparation",
        "self_assessment",
        "preparation",
    ]


def test_publishing_is_not_a_stage_move(cycle):
    with pytest.raises(services.StageError, match="publication"):
        services.cycle_stage_move(cycle=cycle, to_stage=Stage.PUBLISHED)


def test_ready_to_publish_lists_what_is_not_moderated(cycle, landlord):
    move_to(cycle, Stage.MODERATION)
    with pytest.raises(services.StageError, match="Riverside Homes: commitment 1"):
        services.cycle_stage_move(cycle=cycle, to_stage=Stage.READY_TO_PUBLISH)


def test_self_assessment_only_in_its_stage(cycle, landlord):
    item = item_of(cycle, landlord, 1)
    with pytest.raises(services.StageError, match="self-assessment"):
        services.item_self_assess(item=item, version=item.version, rating=rating("met"))
    move_to(cycle, Stage.SELF_ASSESSMENT)
    saved = services.item_self_assess(
        item=item, version=item.version, rating=rating("met"), what_we_do="We listen"
    )
    assert saved.version == item.version + 1
    assert saved.what_we_do == "We listen"


def test_a_save_from_an_older_copy_is_refused_and_shows_the_newer(cycle, landlord):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    services.item_self_assess(item=item, version=item.version, rating=rating("met"), what_we_do="A")
    with pytest.raises(services.StaleItemError) as refused:
        services.item_self_assess(
            item=item, version=item.version, rating=rating("not_met"), what_we_do="B"
        )
    assert refused.value.current.what_we_do == "A"
    assert item_of(cycle, landlord, 1).what_we_do == "A"


def test_submit_lists_every_unrated_commitment_then_signs_off(cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    participation = cycle.participations.get(landlord=landlord)
    with pytest.raises(ValidationError) as refused:
        services.participation_submit(participation=participation, by=people["landlord_admin"])
    assert len(refused.value.messages) == 17
    for item in participation.items.all():
        services.item_self_assess(item=item, version=item.version, rating=rating("met"))
    services.participation_submit(participation=participation, by=people["landlord_admin"])
    participation.refresh_from_db()
    assert participation.signed_off_by == people["landlord_admin"]
    item = item_of(cycle, landlord, 2)
    with pytest.raises(services.StageError, match="submitted"):
        services.item_self_assess(item=item, version=item.version, rating=rating("exceeded"))


def test_not_applicable_needs_a_commitment_that_allows_it(cycle, landlord):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    strict = AssessmentItem.objects.filter(
        participation__cycle=cycle, landlord=landlord, commitment__not_applicable_allowed=False
    ).first()
    assert strict is not None
    with pytest.raises(ValidationError, match="cannot be marked not applicable"):
        services.item_self_assess(
            item=strict,
            version=strict.version,
            rating=None,
            not_applicable=True,
            not_applicable_reason="No reason",
        )


def test_evidence_type_is_judged_from_content(cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is a program", "application/pdf")
    with pytest.raises(ValidationError, match="must be one of"):
        services.evidence_add(item=item, by=people["landlord_officer"], title="Report", file=fake)
    truncated = SimpleUploadedFile("cut.pdf", PDF[:20], "application/pdf")
    with pytest.raises(ValidationError, match="damaged"):
        services.evidence_add(item=item, by=people["landlord_officer"], title="Cut", file=truncated)
    real = SimpleUploadedFile("minutes.bin", PDF, "application/octet-stream")
    evidence = services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Minutes",
        file=real,
        page="4",
        is_public=True,
    )
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)


def test_office_documents_are_recognised_and_broken_ones_refused(cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("strategy.docx", buffer.getvalue())
    evidence = services.evidence_add(
        item=item, by=people["landlord_officer"], title="Strategy", file=docx
    )
    assert "wordprocessingml" in evidence.content_type
    broken = SimpleUploadedFile("broken.docx", buffer.getvalue()[:60])
    with pytest.raises(ValidationError):
        services.evidence_add(item=item, by=people["landlord_officer"], title="B", file=broken)


def test_evidence_over_20_mb_is_refused(cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError, match="20 MB"):
        services.evidence_add(item=item, by=people["landlord_officer"], title="Big", file=big)


def test_review_reply_and_moderation_follow_the_stages(cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 3)
    item = services.item_self_assess(item=item, version=item.version, rating=rating("exceeded"))
    with pytest.raises(services.StageError):
        services.item_review(
            item=item, by=people["council_officer"], version=item.version, rating=rating("met")
        )
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = services.item_review(
        item=item,
        by=people["council_officer"],
        version=item.version,
        rating=rating("partly_met"),
        feedback="Good start",
        private_notes="Check minutes",
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    with pytest.raises(ValidationError, match="why you disagree"):
        services.item_reply(
            item=item, by=people["landlord_admin"], version=item.version, position="disagree"
        )
    with pytest.raises(ValidationError, match="give evidence with your reply"):
        services.item_reply(
            item=item,
            by=people["landlord_admin"],
            version=item.version,
            position="disagree",
            reason="Our panel met six times",
        )
    item = services.item_reply(
        item=item,
        by=people["landlord_admin"],
        version=item.version,
        position="disagree",
        reason="Our panel met six times",
        evidence=services.EvidenceGiven(
            title="Panel minutes", url="https://example.org/minutes", is_public=True
        ),
    )
    assert item.evidence.get(for_reply=True).title == "Panel minutes"
    move_to(cycle, Stage.MODERATION)
    with pytest.raises(ValidationError, match="reason for the final rating"):
        services.item_moderate(
            item=item, by=people["council_admin"], version=item.version, rating=rating("met")
        )
    item = services.item_moderate(
        item=item,
        by=people["council_admin"],
        version=item.version,
        rating=rating("met"),
        rationale="The minutes show the panel met",
    )
    assert item.is_moderated


def test_a_reopened_item_can_be_changed_once_in_its_old_stage(cycle, landlord, people):
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = item_of(cycle, landlord, 1)
    with pytest.raises(ValidationError, match="why"):
        services.item_reopen(item=item, stage=Stage.SELF_ASSESSMENT, reason="")
    item = services.item_reopen(item=item, stage=Stage.SELF_ASSESSMENT, reason="Wrong file")
    item = services.item_self_assess(item=item, version=item.version, rating=rating("met"))
    assert item.reopened_for == ""
    other = item_of(cycle, landlord, 2)
    with pytest.raises(services.StageError):
        services.item_self_assess(item=other, version=other.version, rating=rating("met"))


def test_residents_check_claims_once_each_and_comments_wait_for_moderation(cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    with pytest.raises(ValidationError, match="not said what it does"):
        services.reality_check_answer(item=item, resident=people["resident"], answer="yes")
    item = services.item_self_assess(
        item=item,
        version=item.version,
        rating=rating("met"),
        what_we_do="We hold open meetings monthly",
    )
    services.reality_check_answer(
        item=item, resident=people["resident"], answer="no", comment="Not since March"
    )
    check = services.reality_check_answer(
        item=item, resident=people["resident"], answer="partly", comment="Not since March"
    )
    assert RealityCheck.objects.filter(item=item).count() == 1
    assert check.answer == "partly"
    assert check.comment_status == "pending"
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    with pytest.raises(services.StageError):
        services.reality_check_answer(item=item, resident=people["resident"], answer="yes")


def test_a_landlord_can_join_during_a_cycle_but_not_after_it_is_frozen(cycle, charter):
    from tests.factories import LandlordFactory

    newcomer = LandlordFactory(name="Newcomer Homes", slug="newcomer")
    services.cycle_landlord_add(cycle=cycle, landlord=newcomer)
    assert AssessmentItem.objects.filter(landlord=newcomer).count() == 17
    move_to(cycle, Stage.READY_TO_PUBLISH)
    late = LandlordFactory(name="Late Homes", slug="late")
    with pytest.raises(services.StageError, match="frozen"):
        services.cycle_landlord_add(cycle=cycle, landlord=late)


def test_a_moderated_claim_residents_checked_enters_the_register_privately_until_published(
    cycle, landlord, people
):
    from residentvoice.participation.models import RegisterEntry

    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    item = services.item_self_assess(
        item=item, version=item.version, rating=rating("met"), what_we_do="Monthly forum"
    )
    services.reality_check_answer(item=item, resident=people["resident"], answer="no")
    move_to(cycle, Stage.MODERATION)
    item.refresh_from_db()
    services.item_moderate(
        item=item,
        by=people["council_admin"],
        version=item.version,
        rating=rating("partly_met"),
        rationale="Residents did not recognise the claim",
    )
    entry = RegisterEntry.objects.get(source_kind="reality_check", source_id=str(item.pk))
    assert "no 1" in entry.residents_said
    assert "Partly met" in entry.decision
    assert entry.is_public is False
    assert services.cycle_reality_outcomes_publish(cycle=cycle) == 1
    entry.refresh_from_db()
    assert entry.is_public is True
    assert RegisterEntry.objects.filter(source_kind="reality_check").count() == 1


def test_saving_an_item_unchanged_stores_nothing(cycle, landlord, people):
    """Nobody else's copy goes stale, and the review keeps who last changed it and when."""
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = services.item_self_assess(
        item=item_of(cycle, landlord, 1), version=None, rating=rating("met"), what_we_do="We listen"
    )
    again = services.item_self_assess(
        item=item, version=item.version, rating=rating("met"), what_we_do="We listen "
    )
    assert item_of(cycle, landlord, 1).version == again.version == item.version
    move_to(cycle, Stage.COUNCIL_REVIEW)
    reviewed = services.item_review(
        item=item, by=people["council_officer"], version=None, rating=rating("met"), feedback="Ok"
    )
    services.item_review(
        item=reviewed, by=people["council_admin"], version=None, rating=rating("met"), feedback="Ok"
    )
    stored = item_of(cycle, landlord, 1)
    assert (stored.version, stored.reviewed_by, stored.reviewed_at) == (
        reviewed.version,
        people["council_officer"],
        reviewed.reviewed_at,
    )
