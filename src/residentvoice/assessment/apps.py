from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "residentvoice.assessment"
    verbose_name = "Charter assessment"
