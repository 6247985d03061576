"""Reads about notifications: a person's own list and their email preference."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import DEFAULT_FREQUENCY, Notification, NotificationPreference


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The person's own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notifications_unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_frequency_of(user: Any) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.frequency if preference else DEFAULT_FREQUENCY
