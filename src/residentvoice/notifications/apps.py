from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "residentvoice.notifications"
    verbose_name = "Notifications"
