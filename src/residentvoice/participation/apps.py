from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "residentvoice.participation"
    verbose_name = "Resident participation"
