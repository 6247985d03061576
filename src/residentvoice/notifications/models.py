"""What the site has to tell a person, and how often they want it by email.

Every notification is kept on the site (the person's notification list); email follows each
person's preference: one email each, a daily or weekly digest, or none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away, one email for each"
    DAILY = "daily", "Once a day, in one email"
    WEEKLY = "weekly", "Once a week, in one email"
    NEVER = "never", "Do not email me; I will look on the site"


DEFAULT_FREQUENCY = Frequency.IMMEDIATE


class NotificationPreference(TimeStampedModel):
    """How often a person wants email. No row means the default (straight away)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class EmailState(models.TextChoices):
    WAITING = "waiting", "Waiting for the next digest"
    SENT = "sent", "Emailed"
    NOT_EMAILED = "not_emailed", "Not emailed (the person asked for no email)"
    WITHHELD = "withheld", "Not emailed (recorded while email was off, as when loading the demo)"


class Notification(models.Model):
    """One thing one person should know. `dedupe_key` stops a reminder being repeated."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text")
    url = models.CharField(max_length=500, blank=True, help_text="A page on this site")
    topic = models.CharField(
        max_length=60, blank=True, help_text="Which part of the site sent it, e.g. consultations"
    )
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=12, choices=EmailState.choices)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["email_state", "user"], name="notification_digest_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
