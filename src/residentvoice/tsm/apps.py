from django.apps import AppConfig


class TsmConfig(AppConfig):
    name = "residentvoice.tsm"
    verbose_name = "Tenant Satisfaction Measures"
