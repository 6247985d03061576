"""The "you said, we did" register: what residents said, what was decided and why, what was done.

Entries are written by the services that own their sources (a consultation's outcome, a
recommendation's answer and progress, a reality check recorded by the assessment app), one entry
per source, so recording again updates the same entry.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel
from residentvoice.organisations.models import Landlord


class SourceKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    RECOMMENDATION = "recommendation", "Scrutiny recommendation"
    REALITY_CHECK = "reality_check", "Reality check"
    OTHER = "other", "Other"


class RegisterStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a decision"
    PLANNED = "planned", "Agreed, not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward, with reasons"


# An entry has something to say once it says what was done, or that the idea was not taken
# forward (the decision and its reason are then the answer). Until then it waits, out of sight.
SAYS_WHAT_WE_DID = ~models.Q(action_taken="") | models.Q(status=RegisterStatus.NOT_TAKEN_FORWARD)


class RegisterEntryQuerySet(models.QuerySet["RegisterEntry"]):
    def public(self, now: datetime.datetime | None = None) -> RegisterEntryQuerySet:
        """What the public may see now: public at its source, not hidden after a report, past
        its "public from" moment (results under embargo wait for the embargo to lift), and
        saying what was done (an entry whose "we did" is empty waits until there is something
        to say). Every public page, the feed, the download and the evidence links read this."""
        moment = now or timezone.now()
        return (
            self.filter(is_public=True, hidden_at__isnull=True)
            .filter(models.Q(public_from__isnull=True) | models.Q(public_from__lte=moment))
            .filter(SAYS_WHAT_WE_DID)
        )


class RegisterEntry(TimeStampedModel):
    landlord = models.ForeignKey(
        Landlord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entries",
        help_text="Empty for the council's own",
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    residents_said = models.TextField()
    decision = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    action_taken = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RegisterStatus.choices)
    is_public = models.BooleanField(
        default=False, help_text="Public at its source (set by the service that owns the source)"
    )
    public_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not shown before this moment (results under embargo); empty: straight away",
    )
    hidden_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Hidden by a moderator after a report; stays hidden whatever its source does "
        "until this is cleared",
    )
    date = models.DateField()
    url = models.CharField(max_length=500, blank=True, help_text="Where the source is published")
    is_synthetic = models.BooleanField(default=False)

    objects = RegisterEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "register entries"
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"], name="register_entry_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["is_public", "-date"], name="register_public_date_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:register-entry", kwargs={"pk": self.pk})

    @property
    def waits_for_what_we_did(self) -> bool:
        return not self.action_taken and self.status != RegisterStatus.NOT_TAKEN_FORWARD

    @property
    def public_state(self) -> str:
        """Where the entry stands on the public register, in words, for staff."""
        if not self.is_public:
            return "Not public at its source"
        if self.hidden_at:
            return "Hidden after a report"
        if self.waits_for_what_we_did:
            return "Waiting for what we did"
        if self.public_from and self.public_from > timezone.now():
            return "Under embargo"
        return "On the public register"
