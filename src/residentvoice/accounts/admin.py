from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from residentvoice.core.admin import CouncilInline, CouncilModelAdmin

from .models import Membership, RegistrationDecision, ResidentRegistration, StaffInvitation, User


class RolesChangedOnTheSite:
    """Roles are changed and removed on the site's staff pages, whose services keep each
    organisation's last admin; here they can be read (and a first one added), not changed."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("role", "landlord", "resident_tenure") if obj is not None else ()


class MembershipInline(CouncilInline):
    model = Membership

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # see RolesChangedOnTheSite

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(CouncilModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff", "is_demo", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_demo"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "is_staff", "is_demo", "date_joined", "last_login"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(RolesChangedOnTheSite, CouncilModelAdmin):
    list_display = ["user", "role", "landlord"]
    list_filter = ["role", "landlord"]
    search_fields = ["user__email", "user__full_name"]


class DecisionInline(CouncilInline):
    model = RegistrationDecision
    fields = ("outcome", "reason", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # decisions are made by the landlord, through the site

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ResidentRegistration)
class ResidentRegistrationAdmin(CouncilModelAdmin):
    list_display = ["user", "landlord", "tenure", "created_at"]
    list_filter = ["landlord", "tenure"]
    inlines = [DecisionInline]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(CouncilModelAdmin):
    list_display = ["email", "role", "landlord", "created_at", "accepted_at", "withdrawn_at"]
    list_filter = ["role"]
