"""The charter as data: national standards, the council's charter, its commitments and ratings."""

from __future__ import annotations

import re

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel


class StandardFramework(TimeStampedModel):
    """A national set of standards the charter is measured against, e.g. the regulator's."""

    code = models.SlugField(
        max_length=40, unique=True, help_text="Short name used in charter files, e.g. tia-2024"
    )
    name = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField("web address", max_length=500, blank=True)
    description = models.TextField(blank=True)
    note = models.TextField(
        blank=True, help_text="Anything a reader should know, e.g. that the list is unverified"
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class StandardItem(TimeStampedModel):
    """One expectation, outcome or commitment within a national framework."""

    framework = models.ForeignKey(StandardFramework, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(
        max_length=40,
        unique=True,
        help_text="Used in charter files to map a commitment, e.g. TIA-3",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    is_verified = models.BooleanField(
        "checked against a public source",
        default=True,
        help_text="Untick where the list or wording could not be checked: it is configuration",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework__order", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Charter(TimeStampedModel):
    """One version of a resident participation charter. A new version never rewrites an old one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    area = models.CharField(max_length=100, help_text="The borough or district it covers")
    approved_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    is_default_text = models.BooleanField(
        "is the shipped default text",
        default=False,
        help_text="Ticked for the example text that comes with Resident Voice, to be replaced",
    )
    introduction = models.TextField(blank=True)
    source_note = models.TextField(
        blank=True, help_text="Where this text came from, shown on the charter page"
    )
    source_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the file this version was loaded from, to spot a reload",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="charter_unique_slug_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("charter:overview")

    @property
    def introduction_paragraphs(self) -> list[str]:
        """The introduction split at blank lines, so each paragraph can be styled."""
        return [part.strip() for part in re.split(r"\n\s*\n", self.introduction) if part.strip()]


class RatingScale(TimeStampedModel):
    """How each commitment is rated for a landlord, e.g. not met to exceeded."""

    charter = models.OneToOneField(Charter, on_delete=models.CASCADE, related_name="rating_scale")
    name = models.CharField(max_length=200)
    allows_not_applicable = models.BooleanField(
        "allows “not applicable”",
        default=False,
        help_text="Only commitments that say so may then be marked not applicable",
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class RatingOption(TimeStampedModel):
    """One step on a rating scale, with its points."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    points = models.IntegerField()
    order = models.PositiveIntegerField(default=0)
    meets_commitment = models.BooleanField(
        default=False, help_text="Ticked where this rating means the commitment is kept"
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "points"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="rating_option_unique_code")
        ]

    def __str__(self) -> str:
        return self.label


class Commitment(TimeStampedModel):
    """One numbered promise in a charter, made by the council, the landlords or both."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    commits_council = models.BooleanField("the council commits", default=False)
    commits_landlords = models.BooleanField("each landlord commits", default=True)
    not_applicable_allowed = models.BooleanField("may be rated “not applicable”", default=False)
    standards = models.ManyToManyField(StandardItem, blank=True, related_name="commitments")

    history = HistoricalRecords()

    class Meta:
        ordering = ["charter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="commitment_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("charter:commitment", kwargs={"number": self.number})

    @property
    def who_commits(self) -> str:
        """Plain words for who made this promise."""
        if self.commits_council and self.commits_landlords:
            return "The council and every landlord"
        if self.commits_council:
            return "The council"
        if self.commits_landlords:
            return "Every landlord"
        return "Not stated"


class Criterion(TimeStampedModel):
    """Something an assessor looks for when deciding whether a commitment is kept."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveIntegerField()
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "number"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["commitment", "number"], name="criterion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.commitment.number}.{self.number}"
