"""`residentvoice people grant EMAIL ROLE`: give an existing account a role, for first set-up."""

from __future__ import annotations

from typing import Annotated

import typer
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django_typer.management import TyperCommand, command, initialize

from residentvoice.accounts.models import Role, User
from residentvoice.accounts.services import membership_grant
from residentvoice.organisations.models import Landlord


class Command(TyperCommand):
    help = "People and their roles."

    @initialize()
    def init(self) -> None:
        """Makes `people` a group, so its subcommands are named."""

    @command()
    def grant(
        self,
        email: Annotated[str, typer.Argument(help="The account's email address")],
        role: Annotated[str, typer.Argument(help=f"One of: {', '.join(Role.values)}")],
        landlord: Annotated[
            str, typer.Option(help="The landlord's short web name (slug), for landlord roles")
        ] = "",
    ) -> None:
        """Give an existing account a role (replacing any role it had)."""
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the email address {email}.")
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Choose one of: {', '.join(Role.values)}.")
        target = None
        if role not in (Role.COUNCIL_ADMIN, Role.COUNCIL_OFFICER):
            target = Landlord.objects.filter(slug=landlord).first()
            if target is None:
                raise CommandError("Give --landlord with the slug of an existing landlord.")
        try:
            membership_grant(
                user=user,
                role=Role(role),
                landlord=target,
                resident_tenure="tenant" if role == Role.RESIDENT else "",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{user.email} is now {Role(role).label.lower()}.")
