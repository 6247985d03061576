"""Scrutiny: a landlord's panel of residents, its meetings and private documents, the topics
residents propose and vote on, and reviews that end in recommendations the landlord must answer.

Stages of a review and statuses of a recommendation are append-only rows checked against the
transitions below; the review and recommendation point at their latest row (as Signals does).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from residentvoice.core.formats import long_date
from residentvoice.core.models import TimeStampedModel
from residentvoice.organisations.models import Landlord


class Panel(TimeStampedModel):
    """A landlord's scrutiny panel: verified residents who review its services."""

    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT, related_name="scrutiny_panels")
    name = models.CharField(max_length=200)
    terms_of_reference = models.TextField(
        help_text="What the panel is for, how it works and what the landlord promises it"
    )
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["landlord__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["landlord", "name"], name="panel_name_per_landlord")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("participation:panel-detail", kwargs={"pk": self.pk})


class PanelRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"


class PanelMember(TimeStampedModel):
    """A resident on a panel. Leaving sets `left_on`; the row stays as the record."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="panel_memberships",
    )
    role = models.CharField(max_length=12, choices=PanelRole.choices, default=PanelRole.MEMBER)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "role", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"],
                condition=models.Q(left_on__isnull=True, user__isnull=False),
                name="panel_member_once",
            ),
            models.UniqueConstraint(
                fields=["panel", "role"],
                condition=models.Q(left_on__isnull=True, role__in=["chair", "vice_chair"]),
                name="panel_one_chair_and_one_vice_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or 'Former member'}: {self.get_role_display()}"

    @property
    def landlord_id(self) -> int:
        return self.panel.landlord_id


class Meeting(TimeStampedModel):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    held_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True, help_text="A room, or online")
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({long_date(self.held_at)})"

    @property
    def landlord_id(self) -> int:
        return self.panel.landlord_id


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class ReviewType(models.TextChoices):
    IN_DEPTH = "in_depth", "In-depth review"
    TASK_AND_FINISH = "task_and_finish", "Task and finish"
    LIGHT_TOUCH = "light_touch", "Light-touch review"


class ReviewStage(models.TextChoices):
    SCOPING = "scoping", "Scoping"
    EVIDENCE = "evidence", "Gathering evidence"
    REPORT = "report", "Writing the report"
    ANSWERING = "answering", "Landlord answering the recommendations"
    ACTIONS = "actions", "Actions under way"
    CLOSED = "closed", "Closed"
    REPORTED_BACK = "reported_back", "Reported back to residents"


REVIEW_STAGE_ORDER: list[str] = [choice.value for choice in ReviewStage]

# Forward one stage at a time; back one stage from evidence and report (scope or evidence
# revisited); a closed review reopens to actions if something turns out not to be done.
REVIEW_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({ReviewStage.SCOPING}),
    ReviewStage.SCOPING: frozenset({ReviewStage.EVIDENCE}),
    ReviewStage.EVIDENCE: frozenset({ReviewStage.REPORT, ReviewStage.SCOPING}),
    ReviewStage.REPORT: frozenset({ReviewStage.ANSWERING, ReviewStage.EVIDENCE}),
    ReviewStage.ANSWERING: frozenset({ReviewStage.ACTIONS}),
    ReviewStage.ACTIONS: frozenset({ReviewStage.CLOSED}),
    ReviewStage.CLOSED: frozenset({ReviewStage.REPORTED_BACK, ReviewStage.ACTIONS}),
    ReviewStage.REPORTED_BACK: frozenset(),
}

# From this stage on the report and the landlord's answers are public.
PUBLIC_FROM_STAGE = ReviewStage.ANSWERING


class TopicRound(TimeStampedModel):
    """A round in which a landlord's residents propose topics and vote; the panel decides."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="topic_rounds")
    title = models.CharField(max_length=200)
    closes_at = models.DateTimeField()
    chosen = models.ForeignKey(
        "TopicProposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-closes_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def landlord_id(self) -> int:
        return self.panel.landlord_id


class TopicProposal(models.Model):
    round = models.ForeignKey(TopicRound, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What should the panel look at, and why?")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_hidden = models.BooleanField(default=False, help_text="Hidden after a report")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def landlord_id(self) -> int:
        return self.round.panel.landlord_id


class TopicVote(models.Model):
    """One verified resident's vote in a round. The database refuses a second one."""

    round = models.ForeignKey(TopicRound, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(TopicProposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_votes",
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="topic_vote_once_per_round")
        ]

    def __str__(self) -> str:
        return f"Vote for {self.proposal_id}"


class Review(TimeStampedModel):
    """One scrutiny review. `landlord` repeats the panel's, so one predicate serves both."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="reviews")
    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(
        TopicProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    title = models.CharField(max_length=200)
    review_type = models.CharField(max_length=20, choices=ReviewType.choices)
    scope = models.TextField(help_text="The review's own terms of reference: questions and limits")
    report_summary = models.TextField(blank=True, help_text="The report's findings, in brief")
    report_back = models.TextField(
        blank=True, help_text="What changed, told to every resident when the review is done"
    )
    answer_due_on = models.DateField(
        null=True, blank=True, help_text="When the landlord must answer every recommendation"
    )
    current_stage = models.ForeignKey(
        "ReviewStageChange", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:review-detail", kwargs={"pk": self.pk})

    @property
    def stage(self) -> str | None:
        return self.current_stage.stage if self.current_stage_id and self.current_stage else None

    @property
    def stage_label(self) -> str:
        stage = self.stage
        return ReviewStage(stage).label if stage else "Not started"

    @property
    def is_public(self) -> bool:
        stage = self.stage
        return stage is not None and REVIEW_STAGE_ORDER.index(stage) >= REVIEW_STAGE_ORDER.index(
            PUBLIC_FROM_STAGE
        )


class ReviewStageChange(models.Model):
    """A review moved into a stage. Never changed or deleted."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=ReviewStage.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id} → {self.stage}"


class DocumentKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    INSPECTION = "inspection", "Inspection notes"
    MYSTERY_SHOPPING = "mystery_shopping", "Mystery-shopping notes"
    CASE_REVIEW = "case_review", "Case review"
    SURVEY = "survey", "Survey results"
    MINUTES = "minutes", "Papers for a meeting"


class PanelDocument(models.Model):
    """Private to the panel's members and the landlord's staff: a file, notes, or both."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="documents")
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="scrutiny/%Y/", max_length=300, blank=True)
    notes = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def landlord_id(self) -> int:
        return self.panel.landlord_id


class DataRequest(TimeStampedModel):
    """The panel asks the landlord for information, by a date."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="data_requests")
    question = models.TextField()
    due_on = models.DateField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def landlord_id(self) -> int:
        return self.review.landlord_id


class LandlordAnswer(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    REJECTED = "rejected", "Rejected"


class RecommendationStatus(models.TextChoices):
    AWAITING_ANSWER = "awaiting_answer", "Waiting for the landlord's answer"
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    REJECTED = "rejected", "Rejected, with reasons"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


# Done reopens to in progress when the panel challenges it; rejection is final (with reasons).
RECOMMENDATION_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({RecommendationStatus.AWAITING_ANSWER}),
    RecommendationStatus.AWAITING_ANSWER: frozenset(
        {RecommendationStatus.ACCEPTED, RecommendationStatus.PARTLY, RecommendationStatus.REJECTED}
    ),
    RecommendationStatus.ACCEPTED: frozenset(
        {RecommendationStatus.IN_PROGRESS, RecommendationStatus.DONE}
    ),
    RecommendationStatus.PARTLY: frozenset(
        {RecommendationStatus.IN_PROGRESS, RecommendationStatus.DONE}
    ),
    RecommendationStatus.IN_PROGRESS: frozenset({RecommendationStatus.DONE}),
    RecommendationStatus.DONE: frozenset({RecommendationStatus.IN_PROGRESS}),
    RecommendationStatus.REJECTED: frozenset(),
}
FINISHED_STATUSES = frozenset({RecommendationStatus.DONE, RecommendationStatus.REJECTED})


class Recommendation(TimeStampedModel):
    """One recommendation, the landlord's answer to it, and who will act by when."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    made_on = models.DateField(
        null=True, blank=True, help_text="When the report went to the landlord"
    )
    answer = models.CharField(max_length=10, choices=LandlordAnswer.choices, blank=True)
    answer_reason = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True, help_text="The post or team acting on it")
    due_on = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_status = models.ForeignKey(
        "RecommendationStatusChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="recommendation_number")
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"

    def get_absolute_url(self) -> str:
        return f"{self.review.get_absolute_url()}#recommendation-{self.number}"

    @property
    def landlord_id(self) -> int:
        return self.review.landlord_id

    @property
    def status(self) -> str | None:
        return (
            self.current_status.status if self.current_status_id and self.current_status else None
        )

    @property
    def status_label(self) -> str:
        status = self.status
        return RecommendationStatus(status).label if status else "Draft"


class RecommendationStatusChange(models.Model):
    """A recommendation's status changed. Never changed or deleted."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=20, choices=RecommendationStatus.choices)
    reason = models.TextField(blank=True)
    is_challenge = models.BooleanField(
        default=False, help_text="The panel reopened an action the landlord said was done"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation_id} → {self.status}"


class ActionUpdate(models.Model):
    """Progress on the action for a recommendation. Never changed or deleted."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    percent = models.PositiveSmallIntegerField()
    milestone = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="action_update_percent_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.percent}%: {self.milestone}"
