"""The council's editing screens for the charter, its rating scale and the national standards."""

from __future__ import annotations

from django.contrib import admin

from residentvoice.core.admin import CouncilAdminOnly, CouncilModelAdmin

from .models import (
    Charter,
    Commitment,
    Criterion,
    RatingOption,
    RatingScale,
    StandardFramework,
    StandardItem,
)


class StandardItemInline(CouncilAdminOnly, admin.TabularInline):
    model = StandardItem
    extra = 0
    fields = ("code", "title", "description", "order", "is_verified")


@admin.register(StandardFramework)
class StandardFrameworkAdmin(CouncilModelAdmin):
    list_display = ("name", "code", "publisher", "year")
    search_fields = ("name", "code", "publisher")
    inlines = [StandardItemInline]


@admin.register(StandardItem)
class StandardItemAdmin(CouncilModelAdmin):
    list_display = ("code", "title", "framework", "is_verified")
    list_filter = ("framework", "is_verified")
    search_fields = ("code", "title")
    list_select_related = ("framework",)


class CommitmentInline(CouncilAdminOnly, admin.StackedInline):
    model = Commitment
    extra = 0
    fields = (
        "number",
        "title",
        "text",
        ("commits_council", "commits_landlords", "not_applicable_allowed"),
        "standards",
    )
    filter_horizontal = ("standards",)
    show_change_link = True


class RatingScaleInline(CouncilAdminOnly, admin.StackedInline):
    model = RatingScale
    extra = 0
    show_change_link = True


@admin.register(Charter)
class CharterAdmin(CouncilModelAdmin):
    list_display = ("name", "slug", "version", "approved_on", "is_default_text")
    list_filter = ("is_default_text",)
    search_fields = ("name", "slug", "area")
    inlines = [RatingScaleInline, CommitmentInline]


class RatingOptionInline(CouncilAdminOnly, admin.TabularInline):
    model = RatingOption
    extra = 0
    fields = ("order", "code", "label", "points", "meets_commitment", "description")


@admin.register(RatingScale)
class RatingScaleAdmin(CouncilModelAdmin):
    list_display = ("name", "charter", "allows_not_applicable")
    list_select_related = ("charter",)
    inlines = [RatingOptionInline]


class CriterionInline(CouncilAdminOnly, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("number", "text")


@admin.register(Commitment)
class CommitmentAdmin(CouncilModelAdmin):
    list_display = ("number", "title", "charter", "commits_council", "commits_landlords")
    list_filter = ("charter", "commits_council", "commits_landlords")
    list_select_related = ("charter",)
    search_fields = ("title", "text")
    filter_horizontal = ("standards",)
    inlines = [CriterionInline]
