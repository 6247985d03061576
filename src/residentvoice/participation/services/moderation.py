"""Reports of published text ("report this") and what moderators decide about them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
        entry = RegisterEntry.objects.public().filter(pk=object_id).first()
        return (entry, entry.landlord_id) if entry else None
    return None


OPEN_REPORTS_LIMIT = 5  # open reports kept per item; more say nothing a moderator needs


@transaction.atomic
def content_report_create(
    *, kind: str, object_id: int, reason: str, reporter: Any = None
) -> ContentReport | None:
    """Record a report and tell the moderators, once per item until they deal with it.

    A signed-in person reports each thing once. Reports from people not signed in stop being
    recorded once an item has a handful waiting (None is returned: the moderators already know).
    """
    found = reported_object(kind, object_id)
    if found is None:
        raise ValidationError("There is nothing published here to report.")
    if not reason.strip():
        raise ValidationError({"reason": "Tell us what is wrong with it."})
    _, landlord_id = found
    person = reporter if reporter is not None and reporter.is_authenticated else None
    same_item = ContentReport.objects.filter(kind=kind, object_id=object_id)
    if person is not None and same_item.filter(reporter=person).exists():
        raise ValidationError("You have already reported this. A moderator will look at it.")
    waiting = same_item.filter(resolved_at__isnull=True).count()
    if person is None and waiting >= OPEN_REPORTS_LIMIT:
        return None
    try:
        with transaction.atomic():
            report = ContentReport.objects.create(
                kind=kind,
                object_id=object_id,
                landlord_id_reported=landlord_id,
                reason=reason.strip(),
                reporter=person,
            )
    except IntegrityError as error:  # the same person, a moment ago in another tab
        raise ValidationError(
            "You have already reported this. A moderator will look at it."
        ) from error
    if not waiting:
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
            # Not is_public: that belongs to the entry's source and is written again each time
            # the source changes. hidden_at is the moderator's, and recording never clears it.
            entry = RegisterEntry.objects.filter(pk=report.object_id).first()
            if entry is not None and entry.hidden_at is None:
                entry.hidden_at = timezone.now()
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
