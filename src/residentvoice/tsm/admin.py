"""The TSM records in the Django admin, for council admins: releases and the landlords in them
are browsed; code links (a landlord's new code from a given year) are added and changed here.
Imported figures are read-only: a correction is a new release, never an edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from residentvoice.core.admin import CouncilModelAdmin

from .models import OwnSurvey, RegulatorCodeLink, RegulatorLandlord, TsmRelease


class ImportedRecordAdmin(CouncilModelAdmin):
    """Written only by the importer: an edit by hand would break the all-or-nothing import."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TsmRelease)
class TsmReleaseAdmin(ImportedRecordAdmin):
    list_display = ["reporting_year", "source_name", "imported_at", "replaced_at"]
    list_filter = ["reporting_year"]
    search_fields = ["source_name", "sha256"]


@admin.register(RegulatorLandlord)
class RegulatorLandlordAdmin(CouncilModelAdmin):
    list_display = ["code", "name", "landlord"]
    search_fields = ["code", "name"]
    list_filter = [("landlord", admin.EmptyFieldListFilter)]
    # The code and name come from the regulator's file; only the link to the borough is ours.
    readonly_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(RegulatorCodeLink)
class RegulatorCodeLinkAdmin(CouncilModelAdmin):
    list_display = ["earlier", "later", "from_year", "note"]
    autocomplete_fields = ["earlier", "later"]


@admin.register(OwnSurvey)
class OwnSurveyAdmin(CouncilModelAdmin):
    list_display = ["title", "landlord", "reporting_year", "source_name", "created_at"]
    list_filter = ["reporting_year"]
    search_fields = ["title", "source_name"]
