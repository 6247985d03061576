from django.contrib import admin

from residentvoice.core.admin import CouncilInline, CouncilModelAdmin

from .models import Council, Landlord, StockFigure


class StockFigureInline(CouncilInline):
    model = StockFigure


@admin.register(Council)
class CouncilAdmin(CouncilModelAdmin):
    list_display = ["name", "area_name"]


@admin.register(Landlord)
class LandlordAdmin(CouncilModelAdmin):
    list_display = ["name", "short_name", "regulator_code", "charter_status", "is_fictional"]
    list_filter = ["charter_status", "landlord_type", "is_fictional"]
    search_fields = ["name", "short_name", "regulator_code"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [StockFigureInline]
