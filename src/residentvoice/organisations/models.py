"""The council that runs the charter and the landlords (housing associations) in its area."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel


class Council(TimeStampedModel):
    """The one council this installation serves."""

    name = models.CharField(
        max_length=200, help_text="For example, London Borough of Richmond upon Thames"
    )
    short_name = models.CharField(max_length=60, blank=True)
    area_name = models.CharField(
        max_length=100, help_text="The borough or district, e.g. Richmond upon Thames"
    )
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "council"

    def __str__(self) -> str:
        return self.name


class LandlordType(models.TextChoices):
    HOUSING_ASSOCIATION = "housing_association", "Housing association"
    COUNCIL = "council", "Council"
    OTHER = "other", "Other registered provider"


class CharterStatus(models.TextChoices):
    FOUNDING_SIGNATORY = "founding_signatory", "Founding signatory"
    SIGNED = "signed", "Signed"
    INVITED = "invited", "Invited to sign"
    NOT_YET = "not_yet", "Not yet signed"


class Landlord(TimeStampedModel):
    """A social landlord with homes in the borough."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=80, unique=True)
    regulator_code = models.CharField(
        "regulator registration code",
        max_length=20,
        blank=True,
        help_text="As the Regulator of Social Housing writes it, e.g. L4279 or 4849",
    )
    landlord_type = models.CharField(
        max_length=30, choices=LandlordType.choices, default=LandlordType.HOUSING_ASSOCIATION
    )
    website = models.URLField(blank=True)
    parent_group = models.CharField(max_length=200, blank=True)
    charter_status = models.CharField(
        max_length=30, choices=CharterStatus.choices, default=CharterStatus.NOT_YET
    )
    charter_status_date = models.DateField(
        null=True, blank=True, help_text="When the landlord signed, or was invited"
    )
    is_fictional = models.BooleanField(
        default=False, help_text="A made-up organisation that exists only in the demonstration"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulator_code"],
                condition=~models.Q(regulator_code=""),
                name="landlord_unique_regulator_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:landlord-detail", kwargs={"slug": self.slug})

    @property
    def has_signed(self) -> bool:
        return self.charter_status in {CharterStatus.FOUNDING_SIGNATORY, CharterStatus.SIGNED}


class Tenure(models.TextChoices):
    SOCIAL_RENT = "social_rent", "Social rent"
    AFFORDABLE_RENT = "affordable_rent", "Affordable rent"
    SUPPORTED = "supported", "Supported and older people's housing"
    SHARED_OWNERSHIP = "shared_ownership", "Shared ownership"
    LEASEHOLD = "leasehold", "Leasehold"


class StockArea(models.TextChoices):
    BOROUGH = "borough", "In the borough"
    TOTAL = "total", "Across England"


class StockFigure(TimeStampedModel):
    """How many homes of one tenure a landlord has, in the borough or in total, as of a date."""

    landlord = models.ForeignKey(Landlord, on_delete=models.CASCADE, related_name="stock_figures")
    area = models.CharField(max_length=10, choices=StockArea.choices)
    tenure = models.CharField(max_length=20, choices=Tenure.choices)
    homes = models.PositiveIntegerField()
    as_of = models.DateField(help_text="The date the figure describes")
    source = models.CharField(max_length=300, help_text="Where the figure comes from")

    history = HistoricalRecords()

    class Meta:
        ordering = ["landlord", "area", "tenure"]
        constraints = [
            models.UniqueConstraint(
                fields=["landlord", "area", "tenure"], name="stock_one_figure_per_tenure"
            )
        ]

    def __str__(self) -> str:
        tenure, area = self.get_tenure_display(), self.get_area_display()
        return f"{self.landlord.short_name}: {self.homes} {tenure} ({area})"
