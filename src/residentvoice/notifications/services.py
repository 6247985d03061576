"""Writes about notifications: send one to many people, send the digests, change preferences.

Other apps call `notification_send`; it stores a notification for each person (their list on the
site) and emails those who want each one straight away. `notification_digest_send` (run daily and
weekly by `residentvoice notifications digest`) gathers the rest into one email per person.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from residentvoice.core.notifications import email_is_withheld, email_queue

from .models import DEFAULT_FREQUENCY, EmailState, Frequency, Notification, NotificationPreference

UNSUBSCRIBE_SALT = "residentvoice.notifications.unsubscribe"


def unsubscribe_token(user: Any) -> str:
    """A signed token naming the person; it never expires, so old emails keep working."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user_id(token: str) -> int | None:
    """The person a token names, or None if it was not made by this site."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def unsubscribe_url(user: Any) -> str:
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return f"{settings.SITE_URL}{path}"


def _email(*, user: Any, subject: str, template: str, context: dict[str, Any]) -> None:
    link = unsubscribe_url(user)
    body = render_to_string(
        template,
        {
            **context,
            "user": user,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": link,
            "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}",
        },
    )
    # The List-Unsubscribe headers let mail programs offer their own one-click button (RFC 8058).
    email_queue(
        to=[user.email],
        subject=subject,
        body=body,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def frequencies_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's email preference, in one query; people with no row get the default."""
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids).values_list("user_id", "frequency")
    )
    return {user_id: chosen.get(user_id, DEFAULT_FREQUENCY) for user_id in ids}


@transaction.atomic
def notification_send(
    *,
    users: Iterable[Any],
    subject: str,
    body: str,
    url: str = "",
    topic: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell each person something: on their notification list, and by email as they prefer.

    With a `dedupe_key`, a person already told under that key is not told again (reminders).
    Queries do not grow with the number of people, except one email task per immediate reader.
    """
    subject = subject.strip()
    if not subject:
        raise ValueError("A notification needs a subject")
    if len(subject) > 200:
        subject = subject[:199] + "…"
    people = {user.pk: user for user in users if user is not None and user.is_active}
    if dedupe_key:
        already = set(
            Notification.objects.filter(
                user_id__in=list(people), dedupe_key=dedupe_key
            ).values_list("user_id", flat=True)
        )
        people = {pk: user for pk, user in people.items() if pk not in already}
    if not people:
        return []
    frequencies = frequencies_of(people)
    now = timezone.now()
    states = {
        Frequency.IMMEDIATE: EmailState.WITHHELD if email_is_withheld() else EmailState.SENT,
        Frequency.DAILY: EmailState.WAITING,
        Frequency.WEEKLY: EmailState.WAITING,
        Frequency.NEVER: EmailState.NOT_EMAILED,
    }
    notifications = Notification.objects.bulk_create(
        Notification(
            user_id=pk,
            subject=subject,
            body=body,
            url=url,
            topic=topic,
            dedupe_key=dedupe_key,
            email_state=states[Frequency(frequencies[pk])],
            emailed_at=now if states[Frequency(frequencies[pk])] == EmailState.SENT else None,
        )
        for pk in people
    )
    for notification in notifications:
        if notification.email_state == EmailState.SENT:
            _email(
                user=people[notification.user_id],
                subject=subject,
                template="notifications/email/notification.txt",
                context={"notification": notification},
            )
    return notifications


def _digest_window(frequency: str) -> datetime.timedelta:
    return datetime.timedelta(days=1 if frequency == Frequency.DAILY else 7)


@transaction.atomic
def notification_digest_send(*, frequency: str, now: datetime.datetime | None = None) -> int:
    """One email per person who chose this digest, listing what is waiting. Returns emails sent.

    Waiting notifications older than the digest's period (for instance from before the person
    changed their preference) are included too: nothing waiting is ever dropped.
    """
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError("Digests are daily or weekly")
    if email_is_withheld():
        return 0  # what is waiting goes with the next digest
    now = now or timezone.now()
    waiting = list(
        Notification.objects.select_related("user")
        .filter(
            email_state=EmailState.WAITING,
            user__notification_preference__frequency=frequency,
            user__is_active=True,
        )
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in waiting:
        by_user[notification.user_id].append(notification)
    period = "today" if frequency == Frequency.DAILY else "this week"
    for items in by_user.values():
        user = items[0].user
        count = len(items)
        _email(
            user=user,
            subject=f"Resident Voice: {count} update{'s' if count != 1 else ''} {period}",
            template="notifications/email/digest.txt",
            context={"notifications": items, "period": period},
        )
    Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
        email_state=EmailState.SENT, emailed_at=now
    )
    return len(by_user)


@transaction.atomic
def notification_preference_set(*, user: Any, frequency: str) -> NotificationPreference:
    """Change how often a person is emailed. Notifications already waiting follow the new choice
    at the next digest; switching to no email leaves them on the site only."""
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "Choose how often you want email."})
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is None and frequency == DEFAULT_FREQUENCY:
        # Choosing what already applies stores nothing: the default stays the default.
        preference = NotificationPreference(user=user, frequency=frequency)
    elif preference is None:
        preference = NotificationPreference.objects.create(user=user, frequency=frequency)
    elif preference.frequency != frequency:
        preference.frequency = frequency
        preference.save(update_fields=["frequency", "updated_at"])
    if frequency == Frequency.NEVER:
        Notification.objects.filter(user=user, email_state=EmailState.WAITING).update(
            email_state=EmailState.NOT_EMAILED
        )
    elif frequency == Frequency.IMMEDIATE:
        # Nothing should wait for a digest that will no longer come; it stays on the site list.
        Notification.objects.filter(user=user, email_state=EmailState.WAITING).update(
            email_state=EmailState.NOT_EMAILED
        )
    return preference


@transaction.atomic
def notifications_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark a person's notifications read (all, or the ones named). Returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notifications_forget(*, user: Any) -> int:
    """Delete everything the site was keeping to tell a person (used when they leave)."""
    NotificationPreference.objects.filter(user=user).delete()
    deleted, _ = Notification.objects.filter(user=user).delete()
    return deleted
