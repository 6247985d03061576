"""Read a landlord's own management information figures (CSV or XLSX, one row per measure and
population) for the measures engine; every problem is reported with its row, column and reason.

Columns are found by their header words, in any order: `measure` (BS01, RP02(1), RP02_1, CH01 1 …),
`population` (LCRA, LCHO, COMBINED or ALL; blank means ALL for landlord-wide measures),
`numerator` and `denominator`, or `value` alone. Plain Python; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .measures import MANAGEMENT_CODES, MEASURES, PERCEPTION_CODES, Population, management_result
from .responses import duplicate_headings, read_rows
from .workbook import CellKind, Problem, WorkbookError, clean_text, column_letter, read_cell


class ManagementFileError(WorkbookError):
    """The management information file cannot be used as it is; `problems` says why."""


# A published value may differ from numerator ÷ denominator by rounding; more than this is a
# mistake in the file (the same tolerance the release is verified with).
TOLERANCE = Decimal("0.1")
MAX_PROBLEMS = 500
MEASURE_TEXT = re.compile(
    r"^(?P<base>(?:BS|RP|CH|NM|TP)\s*\d{1,2})\s*[_( ]?\s*(?P<part>\d)?\s*\)?$"
)
COLUMN_WORDS = (
    ("numerator", "numerator"),
    ("denominator", "denominator"),
    ("population", "population"),
    ("tenure", "population"),
    ("measure", "measure"),
    ("code", "measure"),
    ("value", "value"),
    ("result", "value"),
)


@dataclass(frozen=True)
class ManagementFigure:
    measure: str
    population: Population
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    marker: str  # "U" when the denominator is zero: there is nothing to divide by
    row: int


@dataclass
class ManagementFile:
    figures: list[ManagementFigure]
    notices: list[str] = field(default_factory=list)


def measure_from_text(text: str) -> str | None:
    """Our code for what a person typed: "RP02(1)", "rp02_1", "RP02 1" → "RP02_1"."""
    match = MEASURE_TEXT.match(clean_text(text).upper())
    if match is None:
        return None
    base = re.sub(r"\s+", "", match.group("base"))
    base = f"{base[:2]}{int(base[2:]):02d}"
    code = f"{base}_{match.group('part')}" if match.group("part") else base
    return code if code in MEASURES else None


def _columns(header: Sequence[Any], sheet: str, problems: list[Problem]) -> dict[str, int]:
    found: dict[str, int] = {}
    problems.extend(duplicate_headings(header, sheet))
    for index, raw in enumerate(header):
        lower = clean_text(raw).lower()
        name = next((name for word, name in COLUMN_WORDS if word in lower), None)
        if name is None:
            continue
        if name in found:
            first = found[name]
            if clean_text(header[first]).lower() != lower:  # a same heading is named above
                problems.append(
                    Problem(
                        sheet,
                        1,
                        column_letter(index),
                        f"columns {column_letter(first)} (“{clean_text(header[first])}”) and "
                        f"{column_letter(index)} (“{clean_text(raw)}”) both hold the {name}: "
                        "which one to use cannot be told",
                    )
                )
        else:
            found[name] = index
    if "measure" not in found:
        problems.append(Problem(sheet, 1, None, "no measure column (for example BS01 or CH01(1))"))
    if not {"value", "numerator", "denominator"} & set(found):
        problems.append(
            Problem(sheet, 1, None, "no numerator and denominator columns, and no value column")
        )
    return found


def _number(raw: Any) -> tuple[Decimal | None, str]:
    """A number, or the reason it is not one."""
    kind, content = read_cell(raw)
    if kind is CellKind.BLANK:
        return None, ""
    if kind is not CellKind.NUMBER:
        return None, f"{clean_text(raw)!r} is not a number"
    if content < 0:
        return None, f"{content} is below zero"
    return content, ""


def read_management_file(path: str | Path) -> ManagementFile:
    """Checked figures, or ManagementFileError listing every problem; nothing half-read."""
    path = Path(path)
    sheet, rows = read_rows(path, ManagementFileError)
    problems: list[Problem] = []
    columns = _columns(rows[0], sheet, problems)
    if problems:
        raise ManagementFileError(problems)

    def cell(row: Sequence[Any], name: str) -> Any:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    figures: list[ManagementFigure] = []
    first_seen: dict[tuple[str, Population], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(sheet, number, None, "too many problems; stopped looking"))
            break
        if not any(clean_text(value) for value in row):
            continue
        before = len(problems)

        def problem(name: str, reason: str, number: int = number) -> None:
            index = columns.get(name)
            letter = column_letter(index) if index is not None else None
            problems.append(Problem(sheet, number, letter, reason))

        text = clean_text(cell(row, "measure"))
        code = measure_from_text(text) if text else None
        definition = MEASURES.get(code) if code in MANAGEMENT_CODES else None
        if not text:
            problem("measure", "no measure code")
        elif code in PERCEPTION_CODES:
            problem("measure", f"{code} is a survey measure: load it from the survey responses")
        elif definition is None:
            problem("measure", f"{text!r} is not a management information measure")

        population_text = clean_text(cell(row, "population")).upper()
        population: Population | None = None
        if population_text in ("", "ALL") and definition is not None:
            if definition.populations == (Population.ALL,):
                population = Population.ALL
            else:
                problem(
                    "population",
                    f"{definition.regulator_label} is reported for each group of residents: "
                    "give LCRA, LCHO or COMBINED",
                )
        elif population_text in Population.__members__:
            population = Population[population_text]
            if definition is not None and population not in definition.populations:
                allowed = ", ".join(p.value for p in definition.populations)
                problem(
                    "population",
                    f"{definition.regulator_label} is not reported for {population_text} "
                    f"(only {allowed})",
                )
                population = None
        elif population_text:
            problem("population", f"{population_text!r} is not LCRA, LCHO, COMBINED or ALL")

        numerator, why = _number(cell(row, "numerator"))
        if why:
            problem("numerator", why)
        denominator, why = _number(cell(row, "denominator"))
        if why:
            problem("denominator", why)
        given, why = _number(cell(row, "value"))
        if why:
            problem("value", why)

        value: Decimal | None = None
        marker = ""
        if len(problems) == before and definition is not None:
            if (numerator is None) != (denominator is None):
                missing = "denominator" if denominator is None else "numerator"
                problem(missing, f"no {missing}: give both parts, or only the value")
            elif numerator is not None and denominator is not None:
                if definition.scale == 100 and numerator > denominator:
                    problem(
                        "numerator",
                        f"{numerator} is more than the denominator {denominator}: "
                        "a percentage cannot be over 100",
                    )
                elif denominator == 0:
                    marker = "U"
                else:
                    result = management_result(code or "", float(numerator), float(denominator))
                    value = Decimal(repr(result))
                    if given is not None and abs(given - value) > TOLERANCE:
                        problem(
                            "value",
                            f"{given} is not numerator ÷ denominator "
                            f"({value.quantize(Decimal('0.01'))})",
                        )
            elif given is not None:
                if definition.scale == 100 and given > 100:
                    problem("value", f"{given} is a percentage over 100")
                value = given
            else:
                problem("value", "no figure: give the numerator and denominator, or the value")

        if code and population is not None and len(problems) == before:
            key = (code, population)
            if key in first_seen:
                problem(
                    "measure",
                    f"{definition.regulator_label if definition else code} for {population} "
                    f"already appears on row {first_seen[key]}",
                )
                continue
            first_seen[key] = number
            figures.append(
                ManagementFigure(
                    measure=code,
                    population=population,
                    numerator=numerator,
                    denominator=denominator,
                    value=value,
                    marker=marker,
                    row=number,
                )
            )
    if problems:
        raise ManagementFileError(problems)
    if not figures:
        raise ManagementFileError([Problem(sheet, None, None, "the file holds no figures")])
    absent = [
        f"{MEASURES[code].regulator_label} ({population})"
        for code in MANAGEMENT_CODES
        for population in MEASURES[code].populations
        if population in (Population.ALL, Population.LCRA) and (code, population) not in first_seen
    ]
    notices = [f"not in the file: {', '.join(absent)}"] if absent else []
    return ManagementFile(figures=figures, notices=notices)
