from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "residentvoice.demo"
    verbose_name = "Demonstration"
