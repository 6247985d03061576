"""Publication fixtures: a 2024-25 cycle ready to publish with a mix of results, public and
private evidence, residents' answers and comments in every state, and an earlier 2023-24 cycle
already published, so the change since last year has something to compare with.

Private fields carry sentinel strings (`SENTINELS`): the leak test looks for them in every
public output, where none may appear.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from residentvoice.accounts.models import Role
from residentvoice.assessment import services as assessment
from residentvoice.assessment.models import AssessmentCycle, AssessmentItem, Stage
from residentvoice.publication.services import cycle_publish

from ..assessment.conftest import (  # noqa: F401  (fixtures used by this package's tests)
    YEAR,
    charter,
    cycle,
    item_of,
    move_to,
    rating,
)
from ..factories import StockFigureFactory, user_with_role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PREVIOUS_YEAR = "2023-24"

SENTINELS = {
    "private_notes": "SENTINEL-PRIVATE-NOTE",
    "self_text": "SENTINEL-DRAFT-CLAIM",
    "involved": "SENTINEL-DRAFT-INVOLVED",
    "feedback": "SENTINEL-COUNCIL-FEEDBACK",
    "reply": "SENTINEL-REPLY-REASON",
    "private_evidence": "SENTINEL-PRIVATE-EVIDENCE",
    "private_excerpt": "SENTINEL-PRIVATE-EXCERPT",
    "removed_evidence": "SENTINEL-REMOVED-EVIDENCE",
    "pending_comment": "SENTINEL-PENDING-COMMENT",
    "rejected_comment": "SENTINEL-REJECTED-COMMENT",
    "session_summary": "SENTINEL-SESSION-SUMMARY",
    "resident_name": "Sentinel Residentname",
    "resident_email": "sentinel-resident@example.org",
    "private_practice": "SENTINEL-UNAPPROVED-PRACTICE",
    "request": "SENTINEL-EVIDENCE-REQUEST",
    "draft_rating": "SENTINEL-DRAFT-RATING",
    "reply_evidence": "SENTINEL-REPLY-EVIDENCE",
}


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Evidence files and reports are written under the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def set_final(
    cycle: AssessmentCycle,  # noqa: F811
    landlord: Any,
    number: int,
    code: str,
    why: str = "",
) -> None:
    """Give one item its moderated result directly (test set-up only)."""
    fields: dict[str, Any] = {
        "final_rationale": why or f"Rated {code} for the test",
        "moderated_at": timezone.now(),
    }
    if code == "not_applicable":
        fields.update(final_rating=None, final_not_applicable=True)
    else:
        fields.update(final_rating=rating(code), final_not_applicable=False)
    AssessmentItem.objects.filter(
        participation__cycle=cycle, landlord=landlord, commitment__number=number
    ).update(**fields)


def published_previous(
    charter: Any,  # noqa: F811
    landlord: Any,
    other_landlord: Any,
) -> AssessmentCycle:
    """2023-24, published: Riverside met commitment 1 only partly; Hillside met everything."""
    previous = assessment.cycle_open(
        reporting_year=PREVIOUS_YEAR, landlords=[landlord, other_landlord], charter=charter
    )
    move_to(previous, Stage.MODERATION)
    set_final(previous, landlord, 1, "partly_met")
    set_final(previous, landlord, 2, "not_met")
    move_to(previous, Stage.READY_TO_PUBLISH)
    cycle_publish(cycle=previous, by=None)
    return previous


@pytest.fixture
def ready(cycle, people, landlord, other_landlord, charter) -> AssessmentCycle:  # noqa: F811
    """The 2024-25 cycle at "ready to publish" with a published 2023-24 before it."""
    StockFigureFactory(landlord=landlord, homes=6300)
    StockFigureFactory(landlord=other_landlord, homes=400)
    published_previous(charter, landlord, other_landlord)
    admin = people["council_admin"]
    staff = people["landlord_admin"]
    move_to(cycle, Stage.SELF_ASSESSMENT, by=admin)
    item = assessment.item_self_assess(
        item=item_of(cycle, landlord, 1),
        version=None,
        rating=rating("exceeded"),
        what_we_do=f"We hold panels {SENTINELS['self_text']}",
        how_residents_involved=SENTINELS["involved"],
    )
    assessment.evidence_add(
        item=item,
        by=staff,
        title="Panel terms of reference",
        url="https://example.org/panel-terms",
        page="4",
        excerpt="Residents chair every panel meeting.",
        is_public=True,
    )
    assessment.evidence_add(
        item=item,
        by=staff,
        title="Annual panel report",
        file=SimpleUploadedFile("panel-report.pdf", PDF, content_type="application/pdf"),
        is_public=True,
    )
    assessment.evidence_add(
        item=item,
        by=staff,
        title=SENTINELS["private_evidence"],
        url="https://example.org/private-minutes",
        excerpt=SENTINELS["private_excerpt"],
        is_public=False,
    )
    assessment.evidence_add(
        item=item,
        by=staff,
        title="Private draft file",
        file=SimpleUploadedFile("private-draft.pdf", PDF, content_type="application/pdf"),
        is_public=False,
    )
    removed = assessment.evidence_add(
        item=item,
        by=staff,
        title=SENTINELS["removed_evidence"],
        url="https://example.org/withdrawn",
        is_public=True,
    )
    assessment.evidence_remove(evidence=removed)
    assessment.action_add(
        item=item,
        description="Recruit younger residents to the panel",
        owner="Resident involvement team",
        target_date=datetime.date(2025, 12, 1),
    )
    named = user_with_role(
        Role.RESIDENT,
        landlord,
        email=SENTINELS["resident_email"],
        full_name=SENTINELS["resident_name"],
    )
    approved = assessment.reality_check_answer(
        item=item, resident=named, answer="partly", comment="The panel listened to us."
    )
    assessment.reality_comment_moderate(check=approved, by=admin, approve=True)
    assessment.reality_check_answer(
        item=item, resident=people["resident"], answer="no", comment=SENTINELS["pending_comment"]
    )
    rejected = assessment.reality_check_answer(
        item=item,
        resident=user_with_role(Role.RESIDENT, landlord, email="third@example.org"),
        answer="yes",
        comment=SENTINELS["rejected_comment"],
    )
    assessment.reality_comment_moderate(check=rejected, by=admin, approve=False)
    assessment.reality_session_record(
        participation=item.participation,
        by=admin,
        held_on=datetime.date(2024, 9, 1),
        residents_count=12,
        summary=SENTINELS["session_summary"],
        commitments=[item.commitment],
    )
    move_to(cycle, Stage.COUNCIL_REVIEW, by=admin)
    assessment.item_review(
        item=item,
        by=admin,
        version=None,
        rating=rating("exceeded"),
        feedback=SENTINELS["feedback"],
        private_notes=SENTINELS["private_notes"],
    )
    assessment.evidence_request_create(
        item=item_of(cycle, other_landlord, 2),
        by=admin,
        message=SENTINELS["request"],
        due_on=timezone.localdate(),
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY, by=admin)
    assessment.item_reply(
        item=item,
        by=staff,
        version=None,
        position="disagree",
        reason=SENTINELS["reply"],
        evidence=assessment.EvidenceGiven(
            title=SENTINELS["reply_evidence"], url="https://example.org/reply", is_public=False
        ),
    )
    move_to(cycle, Stage.MODERATION, by=admin)
    set_final(cycle, landlord, 1, "met", "Panels are resident-led and meet monthly.")
    set_final(cycle, landlord, 2, "exceeded")
    set_final(cycle, landlord, 3, "not_met")
    set_final(cycle, other_landlord, 1, "partly_met")
    move_to(cycle, Stage.READY_TO_PUBLISH, by=admin)
    return cycle


@pytest.fixture
def published(ready, people):
    return cycle_publish(cycle=ready, by=people["council_admin"], note="First publication")
