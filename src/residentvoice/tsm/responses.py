"""Read a landlord's own perception survey file (CSV or XLSX, one row per respondent) into checked
responses for the measures engine; every problem is reported with its row, column and reason."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from residentvoice.core.file_problems import FileProblemsError
from residentvoice.core.files.tabular import read_tabular_file

from .measures import PERCEPTION_CODES, Answer, Population, SurveyResponse
from .workbook import Problem, WorkbookError, clean_text, column_letter


class SurveyFileError(WorkbookError):
    """The survey file cannot be used as it is; `problems` says why, row by row."""


def _label(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower().replace("'", "")).strip()


ANSWER_LABELS: dict[str, Answer] = {
    _label(text): answer
    for answer, texts in {
        Answer.VERY_SATISFIED: ("very satisfied", "strongly agree"),
        Answer.FAIRLY_SATISFIED: ("fairly satisfied", "agree"),
        Answer.NEITHER: (
            "neither satisfied nor dissatisfied",
            "neither",
            "neither agree nor disagree",
            "not satisfied or dissatisfied",
        ),
        Answer.FAIRLY_DISSATISFIED: ("fairly dissatisfied", "disagree"),
        Answer.VERY_DISSATISFIED: ("very dissatisfied", "strongly disagree"),
        Answer.DONT_KNOW: (
            "don't know",
            "dont know",
            "not applicable",
            "don't know / not applicable",
            "not applicable / don't know",
            "n/a",
            "dk",
        ),
    }.items()
    for text in texts
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
# Which filter question decides who answers which measure.
FILTER_COLUMNS = {
    "repair": ("TP02", "TP03"),
    "complain": ("TP09",),
    "communal": ("TP10",),
}
TP_CODE = re.compile(r"\bTP\s*0?(\d{1,2})\b", re.IGNORECASE)
MAX_PROBLEMS = 500


@dataclass
class SurveyFile:
    responses: list[SurveyResponse]
    notices: list[str] = field(default_factory=list)


def _rows_from(path: Path) -> tuple[str, list[list[Any]]]:
    spreadsheet = path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods")
    sheet = read_tabular_file(path, as_csv=not spreadsheet, first_sheet_only=True).sheets[0]
    if sheet.error:
        raise FileProblemsError(
            [Problem(sheet.name, None, None, f"not a readable spreadsheet ({sheet.error})")]
        )
    return sheet.name, sheet.rows


def read_rows(path: Path, error: type[WorkbookError]) -> tuple[str, list[list[Any]]]:
    """The first sheet of a spreadsheet, or the rows of a CSV file; `error` when unreadable."""
    try:
        sheet, rows = _rows_from(path)
    except FileProblemsError as problem:  # unreadable, too large, or not safe to read
        raise error(problem.problems) from problem
    if not rows or not any(clean_text(value) for value in rows[0]):
        raise error([Problem(sheet, None, None, "the file is empty or has no header row")])
    return sheet, rows


def _columns(header: Sequence[Any], sheet: str, problems: list[Problem]) -> dict[str, Any]:
    found: dict[str, Any] = {"answers": {}, "filters": {}, "ignored": []}
    for index, raw in enumerate(header):
        text = clean_text(raw)
        lower = text.lower()
        if not text:
            continue
        code_match = TP_CODE.search(text)
        key: tuple[str, str] | None = None
        if code_match and not any(word in lower for word in FILTER_COLUMNS):
            code = f"TP{int(code_match.group(1)):02d}"
            if code in PERCEPTION_CODES:
                key = ("answers", code)
        elif any(word in lower for word in FILTER_COLUMNS):
            word = next(w for w in FILTER_COLUMNS if w in lower)
            key = ("filters", word)
        elif lower.replace("_", " ") in ("id", "respondent id", "respondent", "response id"):
            key = ("field", "id")
        elif "population" in lower or lower == "tenure":
            key = ("field", "population")
        elif "weight" in lower:
            key = ("field", "weight")
        elif "method" in lower:
            key = ("field", "method")
        elif "date" in lower:
            key = ("field", "date")
        if key is None:
            found["ignored"].append(text)
            continue
        group, name = key
        target = found if group == "field" else found[group]
        if name in target:
            problems.append(Problem(sheet, 1, column_letter(index), f"a second column for {name}"))
        else:
            target[name] = index
    for required in ("id", "population"):
        if required not in found:
            problems.append(Problem(sheet, 1, None, f"no {required} column"))
    if not found["answers"]:
        problems.append(Problem(sheet, 1, None, "no answer columns (TP01 to TP12)"))
    return found


def _date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = clean_text(raw)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_survey_file(path: str | Path) -> SurveyFile:
    """Checked responses, or SurveyFileError listing every problem; nothing half-read."""
    path = Path(path)
    problems: list[Problem] = []
    sheet, rows = read_rows(path, SurveyFileError)
    columns = _columns(rows[0], sheet, problems)
    if problems:
        raise SurveyFileError(problems)

    def cell(row: Sequence[Any], index: int | None) -> Any:
        return row[index] if index is not None and index < len(row) else None

    responses: list[SurveyResponse] = []
    first_seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(sheet, number, None, "too many problems; stopped looking"))
            break
        if not any(clean_text(value) for value in row):
            continue
        before = len(problems)

        def problem(index: int | None, reason: str, number: int = number) -> None:
            problems.append(
                Problem(sheet, number, column_letter(index) if index is not None else None, reason)
            )

        respondent = clean_text(cell(row, columns["id"]))
        if not respondent:
            problem(columns["id"], "no respondent id")
        elif respondent in first_seen:
            problem(
                columns["id"],
                f"respondent {respondent} already appears on row {first_seen[respondent]}",
            )
        else:
            first_seen[respondent] = number

        population_text = clean_text(cell(row, columns["population"])).upper()
        population: Population | None = None
        if not population_text:
            problem(columns["population"], "no population (LCRA or LCHO)")
        elif population_text in Population.__members__ and population_text != "ALL":
            population = Population[population_text]
        else:
            problem(
                columns["population"], f"{population_text!r} is not a population (LCRA or LCHO)"
            )

        answers: dict[str, Answer | None] = {}
        for code, index in columns["answers"].items():
            text = clean_text(cell(row, index))
            if not text:
                answers[code] = None
            elif (answer := ANSWER_LABELS.get(_label(text))) is not None:
                answers[code] = answer
            else:
                problem(index, f"{text!r} is not an answer we know for {code}")

        filters: dict[str, bool | None] = {}
        for word, index in columns["filters"].items():
            text = clean_text(cell(row, index)).lower()
            flag = True if text in YES else False if text in NO else None
            if text and flag is None:
                problem(index, f"{text!r} is not yes or no")
            for code in FILTER_COLUMNS[word]:
                filters[code] = flag

        weight = 1.0
        weight_index = columns.get("weight")
        weight_text = clean_text(cell(row, weight_index))
        if weight_text:
            try:
                weight = float(weight_text)
            except ValueError:
                problem(weight_index, f"weight {weight_text!r} is not a number")
            else:
                if not math.isfinite(weight) or weight <= 0:
                    problem(weight_index, f"weight {weight_text} must be more than 0")

        response_date = None
        date_raw = cell(row, columns.get("date"))
        if clean_text(date_raw):
            try:
                response_date = _date(date_raw)
            except ValueError:
                problem(
                    columns.get("date"), f"{clean_text(date_raw)!r} is not a date like 2024-01-31"
                )

        if len(problems) == before and population is not None:
            responses.append(
                SurveyResponse(
                    respondent_id=respondent,
                    population=population,
                    answers=answers,
                    filters=filters,
                    weight=weight,
                    collection_method=clean_text(cell(row, columns.get("method"))),
                    response_date=response_date,
                )
            )
    if problems:
        raise SurveyFileError(problems)
    notices = [f"column {name!r} not used" for name in columns["ignored"]]
    return SurveyFile(responses=responses, notices=notices)
