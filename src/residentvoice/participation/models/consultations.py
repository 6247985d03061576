"""Consultations and surveys: questions, responses (online or entered by staff from paper or a
phone call), requests for another format, and the landlord's account of how views were used.

Responses and answers carry no change history on purpose: a history row would record who saved
it, which would tie an anonymous response back to an account.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from residentvoice.core.models import TimeStampedModel
from residentvoice.organisations.models import Landlord

from .register import RegisterStatus


class Audience(models.TextChoices):
    LANDLORD_RESIDENTS = "landlord_residents", "Verified residents of one landlord"
    BOROUGH = "borough", "Every verified resident in the borough"
    PUBLIC = "public", "Anyone with an account on the site"


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Not open yet"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed: results being prepared"
    RESULTS = "results", "Results published"
    COMPLETE = "complete", "Complete: outcome published"


class Consultation(TimeStampedModel):
    """A consultation or survey run by a landlord, or by the council (no landlord)."""

    landlord = models.ForeignKey(
        Landlord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        help_text="Leave empty for the council's own consultations",
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text="One sentence for lists")
    background = models.TextField(help_text="What it is about and why your views matter")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    is_anonymous = models.BooleanField(
        default=False,
        help_text="Responses keep no link to the person who gave them",
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    said_summary = models.TextField(
        "what residents told us", blank=True, help_text="A fair summary of the responses"
    )
    considered = models.TextField(
        "how your views were considered",
        blank=True,
        help_text="What the landlord decided and why, in answer to what residents said",
    )
    actions = models.TextField(
        "what we have done or will do", blank=True, help_text="Changes made because of it"
    )
    outcome_status = models.CharField(max_length=20, choices=RegisterStatus.choices, blank=True)
    outcome_published_at = models.DateTimeField(null=True, blank=True)
    # Lets an anonymous respondent come back to their own answers while it is open; erased when
    # the results are published, after which no response can be traced to anyone.
    anonymity_salt = models.CharField(max_length=64, blank=True)
    template = models.CharField(max_length=60, blank=True, help_text="The template it began from")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Made up for the demonstration, and labelled so on the site"
    )

    history = HistoricalRecords(excluded_fields=["anonymity_salt"])

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(audience="landlord_residents")
                | models.Q(landlord__isnull=False),
                name="consultation_landlord_audience_has_landlord",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:consultation-detail", kwargs={"pk": self.pk})

    def status_at(self, now: object = None) -> ConsultationStatus:
        moment = now or timezone.now()
        if self.published_at is None:
            return ConsultationStatus.DRAFT
        if moment < self.opens_at:  # type: ignore[operator]
            return ConsultationStatus.SCHEDULED
        if moment < self.closes_at:  # type: ignore[operator]
            return ConsultationStatus.OPEN
        if self.outcome_published_at is not None:
            return ConsultationStatus.COMPLETE
        if self.results_published_at is not None:
            return ConsultationStatus.RESULTS
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    @property
    def run_by(self) -> str:
        return self.landlord.short_name if self.landlord_id and self.landlord else "The council"


class ConsultationDocument(models.Model):
    """A document residents should read before answering (plans, a draft strategy)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="consultations/%Y/", max_length=300)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    FREE_TEXT = "free_text", "Free text"
    SINGLE_CHOICE = "single_choice", "Choose one"
    MULTIPLE_CHOICE = "multiple_choice", "Choose any"
    RATING = "rating", "Rating"
    RANKING = "ranking", "Put in order"


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
OPTION_KINDS = CHOICE_KINDS | {QuestionKind.RANKING}


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    hint = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    options = models.JSONField(
        default=list, blank=True, help_text="The options, for choice and ranking questions"
    )
    rating_max = models.PositiveSmallIntegerField(
        default=5, help_text="Ratings run from 1 to this number"
    )
    rating_low_label = models.CharField(max_length=60, blank=True, default="Very poor")
    rating_high_label = models.CharField(max_length=60, blank=True, default="Very good")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating_max__gte=2, rating_max__lte=10),
                name="question_rating_between_2_and_10",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def landlord_id(self) -> int | None:
        return self.consultation.landlord_id


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "On paper"
    PHONE = "phone", "By phone"
    IN_PERSON = "in_person", "In person"


class Response(models.Model):
    """One person's response. `submitted_at` is empty while it is saved to come back to."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    anonymous_key = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(
        max_length=60, blank=True, help_text="Your own reference for a paper or phone response"
    )
    # In an anonymous consultation these three keep only the day (the service rounds them down),
    # so that no moment can be matched with anything else the site records about a person.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    wants_outcome = models.BooleanField(
        default=False,
        help_text="Anonymous consultations only: the person asked to hear the outcome. Turned "
        "into follows, and erased, when the results are published",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="response_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["consultation", "anonymous_key"],
                condition=~models.Q(anonymous_key=""),
                name="response_once_per_anonymous_key",
            ),
            models.CheckConstraint(
                condition=models.Q(respondent__isnull=True) | models.Q(anonymous_key=""),
                name="response_named_or_anonymous_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.consultation_id}"


class Moderation(models.TextChoices):
    NOT_NEEDED = "", "Not needed"
    WAITING = "waiting", "Waiting for moderation"
    APPROVED = "approved", "Approved for publication"
    HIDDEN = "hidden", "Not published"


class Answer(models.Model):
    """One answer. `value` is text, an option, a list of options (any, or in order) or a number.

    Free text is stored exactly as typed and only published once a moderator approves it.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()
    moderation = models.CharField(
        max_length=10, choices=Moderation.choices, default=Moderation.NOT_NEEDED, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["question__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class OtherFormat(models.TextChoices):
    PAPER = "paper", "A paper copy by post"
    PHONE = "phone", "Answer by phone"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    TRANSLATION = "translation", "In another language"
    BRAILLE = "braille", "Braille"
    IN_PERSON = "in_person", "Help in person"


class FormatRequest(TimeStampedModel):
    """A resident's request for the consultation in another format."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="format_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consultation_format_requests",
    )
    format = models.CharField(max_length=20, choices=OtherFormat.choices)
    details = models.CharField(
        max_length=300, blank=True, help_text="For example the language, or the best time to call"
    )
    contact = models.TextField(
        blank=True, help_text="Where to send it, or the number to call, if not your email"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "requested_by", "format"],
                name="format_request_once_per_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} for {self.consultation_id}"


class ConsultationFollower(models.Model):
    """Someone who asked to hear the outcome, kept apart from responses and with no date.

    In an anonymous consultation a respondent's wish to hear the outcome is a mark on their
    response (`Response.wants_outcome`) while it is open; the rows here are written for all of
    them at once, in order of account, when the results are published, so that neither their
    numbers nor the transaction that wrote them says which response was whose
    (docs/PARTICIPATION.md, "Anonymity")."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="followers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultations_followed"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="follower_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.consultation_id}"
