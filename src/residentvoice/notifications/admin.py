from django.contrib import admin

from residentvoice.core.admin import CouncilModelAdmin

from .models import Notification, NotificationPreference


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(CouncilModelAdmin):
    list_display = ["user", "frequency", "updated_at"]
    list_filter = ["frequency"]
    search_fields = ["user__email"]


@admin.register(Notification)
class NotificationAdmin(CouncilModelAdmin):
    list_display = ["user", "subject", "topic", "created_at", "email_state", "read_at"]
    list_filter = ["topic", "email_state"]
    search_fields = ["user__email", "subject"]
    readonly_fields = ["created_at", "emailed_at", "read_at"]
