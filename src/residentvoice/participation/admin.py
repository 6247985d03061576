"""Participation in the Django admin, for council admins: to look things up and put right what
the pages cannot. Append-only rows (stage and status changes, progress) are read-only here."""

from typing import Any

from django.contrib import admin
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


@admin.register(RegisterEntry)
class RegisterEntryAdmin(CouncilModelAdmin):
    # hidden_at is set when a moderator hides the entry after a report; clearing it here is the
    # way to show the entry again.
    list_display = [
        "title",
        "landlord",
        "source_kind",
        "status",
        "is_public",
        "public_from",
        "hidden_at",
        "date",
    ]
    list_filter = ["source_kind", "status", "is_public", "is_synthetic"]
    search_fields = ["title", "residents_said"]


@admin.register(ContentReport)
class ContentReportAdmin(CouncilModelAdmin):
    list_display = ["kind", "object_id", "created_at", "outcome", "resolved_at"]
    list_filter = ["kind", "outcome"]
