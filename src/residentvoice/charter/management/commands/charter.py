"""`residentvoice charter ...`: load a charter file and keep the national standards up to date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from django.core.management import CommandError
from django_typer.management import TyperCommand, command

from residentvoice.charter import selectors
from residentvoice.charter.services import CharterFileError, charter_load, standards_sync


class Command(TyperCommand):
    help = "Load the resident participation charter and the national standards it maps to."

    @command()
    def load(
        self,
        file: Annotated[Path, typer.Argument(help="The charter file (YAML) to load")],
    ) -> None:
        """Load a charter file. Reloading an unchanged file changes nothing."""
        try:
            result = charter_load(path=file)
        except CharterFileError as error:
            self._report(error)
        self.stdout.write(result.summary)
        if result.standards.changed:
            self.stdout.write(result.standards.summary)

    @command()
    def standards(self) -> None:
        """Bring the bundled national standards up to date and list them with their codes."""
        try:
            result = standards_sync()
        except CharterFileError as error:
            self._report(error)
        self.stdout.write(result.summary)
        for framework in selectors.standards_overview(None):
            self.stdout.write(f"\n{framework.name} ({framework.code})")
            for item in framework.items.all():
                unverified = "" if item.is_verified else "  [unverified]"
                self.stdout.write(f"  {item.code:<10} {item.title}{unverified}")

    def _report(self, error: CharterFileError) -> NoReturn:
        # Every problem on its own line as FILE:LINE: reason, so editors can jump to each one.
        for problem in error.errors:
            self.stderr.write(str(problem))
        count = len(error.errors)
        raise CommandError(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was loaded.", returncode=1
        )
