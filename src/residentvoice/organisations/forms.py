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
    """One number per tenure, in the borough and in total, with the date and source they share.

    It opens on the stored figures, with the date and source of the latest of them, so saving it
    unchanged changes nothing.
    """

    as_of = forms.DateField(
        label="The date these figures describe",
        initial=datetime.date.today,
    )
    source = forms.CharField(
        label="Where the figures come from",
        max_length=300,
        help_text="For example: the landlord's statistical data return for 2024",
    )

    def __init__(self, *args: Any, landlord: Landlord, **kwargs: Any) -> None:
        figures = list(landlord.stock_figures.all())
        stored: dict[str, Any] = {stock_field_name(f.area, f.tenure): f.homes for f in figures}
        latest = max(figures, key=lambda f: (f.as_of, f.updated_at), default=None)
        if latest is not None:
            stored.update(as_of=latest.as_of, source=latest.source)
        super().__init__(*args, initial={**stored, **kwargs.pop("initial", {})}, **kwargs)
        for area in StockArea:
            for tenure in Tenure:
                name = stock_field_name(area, tenure)
                self.fields[name] = forms.IntegerField(
                    label=f"{tenure.label}: homes {area.label.lower()}",
                    min_value=0,
                    required=False,
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
