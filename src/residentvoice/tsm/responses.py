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

from .measures import MEASURES, PERCEPTION_CODES, Answer, Population, SurveyResponse
from .workbook import (
    Problem,
    WorkbookError,
    clean_text,
    column_letter,
    formulas_without_result,
    method_name,
)


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
# Contractors' exports often give answers as numbers. The codes, the same for every question
# (TP08's words are agree … disagree): 1 very satisfied (strongly agree), 2 fairly satisfied
# (agree), 3 neither, 4 fairly dissatisfied (disagree), 5 very dissatisfied (strongly disagree),
# 6 don't know / not applicable. Filter questions: 1 yes, 2 (or 0) no.
ANSWER_CODES: dict[str, Answer] = {
    "1": Answer.VERY_SATISFIED,
    "2": Answer.FAIRLY_SATISFIED,
    "3": Answer.NEITHER,
    "4": Answer.FAIRLY_DISSATISFIED,
    "5": Answer.VERY_DISSATISFIED,
    "6": Answer.DONT_KNOW,
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", "2"}
# Words for a respondent's group, beside the regulator's codes.
POPULATION_WORDS = {
    "LCRA": Population.LCRA,
    "LOW COST RENTAL": Population.LCRA,
    "LOW-COST RENTAL": Population.LCRA,
    "RENTAL": Population.LCRA,
    "LCHO": Population.LCHO,
    "LOW COST HOME OWNERSHIP": Population.LCHO,
    "LOW-COST HOME OWNERSHIP": Population.LCHO,
    "SHARED OWNERSHIP": Population.LCHO,
    "SHARED OWNER": Population.LCHO,
}
# A header naming a filter subject is the filter question (not the measure's answers) when it
# carries no TP code, or when its words say it is the filter: "Had a repair (TP02 filter)".
# "TP09 Complaint handling" is TP09's answers.
FILTER_WORDS = re.compile(
    r"\b(filter|yes/no|y/n|had a|have had|has had|made a|has made|have made|live in|lives in|"
    r"living in)\b|\?",
    re.IGNORECASE,
)
# Free text beside an answer ("TP01 comments") is not the answer.
COMMENT_WORDS = re.compile(r"\b(comment|comments|reason|why|verbatim|open text|other \(specify)")
ID_HEADERS = {
    "id",
    "respondent id",
    "respondent",
    "response id",
    "urn",
    "serial",
    "serial number",
    "case id",
    "record id",
    "unique id",
}
# Characters no survey answer holds; NUL cannot even be stored by PostgreSQL. Tabs and line
# breaks are left alone (a comment may hold them).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Which filter question decides who answers which measure.
FILTER_COLUMNS = {
    "repair": ("TP02", "TP03"),
    "complain": ("TP09",),
    "communal": ("TP10",),
}
# "TP09", "TP 9", "Q12_TP09 Complaint handling"
TP_CODE = re.compile(r"(?<![A-Za-z])TP[\s_]*0?(\d{1,2})(?!\d)", re.IGNORECASE)
MAX_PROBLEMS = 500
# The questions shared owners are not asked (TP02 repairs, TP03 repair time, TP04 upkeep).
LCHO_NOT_ASKED = frozenset(
    code for code in PERCEPTION_CODES if Population.LCHO not in MEASURES[code].populations
)
# What the database holds for one respondent (OwnSurveyResponse).
ID_LIMIT = 100
METHOD_LIMIT = 60


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
    problems = control_characters(sheet, rows)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        for row, column in sorted(formulas_without_result(path, [sheet]).get(sheet, ())):
            problems.append(
                Problem(
                    sheet,
                    row + 1,
                    column_letter(column),
                    "a formula whose result was not saved with the file: open it in a "
                    "spreadsheet program and save it again, or replace the formula by its value",
                )
            )
    if problems:
        raise error(problems[:MAX_PROBLEMS])
    if not any(any(clean_text(value) for value in row) for row in rows[1:]):
        raise error(
            [
                Problem(
                    sheet,
                    None,
                    None,
                    "the file has a header row but nothing under it: nothing was loaded, and "
                    "anything loaded before is kept",
                )
            ]
        )
    return sheet, rows


def control_characters(sheet: str, rows: list[list[Any]]) -> list[Problem]:
    """Each cell holding a control character (NUL and the like), by row and column."""
    problems = []
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if isinstance(value, str) and (found := CONTROL_CHARACTER.search(value)):
                code = ord(found.group())
                name = "NUL" if code == 0 else f"character {code}"
                problems.append(
                    Problem(
                        sheet,
                        number,
                        column_letter(index),
                        f"holds a control character ({name}) that has no place in this file: "
                        "remove it and load the file again",
                    )
                )
    return problems


def duplicate_headings(header: Sequence[Any], sheet: str) -> list[Problem]:
    """Two columns with the same heading: which one to use cannot be told; both are named."""
    seen: dict[str, int] = {}
    problems = []
    for index, raw in enumerate(header):
        text = clean_text(raw)
        if not text:
            continue
        key = text.lower()
        if key in seen:
            problems.append(
                Problem(
                    sheet,
                    1,
                    column_letter(index),
                    f"columns {column_letter(seen[key])} and {column_letter(index)} have the "
                    f"same heading “{text}”: which one to use cannot be told",
                )
            )
        else:
            seen[key] = index
    return problems


def _column_key(text: str) -> tuple[str, str] | None:
    """What a survey file's column holds, from its heading: ("answers", "TP09"),
    ("filters", "complain"), ("field", "id") …, or None for a column not used."""
    lower = text.lower()
    code_match = TP_CODE.search(text)
    filter_word = next((word for word in FILTER_COLUMNS if word in lower), None)
    if COMMENT_WORDS.search(lower):
        return None
    if filter_word and (code_match is None or FILTER_WORDS.search(lower)):
        return ("filters", filter_word)
    if code_match:
        code = f"TP{int(code_match.group(1)):02d}"
        return ("answers", code) if code in PERCEPTION_CODES else None
    words = re.sub(r"[_\s]+", " ", lower).strip()
    if words in ID_HEADERS:
        return ("field", "id")
    if "population" in lower or lower == "tenure":
        return ("field", "population")
    if "weight" in lower:
        return ("field", "weight")
    if "method" in lower or re.search(r"\b(mode|channel)\b", lower):
        return ("field", "method")
    if "date" in lower:
        return ("field", "date")
    return None


def _columns(header: Sequence[Any], sheet: str, problems: list[Problem]) -> dict[str, Any]:
    found: dict[str, Any] = {"answers": {}, "filters": {}, "ignored": []}
    headings: dict[tuple[str, str], int] = {}
    problems.extend(duplicate_headings(header, sheet))
    for index, raw in enumerate(header):
        text = clean_text(raw)
        if not text:
            continue
        key = _column_key(text)
        if key is None:
            found["ignored"].append(text)
            continue
        group, name = key
        target = found if group == "field" else found[group]
        if name in target:
            first = headings[key]
            if clean_text(header[first]).lower() != text.lower():  # else named just above
                problems.append(
                    Problem(
                        sheet,
                        1,
                        column_letter(index),
                        f"columns {column_letter(first)} (“{clean_text(header[first])}”) and "
                        f"{column_letter(index)} (“{text}”) both hold {_holds(key)}: which one "
                        "to use cannot be told",
                    )
                )
        else:
            target[name] = index
            headings[key] = index
    for required in ("id", "population"):
        if required not in found:
            problems.append(Problem(sheet, 1, None, f"no {required} column"))
    if not found["answers"]:
        problems.append(Problem(sheet, 1, None, "no answer columns (TP01 to TP12)"))
    return found


def _holds(key: tuple[str, str]) -> str:
    group, name = key
    if group == "answers":
        return f"the answers to {name}"
    if group == "filters":
        return f"the filter question about {name}"
    return f"the respondent's {name}"


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
    methods: dict[str, str] = {}
    no_answers: list[int] = []
    left_out_lcho = 0
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
        elif len(respondent) > ID_LIMIT:
            problem(columns["id"], f"a respondent id longer than {ID_LIMIT} characters")
        elif respondent in first_seen:
            problem(
                columns["id"],
                f"respondent {respondent} already appears on row {first_seen[respondent]}",
            )
        else:
            first_seen[respondent] = number

        population_text = clean_text(cell(row, columns["population"])).upper()
        population = POPULATION_WORDS.get(population_text)
        if not population_text:
            problem(columns["population"], "no population (LCRA or LCHO)")
        elif population_text == "COMBINED":
            problem(
                columns["population"],
                "'COMBINED' is not a group a respondent belongs to: give LCRA for a tenant "
                "renting, LCHO for a shared owner (results for both together are not worked "
                "out from a survey file)",
            )
        elif population is None:
            problem(
                columns["population"], f"{population_text!r} is not a population (LCRA or LCHO)"
            )

        answers: dict[str, Answer | None] = {}
        for code, index in columns["answers"].items():
            text = clean_text(cell(row, index))
            if not text:
                answers[code] = None
            elif (answer := ANSWER_CODES.get(text) or ANSWER_LABELS.get(_label(text))) is not None:
                if population is Population.LCHO and code in LCHO_NOT_ASKED:
                    # Shared owners are not asked about repairs and upkeep: their answers, if a
                    # file has them, count nowhere (neither overall nor by method).
                    answers[code] = None
                    left_out_lcho += 1
                else:
                    answers[code] = answer
            else:
                problem(
                    index,
                    f"{text!r} is not an answer we know for {code} (a word such as "
                    "'Very satisfied', or a code from 1 to 6)",
                )

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

        method = method_name(cell(row, columns.get("method")))
        if len(method) > METHOD_LIMIT:
            problem(
                columns.get("method"), f"a collection method longer than {METHOD_LIMIT} characters"
            )
        # One spelling per method, whatever the case: "online" and "Online" are one group.
        method = methods.setdefault(method.lower(), method)

        if len(problems) == before and population is not None:
            if not any(answer is not None for answer in answers.values()):
                # Nobody answered anything on this row: it is not part of the sample.
                no_answers.append(number)
                continue
            responses.append(
                SurveyResponse(
                    respondent_id=respondent,
                    population=population,
                    answers=answers,
                    filters=filters,
                    weight=weight,
                    collection_method=method,
                    response_date=response_date,
                )
            )
    if problems:
        raise SurveyFileError(problems)
    if not responses:
        raise SurveyFileError(
            [
                Problem(
                    sheet,
                    None,
                    None,
                    "no row holds an answer to any question: nothing was loaded, and anything "
                    "loaded before is kept",
                )
            ]
        )
    notices = [f"column {name!r} not used" for name in columns["ignored"]]
    if no_answers:
        shown = ", ".join(str(n) for n in no_answers[:10])
        more = f" and {len(no_answers) - 10} more" if len(no_answers) > 10 else ""
        notices.append(
            f"{len(no_answers)} row{'s' if len(no_answers) != 1 else ''} with no answer to any "
            f"question left out of the sample (row{'s' if len(no_answers) != 1 else ''} "
            f"{shown}{more})"
        )
    if left_out_lcho:
        notices.append(
            f"{left_out_lcho} answer{'s' if left_out_lcho != 1 else ''} of shared owners to "
            "TP02, TP03 or TP04 left out: these questions are for tenants renting only"
        )
    return SurveyFile(responses=responses, notices=notices)
