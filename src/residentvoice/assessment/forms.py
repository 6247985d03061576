"""Assessment forms. They only collect and tidy input; the services decide what is allowed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from residentvoice.accounts.models import COUNCIL_ROLES, User
from residentvoice.charter.models import RatingOption
from residentvoice.core.forms import GovukForm
from residentvoice.organisations.models import Landlord

from .models import ActionStatus, AssessmentItem, ReplyPosition, Stage
from .services import EvidenceGiven

DATE = forms.DateInput(attrs={"type": "date"})
WORKING_STAGES = [
    Stage.SELF_ASSESSMENT,
    Stage.COUNCIL_REVIEW,
    Stage.RIGHT_OF_REPLY,
    Stage.MODERATION,
]


class RatingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label}: {obj.description}" if obj.description else obj.label


def _rating_field(item: AssessmentItem, label: str, *, required: bool = False) -> forms.Field:
    options = RatingOption.objects.filter(scale__charter_id=item.commitment.charter_id).order_by(
        "order", "points"
    )
    return RatingChoiceField(
        queryset=options,
        label=label,
        required=required,
        widget=forms.RadioSelect,
        empty_label=None,
    )


class VersionedForm(GovukForm):
    """Carries the version of the item the person started from (see `StaleItemError`)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class CycleOpenForm(GovukForm):
    reporting_year = forms.CharField(
        label="Reporting year",
        help_text="For example 2024-25, which runs from 1 April 2024 to 31 March 2025",
        max_length=7,
    )
    landlords = forms.ModelMultipleChoiceField(
        queryset=Landlord.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label="Landlords taking part",
        help_text="You can add a landlord later, until the results are ready to publish",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in WORKING_STAGES:
            self.fields[f"closes_{stage}"] = forms.DateField(
                label=f"{Stage(stage).label} closes on", required=False, widget=DATE
            )
        self._style_widgets()

    def stage_dates(self) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
        return {
            stage: (None, self.cleaned_data.get(f"closes_{stage}"))
            for stage in WORKING_STAGES
            if self.cleaned_data.get(f"closes_{stage}")
        }


class StageMoveForm(GovukForm):
    to_stage = forms.ChoiceField(label="Move the cycle to", widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note",
        help_text="Needed when the cycle goes back a stage; everyone can see moves in the history",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = choices  # type: ignore[attr-defined]


class LandlordAddForm(GovukForm):
    landlord = forms.ModelChoiceField(queryset=Landlord.objects.none(), label="Landlord")

    def __init__(self, *args: Any, cycle: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = Landlord.objects.exclude(  # type: ignore[attr-defined]
            participations__cycle=cycle
        ).order_by("name")


class ReviewerForm(GovukForm):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(membership__role__in=sorted(COUNCIL_ROLES)).order_by(
            "full_name"
        ),
        label="Council reviewer",
        required=False,
        empty_label="Nobody yet",
    )


class SelfAssessmentForm(VersionedForm):
    not_applicable = forms.BooleanField(
        label="This commitment does not apply to us", required=False
    )
    not_applicable_reason = forms.CharField(
        label="Why it does not apply",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_we_do = forms.CharField(
        label="What we do",
        help_text="Residents will be asked whether this matches their experience",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    how_residents_involved = forms.CharField(
        label="How residents were involved",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, item: AssessmentItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"] = _rating_field(item, "Our rating")
        self.order_fields(["version", "rating"])
        if not item.commitment.not_applicable_allowed:
            del self.fields["not_applicable"]
            del self.fields["not_applicable_reason"]
        self.criteria = list(item.criteria.all())
        for row in self.criteria:
            self.fields[f"criterion_{row.criterion_id}"] = _rating_field(
                item, f"Criterion {row.criterion.number}: {row.criterion.text}"
            )
            self.fields[f"criterion_{row.criterion_id}_note"] = forms.CharField(
                label=f"Note on criterion {row.criterion.number}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self._style_widgets()

    def criteria_values(self) -> dict[int, tuple[Any, str]]:
        return {
            row.criterion_id: (
                self.cleaned_data.get(f"criterion_{row.criterion_id}"),
                self.cleaned_data.get(f"criterion_{row.criterion_id}_note", ""),
            )
            for row in self.criteria
        }


class ReviewForm(VersionedForm):
    feedback = forms.CharField(
        label="Feedback to the landlord",
        help_text="Published with the results",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    private_notes = forms.CharField(
        label="Private notes",
        help_text="Seen by council staff only; never published",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, item: AssessmentItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"] = _rating_field(item, "Council rating")
        self.order_fields(["version", "rating"])
        self._style_widgets()


class ReplyForm(VersionedForm):
    position = forms.ChoiceField(
        label="Do you agree with the council's rating?",
        choices=ReplyPosition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you agree or disagree."},
    )
    reason = forms.CharField(
        label="Why you disagree",
        help_text="If you disagree, say why and give evidence below: at least one file or web "
        "address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ModerationForm(VersionedForm):
    not_applicable = forms.BooleanField(label="Not applicable to this landlord", required=False)
    rationale = forms.CharField(
        label="Reason for the final rating",
        help_text="Published with the results",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, item: AssessmentItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"] = _rating_field(item, "Final rating")
        self.order_fields(["version", "rating"])
        if not item.commitment.not_applicable_allowed:
            del self.fields["not_applicable"]
        self._style_widgets()


class EvidenceForm(GovukForm):
    from_site = forms.ChoiceField(
        label="Something on this site",
        help_text="A consultation, scrutiny review or “you said, we did” entry of yours; "
        "its title and address are filled in for you",
        required=False,
    )
    title = forms.CharField(label="Title", max_length=200, required=False)
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument or an image; up to 20 MB",
        required=False,
    )
    url = forms.URLField(
        label="Or give a web address", required=False, assume_scheme="https", max_length=500
    )
    page = forms.CharField(label="Page or section", required=False, max_length=40)
    excerpt = forms.CharField(
        label="Excerpt", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label="Publish this evidence with the results",
        help_text="Private evidence is seen by the council and your staff only",
        required=False,
    )

    def __init__(self, *args: Any, candidates: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.candidates = {f"{c['kind']}:{c['id']}": c for c in candidates or []}
        if self.candidates:
            self.fields["from_site"].choices = [("", "Nothing from this site")] + [  # type: ignore[attr-defined]
                (key, c["title"]) for key, c in self.candidates.items()
            ]
            self.order_fields(["from_site"])
        else:
            del self.fields["from_site"]
        self._style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.candidates.get(data.get("from_site") or "")
        if chosen:
            # The candidates' addresses are already absolute (the site's own address included).
            data["title"] = data.get("title") or chosen["title"]
            data["url"] = chosen["url"]
        elif not data.get("title"):
            self.add_error("title", "Give the evidence a title.")
        return data

    def evidence_given(self) -> EvidenceGiven:
        """The cleaned evidence, as `services.evidence_add` and `services.item_reply` take it."""
        data = self.cleaned_data
        return EvidenceGiven(
            title=data.get("title", ""),
            file=data.get("file"),
            url=data.get("url", ""),
            page=data.get("page", ""),
            excerpt=data.get("excerpt", ""),
            is_public=data.get("is_public", False),
        )


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What will be done", widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(label="Owner (a role or team)", max_length=200)
    target_date = forms.DateField(label="Target date", widget=DATE)


class ActionStatusForm(GovukForm):
    status = forms.ChoiceField(label="Progress", choices=ActionStatus.choices)


class EvidenceRequestForm(GovukForm):
    message = forms.CharField(
        label="What evidence do you need?", widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label="Due by", widget=DATE)


class ReopenForm(GovukForm):
    stage = forms.ChoiceField(label="Reopen for", widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, stages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            (stage, Stage(stage).label) for stage in stages
        ]


class PanelMemberForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        help_text="Of a council officer or admin, or of a resident whose landlord has verified "
        "them. They must already have an account.",
        error_messages={
            "required": "Give the email address of the person to add.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )


class PanelViewForm(GovukForm):
    not_applicable = forms.BooleanField(
        label="This commitment does not apply to this landlord", required=False
    )
    comment = forms.CharField(
        label="Why",
        help_text="What in the papers leads you to this rating. The council admin who sets the "
        "final rating reads it; it is not published.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,  # the service says what is missing, with the rating, in one go
    )

    def __init__(self, *args: Any, item: AssessmentItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"] = _rating_field(item, "The rating you would give")
        self.order_fields(["rating"])
        if not item.commitment.not_applicable_allowed:
            del self.fields["not_applicable"]
        self._style_widgets()
