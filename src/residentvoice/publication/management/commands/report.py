"""`residentvoice report build --year 2024-25 --format pdf --output var/report.pdf`: the annual
report to full Council, from a year's published results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from django.core.management import CommandError
from django_typer.management import TyperCommand, command, initialize
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from residentvoice.publication.report import FORMATS, ReportUnavailableError, report_build


class Command(TyperCommand):
    help = "Build the annual report on the charter from a year's published results."

    @initialize(invoke_without_command=False)
    def init(self) -> None:
        """The annual report on the charter (a group, so that `build` is named)."""

    @command()
    def build(
        self,
        year: Annotated[str, typer.Option(help="The reporting year, e.g. 2024-25")],
        output: Annotated[Path, typer.Option(help="Where to write the report")],
        format: Annotated[str, typer.Option("--format", help="pdf, html, xlsx or json")] = "pdf",
        include_embargoed: Annotated[
            bool,
            typer.Option(help="Build from results still under embargo (not for sharing)"),
        ] = False,
    ) -> None:
        """Build the annual report for YEAR as PDF, HTML, XLSX or JSON, written to OUTPUT."""
        if format not in FORMATS:
            raise CommandError(
                f"“{format}” is not a report format: choose pdf, html, xlsx or json.", returncode=2
            )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, transient=False) as bar:
            job = bar.add_task(f"Annual report {year}", total=100)

            def progress(done: int, total: int, step: str) -> None:
                bar.update(job, completed=100 * done / total, description=step)

            try:
                content = report_build(
                    year, format, include_embargoed=include_embargoed, progress=progress
                )
            except ReportUnavailableError as error:
                raise CommandError(str(error), returncode=1) from error
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        self.stdout.write(
            f"Wrote the {year} annual report ({format}, {len(content):,} bytes) to {output}"
        )
