from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "residentvoice.accounts"
    verbose_name = "People and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import throttling

        # Every way of signing in (the site's page, the Django admin's) counts towards the limits.
        user_login_failed.connect(throttling.sign_in_failed, dispatch_uid="rv-sign-in-failed")
        user_logged_in.connect(throttling.signed_in, dispatch_uid="rv-signed-in")
