"""`residentvoice participation remind`: flag overdue scrutiny answers and actions (run daily)."""

from __future__ import annotations

from django_typer.management import TyperCommand, command, initialize

from residentvoice.participation.services import overdue_remind


class Command(TyperCommand):
    help = "Resident participation: consultations, scrutiny and the register."

    @initialize()
    def init(self) -> None:
        """Makes `participation` a group, so its subcommands are named."""

    @command()
    def remind(self) -> None:
        """Flag overdue answers, actions and information requests to the panel, the landlord's
        admins and the council (each at most once a week)."""
        found = overdue_remind()
        self.stdout.write(
            f"{found} overdue item{'s' if found != 1 else ''} flagged."
            if found
            else "Nothing is overdue."
        )
