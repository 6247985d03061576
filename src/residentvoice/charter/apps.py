from django.apps import AppConfig


class CharterConfig(AppConfig):
    name = "residentvoice.charter"
    verbose_name = "The charter"
