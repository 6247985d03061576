"""Who hears about what in the yearly assessment, and the words they receive.

Each function works out the recipients and hands the message to
`notifications.services.notification_send`: it lands on each person's notification list and is
emailed straight away or in their daily or weekly digest, as each person has chosen.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES, Membership, Role
from residentvoice.notifications.services import notification_send

from .models import (
    AssessmentCycle,
    AssessmentItem,
    EvidenceRequest,
    ModerationPanelMember,
    Stage,
    StageDates,
)

# Who acts in each stage: the landlords' staff, or the council.
LANDLORD_STAGES = {Stage.SELF_ASSESSMENT, Stage.RIGHT_OF_REPLY}
COUNCIL_STAGES = {Stage.COUNCIL_REVIEW, Stage.MODERATION, Stage.READY_TO_PUBLISH}


def _people(memberships: Iterable[Membership]) -> list[Any]:
    return [m.user for m in memberships if m.user.is_active]


def landlord_staff(landlord_ids: Iterable[int]) -> list[Any]:
    return _people(
        Membership.objects.filter(
            role__in=sorted(LANDLORD_STAFF_ROLES), landlord_id__in=list(landlord_ids)
        ).select_related("user")
    )


def council_staff(*, admins_only: bool = False) -> list[Any]:
    roles = [Role.COUNCIL_ADMIN] if admins_only else sorted(COUNCIL_ROLES)
    return _people(Membership.objects.filter(role__in=roles).select_related("user"))


def stage_recipients(cycle: AssessmentCycle, stage: str) -> list[Any]:
    if stage in LANDLORD_STAGES:
        return landlord_staff(cycle.participations.values_list("landlord_id", flat=True))
    if stage in COUNCIL_STAGES:
        return council_staff(admins_only=stage != Stage.COUNCIL_REVIEW)
    return []


def _tell(
    *,
    users: list[Any],
    subject: str,
    template: str,
    context: dict[str, Any],
    path: str,
    key: str = "",
) -> None:
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL, "path": path})
    notification_send(
        users=users, subject=subject, body=body, url=path, topic="assessment", dedupe_key=key
    )


def _cycle_path(cycle: AssessmentCycle) -> str:
    return reverse("assessment:cycle", kwargs={"year": cycle.reporting_year})


def stage_opened(*, cycle_id: int, stage: str) -> None:
    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    recipients = stage_recipients(cycle, stage)
    if not recipients:
        return
    dates = StageDates.objects.filter(cycle=cycle, stage=stage).first()
    _tell(
        users=recipients,
        subject=f"Charter assessment {cycle.reporting_year}: {Stage(stage).label} has started",
        template="assessment/email/stage_opened.txt",
        context={
            "cycle": cycle,
            "stage": Stage(stage).label,
            "closes_on": dates.closes_on if dates else None,
        },
        path=_cycle_path(cycle),
    )


def evidence_requested(*, request_id: int) -> None:
    request = EvidenceRequest.objects.select_related(
        "item__landlord", "item__commitment", "item__participation__cycle"
    ).get(pk=request_id)
    item = request.item
    recipients = landlord_staff([item.landlord_id])
    if recipients:
        _tell(
            users=recipients,
            subject=f"More evidence asked for: commitment {item.commitment.number}",
            template="assessment/email/evidence_requested.txt",
            context={"request": request, "item": item},
            path=item_path(item),
        )


def reply_received(*, item_id: int) -> None:
    item = AssessmentItem.objects.select_related(
        "landlord", "commitment", "participation__reviewer", "participation__cycle"
    ).get(pk=item_id)
    reviewer = item.participation.reviewer
    recipients = [reviewer] if reviewer else council_staff(admins_only=True)
    if recipients:
        _tell(
            users=recipients,
            subject=f"{item.landlord.short_name or item.landlord.name} replied on commitment "
            f"{item.commitment.number}",
            template="assessment/email/reply_received.txt",
            context={"item": item},
            path=item_path(item),
        )


def panel_place_given(*, member_id: int) -> None:
    member = ModerationPanelMember.objects.select_related(
        "cycle", "person__membership", "added_by"
    ).get(pk=member_id)
    if member.person is None:
        return
    membership = getattr(member.person, "membership", None)
    _tell(
        users=[member.person],
        subject=f"You are on the moderation panel for the {member.cycle.reporting_year} charter "
        "assessment",
        template="assessment/email/panel_place.txt",
        context={
            "member": member,
            "cycle": member.cycle,
            "is_resident": membership is not None and membership.role == Role.RESIDENT,
        },
        path=reverse("assessment:panel-papers", kwargs={"year": member.cycle.reporting_year}),
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
    """Remind the people acting in a stage 7 and 2 days before it closes. Returns reminders sent."""
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
        _tell(
            users=recipients,
            subject=f"Charter assessment {row.cycle.reporting_year}: "
            f"{Stage(row.stage).label} closes in {wanted[row.closes_on]} days",
            template="assessment/email/deadline.txt",
            context={
                "cycle": row.cycle,
                "stage": Stage(row.stage).label,
                "closes_on": row.closes_on,
                "days": wanted[row.closes_on],
            },
            path=_cycle_path(row.cycle),
            key=f"assessment-deadline-{row.pk}-{row.closes_on}-{wanted[row.closes_on]}",
        )
        sent += 1
    return sent


def evidence_request_reminders_send(
    *, today: datetime.date, days_before: Iterable[int] = (7, 2)
) -> int:
    """Remind a landlord's staff 7 and 2 days before an open request for more evidence is due.

    Only while the cycle is in council review, the one stage in which that evidence can be added;
    each person is reminded once per request and number of days. Returns the requests reminded.
    """
    from .services import cycle_stage

    wanted = {today + datetime.timedelta(days=days): days for days in days_before}
    requests = (
        EvidenceRequest.objects.filter(due_on__in=list(wanted), answered_at__isnull=True)
        .select_related("item__landlord", "item__commitment", "item__participation__cycle")
        .order_by("due_on", "pk")
    )
    stages: dict[int, str] = {}
    staff: dict[int, list[Any]] = {}
    sent = 0
    for request in requests:
        item = request.item
        cycle = item.participation.cycle
        if cycle.pk not in stages:
            stages[cycle.pk] = cycle_stage(cycle)
        if stages[cycle.pk] != Stage.COUNCIL_REVIEW:
            continue
        if item.landlord_id not in staff:
            staff[item.landlord_id] = landlord_staff([item.landlord_id])
        if not staff[item.landlord_id]:
            continue
        days = wanted[request.due_on]
        _tell(
            users=staff[item.landlord_id],
            subject=f"More evidence is due in {days} days: commitment {item.commitment.number}",
            template="assessment/email/evidence_due.txt",
            context={"request": request, "item": item, "days": days},
            path=item_path(item),
            key=f"assessment-evidence-due-{request.pk}-{request.due_on}-{days}",
        )
        sent += 1
    return sent
