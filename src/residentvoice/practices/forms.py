"""Forms for the best-practice library: recording or changing a practice, and filtering the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from residentvoice.charter.models import Commitment
from residentvoice.core.forms import GovukForm
from residentvoice.organisations.models import Landlord

from .models import Practice


class CommitmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number}. {obj.title}"


class PracticeForm(GovukForm):
    """What the practice is, which commitments it helps meet and (for council staff) who does it.

    Landlord staff have no landlord choice: their practices are their own landlord's.
    """

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the practice a title."},
        help_text="A short name another landlord would recognise, such as “Residents mystery-shop "
        "the repairs service”",
    )
    description = forms.CharField(
        label="What is done",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe the practice: what is done, by whom and how often."},
        help_text="What happens, who takes part, how often, and what changed because of it",
    )
    commitments = CommitmentChoiceField(
        label="Commitments it helps to meet",
        queryset=Commitment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one commitment the practice helps to meet.",
            "invalid_choice": "Choose commitments from the list.",
        },
    )
    landlords = forms.ModelMultipleChoiceField(
        label="Landlords doing it",
        queryset=Landlord.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one landlord that does this.",
            "invalid_choice": "Choose landlords from the list.",
        },
    )
    how_residents_involved = forms.CharField(
        label="How residents were involved",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How residents shaped it, run it or check it",
    )
    evidence = forms.CharField(
        label="What shows it works",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Results, figures or residents' views, with where they come from",
    )
    evidence_url = forms.URLField(
        label="Web address of the evidence (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a full web address starting with https://, or leave it empty."
        },
        help_text="A page or document anyone can open, starting with https://",
    )

    def __init__(
        self,
        *args: Any,
        commitments: QuerySet[Commitment],
        choose_landlords: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = commitments  # type: ignore[attr-defined]
        if not choose_landlords:
            del self.fields["landlords"]
        self._style_widgets()

    @classmethod
    def initial_for(cls, practice: Practice) -> dict[str, Any]:
        return {
            "title": practice.title,
            "description": practice.description,
            "commitments": list(practice.commitments.all()),
            "landlords": list(practice.landlords.all()),
            "how_residents_involved": practice.how_residents_involved,
            "evidence": practice.evidence,
            "evidence_url": practice.evidence_url,
        }


class PracticeFilterForm(GovukForm):
    """Narrow the list by commitment and landlord; sent by GET so a filtered list can be shared."""

    commitment = forms.TypedChoiceField(
        label="Commitment",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a commitment from the list."},
    )
    landlord = forms.ChoiceField(
        label="Landlord doing it",
        required=False,
        error_messages={"invalid_choice": "Choose a landlord from the list."},
    )

    def __init__(
        self, *args: Any, commitments: list[Commitment], landlords: list[Landlord], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitment"].choices = [  # type: ignore[attr-defined]
            ("", "All commitments"),
            *[(str(c.number), f"{c.number}. {c.title}") for c in commitments],
        ]
        self.fields["landlord"].choices = [  # type: ignore[attr-defined]
            ("", "All landlords"),
            *[(landlord.slug, landlord.name) for landlord in landlords],
        ]
        self._style_widgets()
