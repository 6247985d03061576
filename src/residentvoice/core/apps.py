from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "residentvoice.core"
    verbose_name = "Site"
