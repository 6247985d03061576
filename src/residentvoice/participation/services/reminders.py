"""Overdue answers, actions and information requests, flagged to the panel, the landlord's
admins and the council. Run daily by `residentvoice participation remind`; each item is flagged
at most once a week to each person."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from residentvoice.core.formats import long_date
from residentvoice.notifications.services import notification_send

from ..models import PanelMember
from ..selectors.people import council_staff, landlord_admins
from ..selectors.scrutiny import overdue_items


@transaction.atomic
def overdue_remind(*, today: datetime.date | None = None) -> int:
    """Flag everything overdue. Returns the number of overdue items found."""
    today = today or timezone.localdate()
    items = overdue_items(today=today)
    if not items:
        return 0
    week = today.isocalendar()
    council = list(council_staff())
    panel_ids = {item.review.panel_id for item in items}
    members: dict[int, list[Any]] = defaultdict(list)
    for member in PanelMember.objects.filter(
        panel_id__in=panel_ids, left_on__isnull=True, user__isnull=False
    ).select_related("user"):
        members[member.panel_id].append(member.user)
    admins: dict[int, list[Any]] = {}
    for item in items:
        if item.landlord_id not in admins:
            admins[item.landlord_id] = list(landlord_admins(item.landlord_id))
        days = (today - item.due_on).days
        notification_send(
            users=[*members[item.review.panel_id], *admins[item.landlord_id], *council],
            subject=f"Overdue at {item.landlord_name}: {item.label}",
            body=f"{item.label}, for the scrutiny review “{item.review.title}”, was due on "
            f"{long_date(item.due_on)} ({days} day{'s' if days != 1 else ''} ago).",
            url=item.url,
            topic="scrutiny",
            dedupe_key=f"overdue:{item.kind}:{item.object_id}:{week.year}-W{week.week}",
        )
    return len(items)
