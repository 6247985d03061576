"""`residentvoice notifications digest daily|weekly`: send the waiting digests (run from cron)."""

from __future__ import annotations

from typing import Annotated

import typer
from django.core.management import CommandError
from django_typer.management import TyperCommand, command, initialize

from residentvoice.notifications.models import Frequency
from residentvoice.notifications.services import notification_digest_send


class Command(TyperCommand):
    help = "Notifications: send the daily or weekly email digests."

    @initialize()
    def init(self) -> None:
        """Makes `notifications` a group, so its subcommands are named."""

    @command()
    def digest(
        self,
        frequency: Annotated[str, typer.Argument(help="daily or weekly")],
    ) -> None:
        """Email everyone who chose this digest what has happened since the last one."""
        if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
            raise CommandError("Say daily or weekly.")
        sent = notification_digest_send(frequency=frequency)
        self.stdout.write(f"{sent} {frequency} digest{'s' if sent != 1 else ''} sent.")
