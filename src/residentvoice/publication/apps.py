from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "residentvoice.publication"
    verbose_name = "Publication of results"
