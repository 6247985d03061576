"""Reports of published text ("report this") and what moderators decide about them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from residentvoice.notifications.services import notification_send

from ..models import (
    Answer,
    ContentReport,
    Moderation,
    RegisterEntry,
    ReportedKind,
    ReportOutcome,
    TopicProposal,
)
from ..selectors.people import landlord_staff


def reported_object(kind: str, object_id: int) -> tuple[Any, int | None] | None:
    """The published thing a report is about, and whose it is (landlord id, None: council)."""
    if kind == ReportedKind.ANSWER:
        answer = (
            Answer.objects.select_related("question__consultation")
            .filter(pk=object_id, moderation=Moderation.APPROVED)
            .first()
        )
        if answer is None or answer.question.consultation.results_published_at is None:
            return None
        return answer, answer.question.consultation.landlord_id
    if kind == ReportedKind.TOPIC:
        topic = (
            TopicProposal.objects.select_related("round__panel")
            .filter(pk=object_id, is_hidden=False)
            .first()
        )
        return (topic, topic.round.panel.landlord_id) if topic else None
    if kind == ReportedKind.REGISTER_ENTRY:
        entry = RegisterEntry.objects.filter(pk=object_id, is_public=True).first()
        return (entry, entry.landlord_id) if entry else None
    return None


@transaction.atomic
def content_report_create(
    *, kind: str, object_id: int, reason: str, reporter: Any = None
) -> ContentReport:
    found = reported_object(kind, object_id)
    if found is None:
        raise ValidationError("There is nothing published here to report.")
    if not reason.strip():
        raise ValidationError({"reason": "Tell us what is wrong with it."})
    _, landlord_id = found
    report = ContentReport.objects.create(
        kind=kind,
        object_id=object_id,
        landlord_id_reported=landlord_id,
        reason=reason.strip(),
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
    )
    notification_send(
        users=landlord_staff(landlord_id),
        subject="Someone reported content on the site",
        body=f"{ReportedKind(kind).label} was reported. Reason given: {reason.strip()[:300]}",
        url=reverse("participation:report-list"),
        topic="moderation",
    )
    return report


@transaction.atomic
def content_report_resolve(*, report: ContentReport, resolved_by: Any, hide: bool) -> ContentReport:
    """Keep the content, or hide it from the public (the text itself is never changed)."""
    if report.resolved_at is not None:
        raise ValidationError("This report has already been dealt with.")
    if hide:
        if report.kind == ReportedKind.ANSWER:
            Answer.objects.filter(pk=report.object_id).update(
                moderation=Moderation.HIDDEN, moderated_by=resolved_by, moderated_at=timezone.now()
            )
        elif report.kind == ReportedKind.TOPIC:
            TopicProposal.objects.filter(pk=report.object_id).update(is_hidden=True)
        elif report.kind == ReportedKind.REGISTER_ENTRY:
            entry = RegisterEntry.objects.filter(pk=report.object_id).first()
            if entry is not None and entry.is_public:
                entry.is_public = False
                entry.save()
    report.outcome = ReportOutcome.HIDDEN if hide else ReportOutcome.KEPT
    report.resolved_at = timezone.now()
    report.resolved_by = resolved_by
    report.save()
    # Other open reports of the same thing are settled by the same decision.
    ContentReport.objects.filter(
        kind=report.kind, object_id=report.object_id, resolved_at__isnull=True
    ).update(outcome=report.outcome, resolved_at=report.resolved_at, resolved_by=resolved_by)
    return report
