"""Forms for consultations, scrutiny and the register, rendered with GOV.UK markup."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from residentvoice.core.forms import GovukForm

from .models import (
    Audience,
    Channel,
    DocumentKind,
    LandlordAnswer,
    OtherFormat,
    PanelRole,
    Question,
    QuestionKind,
    RegisterStatus,
    ReviewStage,
    ReviewType,
    SourceKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def end_of(day: datetime.date) -> datetime.datetime:
    """Closing at the end of the day people were told."""
    return datetime.datetime.combine(
        day, datetime.time(23, 59, 59), tzinfo=timezone.get_current_timezone()
    )


# Consultations ---------------------------------------------------------------------------------


class TemplateForm(GovukForm):
    """Who can answer and when: all a consultation from a template needs."""

    audience = forms.ChoiceField(
        label="Who can answer?", choices=Audience.choices, widget=forms.RadioSelect
    )
    is_anonymous = forms.BooleanField(
        label="Anonymous: keep no link between a response and the person who gave it",
        required=False,
    )
    opens_on = forms.DateField(label="Opens on", widget=DATE)
    closes_on = forms.DateField(
        label="Closes on", widget=DATE, help_text="It closes at the end of this day"
    )

    def __init__(self, *args: Any, landlord: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if landlord is None:  # the council's own: no single landlord's residents
            field = self.fields["audience"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in Audience.choices if c[0] != Audience.LANDLORD_RESIDENTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "The closing date must be on or after the opening date.")
        return data


class ConsultationForm(TemplateForm):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, help_text="One sentence, shown in lists")
    background = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What it is about, what can change because of it, and what cannot",
    )

    field_order = ["title", "summary", "background", "audience", "is_anonymous"]


class QuestionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of question", choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label="Question", max_length=300)
    hint = forms.CharField(
        label="Hint (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label="People must answer this question", required=False)
    options = forms.CharField(
        label="Options (choice and ranking questions)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One option on each line",
    )
    rating_max = forms.IntegerField(
        label="Highest rating (rating questions)", min_value=2, max_value=10, initial=5
    )
    rating_low_label = forms.CharField(
        label="What 1 means (rating questions)", max_length=60, required=False, initial="Very poor"
    )
    rating_high_label = forms.CharField(
        label="What the highest rating means", max_length=60, required=False, initial="Very good"
    )

    def options_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]


class DocumentForm(GovukForm):
    title = forms.CharField(max_length=200)
    file = forms.FileField(help_text="PDF, Word, OpenDocument, spreadsheet or image; up to 20 MB")


class RankingWidget(forms.MultiWidget):
    """One drop-down per option ("1st", "2nd", …): putting things in order without JavaScript."""

    template_name = "participation/widgets/ranking.html"

    def __init__(self, options: list[str], attrs: dict[str, Any] | None = None) -> None:
        self.options = options
        places = [("", "Choose a place")] + [
            (str(n), _ordinal(n)) for n in range(1, len(options) + 1)
        ]
        super().__init__([forms.Select(choices=places) for _ in options], attrs)

    def decompress(self, value: Any) -> list[str]:
        if not value:
            return [""] * len(self.options)
        return [str(value.index(option) + 1) if option in value else "" for option in self.options]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            subwidget["attrs"]["class"] = "govuk-select"
        context["widget"]["rows"] = list(
            zip(self.options, context["widget"]["subwidgets"], strict=True)
        )
        return context


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class RankingField(forms.Field):
    def __init__(self, options: list[str], **kwargs: Any) -> None:
        self.options = options
        super().__init__(widget=RankingWidget(options), **kwargs)

    def clean(self, value: Any) -> list[str] | None:
        places = [str(place or "") for place in (value or [])]
        if not any(places):
            if self.required:
                raise ValidationError("Put the options in order.")
            return None
        # Posted values are checked, not trusted: each must be one of the places offered (1 to
        # the number of options), and each place used once.
        allowed = {str(n) for n in range(1, len(self.options) + 1)}
        if (
            len(places) != len(self.options)
            or not set(places) <= allowed
            or len(set(places)) != len(places)
        ):
            raise ValidationError("Give each option a different place, from first to last.")
        by_place = sorted(zip(places, self.options, strict=True), key=lambda pair: int(pair[0]))
        return [option for _, option in by_place]


def question_field(question: Question, *, required: bool) -> forms.Field:
    """The form field for a question; `required` only when submitting."""
    label = question.text
    help_text = question.hint
    kind = question.kind
    if kind == QuestionKind.FREE_TEXT:
        return forms.CharField(
            label=label,
            help_text=help_text,
            required=required,
            strip=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            required=required,
            choices=[(option, option) for option in question.options],
            widget=forms.RadioSelect,
        )
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            label=label,
            help_text=help_text,
            required=required,
            choices=[(option, option) for option in question.options],
            widget=forms.CheckboxSelectMultiple,
        )
    if kind == QuestionKind.RATING:
        choices = []
        for n in range(1, question.rating_max + 1):
            text = str(n)
            if n == 1 and question.rating_low_label:
                text += f" ({question.rating_low_label})"
            if n == question.rating_max and question.rating_high_label:
                text += f" ({question.rating_high_label})"
            choices.append((str(n), text))
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            required=required,
            choices=choices,
            widget=forms.RadioSelect,
        )
    return RankingField(question.options, label=label, help_text=help_text, required=required)


class AnswerForm(GovukForm):
    """Built from the consultation's questions; `complete` makes required questions required."""

    def __init__(
        self, *args: Any, questions: list[Question], complete: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.pk}"] = question_field(
                question, required=complete and question.required
            )
        self._style_widgets()

    def answers(self) -> dict[int, Any]:
        return {
            question.pk: self.cleaned_data.get(f"q_{question.pk}") for question in self.questions
        }

    @staticmethod
    def initial_from(answers: dict[int, Any], questions: list[Question]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for question in questions:
            value = answers.get(question.pk)
            if value is None:
                continue
            initial[f"q_{question.pk}"] = (
                str(value) if question.kind == QuestionKind.RATING else value
            )
        return initial


class FollowForm(GovukForm):
    follow = forms.BooleanField(
        label="Email me when the results and the outcome are published",
        required=False,
        initial=True,
    )


class PaperResponseForm(GovukForm):
    channel = forms.ChoiceField(
        label="How was the response given?",
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
        widget=forms.RadioSelect,
    )
    respondent_email = forms.EmailField(
        label="The resident's email address (optional)",
        required=False,
        help_text="If they have an account here, so they hear about the outcome. Left out for "
        "anonymous consultations.",
    )
    reference = forms.CharField(
        label="Your reference (optional)",
        max_length=60,
        required=False,
        help_text="For example the number written on the paper form",
    )


class FormatRequestForm(GovukForm):
    format = forms.ChoiceField(
        label="Which format do you need?", choices=OtherFormat.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="Details (optional)",
        max_length=300,
        required=False,
        help_text="For example the language you need, or the best time to call you",
    )
    contact = forms.CharField(
        label="Where should we send it, or which number should we call? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="We will use your email address if you leave this out",
    )


class OutcomeForm(GovukForm):
    said_summary = forms.CharField(
        label="What residents told you",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A fair summary, including views you disagree with",
    )
    considered = forms.CharField(
        label="How their views were considered",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you decided and why, including anything you decided not to do",
    )
    actions = forms.CharField(
        label="What you have done or will do (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome_status = forms.ChoiceField(
        label="Where things stand",
        choices=[c for c in RegisterStatus.choices if c[0] != RegisterStatus.WAITING],
        widget=forms.RadioSelect,
    )


class ReportForm(GovukForm):
    reason = forms.CharField(
        label="What is wrong with it?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: it names someone, it is offensive, or it is not true",
    )


# Scrutiny ----------------------------------------------------------------------------------------


class PanelForm(GovukForm):
    name = forms.CharField(max_length=200, help_text="For example, Residents' Scrutiny Panel")
    terms_of_reference = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))


class PanelMemberForm(GovukForm):
    email = forms.EmailField(
        label="The resident's email address",
        help_text="They must be a verified resident of this landlord",
    )
    role = forms.ChoiceField(
        choices=PanelRole.choices, widget=forms.RadioSelect, initial=PanelRole.MEMBER
    )


class MemberRoleForm(GovukForm):
    role = forms.ChoiceField(choices=PanelRole.choices, widget=forms.RadioSelect)


class MeetingForm(GovukForm):
    title = forms.CharField(max_length=200)
    held_on = forms.DateField(label="Date", widget=DATE)
    held_time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(max_length=200, required=False, help_text="A room, or online")
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def held_at(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.cleaned_data["held_on"],
            self.cleaned_data["held_time"],
            tzinfo=timezone.get_current_timezone(),
        )


class MeetingRecordForm(MeetingForm):
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), required=False)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"attendance_{member.pk}"] = forms.ChoiceField(
                label=f"{member.user or 'Former member'} ({member.get_role_display()})",
                required=False,
                choices=[
                    ("", "Not recorded"),
                    ("present", "Present"),
                    ("apologies", "Sent apologies"),
                    ("absent", "Absent"),
                ],
                widget=forms.RadioSelect,
            )
        self._style_widgets()

    def attendance(self) -> dict[int, str]:
        return {
            member.pk: self.cleaned_data.get(f"attendance_{member.pk}", "")
            for member in self.members
        }


class PanelDocumentForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is it?", choices=DocumentKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(max_length=200)
    file = forms.FileField(
        required=False, help_text="PDF, Word, OpenDocument, spreadsheet or image; up to 20 MB"
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Notes from an inspection or mystery shop can be typed here instead of a file",
    )
    review = forms.TypedChoiceField(
        label="Which review is it for? (optional)", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, reviews: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["review"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None: for the panel")] + [(r.pk, r.title) for r in reviews]


class TopicRoundForm(GovukForm):
    title = forms.CharField(max_length=200, initial="Choose our next scrutiny review")
    closes_on = forms.DateField(
        label="Voting closes on", widget=DATE, help_text="At the end of this day"
    )


class TopicProposalForm(GovukForm):
    title = forms.CharField(label="Topic", max_length=200)
    description = forms.CharField(
        label="What should the panel look at, and why?", widget=forms.Textarea(attrs={"rows": 5})
    )


class RoundDecisionForm(GovukForm):
    proposal = forms.TypedChoiceField(label="Topic chosen", coerce=int, widget=forms.RadioSelect)
    review_type = forms.ChoiceField(
        label="Kind of review", choices=ReviewType.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Why this topic (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Explain especially if it was not the most voted",
    )

    def __init__(self, *args: Any, proposals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposal"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (p.pk, f"{p.title} ({p.vote_count} vote{'s' if p.vote_count != 1 else ''})")
            for p in proposals
        ]


class ReviewForm(GovukForm):
    title = forms.CharField(max_length=200)
    review_type = forms.ChoiceField(
        label="Kind of review", choices=ReviewType.choices, widget=forms.RadioSelect
    )
    scope = forms.CharField(
        label="Scope",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The questions the review will answer, and what it will not look at",
    )


class ReviewEditForm(ReviewForm):
    report_summary = forms.CharField(
        label="Report summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Needed before the report goes to the landlord",
    )


class StageForm(GovukForm):
    stage = forms.ChoiceField(label="Move the review to", widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_due_on = forms.DateField(
        label="The landlord must answer by (optional)",
        required=False,
        widget=DATE,
        help_text="When sending the report; eight weeks if left out",
    )
    report_back = forms.CharField(
        label="Report back to residents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="When reporting back: what the review found and what changed. "
        "Every resident is told.",
    )

    def __init__(self, *args: Any, stages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(stage, ReviewStage(stage).label) for stage in stages]


class RecommendationForm(GovukForm):
    text = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 4}))


class RecommendationAnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label="Your answer", choices=LandlordAnswer.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you reject it or accept only part of it",
    )
    owner = forms.CharField(
        label="Who will act on it", max_length=200, required=False, help_text="A post or team"
    )
    due_on = forms.DateField(label="Done by", required=False, widget=DATE)


class ProgressForm(GovukForm):
    percent = forms.IntegerField(label="How complete is it (per cent)?", min_value=0, max_value=100)
    milestone = forms.CharField(label="Milestone reached", max_length=200, required=False)
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChallengeForm(GovukForm):
    reason = forms.CharField(
        label="Why is it not done?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The landlord and everyone following the review will see this",
    )


class DataRequestForm(GovukForm):
    question = forms.CharField(
        label="What information does the panel need?", widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(label="Needed by", widget=DATE)


class DataAnswerForm(GovukForm):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))


# Register and account ----------------------------------------------------------------------------


class RegisterFilterForm(GovukForm):
    """Filters read from the address, so every filtered view can be linked and bookmarked."""

    landlord = forms.ChoiceField(required=False)
    source = forms.ChoiceField(
        label="From", required=False, choices=[("", "Everything"), *SourceKind.choices]
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *RegisterStatus.choices]
    )
    year = forms.ChoiceField(label="Reporting year", required=False)
    q = forms.CharField(label="Words", required=False, max_length=100)

    def __init__(
        self, *args: Any, landlords: list[tuple[int, str]], years: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        landlord_field = self.fields["landlord"]
        year_field = self.fields["year"]
        assert isinstance(landlord_field, forms.ChoiceField)
        assert isinstance(year_field, forms.ChoiceField)
        landlord_field.choices = [
            ("", "All landlords and the council"),
            ("council", "The council"),
        ] + [(str(pk), name) for pk, name in landlords]
        year_field.choices = [("", "Any year")] + [(year, year) for year in years]


class DeleteAccountForm(GovukForm):
    confirm = forms.BooleanField(
        label="I understand my account will be deleted, and what I contributed will stay "
        "without my name",
        required=True,
    )
