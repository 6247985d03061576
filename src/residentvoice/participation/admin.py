"""Participation in the Django admin, for council admins: to look things up and put right what
the pages cannot. Append-only rows (stage and status changes, progress) are read-only here."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from residentvoice.core.admin import CouncilInline, CouncilModelAdmin

from .models import (
    ActionUpdate,
    Consultation,
    ContentReport,
    Panel,
    PanelMember,
    Question,
    Recommendation,
    RecommendationStatusChange,
    RegisterEntry,
    Review,
    ReviewStageChange,
)
from .models.register import SAYS_WHAT_WE_DID


class ReadOnlyInline(CouncilInline):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QuestionInline(CouncilInline):
    model = Question
    fields = ["position", "kind", "text", "required"]


@admin.register(Consultation)
class ConsultationAdmin(CouncilModelAdmin):
    list_display = ["title", "landlord", "audience", "opens_at", "closes_at", "is_synthetic"]
    list_filter = ["audience", "is_anonymous", "is_synthetic"]
    search_fields = ["title"]
    exclude = ["anonymity_salt"]
    inlines = [QuestionInline]


class MemberInline(CouncilInline):
    model = PanelMember
    fields = ["user", "role", "joined_on", "left_on"]


@admin.register(Panel)
class PanelAdmin(CouncilModelAdmin):
    list_display = ["name", "landlord", "is_synthetic"]
    inlines = [MemberInline]


class StageInline(ReadOnlyInline):
    model = ReviewStageChange


@admin.register(Review)
class ReviewAdmin(CouncilModelAdmin):
    list_display = ["title", "landlord", "review_type", "is_synthetic"]
    readonly_fields = ["current_stage"]
    inlines = [StageInline]


class StatusInline(ReadOnlyInline):
    model = RecommendationStatusChange


class UpdateInline(ReadOnlyInline):
    model = ActionUpdate


@admin.register(Recommendation)
class RecommendationAdmin(CouncilModelAdmin):
    list_display = ["review", "number", "answer", "due_on"]
    readonly_fields = ["current_status"]
    inlines = [StatusInline, UpdateInline]


class WaitingForWhatWeDid(admin.SimpleListFilter):
    """Entries that wait, out of public sight, until they say what was done."""

    title = "what we did"
    parameter_name = "we_did"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("waiting", "Waiting for what we did"), ("said", "Says what we did")]

    def queryset(self, request: Any, queryset: QuerySet[RegisterEntry]) -> Any:
        if self.value() == "waiting":
            return queryset.exclude(SAYS_WHAT_WE_DID)
        if self.value() == "said":
            return queryset.filter(SAYS_WHAT_WE_DID)
        return queryset


@admin.register(RegisterEntry)
class RegisterEntryAdmin(CouncilModelAdmin):
    # hidden_at is set when a moderator hides the entry after a report; clearing it here is the
    # way to show the entry again.
    list_display = [
        "title",
        "landlord",
        "source_kind",
        "status",
        "public_state",
        "public_from",
        "hidden_at",
        "date",
    ]
    list_filter = [WaitingForWhatWeDid, "source_kind", "status", "is_public", "is_synthetic"]
    search_fields = ["title", "residents_said"]

    @admin.display(description="On the public register")
    def public_state(self, entry: RegisterEntry) -> str:
        return entry.public_state


@admin.register(ContentReport)
class ContentReportAdmin(CouncilModelAdmin):
    list_display = ["kind", "object_id", "created_at", "outcome", "resolved_at"]
    list_filter = ["kind", "outcome"]
