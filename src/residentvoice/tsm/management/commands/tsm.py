"""`residentvoice tsm …`: import, verify, show and compute Tenant Satisfaction Measures; each
subcommand is a thin shell over the app's services and selectors."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Annotated, cast

import typer
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django_typer.management import TyperCommand, command
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from residentvoice.core.file_problems import Problem
from residentvoice.core.spreadsheets import csv_row
from residentvoice.tsm import selectors, services
from residentvoice.tsm.measures import MEASURES, Population
from residentvoice.tsm.responses import SurveyFileError, read_survey_file
from residentvoice.tsm.workbook import WorkbookError

# How many problems or notes are printed; --problems writes every one to a file.
SHOWN = 50


def _number(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def write_problems(path: Path, problems: list[Problem], *, kind: str) -> None:
    """Every problem (or notice) as a CSV row: sheet, row, column, reason."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "sheet", "row", "column", "reason"])
        for problem in problems:
            writer.writerow(
                csv_row(
                    [
                        kind,
                        problem.sheet,
                        problem.row if problem.row is not None else "",
                        problem.column or "",
                        problem.reason,
                    ]
                )
            )


class Command(TyperCommand):
    help = (
        "Tenant Satisfaction Measures: import the regulator's release, verify it, compute your own."
    )

    def _console(self) -> Console:
        # Django's OutputWrapper writes and flushes like a text stream, which is all rich needs.
        return Console(file=cast(IO[str], self.stdout), width=120)

    @command(name="import", help="Import the regulator's TSM workbook (all or nothing).")
    def import_release(
        self,
        file: Annotated[Path, typer.Argument(help="The regulator's .xlsx file", exists=True)],
        year: Annotated[
            str | None,
            typer.Option(
                "--year", help="Reporting year, e.g. 2023-24; read from the file if left out"
            ),
        ] = None,
        note: Annotated[str, typer.Option("--note", help="A note on this version")] = "",
        problems_file: Annotated[
            Path | None,
            typer.Option(
                "--problems",
                help="Write every problem (or, on success, every notice) to this CSV file",
                dir_okay=False,
            ),
        ] = None,
    ) -> None:
        console = self._console()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("Reading the workbook", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total or None)

            try:
                result = services.tsm_release_import(
                    path=file, reporting_year=year, version_note=note, progress=progress
                )
            except WorkbookError as error:
                raise CommandError(self._problems_message(error.problems, problems_file)) from error
        release = result.release
        if not result.created:
            state = "the current release" if release.is_current else "a release since replaced"
            console.print(
                f"Already imported as {state} for {release.reporting_year}; nothing changed."
            )
            return
        console.print(f"Imported TSM {release.reporting_year} from {release.source_name}.")
        console.print(
            f"{result.landlords} landlords ({result.new_landlords} new), {result.surveys} surveys, "
            f"{result.values} measure values."
        )
        if result.markers:
            shown = ", ".join(f"[{k}] {v}" for k, v in sorted(result.markers.items()))
            console.print(f"Values given as a marker, not a number: {shown}", markup=False)
        if result.replaced is not None:
            console.print(
                f"This replaces the earlier {release.reporting_year} release "
                f"{result.replaced.source_name}."
            )
        for notice in result.notices[:SHOWN]:
            console.print(f"Note: {notice}", markup=False)
        if len(result.notices) > SHOWN:
            console.print(
                f"… and {len(result.notices) - SHOWN} more notes"
                + ("" if problems_file else " (all of them with --problems FILE)."),
                markup=False,
            )
        if problems_file:
            write_problems(problems_file, result.notices, kind="notice")
            console.print(f"{len(result.notices)} notes written to {problems_file}.", markup=False)

    def _problems_message(self, problems: list[Problem], problems_file: Path | None) -> str:
        """How many problems in all, the first few, and where the rest are."""
        count = len(problems)
        lines = [
            f"Nothing imported: {count} problem{'s' if count != 1 else ''} in all.",
            *(str(problem) for problem in problems[:SHOWN]),
        ]
        if problems_file:
            write_problems(problems_file, problems, kind="problem")
            lines.append(f"Every problem is listed in {problems_file}.")
        elif count > SHOWN:
            lines.append(
                f"… and {count - SHOWN} more: add --problems FILE to write every one to a CSV file."
            )
        return "\n".join(lines)

    @command(help="Recompute every published value and list differences above 0.1.")
    def verify(
        self,
        year: Annotated[str, typer.Option("--year", help="Reporting year, e.g. 2023-24")],
        strict: Annotated[
            bool,
            typer.Option(
                "--strict", help="Exit with status 1 when any difference is found (for scripts)"
            ),
        ] = False,
    ) -> None:
        console = self._console()
        try:
            result = services.tsm_release_verify(year=year)
        except services.TsmRelease.DoesNotExist as error:
            raise CommandError(f"No release imported for {year}.") from error
        console.print(
            f"TSM {year}: {result.checked} values recomputed, "
            f"{result.not_checkable} without counts or parts to check."
        )
        if result.whole_number_columns:
            console.print(
                "Published as whole numbers, so checked to the nearest whole number: "
                + ", ".join(result.whole_number_columns)
            )
        if not result.differences:
            console.print("No differences above 0.1.")
            return
        table = Table(title=f"Differences above 0.1 ({len(result.differences)})")
        for heading in (
            "Sheet",
            "Row",
            "Landlord",
            "Population",
            "Measure",
            "Published",
            "Recomputed",
            "Difference",
        ):
            table.add_column(heading)
        for d in result.differences:
            table.add_row(
                d.sheet,
                str(d.row),
                f"{d.landlord_name} ({d.landlord_code})",
                d.population,
                d.measure,
                _number(d.published, 2),
                _number(d.recomputed, 2),
                _number(d.difference, 2),
            )
        console.print(table)
        for sheet, count in sorted(result.by_sheet().items()):
            console.print(f"{sheet}: {count} differences")
        if strict:
            # Without --strict the differences are a report, not a failure: the regulator's
            # 2023-24 release has some of its own (docs/TSM.md).
            raise CommandError(
                f"{len(result.differences)} differences above 0.1 (--strict).", returncode=1
            )

    @command(help="One landlord's figures for a year.")
    def show(
        self,
        year: Annotated[str, typer.Option("--year")],
        landlord: Annotated[str, typer.Option("--landlord", help="Regulator code, e.g. L4279")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    ) -> None:
        data = selectors.tsm_landlord_year(year=year, code=landlord)
        if data is None:
            raise CommandError(f"No figures for {landlord} in {year}.")
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        console = self._console()
        console.print(f"{data['landlord']['name']} ({data['landlord']['code']}), TSM {year}")
        table = Table()
        for heading in ("Measure", "Population", "Value", "Reason"):
            table.add_column(heading)
        for m in data["measures"]:
            table.add_row(
                f"{m['code']} {m['name']}", m["population"], _number(m["value"]), m["reason"] or ""
            )
        console.print(table)

    @command(help="Compute perception measures from your own survey file (CSV or XLSX).")
    def compute(
        self,
        responses_file: Annotated[Path, typer.Argument(help="One row per respondent", exists=True)],
        population_size: Annotated[
            int | None,
            typer.Option("--population-size", help="Relevant tenant population (rental)"),
        ] = None,
        lcho_population_size: Annotated[
            int | None,
            typer.Option("--lcho-population-size", help="Relevant shared owner population"),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        from residentvoice.tsm.measures import perception_results

        try:
            survey = read_survey_file(responses_file)
        except SurveyFileError as error:
            raise CommandError(f"The survey file cannot be used:\n{error}") from error
        sizes = {}
        if population_size:
            sizes[Population.LCRA] = population_size
        if lcho_population_size:
            sizes[Population.LCHO] = lcho_population_size
        results = perception_results(survey.responses, sizes)
        if as_json:
            payload = [
                {
                    "population": r.population,
                    "population_size": r.population_size,
                    "sample_size": r.sample_size,
                    "required_sample": r.required_sample,
                    "sample_met": r.sample_met,
                    "margin_of_error": r.margin_of_error,
                    "measures": [
                        {
                            "code": m.code,
                            "value": m.value,
                            "unweighted_value": m.unweighted_value,
                            "counts": m.counts,
                        }
                        for m in r.measures
                    ],
                    "by_collection_method": {
                        method: [{"code": m.code, "value": m.value} for m in measures]
                        for method, measures in r.by_collection_method.items()
                    },
                }
                for r in results
            ]
            self.stdout.write(json.dumps(payload, indent=2))
            return
        console = self._console()
        for r in results:
            met = "" if r.sample_met is None else (" (met)" if r.sample_met else " (NOT met)")
            console.print(
                f"{r.population.label}: {r.sample_size} responses; "
                f"required {r.required_sample or 'unknown'}{met}; "
                f"margin of error ±{_number(r.margin_of_error)}"
            )
            table = Table()
            for heading in ("Measure", "Weighted %", "Unweighted %", "Respondents"):
                table.add_column(heading)
            for m in r.measures:
                table.add_row(
                    f"{m.code} {MEASURES[m.code].name}",
                    _number(m.value),
                    _number(m.unweighted_value),
                    str(m.respondents),
                )
            console.print(table)
        for notice in survey.notices:
            console.print(f"Note: {notice}", markup=False)

    @command(help="Record that a landlord reports under a new code from a given year.")
    def link(
        self,
        earlier: Annotated[str, typer.Argument(help="The earlier code, e.g. L0514")],
        later: Annotated[str, typer.Argument(help="The later code, e.g. L0726")],
        from_year: Annotated[
            str, typer.Option("--from-year", help="First year under the later code")
        ],
        note: Annotated[str, typer.Option("--note")] = "",
    ) -> None:
        try:
            link = services.regulator_code_link(
                earlier_code=earlier, later_code=later, from_year=from_year, note=note
            )
        except ValidationError as error:
            raise CommandError("Nothing linked. " + " ".join(error.messages)) from error
        self._console().print(f"Linked {link}.")
