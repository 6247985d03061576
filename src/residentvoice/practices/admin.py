from django.contrib import admin

from residentvoice.core.admin import CouncilModelAdmin

from .models import Practice


@admin.register(Practice)
class PracticeAdmin(CouncilModelAdmin):
    list_display = ["title", "recorded_by_landlord", "is_public", "approved_at", "is_demo"]
    list_filter = ["is_public", "is_demo", "recorded_by_landlord"]
    search_fields = ["title", "description"]
    filter_horizontal = ["commitments", "landlords"]
    raw_id_fields = ["recorded_by", "approved_by"]
