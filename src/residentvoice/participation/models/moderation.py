"""Reports from readers ("report this") of published text that should not be on the site."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportedKind(models.TextChoices):
    ANSWER = "answer", "A published answer to a consultation"
    TOPIC = "topic", "A proposed scrutiny topic"
    REGISTER_ENTRY = "register_entry", "A 'you said, we did' entry"


class ReportOutcome(models.TextChoices):
    OPEN = "", "Not looked at yet"
    KEPT = "kept", "Looked at and kept"
    HIDDEN = "hidden", "Hidden from the public"


class ContentReport(models.Model):
    kind = models.CharField(max_length=20, choices=ReportedKind.choices)
    object_id = models.PositiveBigIntegerField()
    landlord_id_reported = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Whose content it is: that landlord's staff moderate it"
    )
    reason = models.TextField()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content_reports",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(
        max_length=10, choices=ReportOutcome.choices, blank=True, default=ReportOutcome.OPEN
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One report per person per thing: a second click or a second tab cannot pile up
            # reports (or notifications) about the same text.
            models.UniqueConstraint(
                fields=["kind", "object_id", "reporter"],
                condition=models.Q(reporter__isnull=False),
                name="content_report_once_per_person",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "object_id", "resolved_at"], name="content_report_item_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Report of {self.kind} {self.object_id}"

    @property
    def landlord_id(self) -> int | None:
        return self.landlord_id_reported
