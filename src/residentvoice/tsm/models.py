"""Tenant Satisfaction Measures as the regulator publishes them: releases, the landlords in them,
each landlord's survey facts and the measure values, by reporting year, landlord and population."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel
from residentvoice.organisations.models import Landlord

from .measures import POPULATION_LABELS, Answer, Population

POPULATION_CHOICES = [(p.value, POPULATION_LABELS[p]) for p in Population]


class TsmRelease(TimeStampedModel):
    """One file the regulator published for one reporting year; a corrected file replaces it."""

    reporting_year = models.CharField(
        max_length=7, help_text="For example 2023-24 (1 April to 31 March)"
    )
    source_name = models.CharField(max_length=300, help_text="The file name as imported")
    sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField()
    version_note = models.CharField(max_length=300, blank=True)
    sheets = models.JSONField(default=dict, help_text="Which sheet held which table")
    notices = models.JSONField(
        default=list, help_text="Oddities in the file that were read around, not imported"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reporting_year", "-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_year"],
                condition=models.Q(replaced_at__isnull=True),
                name="tsm_one_current_release_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"TSM {self.reporting_year} ({self.source_name})"

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None


class RegulatorLandlord(TimeStampedModel):
    """A landlord under the code the regulator uses for it; most are outside the borough."""

    code = models.CharField(
        max_length=20, unique=True, help_text="As published, e.g. L4279 or 4849"
    )
    name = models.CharField(max_length=300, help_text="The name in the latest release imported")
    landlord = models.ForeignKey(
        Landlord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulator_records",
        help_text="The landlord in the borough this is, matched by regulator code",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RegulatorCodeLink(TimeStampedModel):
    """A landlord reporting under a new code from a given year, so year-on-year series join.

    For example MTVH reported as Thames Valley Housing Association (L0514) for 2023-24 and as
    Metropolitan Housing Trust (L0726) from 2024-25.
    """

    earlier = models.ForeignKey(
        RegulatorLandlord, on_delete=models.CASCADE, related_name="later_links"
    )
    later = models.ForeignKey(
        RegulatorLandlord, on_delete=models.CASCADE, related_name="earlier_links"
    )
    from_year = models.CharField(
        max_length=7, help_text="The first year reported under the later code"
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="tsm_code_link_once"),
            models.CheckConstraint(
                condition=~models.Q(earlier=models.F("later")), name="tsm_code_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.earlier.code} → {self.later.code} from {self.from_year}"


class LandlordReturn(models.Model):
    """What one release says about one landlord beyond the measures: type, size, notes."""

    release = models.ForeignKey(TsmRelease, on_delete=models.CASCADE, related_name="returns")
    regulator_landlord = models.ForeignKey(
        RegulatorLandlord, on_delete=models.PROTECT, related_name="returns"
    )
    name = models.CharField(max_length=300, help_text="As written in this release")
    # Labels as the release writes them (a later release may bring new codes or bands): shown
    # as written when the site has no words for them, never cut short.
    landlord_type = models.CharField(
        max_length=200, blank=True, help_text="PRP or LARP as published"
    )
    size_band = models.CharField(max_length=200, blank=True, help_text="Homes owned, LCRA and LCHO")
    region = models.CharField(max_length=200, blank=True)
    publication_url = models.TextField(blank=True)
    above_30_percent_supported = models.CharField(max_length=200, blank=True)
    regulator_notes = models.JSONField(default=dict, help_text="The regulator's notes, by table")
    coverage = models.JSONField(default=dict, help_text="Which tables the landlord appears in")
    management_facts = models.JSONField(
        default=dict, help_text="Repair target timescales, complaint timescales and the like"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "regulator_landlord"], name="tsm_one_return_per_release"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.release.reporting_year}"


class PerceptionSurvey(models.Model):
    """How a landlord surveyed one population: the facts behind its perception measures."""

    release = models.ForeignKey(TsmRelease, on_delete=models.CASCADE, related_name="surveys")
    regulator_landlord = models.ForeignKey(
        RegulatorLandlord, on_delete=models.PROTECT, related_name="surveys"
    )
    population = models.CharField(max_length=10, choices=POPULATION_CHOICES)
    population_size = models.PositiveIntegerField(null=True, blank=True)
    required_sample = models.PositiveIntegerField(null=True, blank=True)
    achieved_sample = models.PositiveIntegerField(null=True, blank=True)
    margin_of_error = models.DecimalField(
        max_digits=16,
        decimal_places=10,
        null=True,
        blank=True,
        help_text="Percentage points, as published (unrounded if the release gives it so); "
        "rounded once, to one decimal place, where it is shown",
    )
    excluded_from_frame = models.PositiveIntegerField(null=True, blank=True)
    sample_or_census = models.CharField(max_length=40, blank=True)
    predominant_method = models.CharField(max_length=60, blank=True)
    responses_by_method = models.JSONField(default=dict)
    other_collection_methods = models.TextField(blank=True)
    weighted = models.CharField(
        max_length=20, blank=True, help_text="Were weighted responses used, as answered"
    )
    by_method_weighting = models.CharField(max_length=20, blank=True)
    weighting_characteristics = models.JSONField(default=dict)
    contractor = models.TextField(blank=True)
    incentives = models.TextField(blank=True)
    markers = models.JSONField(
        default=dict, help_text="Fields published as a marker such as [X], by field"
    )
    extra = models.JSONField(
        default=dict, help_text="Columns this version of the importer does not name"
    )

    class Meta:
        ordering = ["regulator_landlord", "population"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "regulator_landlord", "population"],
                name="tsm_one_survey_per_population",
            )
        ]

    def __str__(self) -> str:
        return f"{self.regulator_landlord.code} {self.population} survey"


class MeasureValue(models.Model):
    """One published figure: year (release) × landlord × population × measure.

    A value is never a marker: when the regulator printed [X], [Z], [E] or any later bracketed
    marker, `value` is empty and `marker` holds the letters. Rows are written once per release
    and never edited; a corrected release brings its own rows, so history lives in releases.
    """

    release = models.ForeignKey(TsmRelease, on_delete=models.CASCADE, related_name="values")
    regulator_landlord = models.ForeignKey(
        RegulatorLandlord, on_delete=models.PROTECT, related_name="values"
    )
    population = models.CharField(max_length=10, choices=POPULATION_CHOICES)
    measure = models.CharField(
        max_length=10, help_text="TP01…TP12, BS01…BS05, RP01, RP02_1, CH01_1 …"
    )
    value = models.DecimalField(max_digits=22, decimal_places=10, null=True, blank=True)
    marker = models.CharField(
        max_length=8, blank=True, help_text="Why there is no value, e.g. X, Z, E"
    )
    answer_counts = models.JSONField(null=True, blank=True, help_text="Weighted counts per answer")
    unweighted_counts = models.JSONField(null=True, blank=True)
    unweighted_value = models.DecimalField(max_digits=22, decimal_places=10, null=True, blank=True)
    filter_counts = models.JSONField(
        null=True, blank=True, help_text="Who was asked: yes/no counts"
    )
    filter_share = models.DecimalField(max_digits=22, decimal_places=10, null=True, blank=True)
    by_method = models.JSONField(null=True, blank=True, help_text="Result by collection method")
    numerator = models.DecimalField(max_digits=22, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=22, decimal_places=4, null=True, blank=True)
    part_markers = models.JSONField(
        default=dict, blank=True, help_text="Markers on counts or parts"
    )
    background = models.JSONField(
        default=dict,
        blank=True,
        help_text="The landlord's answers about this measure in columns that are not figures "
        "(for example whether it had homes the measure applies to), by column header",
    )
    source_sheet = models.CharField(max_length=60)
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["regulator_landlord", "population", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "regulator_landlord", "population", "measure"],
                name="tsm_one_value_per_cell",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(marker=""),
                name="tsm_value_or_marker",
            ),
        ]
        indexes = [models.Index(fields=["release", "measure", "population"])]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else f"[{self.marker}]"
        return f"{self.regulator_landlord.code} {self.population} {self.measure} = {shown}"


class OwnSurvey(TimeStampedModel):
    """A landlord's own Tenant Satisfaction Measures for one year: its perception survey (one row
    per respondent), its management information figures, and the summary of approach it must
    publish beside the results. Landlord staff edit it; the public sees it once published."""

    title = models.CharField(max_length=200)
    landlord = models.ForeignKey(
        Landlord, null=True, blank=True, on_delete=models.SET_NULL, related_name="tsm_surveys"
    )
    reporting_year = models.CharField(max_length=7, blank=True)
    source_name = models.CharField(max_length=300, blank=True, help_text="The responses file")
    sha256 = models.CharField(max_length=64, blank=True)
    population_sizes = models.JSONField(
        default=dict, help_text="Relevant tenant population by population code, e.g. {'LCRA': 7145}"
    )
    management_source_name = models.CharField(
        max_length=300, blank=True, help_text="The management information file"
    )
    management_sha256 = models.CharField(max_length=64, blank=True)

    # The summary of approach the regulator asks every landlord to publish with its results.
    population_surveyed = models.TextField(
        blank=True, help_text="Who was surveyed: the tenants in scope and how many"
    )
    sample_method = models.TextField(
        blank=True, help_text="Census or sample, and how the sample was chosen"
    )
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    collection_methods = models.TextField(
        blank=True, help_text="How answers were collected: telephone, online, post, in person"
    )
    contractor = models.CharField(max_length=300, blank=True)
    weighting = models.TextField(blank=True, help_text="Whether and how answers were weighted")
    representativeness = models.TextField(
        blank=True, help_text="How the landlord checked the answers represent its tenants"
    )
    exclusions = models.TextField(blank=True, help_text="Tenants left out, and why")
    incentives = models.TextField(blank=True, help_text="Any incentive offered to take part")
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the landlord publishes; the public sees it then"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reporting_year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["landlord", "reporting_year"],
                condition=models.Q(landlord__isnull=False),
                name="tsm_own_results_once_per_landlord_year",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


# How answers are stored: small numbers in the database keep the counting quick.
ANSWER_NUMBERS: dict[Answer, int] = {
    Answer.VERY_SATISFIED: 1,
    Answer.FAIRLY_SATISFIED: 2,
    Answer.NEITHER: 3,
    Answer.FAIRLY_DISSATISFIED: 4,
    Answer.VERY_DISSATISFIED: 5,
    Answer.DONT_KNOW: 6,
}
ANSWERS_BY_NUMBER = {number: answer for answer, number in ANSWER_NUMBERS.items()}
ANSWER_CHOICES = [
    (1, "Very satisfied (or strongly agree)"),
    (2, "Fairly satisfied (or agree)"),
    (3, "Neither"),
    (4, "Fairly dissatisfied (or disagree)"),
    (5, "Very dissatisfied (or strongly disagree)"),
    (6, "Don't know / not applicable"),
]
# The yes/no question that decides whether an answer counts: column name → measures it filters.
FILTER_FIELDS = {"had_repair": ("TP02", "TP03"), "complained": ("TP09",), "communal": ("TP10",)}


def answer_field(code: str) -> str:
    """The column holding a respondent's answer to a measure: TP01 → tp01."""
    return code.lower()


class OwnSurveyResponse(models.Model):
    """One respondent's answers as loaded: one column per question (blank when not answered)."""

    survey = models.ForeignKey(OwnSurvey, on_delete=models.CASCADE, related_name="responses")
    respondent_id = models.CharField(max_length=100)
    population = models.CharField(max_length=10, choices=POPULATION_CHOICES)
    tp01 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp02 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp03 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp04 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp05 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp06 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp07 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp08 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp09 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp10 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp11 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    tp12 = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWER_CHOICES)
    had_repair = models.BooleanField(null=True, blank=True, help_text="Filter for TP02 and TP03")
    complained = models.BooleanField(null=True, blank=True, help_text="Filter for TP09")
    communal = models.BooleanField(null=True, blank=True, help_text="Filter for TP10")
    weight = models.FloatField(default=1.0)
    collection_method = models.CharField(max_length=60, blank=True)
    response_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_id"], name="tsm_respondent_once_per_survey"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.respondent_id}"


class OwnManagementFigure(models.Model):
    """One management information figure a landlord loaded for its own results, per population.

    `value` is numerator ÷ denominator × scale when both parts were given, else the value as
    given; `marker` "U" when the denominator is zero, as the regulator marks it.
    """

    survey = models.ForeignKey(
        OwnSurvey, on_delete=models.CASCADE, related_name="management_figures"
    )
    measure = models.CharField(max_length=10, help_text="BS01…BS05, RP01, RP02_1, CH01_1 …")
    population = models.CharField(max_length=10, choices=POPULATION_CHOICES)
    numerator = models.DecimalField(max_digits=22, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=22, decimal_places=4, null=True, blank=True)
    value = models.DecimalField(max_digits=22, decimal_places=10, null=True, blank=True)
    marker = models.CharField(max_length=8, blank=True)
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["measure", "population"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "measure", "population"], name="tsm_own_figure_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.population} {self.measure}"
