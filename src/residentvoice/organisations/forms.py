"""Forms for the council's management of landlords."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from residentvoice.core.forms import GovukForm, GovukModelForm

from .models import Landlord, StockArea, Tenure
from .services import LANDLORD_FIELDS


class LandlordForm(GovukModelForm):
    website = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = Landlord
        fields = list(LANDLORD_FIELDS)
        widgets = {
            "landlord_type": forms.RadioSelect,
            "charter_status": forms.RadioSelect,
            "charter_status_date": forms.DateInput(attrs={"type": "date"}),
        }


def stock_field_name(area: str, tenure: str) -> str:
    return f"{area}__{tenure}"


class StockForm(GovukForm):
    """One number per tenure, in the borough and in total, with the date and source they share."""

    as_of = forms.DateField(
        label="The date these figures describe",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=datetime.date.today,
    )
    source = forms.CharField(
        label="Where the figures come from",
        max_length=300,
        help_text="For example: the landlord's statistical data return for 2024",
    )

    def __init__(self, *args: Any, landlord: Landlord, **kwargs: Any) -> None:
        current = {(f.area, f.tenure): f.homes for f in landlord.stock_figures.all()}
        super().__init__(*args, **kwargs)
        for area in StockArea:
            for tenure in Tenure:
                name = stock_field_name(area, tenure)
                self.fields[name] = forms.IntegerField(
                    label=f"{tenure.label}: homes {area.label.lower()}",
                    min_value=0,
                    required=False,
                    initial=current.get((area.value, tenure.value)),
                )
                self.fields[name].width_class = "govuk-input--width-5"  # type: ignore[attr-defined]
        self.order_fields([*[k for k in self.fields if "__" in k], "as_of", "source"])
        self._style_widgets()

    def figures(self) -> dict[tuple[str, str], int | None]:
        return {
            (area.value, tenure.value): self.cleaned_data.get(stock_field_name(area, tenure))
            for area in StockArea
            for tenure in Tenure
        }
