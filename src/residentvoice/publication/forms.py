"""Forms for the public filters and the council's publishing pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from residentvoice.core.forms import GovukForm

from .models import Publication, SizeBand
from .services import NOT_APPLICABLE_CODE


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class OverviewFilterForm(GovukForm):
    """Narrow the borough overview to one commitment or one size of landlord (a GET form)."""

    commitment = forms.TypedChoiceField(
        label="Commitment", required=False, coerce=int, empty_value=None
    )
    size = forms.ChoiceField(label="Landlord size", required=False)

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "commitment",
            [("", "All commitments")]
            + [(str(c["number"]), f"{c['number']}. {c['title']}") for c in publication.commitments],
        )
        _choices(self, "size", [("", "All sizes"), *SizeBand.choices])


class PublishForm(GovukForm):
    publish_at = forms.DateTimeField(
        label="When the public may see the results",
        required=False,
        help_text="Leave empty to publish now. Until then the results are under embargo: only "
        "the people named below and council admins can preview them.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    embargo_viewers = forms.CharField(
        label="Who may preview before then (optional)",
        required=False,
        help_text="Email addresses of people with an account, one on each line",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        help_text="Kept with the record of publication",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_embargo_viewers(self) -> list[Any]:
        emails = [e.strip() for e in self.cleaned_data["embargo_viewers"].split() if e.strip()]
        if not emails:
            return []
        # People type addresses in any case; an account's address matches whatever the case.
        match = Q()
        for email in emails:
            match |= Q(email__iexact=email)
        users = {u.email.lower(): u for u in get_user_model().objects.filter(match)}
        unknown = [e for e in emails if e.lower() not in users]
        if unknown:
            raise forms.ValidationError(f"No account has these addresses: {', '.join(unknown)}.")
        return list(users.values())


class CorrectionForm(GovukForm):
    result = forms.ChoiceField(label="Which result to correct", required=False)
    rating = forms.ChoiceField(label="Corrected rating", required=False)
    rationale = forms.CharField(
        label="Corrected reason for the rating",
        required=False,
        help_text="Leave empty to keep the published reason",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    withdraw_evidence = forms.TypedMultipleChoiceField(
        label="Evidence to withdraw",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    withdraw_comments = forms.TypedMultipleChoiceField(
        label="Residents' comments to withdraw",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="What the correction changes and why",
        help_text="Shown to the public with the corrected version",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the correction changes and why."},
    )

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        results = list(publication.results.select_related("landlord").order_by("landlord__order"))
        _choices(
            self,
            "result",
            [("", "None")]
            + [
                (
                    f"{r.landlord.landlord_slug}:{r.commitment_number}",
                    f"{r.landlord.landlord_name}, commitment {r.commitment_number} "
                    f"({r.rating_label})",
                )
                for r in results
            ],
        )
        _choices(
            self,
            "rating",
            [("", "Keep the published rating")]
            + [(r["code"], r["label"]) for r in publication.ratings]
            + [(NOT_APPLICABLE_CODE, "Not applicable")],
        )
        _choices(
            self,
            "withdraw_evidence",
            [
                (
                    e["id"],
                    f"{r.landlord.landlord_name}, commitment {r.commitment_number}: {e['title']}",
                )
                for r in results
                for e in r.evidence
            ],
        )
        _choices(
            self,
            "withdraw_comments",
            [
                (
                    c["id"],
                    f"{r.landlord.landlord_name}, commitment {r.commitment_number}: {c['text']}",
                )
                for r in results
                for c in r.residents.get("comments", [])
            ],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("rating") or data.get("rationale", "").strip()) and not data.get("result"):
            self.add_error("result", "Choose the result the new rating or reason is for.")
        return data

    def changes(self) -> dict[str, Any]:
        """The form's answers as the correction service's arguments."""
        data = self.cleaned_data
        ratings, rationales = {}, {}
        if data.get("result"):
            slug, number = data["result"].rsplit(":", 1)
            key = (slug, int(number))
            if data.get("rating"):
                ratings[key] = data["rating"]
            if data.get("rationale", "").strip():
                rationales[key] = data["rationale"]
        return {
            "ratings": ratings,
            "rationales": rationales,
            "withdraw_evidence": data.get("withdraw_evidence", []),
            "withdraw_comments": data.get("withdraw_comments", []),
            "note": data.get("note", ""),
        }


class SettingsForm(GovukForm):
    licence_name = forms.CharField(label="Licence", max_length=200)
    licence_url = forms.URLField(label="Web address of the licence", max_length=500)
    attribution = forms.CharField(
        label="Attribution (optional)",
        required=False,
        max_length=300,
        help_text="How people re-using the data should credit it",
    )


class ReportTextForm(GovukForm):
    foreword = forms.CharField(
        label="Foreword",
        required=False,
        help_text="Leave a blank line between paragraphs",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        help_text="What the council and landlords will do next; a blank line between paragraphs",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
