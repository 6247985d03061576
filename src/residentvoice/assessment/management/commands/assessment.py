"""`residentvoice assessment …`: a landlord's self-assessment spreadsheet out and back in, the
council's export of a whole cycle, and the deadline reminders (run daily from a scheduler).
Each subcommand is a thin shell over `assessment.exchange` and `assessment.notifications`."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import IO, Annotated, cast

import typer
from django.core.management import CommandError
from django.utils import timezone
from django_typer.management import TyperCommand, command, initialize
from rich.console import Console
from rich.table import Table

from residentvoice.assessment import exchange, notifications, selectors
from residentvoice.assessment.models import AssessmentCycle, Participation


def _cycle(year: str) -> AssessmentCycle:
    cycle = selectors.cycle_get(year)
    if cycle is None:
        raise CommandError(f"There is no charter assessment for {year}.")
    return cycle


def _participation(year: str, landlord: str) -> Participation:
    cycle = _cycle(year)
    participation = selectors.participation_get(cycle, landlord)
    if participation is None:
        raise CommandError(f"No landlord “{landlord}” takes part in the {year} cycle.")
    participation.cycle = cycle
    return participation


def _problems_table(problems: list[exchange.Problem]) -> Table:
    table = Table(title=f"Problems ({len(problems)}): nothing was imported")
    for heading in ("Sheet", "Row", "Column", "Problem"):
        table.add_column(heading)
    for p in problems:
        table.add_row(p.sheet or "Whole file", str(p.row or "–"), p.column or "–", p.reason)
    return table


class Command(TyperCommand):
    help = "The yearly charter assessment: spreadsheets and deadline reminders."

    @initialize()
    def init(self) -> None:
        """Makes `assessment` a group, so its subcommands are named."""

    def _console(self) -> Console:
        return Console(file=cast(IO[str], self.stdout), width=120)

    @command(help="Write a landlord's self-assessment spreadsheet to fill in offline.")
    def export(
        self,
        year: Annotated[str, typer.Option("--year", help="Reporting year, e.g. 2024-25")],
        landlord: Annotated[str, typer.Option("--landlord", help="The landlord's short address")],
        out: Annotated[Path, typer.Argument(help="Where to write the .xlsx file")],
    ) -> None:
        participation = _participation(year, landlord)
        out.write_bytes(exchange.self_assessment_workbook(participation))
        self.stdout.write(f"Wrote {participation.landlord.name}'s {year} self-assessment to {out}.")

    @command(
        name="import",
        help="Check a filled-in self-assessment spreadsheet and show what would change; "
        "with --apply, save it (all or nothing).",
    )
    def import_sheet(
        self,
        file: Annotated[Path, typer.Argument(help="The filled-in .xlsx file", exists=True)],
        year: Annotated[str, typer.Option("--year", help="Reporting year, e.g. 2024-25")],
        landlord: Annotated[str, typer.Option("--landlord", help="The landlord's short address")],
        apply: Annotated[bool, typer.Option("--apply", help="Save the changes")] = False,
    ) -> None:
        participation = _participation(year, landlord)
        console = self._console()
        try:
            plan = exchange.self_assessment_preview(
                participation=participation, data=file.read_bytes()
            )
        except exchange.SheetError as error:
            console.print(_problems_table(error.problems))
            raise CommandError("The spreadsheet cannot be imported.") from error
        if plan.problems:
            console.print(_problems_table(plan.problems))
            raise CommandError("The spreadsheet cannot be imported.")
        table = Table(title=f"Changes to {participation.landlord.name}, {year}")
        for heading in ("Commitment", "Field", "Before", "After"):
            table.add_column(heading)
        for change in plan.changes:
            for field in change.changes:
                table.add_row(
                    str(change.item.commitment.number), field.label, field.before, field.after
                )
        console.print(table)
        console.print(
            f"{len(plan.changes)} commitments change, {plan.unchanged} stay as they are.",
            markup=False,
        )
        if not apply or not plan.changes:
            if plan.changes:
                console.print("Nothing saved: run again with --apply to save these changes.")
            return
        # The command line has no signed-in person: the preview is bound to a system marker.
        system = _System()
        try:
            exchange.self_assessment_import_apply(
                participation=participation,
                user=system,
                token=exchange.preview_token(plan, user=system),
            )
        except exchange.SheetError as error:
            console.print(_problems_table(error.problems))
            raise CommandError("The spreadsheet cannot be imported.") from error
        except exchange.PreviewOutdatedError as error:
            raise CommandError(str(error)) from error
        console.print(f"Saved {len(plan.changes)} commitments.")

    @command(name="export-cycle", help="Write a whole cycle, every landlord, as XLSX or CSV.")
    def export_cycle(
        self,
        year: Annotated[str, typer.Option("--year", help="Reporting year, e.g. 2024-25")],
        out: Annotated[Path, typer.Argument(help="Where to write it (.xlsx or .csv)")],
        private: Annotated[
            bool,
            typer.Option("--private", help="Include the council's private notes (council only)"),
        ] = False,
    ) -> None:
        cycle = _cycle(year)
        if out.suffix.lower() == ".csv":
            with out.open("w", newline="", encoding="utf-8-sig") as handle:
                exchange.cycle_export_csv(cycle, include_private=private, out=handle)
        elif out.suffix.lower() == ".xlsx":
            out.write_bytes(exchange.cycle_export_xlsx(cycle, include_private=private))
        else:
            raise CommandError("Name the file .xlsx or .csv.")
        notes = " with the council's private notes" if private else ""
        self.stdout.write(f"Wrote the {year} cycle{notes} to {out}.")

    @command(
        help="Remind people 7 and 2 days before a stage closes or a request for more evidence "
        "is due (run once a day)."
    )
    def remind(
        self,
        today: Annotated[
            str | None,
            typer.Option("--today", help="The date to remind as of, YYYY-MM-DD (default today)"),
        ] = None,
    ) -> None:
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"“{today}” is not a date: write it as YYYY-MM-DD.") from error
        stages = notifications.deadline_reminders_send(today=day)
        requests = notifications.evidence_request_reminders_send(today=day)
        self.stdout.write(
            f"{day.isoformat()}: {stages} stage{'s' if stages != 1 else ''} closing and "
            f"{requests} request{'s' if requests != 1 else ''} for more evidence due in 7 or 2 "
            "days. Reminders go to the people acting in each stage and to the staff of each "
            "landlord asked for evidence; anyone already reminded for a date is not reminded "
            "again."
        )


class _System:
    """Stands in for the signed-in person when the command line applies an import."""

    pk = "command-line"
