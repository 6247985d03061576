"""Forms of the TSM pages: the regulator's workbook upload, a landlord's own results (survey
responses, management information, summary of approach) and the benchmark filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator

from residentvoice.core.forms import GovukForm, GovukModelForm

from .measures import MEASURES, Population
from .models import OwnSurvey
from .selectors import PeerOptions, landlord_type_label

# The real 2023-24 file is about 3 MB; anything far larger is not the regulator's workbook.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
WORKBOOK_EXTENSIONS = ["xlsx", "xlsm", "xlsb", "xls", "ods"]


class ReleaseUploadForm(GovukForm):
    workbook = forms.FileField(
        label="The regulator's Tenant Satisfaction Measures workbook",
        help_text="The full data file as the Regulator of Social Housing publishes it (.xlsx).",
        validators=[FileExtensionValidator(WORKBOOK_EXTENSIONS)],
        error_messages={"required": "Choose the workbook to import"},
    )
    version_note = forms.CharField(
        label="Note about this version (optional)",
        help_text="For example: corrected release published in June.",
        required=False,
        max_length=300,
    )

    def clean_workbook(self) -> object:
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB: it is not the workbook")
        return upload


# --- a landlord's own results ------------------------------------------------------------------

SURVEY_EXTENSIONS = ["csv", "xlsx", "xlsm", "ods"]
MAX_SURVEY_BYTES = 100 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _population_field(label: str) -> forms.IntegerField:
    field = forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        help_text="The relevant tenant population: how many households could have been asked.",
        error_messages={
            "min_value": "The number of tenants must be more than 0",
            "invalid": "Enter a whole number, like 7145",
        },
    )
    field.width_class = "govuk-input--width-10"  # type: ignore[attr-defined]
    return field


class OwnResultsStartForm(GovukForm):
    reporting_year = forms.CharField(
        label="Reporting year",
        help_text="For example 2024-25 (1 April 2024 to 31 March 2025).",
        max_length=7,
        error_messages={"required": "Enter the reporting year, like 2024-25"},
    )
    lcra_population = _population_field("Tenants in low-cost rental homes (optional)")
    lcho_population = _population_field("Shared owners (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporting_year"].width_class = "govuk-input--width-5"  # type: ignore[attr-defined]


def _checked_upload(upload: UploadedFile, limit: int) -> UploadedFile:
    if upload.size and upload.size > limit:
        raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB")
    return upload


class ReplaceConfirmMixin:
    """Loading a file replaces what is stored: when something is, the form says how much and
    asks to confirm replacing exactly that (the hidden `replaces` is the amount shown)."""

    fields: dict[str, forms.Field]
    what = "records"

    def add_replace_confirmation(self, stored: int, stored_from: str) -> None:
        if not stored:
            return
        self.fields["replace"] = forms.BooleanField(
            label=f"Replace the {stored:,} {self.what} loaded from {stored_from}",
            help_text=f"Loading a file removes the {stored:,} {self.what} loaded before and "
            "keeps only the new file's.",
            required=False,
        )
        self.fields["replaces"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=stored, required=False, min_value=0
        )

    def confirmed_replacement(self, cleaned_data: dict[str, Any]) -> int | None:
        """How many stored records the person agreed to replace (None: not agreed)."""
        return cleaned_data.get("replaces") if cleaned_data.get("replace") else None


class SurveyUploadForm(ReplaceConfirmMixin, GovukForm):
    responses = forms.FileField(
        label="Survey responses",
        help_text="A CSV or Excel file with one row per person who answered (see the guidance).",
        validators=[FileExtensionValidator(SURVEY_EXTENSIONS)],
        error_messages={"required": "Choose the file of survey responses"},
    )
    lcra_population = _population_field("Tenants in low-cost rental homes")
    lcho_population = _population_field("Shared owners")
    what = "responses"

    def __init__(self, *args: Any, stored: int = 0, stored_from: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_replace_confirmation(stored, stored_from)

    def clean_responses(self) -> UploadedFile:
        return _checked_upload(self.cleaned_data["responses"], MAX_SURVEY_BYTES)


class ManagementUploadForm(ReplaceConfirmMixin, GovukForm):
    figures = forms.FileField(
        label="Management information figures",
        help_text="A CSV or Excel file with one row per measure: measure, population, numerator "
        "and denominator (or the value).",
        validators=[FileExtensionValidator(SURVEY_EXTENSIONS)],
        error_messages={"required": "Choose the file of management information figures"},
    )
    what = "figures"

    def __init__(self, *args: Any, stored: int = 0, stored_from: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_replace_confirmation(stored, stored_from)

    def clean_figures(self) -> UploadedFile:
        return _checked_upload(self.cleaned_data["figures"], MAX_UPLOAD_BYTES)


class ApproachForm(GovukModelForm):
    """The summary of approach published beside the results."""

    class Meta:
        model = OwnSurvey
        fields = [
            "population_surveyed",
            "sample_method",
            "fieldwork_start",
            "fieldwork_end",
            "collection_methods",
            "contractor",
            "weighting",
            "representativeness",
            "exclusions",
            "incentives",
        ]
        labels = {
            "population_surveyed": "Who was surveyed",
            "sample_method": "Census or sample, and how the sample was chosen",
            "fieldwork_start": "First day of the survey",
            "fieldwork_end": "Last day of the survey",
            "collection_methods": "How answers were collected",
            "contractor": "Who carried out the survey (optional)",
            "weighting": "Weighting",
            "representativeness": "How you checked the answers represent your tenants",
            "exclusions": "Tenants left out, and why",
            "incentives": "Incentives offered to take part (optional)",
        }
        help_texts = {
            "population_surveyed": "For example: all 7,145 households in general needs and "
            "supported rented homes.",
            "collection_methods": "For example: telephone (60%), online (30%), post (10%).",
            "weighting": "Say whether answers were weighted, and by what (for example age and "
            "area), or that they were not.",
            "exclusions": "For example: 40 households in an active legal dispute, left out to "
            "avoid distress.",
        }
        widgets = {
            "fieldwork_start": DATE,
            "fieldwork_end": DATE,
            "population_surveyed": forms.Textarea(attrs={"rows": 3}),
            "sample_method": forms.Textarea(attrs={"rows": 3}),
            "collection_methods": forms.Textarea(attrs={"rows": 3}),
            "weighting": forms.Textarea(attrs={"rows": 3}),
            "representativeness": forms.Textarea(attrs={"rows": 3}),
            "exclusions": forms.Textarea(attrs={"rows": 3}),
            "incentives": forms.Textarea(attrs={"rows": 2}),
        }


MEASURE_CHOICES = [(code, f"{m.regulator_label} {m.name}") for code, m in MEASURES.items()]
POPULATION_CHOICES = [(p.value, p.label) for p in Population]


class MeasureChoiceForm(GovukForm):
    """A measure and the residents it is for; the pair must be one the regulator publishes."""

    measure = forms.ChoiceField(label="Measure", choices=MEASURE_CHOICES)
    population = forms.ChoiceField(label="Residents", choices=POPULATION_CHOICES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure, population = data.get("measure"), data.get("population")
        if measure in MEASURES and population:
            allowed = MEASURES[measure].populations
            if Population(population) not in allowed:
                self.add_error(
                    "population",
                    f"{MEASURES[measure].regulator_label} is reported for: "
                    + ", ".join(p.label.lower() for p in allowed),
                )
        return data


class BenchmarkFilterForm(MeasureChoiceForm):
    """Which measure and which peers: the peer choices come from the release itself."""

    size_band = forms.ChoiceField(label="Landlord size (homes owned)", required=False)
    region = forms.ChoiceField(label="Region (where most of its homes are)", required=False)
    landlord_type = forms.ChoiceField(label="Type of landlord", required=False)

    def __init__(self, data: Any, *, options: PeerOptions) -> None:
        super().__init__(data)
        everyone = [("", "All landlords in England")]
        choices = {
            "size_band": everyone + [(b, b) for b in options.size_bands],
            "region": everyone + [(r, r) for r in options.regions],
            "landlord_type": everyone
            + [(t, landlord_type_label(t)) for t in options.landlord_types],
        }
        for name, listed in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = listed


class LandlordSearchForm(GovukForm):
    """Find a landlord in a year's release by name or regulator code."""

    q = forms.CharField(
        label="Find a landlord",
        help_text="Part of its name, for example Riverside, or its regulator code, like L4279.",
        max_length=100,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].width_class = "govuk-input--width-20"  # type: ignore[attr-defined]
