from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "residentvoice.accounts"
    verbose_name = "People and access"
