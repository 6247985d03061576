"""The Django admin belongs to council admins: one mixin grants them the models, nobody else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from residentvoice.accounts.rules import is_council_admin


def is_admin_site_user(user: Any) -> bool:
    return bool(
        user.is_active and (user.is_superuser or (user.is_staff and is_council_admin(user)))
    )


class CouncilAdminOnly:
    """Every admin permission comes from being a council admin (or a superuser)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin_site_user(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_site_user(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin_site_user(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_site_user(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_site_user(request.user)


class CouncilModelAdmin(CouncilAdminOnly, SimpleHistoryAdmin):
    """A model admin with its change history, for council admins."""


class CouncilInline(CouncilAdminOnly, admin.TabularInline):
    extra = 0


def _admin_site_permission(request: HttpRequest) -> bool:
    return is_admin_site_user(request.user)


admin.site.has_permission = _admin_site_permission  # type: ignore[method-assign]
