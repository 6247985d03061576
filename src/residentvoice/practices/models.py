"""The best-practice library: what landlords do well, which commitments it meets and who does it,
so the council can see where one landlord's practice would help another."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from residentvoice.charter.models import Commitment
from residentvoice.core.models import TimeStampedModel
from residentvoice.organisations.models import Landlord


class Practice(TimeStampedModel):
    title = models.CharField(max_length=200)
    description = models.TextField()
    commitments = models.ManyToManyField(Commitment, related_name="practices")
    landlords = models.ManyToManyField(
        Landlord, related_name="practices", help_text="The landlords doing it"
    )
    evidence = models.TextField(blank=True, help_text="What shows it works")
    evidence_url = models.URLField("evidence web address", max_length=500, blank=True)
    how_residents_involved = models.TextField("how residents were involved", blank=True)
    recorded_by_landlord = models.ForeignKey(
        Landlord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practices_recorded",
        help_text="Empty when the council recorded it",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_public = models.BooleanField(
        default=False, help_text="Approved by the council to appear in the public library"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who approved it for the public library",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def landlord_id(self) -> int | None:
        """Rules treat a practice as belonging to the landlord that recorded it."""
        return self.recorded_by_landlord_id
