from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "residentvoice.organisations"
    verbose_name = "Council and landlords"
