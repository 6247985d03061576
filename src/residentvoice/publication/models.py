"""Published results: a frozen copy of a cycle's moderated results, one version per publication or
correction, with the figures derived from it (shares met, change since last year, the median).

Snapshots are plain data copied at publication: names, labels, texts and numbers, never links to
the assessment's rows, so later edits to draft data cannot change what was published. A correction
adds a new version; earlier versions are kept and stay readable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from residentvoice.assessment.models import AssessmentCycle
from residentvoice.core.models import TimeStampedModel

OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class SizeBand(models.TextChoices):
    """Landlord size by homes in the borough, for filtering the overview."""

    SMALL = "small", "Fewer than 1,000 homes in the borough"
    MEDIUM = "medium", "1,000 to 4,999 homes in the borough"
    LARGE = "large", "5,000 or more homes in the borough"
    UNKNOWN = "unknown", "Homes in the borough not known"


def size_band_for(homes: int | None) -> str:
    if not homes:
        return SizeBand.UNKNOWN
    if homes < 1000:
        return SizeBand.SMALL
    if homes < 5000:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


class PublicationSettings(TimeStampedModel):
    """How the council publishes: the licence of the open data (one row)."""

    licence_name = models.CharField(max_length=200, default=OGL_NAME)
    licence_url = models.URLField("licence web address", max_length=500, default=OGL_URL)
    attribution = models.CharField(
        max_length=300,
        blank=True,
        help_text="How re-users should credit the data; the council's name is used when empty",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "publication settings"
        verbose_name_plural = "publication settings"

    def __str__(self) -> str:
        return f"Published under {self.licence_name}"


class ReportText(TimeStampedModel):
    """The words of a year's annual report that people write rather than the data: the foreword
    and the next steps."""

    reporting_year = models.CharField(max_length=7, unique=True)
    foreword = models.TextField(blank=True)
    next_steps = models.TextField("next steps", blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Annual report text {self.reporting_year}"


class Publication(models.Model):
    """One published version of a cycle's results. Version 1 is the publication; every correction
    adds the next version with a note saying what changed."""

    cycle = models.ForeignKey(
        AssessmentCycle, on_delete=models.PROTECT, related_name="publications"
    )
    reporting_year = models.CharField(max_length=7)
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(help_text="When this version was made")
    publish_at = models.DateTimeField(
        help_text="When the public may see it; before then only the named people preview it"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, help_text="For a correction: what changed and why")
    changes = models.JSONField(default=list, blank=True, help_text="Each change a correction made")
    is_demo = models.BooleanField(default=False)
    embargo_viewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", help_text="May preview it early"
    )
    previous_year = models.CharField(max_length=7, blank=True)
    previous_version = models.PositiveIntegerField(null=True, blank=True)
    charter = models.JSONField(default=dict, help_text="The charter and rating scale, as assessed")
    methodology = models.JSONField(default=dict)
    headline = models.JSONField(default=dict)
    practices = models.JSONField(default=list, help_text="Public practices at publication")
    history = HistoricalRecords(excluded_fields=["charter", "methodology", "headline", "practices"])

    class Meta:
        ordering = ["-reporting_year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="one_publication_version")
        ]

    def __str__(self) -> str:
        return f"Results {self.reporting_year}, version {self.version}"

    @property
    def is_embargoed(self) -> bool:
        return self.publish_at > timezone.now()

    @property
    def commitments(self) -> list[dict[str, Any]]:
        return list(self.charter.get("commitments", []))

    @property
    def ratings(self) -> list[dict[str, Any]]:
        return list(self.charter.get("ratings", []))


class LandlordResult(models.Model):
    """One landlord's results in one published version."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="landlords")
    order = models.PositiveIntegerField(default=0)
    landlord_slug = models.SlugField(max_length=80)
    landlord_name = models.CharField(max_length=200)
    landlord_short_name = models.CharField(max_length=60)
    landlord_type = models.CharField(max_length=100, blank=True)
    borough_homes = models.PositiveIntegerField(null=True, blank=True)
    size_band = models.CharField(max_length=10, choices=SizeBand.choices)
    assessed = models.PositiveIntegerField(help_text="Commitments rated (not “not applicable”)")
    met = models.PositiveIntegerField(help_text="Commitments met or exceeded")
    not_applicable = models.PositiveIntegerField(default=0)
    points = models.IntegerField(default=0)
    points_max = models.IntegerField(default=0)
    share_met = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    previous_share_met = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    change = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Percentage points"
    )
    is_most_improved = models.BooleanField(default=False)
    signed_charter = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the landlord had signed the charter when these results were "
        "published; empty for versions published before this was kept",
    )
    participation_measures = models.JSONField(default=list, blank=True)
    participation_figures = models.JSONField(
        default=dict,
        blank=True,
        help_text="Consultations run, residents taking part and scrutiny recommendations in the "
        "year, as they stood at publication; empty for versions published before these were kept",
    )

    class Meta:
        ordering = ["order", "landlord_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "landlord_slug"], name="one_result_per_landlord"
            )
        ]

    def __str__(self) -> str:
        return f"{self.landlord_name} in {self.publication}"


class Change(models.TextChoices):
    UP = "up", "Better than last year"
    DOWN = "down", "Worse than last year"
    SAME = "same", "Same as last year"
    NEW = "new", "Not rated last year"


class CommitmentResult(models.Model):
    """One landlord's published result against one commitment."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="results")
    landlord = models.ForeignKey(LandlordResult, on_delete=models.CASCADE, related_name="results")
    commitment_number = models.PositiveIntegerField()
    commitment_title = models.CharField(max_length=200)
    rating_code = models.CharField(max_length=40, blank=True)
    rating_label = models.CharField(max_length=100)
    rating_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="Position on the scale, lowest 0, for colour"
    )
    points = models.IntegerField(null=True, blank=True)
    meets = models.BooleanField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    previous_label = models.CharField(max_length=100, blank=True)
    previous_points = models.IntegerField(null=True, blank=True)
    change = models.CharField(max_length=4, choices=Change.choices, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    residents = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list, blank=True)
    practices = models.JSONField(default=list, blank=True, help_text="Ids in the publication's")

    class Meta:
        ordering = ["landlord__order", "commitment_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["landlord", "commitment_number"], name="one_result_per_commitment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.landlord.landlord_name}: commitment {self.commitment_number}"


class PublishedFile(models.Model):
    """An evidence file frozen as public in a published version: only these are downloadable."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    evidence_id = models.PositiveIntegerField()
    path = models.CharField(max_length=300, help_text="Where the file is kept in storage")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "evidence_id"], name="one_file_each")
        ]

    def __str__(self) -> str:
        return self.filename


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF (for printing)"
    HTML = "html", "Web page (HTML)"
    XLSX = "xlsx", "Spreadsheet (XLSX)"
    JSON = "json", "Data (JSON)"


class ReportBuild(TimeStampedModel):
    """An annual report built in the background at a council admin's request, in every format
    at once (`ReportFile`). Once built, a council admin may publish it: the public reports page
    then lists it, from the moment the results it was built from are public."""

    reporting_year = models.CharField(max_length=7)
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_builds",
        help_text="The published version the report was built from",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(
        default=False, help_text="Listed on the public reports page once it is built"
    )
    made_public_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Annual report {self.reporting_year}"


class ReportFile(models.Model):
    """One format of a built annual report."""

    build = models.ForeignKey(ReportBuild, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=4, choices=ReportFormat.choices)
    file = models.FileField(upload_to="reports/", max_length=300)
    size = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["build", "format"], name="one_report_file_a_format")
        ]

    def __str__(self) -> str:
        return f"{self.build} ({self.format})"

    @property
    def filename(self) -> str:
        return f"annual-report-{self.build.reporting_year}.{self.format}"
