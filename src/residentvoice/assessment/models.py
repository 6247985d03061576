"""The yearly charter assessment: a cycle per reporting year, the landlords taking part, one item
per landlord × commitment carrying the self-assessment, the council's review, the landlord's reply
and the moderated result, with evidence, improvement actions and residents' reality checks.

Stage moves are append-only rows; the current stage is the latest move. Every model whose changes
matter keeps its history, which the item timeline reads.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from residentvoice.charter.models import Charter, Commitment, Criterion, RatingOption
from residentvoice.core.models import TimeStampedModel
from residentvoice.core.reporting_years import reporting_year_bounds
from residentvoice.organisations.models import Landlord


class Stage(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    SELF_ASSESSMENT = "self_assessment", "Landlord self-assessment"
    COUNCIL_REVIEW = "council_review", "Council review"
    RIGHT_OF_REPLY = "right_of_reply", "Landlord right of reply"
    MODERATION = "moderation", "Moderation"
    READY_TO_PUBLISH = "ready_to_publish", "Ready to publish"
    PUBLISHED = "published", "Published"


STAGE_ORDER: list[str] = [choice.value for choice in Stage]

# Stage moves allowed: forward one step, or back one step (with a reason) up to moderation.
# Publishing is done by the publication service, never by a plain stage move.
ALLOWED_MOVES: dict[str, set[str]] = {
    Stage.PREPARATION: {Stage.SELF_ASSESSMENT},
    Stage.SELF_ASSESSMENT: {Stage.COUNCIL_REVIEW, Stage.PREPARATION},
    Stage.COUNCIL_REVIEW: {Stage.RIGHT_OF_REPLY, Stage.SELF_ASSESSMENT},
    Stage.RIGHT_OF_REPLY: {Stage.MODERATION, Stage.COUNCIL_REVIEW},
    Stage.MODERATION: {Stage.READY_TO_PUBLISH, Stage.RIGHT_OF_REPLY},
    Stage.READY_TO_PUBLISH: {Stage.MODERATION},
    Stage.PUBLISHED: set(),
}

# Stages in which residents may say whether a landlord's public claims match their experience.
REALITY_CHECK_STAGES = {Stage.SELF_ASSESSMENT, Stage.COUNCIL_REVIEW}


class AssessmentCycle(TimeStampedModel):
    """One reporting year's assessment against one version of the charter."""

    reporting_year = models.CharField(max_length=7, unique=True, help_text="For example 2024-25")
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="cycles")
    is_demo = models.BooleanField(
        default=False, help_text="Synthetic demonstration data, labelled as such wherever shown"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reporting_year"]

    def __str__(self) -> str:
        return f"Charter assessment {self.reporting_year}"

    @property
    def starts_on(self) -> datetime.date:
        return reporting_year_bounds(self.reporting_year)[0]

    @property
    def ends_on(self) -> datetime.date:
        return reporting_year_bounds(self.reporting_year)[1]


class StageDates(models.Model):
    """When a stage of a cycle is planned to open and close (deadlines drive reminders)."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="stage_dates")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "stage"], name="one_date_row_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.reporting_year} {self.get_stage_display()}"


class StageMove(models.Model):
    """An append-only record of a cycle entering a stage; the latest is the current stage."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="moves")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["moved_at", "pk"]
        get_latest_by = ["moved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle.reporting_year} → {self.get_stage_display()}"


class Participation(TimeStampedModel):
    """A landlord taking part in a cycle, its assigned council reviewer and its sign-off."""

    cycle = models.ForeignKey(
        AssessmentCycle, on_delete=models.CASCADE, related_name="participations"
    )
    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT, related_name="participations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews_assigned",
        help_text="The council officer who reviews this landlord",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["landlord__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "landlord"], name="landlord_once_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.landlord} in {self.cycle.reporting_year}"


class ReplyPosition(models.TextChoices):
    AGREE = "agree", "We agree"
    DISAGREE = "disagree", "We disagree"


class AssessmentItem(TimeStampedModel):
    """One landlord's assessment against one commitment in one cycle.

    `version` rises with every save through the services, so a save made from an older copy of
    the page is refused rather than silently overwriting someone else's change.
    """

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="items")
    landlord = models.ForeignKey(Landlord, on_delete=models.PROTECT, related_name="+")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    # The landlord's self-assessment
    self_rating = models.ForeignKey(
        RatingOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    self_not_applicable = models.BooleanField(default=False)
    not_applicable_reason = models.TextField(blank=True)
    what_we_do = models.TextField("what we do", blank=True)
    how_residents_involved = models.TextField("how residents were involved", blank=True)

    # The council's review
    council_rating = models.ForeignKey(
        RatingOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    council_feedback = models.TextField("feedback (public)", blank=True)
    council_private_notes = models.TextField("private notes (council only)", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    # The landlord's right of reply
    reply_position = models.CharField(max_length=10, choices=ReplyPosition.choices, blank=True)
    reply_reason = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    # Moderation
    final_rating = models.ForeignKey(
        RatingOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_not_applicable = models.BooleanField(default=False)
    final_rationale = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    # A council admin may reopen one item for the stage named here, with a reason.
    reopened_for = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    reopened_reason = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["participation", "commitment__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "commitment"], name="one_item_per_commitment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.landlord} – commitment {self.commitment.number}"

    @property
    def is_self_assessed(self) -> bool:
        return self.self_rating_id is not None or (
            self.self_not_applicable and bool(self.not_applicable_reason.strip())
        )

    @property
    def is_moderated(self) -> bool:
        return self.moderated_at is not None and (
            self.final_rating_id is not None or self.final_not_applicable
        )


class CriterionRating(models.Model):
    """The landlord's view of one criterion of a commitment, where the charter has criteria."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    rating = models.ForeignKey(
        RatingOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "criterion"], name="one_rating_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.item} – criterion {self.criterion.number}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    item = instance.item
    return f"evidence/{item.participation.cycle.reporting_year}/{item.landlord_id}/{filename}"


class EvidenceKind(models.TextChoices):
    FILE = "file", "A file"
    LINK = "link", "A link"


class Evidence(TimeStampedModel):
    """A document or link that backs a claim; public evidence is published with the result."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.URLField("web address", max_length=500, blank=True)
    page = models.CharField(max_length=40, blank=True)
    excerpt = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    for_reply = models.BooleanField(
        default=False, help_text="Given with the landlord's reply to the council's rating"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def landlord_id(self) -> int:
        return self.item.landlord_id


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ImprovementAction(TimeStampedModel):
    """Something the landlord will do to meet a commitment better, with an owner and a date."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="A role or team, not a private person")
    target_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class EvidenceRequest(TimeStampedModel):
    """The council asking a landlord for more evidence on an item, by a date."""

    item = models.ForeignKey(
        AssessmentItem, on_delete=models.CASCADE, related_name="evidence_requests"
    )
    message = models.TextField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_on", "pk"]


class RealityAnswer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    DONT_KNOW = "dont_know", "Don't know"


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not published"


class RealityCheck(TimeStampedModel):
    """A verified resident saying whether a landlord's public claim matches their experience."""

    item = models.ForeignKey(
        AssessmentItem, on_delete=models.CASCADE, related_name="reality_checks"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=RealityAnswer.choices)
    comment = models.TextField(blank=True)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "resident"],
                condition=models.Q(resident__isnull=False),
                name="one_reality_check_per_resident",
            )
        ]


class RealityCheckSession(TimeStampedModel):
    """An offline reality-check meeting recorded by council staff."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="reality_sessions"
    )
    held_on = models.DateField()
    residents_count = models.PositiveIntegerField("number of residents")
    summary = models.TextField()
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-held_on", "pk"]

    @property
    def landlord_id(self) -> int:
        return self.participation.landlord_id


class ModerationPanelMember(TimeStampedModel):
    """A person a council admin named to a cycle's moderation panel: council staff, or a verified
    resident (who never sees their own landlord's commitments there). Removing someone keeps the
    row, and the views they gave, with when and by whom."""

    cycle = models.ForeignKey(
        AssessmentCycle, on_delete=models.CASCADE, related_name="panel_members"
    )
    # Empty once the person deletes their account: the views they gave stay, unnamed.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "person"],
                condition=models.Q(removed_at__isnull=True),
                name="one_panel_place_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person or 'A former member'} on the {self.cycle.reporting_year} panel"


class ModerationPanelView(models.Model):
    """One panel member's view of one item: the rating they would give and why.

    Append-only: a member who changes their mind records a new view; the latest is their view and
    the earlier ones stay, so the rows are their own history.
    """

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="panel_views")
    # Members are never deleted (removal is marked), so a view goes only with its cycle.
    member = models.ForeignKey(
        ModerationPanelMember, on_delete=models.CASCADE, related_name="views"
    )
    rating = models.ForeignKey(
        RatingOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField()
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"A panel view of {self.item}"
