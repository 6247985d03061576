"""Who hears about what in the yearly assessment, and the words they receive.

Each function works out the recipients and hands the email to `core.notifications.email_send`,
which sends it by a background task once the change that caused it is saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES, Membership, Role
from residentvoice.core.notifications import email_send

from .models import AssessmentCycle, AssessmentItem, EvidenceRequest, Stage, StageDates

# Who acts in each stage: the landlords' staff, or the council.
LANDLORD_STAGES = {Stage.SELF_ASSESSMENT, Stage.RIGHT_OF_REPLY}
COUNCIL_STAGES = {Stage.COUNCIL_REVIEW, Stage.MODERATION, Stage.READY_TO_PUBLISH}


def _emails(memberships: Iterable[Membership]) -> list[str]:
    return sorted({m.user.email for m in memberships if m.user.is_active})


def landlord_staff_emails(landlord_ids: Iterable[int]) -> list[str]:
    return _emails(
        Membership.objects.filter(
            role__in=sorted(LANDLORD_STAFF_ROLES), landlord_id__in=list(landlord_ids)
        ).select_related("user")
    )


def council_emails(*, admins_only: bool = False) -> list[str]:
    roles = [Role.COUNCIL_ADMIN] if admins_only else sorted(COUNCIL_ROLES)
    return _emails(Membership.objects.filter(role__in=roles).select_related("user"))


def stage_recipients(cycle: AssessmentCycle, stage: str) -> list[str]:
    if stage in LANDLORD_STAGES:
        return landlord_staff_emails(cycle.participations.values_list("landlord_id", flat=True))
    if stage in COUNCIL_STAGES:
        return council_emails(admins_only=stage != Stage.COUNCIL_REVIEW)
    return []


def _cycle_path(cycle: AssessmentCycle) -> str:
    return reverse("assessment:cycle", kwargs={"year": cycle.reporting_year})


def stage_opened(*, cycle_id: int, stage: str) -> None:
    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    recipients = stage_recipients(cycle, stage)
    if not recipients:
        return
    dates = StageDates.objects.filter(cycle=cycle, stage=stage).first()
    email_send(
        to=recipients,
        subject=f"Charter assessment {cycle.reporting_year}: {Stage(stage).label} has started",
        template="assessment/email/stage_opened.txt",
        context={
            "cycle": cycle,
            "stage": Stage(stage).label,
            "closes_on": dates.closes_on if dates else None,
            "path": _cycle_path(cycle),
        },
    )


def evidence_requested(*, request_id: int) -> None:
    request = EvidenceRequest.objects.select_related(
        "item__landlord", "item__commitment", "item__participation__cycle"
    ).get(pk=request_id)
    item = request.item
    recipients = landlord_staff_emails([item.landlord_id])
    if recipients:
        email_send(
            to=recipients,
            subject=f"More evidence asked for: commitment {item.commitment.number}",
            template="assessment/email/evidence_requested.txt",
            context={"request": request, "item": item, "path": item_path(item)},
        )


def reply_received(*, item_id: int) -> None:
    item = AssessmentItem.objects.select_related(
        "landlord", "commitment", "participation__reviewer", "participation__cycle"
    ).get(pk=item_id)
    reviewer = item.participation.reviewer
    recipients = [reviewer.email] if reviewer else council_emails(admins_only=True)
    if recipients:
        email_send(
            to=recipients,
            subject=f"{item.landlord.short_name or item.landlord.name} replied on commitment "
            f"{item.commitment.number}",
            template="assessment/email/reply_received.txt",
            context={"item": item, "path": item_path(item)},
        )


def item_path(item: AssessmentItem) -> str:
    return reverse(
        "assessment:item",
        kwargs={
            "year": item.participation.cycle.reporting_year,
            "slug": item.landlord.slug,
            "number": item.commitment.number,
        },
    )


def deadline_reminders_send(*, today: datetime.date, days_before: Iterable[int] = (7, 2)) -> int:
    """Remind the people acting in a stage 7 and 2 days before it closes. Returns emails queued."""
    from .services import cycle_stage

    sent = 0
    wanted = {today + datetime.timedelta(days=days): days for days in days_before}
    rows = StageDates.objects.filter(closes_on__in=list(wanted)).select_related("cycle")
    for row in rows:
        if cycle_stage(row.cycle) != row.stage:
            continue
        recipients = stage_recipients(row.cycle, row.stage)
        if not recipients:
            continue
        assert row.closes_on is not None
        email_send(
            to=recipients,
            subject=f"Charter assessment {row.cycle.reporting_year}: "
            f"{Stage(row.stage).label} closes in {wanted[row.closes_on]} days",
            template="assessment/email/deadline.txt",
            context={
                "cycle": row.cycle,
                "stage": Stage(row.stage).label,
                "closes_on": row.closes_on,
                "days": wanted[row.closes_on],
                "path": _cycle_path(row.cycle),
            },
        )
        sent += 1
    return sent
