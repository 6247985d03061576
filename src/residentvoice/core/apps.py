from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "residentvoice.core"
    verbose_name = "Site"

    def ready(self) -> None:
        # Connects the retry of failed background tasks in every process (site, worker, commands).
        from . import background  # noqa: F401
