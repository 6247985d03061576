from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "residentvoice.practices"
    verbose_name = "Best-practice library"
