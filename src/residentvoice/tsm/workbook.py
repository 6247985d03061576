"""Read the regulator's TSM workbook by its structure (sheet roles, the "Landlord code" header,
measure codes inside headers), never by column position or full wording, so later releases with
new columns and markers read with the same code. Plain Python; nothing here touches the database."""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from residentvoice.core.file_problems import FileProblemsError, Problem
from residentvoice.core.files.tabular import read_tabular_file

from .measures import FILTERED_CODES, FIVE_ANSWERS, MEASURES, Answer, Kind, Population


class SheetRole(StrEnum):
    LCRA_PERCEPTION = "LCRA perception"
    LCHO_PERCEPTION = "LCHO perception"
    COMBINED_PERCEPTION = "combined perception"
    MANAGEMENT = "management information"
    COVERAGE = "coverage"
    PERCEPTION_EXCLUSIONS = "landlords left out of the perception data"
    MANAGEMENT_EXCLUSIONS = "landlords left out of the management data"


PERCEPTION_ROLES = {
    SheetRole.LCRA_PERCEPTION: Population.LCRA,
    SheetRole.LCHO_PERCEPTION: Population.LCHO,
    SheetRole.COMBINED_PERCEPTION: Population.COMBINED,
}
# Without these the file is not a TSM release we can use.
REQUIRED_ROLES = (SheetRole.LCRA_PERCEPTION, SheetRole.LCHO_PERCEPTION, SheetRole.MANAGEMENT)


class WorkbookError(FileProblemsError):
    """The workbook cannot be imported; nothing was changed."""


@dataclass
class ParsedLandlord:
    code: str
    name: str = ""
    landlord_type: str = ""
    size_band: str = ""
    region: str = ""
    publication_url: str = ""
    above_30_percent_supported: str = ""
    # Free-text notes by the regulator, keyed by the sheet role they came from.
    notes: dict[str, str] = field(default_factory=dict)
    coverage: dict[str, str] = field(default_factory=dict)
    management_facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedSurvey:
    code: str
    population: Population
    facts: dict[str, Any] = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    sheet: str = ""
    row: int = 0


@dataclass
class ParsedValue:
    code: str  # landlord code
    population: Population
    measure: str
    value: Decimal | None = None
    marker: str = ""
    counts: dict[str, float] = field(default_factory=dict)
    unweighted_counts: dict[str, float] = field(default_factory=dict)
    unweighted_value: Decimal | None = None
    filter_counts: dict[str, float] = field(default_factory=dict)
    filter_share: Decimal | None = None
    by_method: dict[str, Decimal] = field(default_factory=dict)
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # Markers found in the parts around the value: {"numerator": "X", "counts.neither": "Z"}.
    part_markers: dict[str, str] = field(default_factory=dict)
    # Answers about the measure in columns that are not figures, by header: {"Did the
    # landlord have homes with lifts? (BS05)": "No"}.
    background: dict[str, Any] = field(default_factory=dict)
    sheet: str = ""
    row: int = 0


@dataclass
class ParsedRelease:
    reporting_year: str
    sheets: dict[str, str]  # role → sheet name
    landlords: dict[str, ParsedLandlord]
    surveys: list[ParsedSurvey]
    values: list[ParsedValue]
    notices: list[Problem] = field(default_factory=list)


# --- cells -------------------------------------------------------------------------------------

MARKER = re.compile(r"^\[\s*([A-Za-z][A-Za-z0-9]{0,7})\s*\]$")
NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$|^[-+]?\.\d+%?$")


def column_letter(index: int) -> str:
    """0 → A, 26 → AA, as Excel shows columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_text(value: object) -> str:
    """Cell text with the workbook's invisible characters and curly quotes made plain."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    for odd, plain in (("\xa0", " "), ("\u200b", ""), ("’", "'"), ("‘", "'"), ("–", "-")):
        text = text.replace(odd, plain)
    return re.sub(r"\s+", " ", text).strip()


def landlord_code(value: object) -> str:
    """Codes are text ("4849", "L4279"); a spreadsheet may still hand us 4849.0."""
    return clean_text(value).upper()


class CellKind(StrEnum):
    BLANK = "blank"
    NUMBER = "number"
    MARKER = "marker"
    TEXT = "text"


def read_cell(value: object) -> tuple[CellKind, Any]:
    """Classify a cell: a number (as Decimal), a bracketed marker (its letters), blank or text."""
    if value is None or value == "":
        return CellKind.BLANK, None
    if isinstance(value, bool):
        return CellKind.TEXT, str(value)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN and infinities
            return CellKind.TEXT, str(value)
        return CellKind.NUMBER, Decimal(repr(value))
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return CellKind.TEXT, value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = clean_text(value)
    if not text:
        return CellKind.BLANK, None
    if marker := MARKER.match(text):
        return CellKind.MARKER, marker.group(1).upper()
    if NUMBER.match(text):
        try:
            number = Decimal(text.replace(",", "").rstrip("%"))
        except InvalidOperation:  # pragma: no cover - the pattern already vouched for it
            return CellKind.TEXT, text
        return CellKind.NUMBER, number
    return CellKind.TEXT, text


# --- headers -----------------------------------------------------------------------------------

CODE_IN_HEADER = re.compile(
    r"\(\s*(?P<base>(?:TP|BS|RP|CH|NM)\d{2})"
    r"(?:\s*[_(]?\s*(?P<part>\d)\s*\)?)?"
    r"(?:\s+(?P<role>numerator|denominator|responses))?\s*\)",
    re.IGNORECASE,
)
POPULATION_PREFIX = re.compile(r"^(LCRA|LCHO|Combined)\s*[-:]\s*", re.IGNORECASE)
POPULATION_IN_BRACKETS = re.compile(r"\((LCRA|LCHO|Combined)\)", re.IGNORECASE)
FILTER_NO = re.compile(r"\b(has not|have not|had not|do not|does not|did not|not made|no repair)\b")
FILTER_SUBJECTS = (("complain", "TP09"), ("communal", "TP10"), ("repair", "TP02"))

LANDLORD_FIELDS = (
    ("landlord name", "name"),
    ("landlord code", "code"),
    ("landlord type", "landlord_type"),
    ("publication url", "publication_url"),
    ("group size", "size_band"),
    ("predominant region", "region"),
    ("30% supported", "above_30_percent_supported"),
    ("notes from rsh", "notes"),
)
# Survey facts we name; anything else in a perception sheet is kept under its header text.
SURVEY_FIELDS = (
    ("population size", "population_size"),
    ("required minimum sample", "required_sample"),
    ("sample size achieved", "achieved_sample"),
    ("margin of error", "margin_of_error"),
    ("excluded from sample", "excluded_from_frame"),
    ("sample or census", "sample_or_census"),
    ("responses by method", "responses_by_method"),
    ("other collection method", "other_collection_methods"),
    ("predominant collection method", "predominant_method"),
    ("weighted or unweighted", "by_method_weighting"),
    ("weighted responses used", "weighted"),
    ("weighting characteristic", "weighting_characteristics"),
    ("contractor", "contractor"),
    ("incentive", "incentives"),
)
SUPPLEMENTARY_TARGETS = {"unweighted_value", "unweighted_counts", "by_method", "filter_share"}
NUMERIC_SURVEY_FACTS = {
    "population_size",
    "required_sample",
    "achieved_sample",
    "margin_of_error",
    "excluded_from_frame",
    "responses_by_method",
}


def answer_in_header(text: str) -> Answer | None:
    """Which answer category a count column holds, from the words in its header."""
    t = text.lower()
    if "don't know" in t or "dont know" in t or "not applicable" in t:
        return Answer.DONT_KNOW
    if "neither" in t or "not satisfied or dissatisfied" in t or "nor dissatisfied" in t:
        return Answer.NEITHER
    if "very dissatisfied" in t or "strongly disagree" in t:
        return Answer.VERY_DISSATISFIED
    if "fairly dissatisfied" in t or re.search(r"\bdisagree\b", t):
        return Answer.FAIRLY_DISSATISFIED
    if "very satisfied" in t or "strongly agree" in t:
        return Answer.VERY_SATISFIED
    if "fairly satisfied" in t or re.search(r"\bagree\b", t):
        return Answer.FAIRLY_SATISFIED
    return None


@dataclass
class Column:
    """What one column of a data sheet holds."""

    index: int
    header: str
    target: str  # landlord | survey | value | counts | unweighted_counts | unweighted_value |
    # filter_counts | filter_share | by_method | numerator | denominator | management_fact |
    # background | extra
    name: str = ""  # field, answer category, method or fact name
    measure: str = ""
    population: Population | None = None
    # Measures a background column is about (an answer beside the figures, never a figure).
    about: tuple[str, ...] = ()

    @property
    def letter(self) -> str:
        return column_letter(self.index)


# Columns that hold figures: each cell must be a number or a marker.
FIGURE_TARGETS = {
    "value",
    "counts",
    "unweighted_counts",
    "unweighted_value",
    "filter_counts",
    "filter_share",
    "by_method",
    "numerator",
    "denominator",
}
# Columns kept as words about a landlord, not as figures.
BACKGROUND_TARGETS = {"background", "management_fact", "extra"}

# A header that asks something (the regulator's form questions) holds an answer, not a figure.
QUESTION_START = re.compile(
    r"^(did|does|do|has|have|had|is|are|was|were|what|which|why|when|where|if|please|"
    r"reason|reasons|explain|explanation|describe|comment|comments|note|notes|whether)\b",
    re.IGNORECASE,
)
COUNT_START = re.compile(r"^(total\s+)?(number|count|how many)\b", re.IGNORECASE)
PER_THOUSAND = re.compile(r"per\s*1,?000|per thousand", re.IGNORECASE)
# A measure named anywhere in a header, bracketed or not: "RP02 (pt1)", "CH02", "(NM01 1)".
MEASURE_MENTION = re.compile(
    r"\b(?P<base>(?:TP|BS|RP|CH|NM)\s?\d{2})\b"
    r"(?:\s*[_(]?\s*(?:pt|part)?\s*(?P<part>\d)\b\s*\)?)?",
    re.IGNORECASE,
)
FOOTNOTE_DIGITS = re.compile(r"(?<=[A-Za-z])\d+(,\d+)*$")


def method_name(text: str) -> str:
    """A collection method as a person would write it: the footnote digits a release or a
    contractor's export glues to the word are dropped ("Telephone6" → "Telephone")."""
    return FOOTNOTE_DIGITS.sub("", clean_text(text)).strip()


def _method_after_dash(text: str) -> str:
    return method_name(text.rsplit(" - ", 1)[-1] if " - " in text else text)


def is_question(header: str) -> bool:
    """Whether a header asks a question (its column holds the landlord's answer)."""
    text = POPULATION_PREFIX.sub("", header).strip()
    return text.endswith("?") or bool(QUESTION_START.match(text))


def measures_mentioned(header: str) -> tuple[str, ...]:
    """Our codes for every measure a header names: "RP02 (pt1)" → RP02_1; "CH02" alone → both
    parts, CH02_1 and CH02_2; a code this version does not know is kept as written."""
    found: list[str] = []
    for match in MEASURE_MENTION.finditer(header):
        base = re.sub(r"\s+", "", match["base"]).upper()
        part = match["part"]
        parts = [code for code in MEASURES if code.startswith(f"{base}_")]
        if part and f"{base}_{part}" in MEASURES:
            codes = [f"{base}_{part}"]
        elif base in MEASURES:
            codes = [base]
        elif parts:
            codes = parts
        else:
            codes = [f"{base}_{part}" if part else base]
        found.extend(code for code in codes if code not in found)
    return tuple(found)


def _landlord_column(index: int, header: str, lower: str) -> Column | None:
    if is_code_header(header):
        return Column(index, header, "landlord", "code")
    for words, name in LANDLORD_FIELDS:
        if words in lower:
            return Column(index, header, "landlord", name)
    return None


def _measure_code(match: re.Match[str]) -> str:
    return (match["base"].upper() + (f"_{match['part']}" if match["part"] else "")).upper()


def classify_perception_header(index: int, header: str) -> Column:
    """What a perception sheet's column holds, from its header's words and measure code. What
    the column holds is checked later (`settle_by_content`): a column of words is never a
    figure, whatever its header says."""
    lower = header.lower()
    if column := _landlord_column(index, header, lower):
        return column
    match = CODE_IN_HEADER.search(header)
    is_count = bool(COUNT_START.match(header))
    if match:
        measure = _measure_code(match)
        if (match["role"] or "").lower() == "responses" or "who state" in lower:
            return Column(index, header, "filter_share", measure=measure)
        if "survey method" in lower or "by method" in lower:
            return Column(index, header, "by_method", _method_after_dash(header), measure)
        if "(unweighted)" in lower:
            if is_count:
                return Column(
                    index, header, "unweighted_counts", answer_in_header(header) or "", measure
                )
            return Column(index, header, "unweighted_value", measure=measure)
        if is_count:
            answer = answer_in_header(header)
            if answer is None and measure in FILTERED_CODES:
                return Column(index, header, "filter_counts", _filter_answer(lower), measure)
            return Column(index, header, "counts", answer or "", measure)
        if is_question(header):
            return Column(index, header, "background", header, measure, about=(measure,))
        return Column(index, header, "value", measure=measure)
    for words, name in SURVEY_FIELDS:
        if words in lower:
            if name in ("responses_by_method", "weighting_characteristics"):
                return Column(index, header, "survey", name, _method_after_dash(header))
            return Column(index, header, "survey", name)
    if is_count and answer_in_header(header) is None:
        for subject, measure in FILTER_SUBJECTS:
            if subject in lower:
                return Column(index, header, "filter_counts", _filter_answer(lower), measure)
    return Column(index, header, "extra", header, about=measures_mentioned(header))


def _filter_answer(lower: str) -> str:
    return "no" if FILTER_NO.search(lower) else "yes"


def classify_management_header(index: int, header: str) -> Column:
    """What a management sheet's column holds. A bracketed code with "Numerator" or
    "Denominator" is that part; otherwise the measure's result, unless the header asks a
    question or counts something that is not the result (a "Number of …" column for a
    percentage, or one not "per 1,000 homes" for a rate): those are background."""
    lower = header.lower()
    prefix = POPULATION_PREFIX.match(header)
    population = Population(prefix.group(1).upper()) if prefix else None
    if population is None and (column := _landlord_column(index, header, lower)):
        return column
    match = CODE_IN_HEADER.search(header)
    if match:
        measure = _measure_code(match)
        role = (match["role"] or "").lower()
        if role in ("numerator", "denominator"):
            return Column(
                index, header, role, measure=measure, population=population or Population.ALL
            )
        unprefixed = POPULATION_PREFIX.sub("", header)
        counts_something = bool(COUNT_START.match(unprefixed)) and not PER_THOUSAND.search(header)
        if is_question(header) or counts_something:
            return Column(
                index,
                header,
                "background",
                header,
                measure,
                population=population or Population.ALL,
                about=(measure,),
            )
        return Column(
            index, header, "value", measure=measure, population=population or Population.ALL
        )
    return Column(
        index,
        header,
        "management_fact",
        header,
        population=population,
        about=measures_mentioned(header),
    )


def resolve_unlabelled_counts(columns: list[Column], sheet: str, problems: list[Problem]) -> None:
    """A count column whose header names no answer gets the one answer its block lacks.

    The 2023-24 file has one such header (TP07, "very satisfied" left out); if more than one
    answer could fit, we refuse rather than guess.
    """
    blocks: dict[tuple[str, str], list[Column]] = {}
    for column in columns:
        if column.target in ("counts", "unweighted_counts"):
            blocks.setdefault((column.target, column.measure), []).append(column)
    for (_target, measure), block in blocks.items():
        unlabelled = [c for c in block if not c.name]
        if not unlabelled:
            continue
        missing = [a for a in FIVE_ANSWERS if a not in {c.name for c in block}]
        if len(unlabelled) == 1 and len(missing) == 1:
            unlabelled[0].name = missing[0]
        else:
            for column in unlabelled:
                problems.append(
                    Problem(
                        sheet,
                        None,
                        column.letter,
                        f"cannot tell which answer of {measure} this column counts",
                    )
                )


def _short(header: str, limit: int = 70) -> str:
    return header if len(header) <= limit else header[: limit - 1].rstrip() + "…"


def _what(column: Column) -> str:
    """What a column holds, in words, for messages about two columns holding the same."""
    population = (
        f" for {column.population}"
        if column.population and column.population is not Population.ALL
        else ""
    )
    if column.target == "value":
        return f"the {column.measure} figure{population}"
    if column.target in ("numerator", "denominator"):
        return f"the {column.measure} {column.target}{population}"
    if column.target in ("counts", "unweighted_counts"):
        weighting = "unweighted " if column.target == "unweighted_counts" else ""
        return f"the {weighting}{column.measure} count of {column.name.replace('_', ' ')}"
    if column.target == "survey":
        return f"the survey's {column.name.replace('_', ' ')}"
    return f"{column.target.replace('_', ' ')} {column.measure} {column.name}".strip()


def find_duplicate_columns(columns: list[Column], sheet: str, problems: list[Problem]) -> None:
    """Two columns with the same heading, or two that would fill the same figure: which one to
    believe cannot be told, so both are named and nothing is imported."""
    by_heading: dict[str, Column] = {}
    seen: dict[tuple[Any, ...], Column] = {}
    for column in columns:
        heading = column.header.lower()
        if heading in by_heading:
            first = by_heading[heading]
            problems.append(
                Problem(
                    sheet,
                    None,
                    column.letter,
                    f"columns {first.letter} and {column.letter} have the same heading "
                    f"“{_short(column.header)}”: which one to use cannot be told",
                )
            )
            continue
        by_heading[heading] = column
        if column.target in BACKGROUND_TARGETS:
            continue
        key = (column.target, column.name, column.measure, column.population)
        if key in seen:
            first = seen[key]
            problems.append(
                Problem(
                    sheet,
                    None,
                    column.letter,
                    f"columns {first.letter} (“{_short(first.header)}”) and {column.letter} "
                    f"(“{_short(column.header)}”) both hold {_what(column)}: which one to use "
                    "cannot be told",
                )
            )
        else:
            seen[key] = column


@dataclass
class ColumnContents:
    """Whether the landlord rows of a column hold any figure, and the first words found."""

    numbers: int = 0
    words: int = 0
    example: str = ""  # the first cell of words, to show in a message


def column_contents(rows: Iterable[list[Any]], columns: list[Column]) -> dict[int, ColumnContents]:
    """What each column meant to hold figures holds: reading stops at its first number, which
    settles it (a stray word among figures is a problem of that cell, reported later)."""
    rows = list(rows)
    found = {}
    for column in columns:
        if column.target not in FIGURE_TARGETS:
            continue
        contents = found[column.index] = ColumnContents()
        for row in rows:
            raw = row[column.index] if column.index < len(row) else None
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                kind: CellKind = CellKind.NUMBER
            else:
                kind, content = read_cell(raw)
            if kind is CellKind.NUMBER:
                contents.numbers += 1
                break
            if kind is CellKind.TEXT:
                contents.words += 1
                contents.example = contents.example or str(content)
    return found


# The background columns of the 2023-24 release (repair target timescales, complaint
# timescales): known, so they are not reported as new.
KNOWN_BACKGROUND = (
    "target timescale",
    "maximum timescales",
)


def settle_by_content(
    columns: list[Column],
    contents: dict[int, ColumnContents],
    sheet: str,
    notices: list[Problem],
) -> None:
    """Settle what each column holds by its cells as well as its header: a column that was to
    hold figures but holds only words ("Yes", "No", a sentence) is an answer about the measure,
    kept as background and never as a figure. Columns this version has not seen before are
    reported as notices (they never stop an import)."""
    for column in columns:
        held = contents.get(column.index, ColumnContents())
        if column.target in FIGURE_TARGETS and held.words and not held.numbers:
            notices.append(
                Problem(
                    sheet,
                    None,
                    column.letter,
                    f"“{_short(column.header)}” holds words such as {held.example!r}, not "
                    f"figures: kept as background about {column.measure}, not as a figure",
                )
            )
            column.target, column.name, column.about = (
                "background",
                column.header,
                (column.measure,),
            )
            continue
        if column.target in BACKGROUND_TARGETS:
            if any(words in column.header.lower() for words in KNOWN_BACKGROUND):
                continue
            about = f" about {', '.join(column.about)}" if column.about else ""
            notices.append(
                Problem(
                    sheet,
                    None,
                    column.letter,
                    f"a column new to this importer, “{_short(column.header)}”: its answers are "
                    f"kept as background{about} for each landlord, not as figures",
                )
            )
        elif column.target == "value" and column.measure not in MEASURES:
            notices.append(
                Problem(
                    sheet,
                    None,
                    column.letter,
                    f"{column.measure} is a measure this importer does not know: its figures "
                    "are kept as published",
                )
            )


# --- sheets ------------------------------------------------------------------------------------


def role_from_name(name: str) -> SheetRole | None:
    n = name.lower().replace(" ", "_")
    if "not_inc" in n or "exclu" in n or "not_included" in n:
        if "percep" in n:
            return SheetRole.PERCEPTION_EXCLUSIONS
        if "man" in n:
            return SheetRole.MANAGEMENT_EXCLUSIONS
        return None
    if "coverage" in n:
        return SheetRole.COVERAGE
    if "percep" in n:
        for word, role in (
            ("lcra", SheetRole.LCRA_PERCEPTION),
            ("lcho", SheetRole.LCHO_PERCEPTION),
            ("combined", SheetRole.COMBINED_PERCEPTION),
        ):
            if word in n:
                return role
    if "man" in n and "info" in n:
        return SheetRole.MANAGEMENT
    return None


def role_from_headers(headers: list[str]) -> SheetRole | None:
    """For sheets renamed beyond recognition: tell the role from what the headers hold."""
    joined = " ".join(headers)
    if "(TP01)" in joined:
        for header in headers:
            if "population size" in header.lower() and (m := POPULATION_IN_BRACKETS.search(header)):
                return {
                    "LCRA": SheetRole.LCRA_PERCEPTION,
                    "LCHO": SheetRole.LCHO_PERCEPTION,
                    "COMBINED": SheetRole.COMBINED_PERCEPTION,
                }[m.group(1).upper()]
    if "(BS01" in joined:
        return SheetRole.MANAGEMENT
    return None


# The header of the column of landlord codes: "Landlord code", "Landlord code (RSH)",
# "Provider code". Whole cell only, so a note above the table that mentions it is not taken.
CODE_HEADER = re.compile(
    r"^(landlord|provider|registered provider|rp) code(\s*\([^)]*\))?$", re.IGNORECASE
)


def is_code_header(text: object) -> bool:
    return bool(CODE_HEADER.match(clean_text(text)))


def find_header_row(rows: list[list[Any]], limit: int = 30) -> int | None:
    for number, row in enumerate(rows[:limit]):
        if any(is_code_header(cell) for cell in row):
            return number
    return None


YEAR_SPAN = re.compile(r"1 April (\d{4}) (?:to|-) 31 March (\d{4})", re.IGNORECASE)
SHEET_YEAR = re.compile(r"^TSM(\d{2})_", re.IGNORECASE)


def reporting_year_from(texts: Iterable[str], sheet_names: Iterable[str]) -> tuple[str | None, str]:
    """The reporting year ("2023-24"), read from the file's own words, else its sheet names."""
    for text in texts:
        if match := YEAR_SPAN.search(text):
            start, end = int(match.group(1)), int(match.group(2))
            if end == start + 1:
                return f"{start}-{end % 100:02d}", "introduction text"
    for name in sheet_names:
        if match := SHEET_YEAR.match(name):
            # "TSM24_" names the year that ends in March 2024.
            end = 2000 + int(match.group(1))
            return f"{end - 1}-{end % 100:02d}", f"sheet name {name!r}"
    return None, ""


REPORTING_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def check_reporting_year(year: str) -> bool:
    match = REPORTING_YEAR.match(year)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))  # type: ignore[union-attr]


# How the regulator names each required sheet after the year prefix ("TSM24_").
EXPECTED_SHEET_NAMES = {
    SheetRole.LCRA_PERCEPTION: "LCRA_Perception",
    SheetRole.LCHO_PERCEPTION: "LCHO_Perception",
    SheetRole.MANAGEMENT: "Management_Info",
}


def expected_sheet_name(role: SheetRole, sheet_names: Iterable[str]) -> str:
    """The name a missing sheet would have, with the prefix the file's other sheets carry."""
    prefix = next(
        (match.group(0) for name in sheet_names if (match := SHEET_YEAR.match(name))), "TSMyy_"
    )
    return prefix + EXPECTED_SHEET_NAMES.get(role, role.value.replace(" ", "_"))


# --- reading -----------------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    role: SheetRole
    rows: list[list[Any]]
    header_row: int


def read_release(
    path: str | Path,
    *,
    reporting_year: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ParsedRelease:
    """Read a whole release or raise WorkbookError listing every problem found."""
    problems: list[Problem] = []
    try:
        workbook = read_tabular_file(path, as_csv=False)
    except FileProblemsError as error:  # unreadable, too large, or not safe to read
        raise WorkbookError(error.problems) from error

    texts: list[str] = []
    sheets: dict[SheetRole, _Sheet] = {}
    unreadable: set[SheetRole] = set()
    for read in workbook.sheets:
        name, rows = read.name, read.rows
        if read.error:  # a damaged sheet (cut-short XML and the like) in any form
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"this sheet cannot be read; the file may be damaged ({read.error})",
                )
            )
            if (role := role_from_name(name)) is not None:
                unreadable.add(role)
            continue
        texts.extend(clean_text(c) for row in rows[:20] for c in row[:2] if isinstance(c, str))
        header_row = find_header_row(rows)
        role = role_from_name(name)
        if header_row is None:
            if role is not None:
                problems.append(
                    Problem(name, None, None, "no 'Landlord code' header in the first 30 rows")
                )
            continue
        headers = [clean_text(c) for c in rows[header_row]]
        role = role or role_from_headers(headers)
        if role is None:
            continue
        if role in sheets:
            problems.append(
                Problem(
                    name, None, None, f"a second {role} sheet (first was {sheets[role].name!r})"
                )
            )
            continue
        sheets[role] = _Sheet(name, role, rows, header_row)

    if not sheets and not unreadable:
        raise WorkbookError(
            [
                *problems,
                Problem(
                    "",
                    None,
                    None,
                    "this is not the regulator's TSM workbook: no TSM data sheet found",
                ),
            ]
        )
    for role in REQUIRED_ROLES:
        if role not in sheets and role not in unreadable:
            expected = expected_sheet_name(role, workbook.sheet_names)
            problems.append(
                Problem(
                    "",
                    None,
                    None,
                    f"no {role} sheet found: expected a sheet named like “{expected}”",
                )
            )

    year, year_source = reporting_year_from(texts, workbook.sheet_names)
    if reporting_year:
        if not check_reporting_year(reporting_year):
            problems.append(
                Problem("", None, None, f"{reporting_year!r} is not a year like 2023-24")
            )
        elif year and year != reporting_year:
            problems.append(
                Problem(
                    "", None, None, f"the file says {year} ({year_source}), not {reporting_year}"
                )
            )
        year = reporting_year
    elif not year:
        problems.append(
            Problem("", None, None, "cannot tell the reporting year from the file; give it")
        )

    notices: list[Problem] = []
    landlords: dict[str, ParsedLandlord] = {}
    surveys: list[ParsedSurvey] = []
    values: list[ParsedValue] = []
    for role, sheet in sheets.items():
        if progress:
            progress(sheet.name)
        if role in PERCEPTION_ROLES:
            _read_perception(
                sheet, PERCEPTION_ROLES[role], landlords, surveys, values, problems, notices
            )
        elif role is SheetRole.MANAGEMENT:
            _read_management(sheet, landlords, values, problems, notices)
        elif role is SheetRole.COVERAGE:
            _read_coverage(sheet, landlords, problems)
        else:
            _read_exclusions(sheet, landlords, problems)

    problems.extend(_unsaved_formulas(path, sheets.values()))
    problems.extend(_labels_too_long(landlords))
    if problems:
        raise WorkbookError(problems)
    assert year is not None
    notices.extend(unknown_markers(values))
    return ParsedRelease(
        reporting_year=year,
        sheets={role.value: sheet.name for role, sheet in sheets.items()},
        landlords=landlords,
        surveys=surveys,
        values=values,
        notices=notices,
    )


# --- formulas whose result was not saved -------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s>/]")
_CELL_REFERENCE = re.compile(r"^([A-Z]+)(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


# Office files never declare a document type; one that does may define entities meant to blow up
# a parser, so such a part is not parsed at all (which is why the parsing below is safe).
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _plain_xml(data: bytes) -> bytes:
    if _DECLARATION.search(data):
        raise ValueError("an XML part declaring a document type")
    return data


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the archive member holding its cells."""
    workbook = ElementTree.fromstring(_plain_xml(archive.read("xl/workbook.xml")))  # noqa: S314
    links = ElementTree.fromstring(_plain_xml(archive.read("xl/_rels/workbook.xml.rels")))  # noqa: S314
    targets = {link.get("Id"): link.get("Target", "") for link in links}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    return parts


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a sheet holds any formula, read in pieces (most files hold none). A sheet that
    declares a document type is never parsed (`_plain_xml`)."""
    tail, formula = b"", False
    with archive.open(member) as handle:
        while chunk := handle.read(1 << 20):
            if _DECLARATION.search(tail + chunk):
                return False
            formula = formula or bool(_FORMULA.search(tail + chunk))
            tail = chunk[-16:]
    return formula


def _formula_cells(handle: IO[bytes]) -> set[tuple[int, int]]:
    """(row, column) of each cell holding a formula with no saved result, read as a stream."""
    cells: set[tuple[int, int]] = set()
    row_number, column_number = 0, -1
    for event, element in ElementTree.iterparse(handle, events=("start", "end")):  # noqa: S314
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "row":
                row_number = int(element.get("r", row_number + 1))
                column_number = -1
            continue
        if tag != "c":
            if tag == "row":
                element.clear()
            continue
        reference = _CELL_REFERENCE.match(element.get("r", ""))
        if reference:
            column_number = _column_index(reference.group(1))
            row_number = int(reference.group(2))
        else:
            column_number += 1
        formula = element.find(f"{_MAIN}f")
        result = element.find(f"{_MAIN}v")
        if formula is not None and (result is None or not (result.text or "")):
            cells.add((row_number - 1, column_number))
    return cells


def formulas_without_result(
    path: str | Path, sheet_names: Iterable[str]
) -> dict[str, set[tuple[int, int]]]:
    """The cells (row, column, from 0) of the named sheets that hold a formula whose result was
    never saved with the file. A spreadsheet program saves each formula's last result beside
    it; a file written by a program that cannot calculate (a script, an export tool) has the
    formula alone, and every reader then sees a blank cell where a figure belongs."""
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return found  # not an Office Open XML file (ODS, XLS): nothing of this kind to find
    with archive:
        try:
            parts = _sheet_parts(archive)
        except (KeyError, ValueError, ElementTree.ParseError):
            return found
        for name in sheet_names:
            member = parts.get(name)
            if member is None or member not in archive.namelist():
                continue
            if not _has_formula(archive, member):
                continue
            try:
                with archive.open(member) as handle:
                    cells = _formula_cells(handle)
            except (ElementTree.ParseError, ValueError):
                continue  # calamine read it; an oddity here is no reason to refuse the file
            if cells:
                found[name] = cells
    return found


def _unsaved_formulas(path: str | Path, sheets: Iterable[_Sheet]) -> list[Problem]:
    """A problem for each formula without a saved result in a sheet's header or landlord rows:
    read as blank it would pass for a figure not given, so the file is refused instead."""
    sheets = list(sheets)
    cells = formulas_without_result(path, [sheet.name for sheet in sheets])
    problems = []
    for sheet in sheets:
        found = cells.get(sheet.name)
        if not found:
            continue
        last_row = sheet.header_row
        for number, _ in _data_rows(sheet, *_code_and_name_columns(sheet)):
            last_row = number - 1
        for row, column in sorted(found):
            if sheet.header_row <= row <= last_row:
                problems.append(
                    Problem(
                        sheet.name,
                        row + 1,
                        column_letter(column),
                        "a formula whose result was not saved with the file, so there is no "
                        "figure to read: open the file in a spreadsheet program and save it "
                        "again, or replace the formula by its value",
                    )
                )
    return problems


def _code_and_name_columns(sheet: _Sheet) -> tuple[int, int | None]:
    headers = [clean_text(h).lower() for h in sheet.rows[sheet.header_row]]
    code = next(i for i, h in enumerate(headers) if is_code_header(h))
    name = next((i for i, h in enumerate(headers) if h == "landlord name"), None)
    return code, name


# Landlord labels are stored as the release writes them; longer than this is not a label.
LABEL_LIMIT = 200


def _labels_too_long(landlords: dict[str, ParsedLandlord]) -> list[Problem]:
    problems = []
    for landlord in landlords.values():
        for name in ("landlord_type", "size_band", "region", "above_30_percent_supported"):
            text = getattr(landlord, name)
            if len(text) > LABEL_LIMIT:
                problems.append(
                    Problem(
                        "",
                        None,
                        None,
                        f"landlord {landlord.code}: its {name.replace('_', ' ')} is "
                        f"{len(text)} characters long, more than the {LABEL_LIMIT} a label may be",
                    )
                )
    return problems


# The markers the pages explain in words (selectors.MARKER_REASONS); any other is shown as
# "not published" with its letters, and reported when a release is imported.
KNOWN_MARKERS = frozenset({"X", "Z", "E", "U", "S"})


def unknown_markers(values: Iterable[ParsedValue]) -> list[Problem]:
    """One notice for each marker this version does not know, with how often it appears."""
    seen: dict[str, tuple[int, ParsedValue]] = {}
    for parsed in values:
        for marker in (parsed.marker, *parsed.part_markers.values()):
            if marker and marker not in KNOWN_MARKERS:
                count, first = seen.get(marker, (0, parsed))
                seen[marker] = (count + 1, first)
    return [
        Problem(
            first.sheet,
            first.row,
            None,
            f"[{marker}] is a marker this importer does not know ({count} "
            f"cell{'s' if count != 1 else ''}): shown as “not published”, with its letters",
        )
        for marker, (count, first) in sorted(seen.items())
    ]


def _data_rows(
    sheet: _Sheet, code_index: int, name_index: int | None
) -> Iterable[tuple[int, list[Any]]]:
    """Landlord rows under the header; the first row naming no landlord ends them (notes follow)."""
    for offset, row in enumerate(sheet.rows[sheet.header_row + 1 :]):
        code = clean_text(row[code_index]) if code_index < len(row) else ""
        name = (
            clean_text(row[name_index]) if name_index is not None and name_index < len(row) else ""
        )
        if not code and not name:
            return
        if name.lower().startswith("notes") and not code:
            return
        yield sheet.header_row + offset + 2, row


def _landlord_from_row(
    sheet: _Sheet,
    columns: list[Column],
    number: int,
    row: list[Any],
    landlords: dict[str, ParsedLandlord],
    problems: list[Problem],
) -> ParsedLandlord | None:
    by_name = {c.name: c for c in columns if c.target == "landlord"}
    code_column = by_name["code"]
    code = landlord_code(row[code_column.index] if code_column.index < len(row) else "")
    if not code:
        problems.append(
            Problem(sheet.name, number, code_column.letter, "a landlord row with no landlord code")
        )
        return None
    landlord = landlords.setdefault(code, ParsedLandlord(code=code))
    for name, column in by_name.items():
        if name == "code" or column.index >= len(row):
            continue
        text = clean_text(row[column.index])
        if not text or MARKER.match(text):
            continue
        if name == "notes":
            landlord.notes[sheet.role.value] = text
        elif not getattr(landlord, name):
            setattr(landlord, name, text)
    return landlord


def _landlord_rows(
    sheet: _Sheet,
    columns: list[Column],
    landlord_columns: dict[str, Column],
    landlords: dict[str, ParsedLandlord],
    problems: list[Problem],
) -> Iterator[tuple[int, list[Any], ParsedLandlord]]:
    """Each data row with its landlord; a landlord's second row is reported, not read."""
    seen: dict[str, int] = {}
    name_index = landlord_columns["name"].index if "name" in landlord_columns else None
    for number, row in _data_rows(sheet, landlord_columns["code"].index, name_index):
        landlord = _landlord_from_row(sheet, columns, number, row, landlords, problems)
        if landlord is None:
            continue
        if landlord.code in seen:
            problems.append(
                Problem(
                    sheet.name,
                    number,
                    landlord_columns["code"].letter,
                    f"landlord {landlord.code} appears again (first on row {seen[landlord.code]})",
                )
            )
            continue
        seen[landlord.code] = number
        yield number, row, landlord


def _header_columns(sheet: _Sheet, classify: Callable[[int, str], Column]) -> list[Column]:
    headers = sheet.rows[sheet.header_row]
    return [classify(i, clean_text(h)) for i, h in enumerate(headers) if clean_text(h)]


# Columns holding a result (a percentage, or a rate per 1,000 homes) rather than a count.
RESULT_TARGETS = {"value", "unweighted_value", "by_method", "filter_share"}


def out_of_range(column: Column, number: Decimal) -> str:
    """Why a number cannot be what its column holds ("" when it can): a percentage lies between
    0 and 100, and nothing (a count, a part, a rate per 1,000 homes) is below 0."""
    definition = MEASURES.get(column.measure)
    # A measure this code does not know yet (a later release's) may be a rate per 1,000: only
    # the known percentages are held to 100, so a new column never stops an import.
    is_percentage = (
        column.target in RESULT_TARGETS and definition is not None and definition.scale == 100
    )
    shown = f"{number.normalize():f}"  # as a person typed it: -3, not -3.0
    if is_percentage and not 0 <= number <= 100:
        return f"{shown} is not a percentage between 0 and 100"
    if number < 0:
        what = "a rate per 1,000 homes" if column.target in RESULT_TARGETS else "a count"
        return f"{shown} is below 0, which {what} cannot be"
    return ""


def _numeric(
    sheet: _Sheet, number: int, column: Column, raw: object, problems: list[Problem]
) -> tuple[Decimal | None, str]:
    """A number (within what the column can hold) or a marker; anything else is a problem."""
    kind, content = read_cell(raw)
    if kind is CellKind.NUMBER:
        if reason := out_of_range(column, content):
            problems.append(Problem(sheet.name, number, column.letter, reason))
            return None, ""
        return content, ""
    if kind is CellKind.MARKER:
        return None, content
    if kind is CellKind.TEXT:
        problems.append(
            Problem(
                sheet.name,
                number,
                column.letter,
                f"{content!r} is neither a number nor a marker like [X]",
            )
        )
    return None, ""


def _settled_columns(
    sheet: _Sheet,
    classify: Callable[[int, str], Column],
    problems: list[Problem],
    notices: list[Problem],
) -> list[Column]:
    """The sheet's columns, classified by header and then by what their landlord rows hold."""
    columns = _header_columns(sheet, classify)
    code_column = next((c for c in columns if c.target == "landlord" and c.name == "code"), None)
    name_column = next((c for c in columns if c.target == "landlord" and c.name == "name"), None)
    if code_column is not None:
        rows = (
            row
            for _, row in _data_rows(
                sheet, code_column.index, name_column.index if name_column else None
            )
        )
        settle_by_content(columns, column_contents(rows, columns), sheet.name, notices)
    return columns


def _missing_measure(sheet: _Sheet, columns: list[Column], code: str, label: str) -> Problem:
    """A measure with no column of figures; names the column that was meant to hold it but
    holds words, if there is one."""
    demoted = next(
        (c for c in columns if c.target == "background" and c.measure == code and c.about), None
    )
    reason = f"no column for {label}"
    if demoted is not None:
        reason += (
            f": column {demoted.letter} (“{_short(demoted.header)}”) names it but holds words, "
            "not figures"
        )
    return Problem(sheet.name, sheet.header_row + 1, None, reason)


def _background_answer(raw: object) -> Any:
    """A background cell as kept: a number, the text, or a marker as the release writes it."""
    kind, content = read_cell(raw)
    if kind is CellKind.MARKER:
        return f"[{content}]"
    if kind is CellKind.NUMBER:
        return float(content)
    return content


def _attach_background(values: Iterable[ParsedValue], column: Column, answer: Any) -> None:
    """An answer about a measure, kept beside that measure's figure (for the same population,
    when the column names one)."""
    if answer is None:
        return
    for parsed in values:
        same_population = column.population in (None, Population.ALL) or (
            parsed.population == column.population
        )
        if parsed.measure in column.about and same_population:
            parsed.background[column.header] = answer


def _read_perception(
    sheet: _Sheet,
    population: Population,
    landlords: dict[str, ParsedLandlord],
    surveys: list[ParsedSurvey],
    values: list[ParsedValue],
    problems: list[Problem],
    notices: list[Problem],
) -> None:
    columns = _settled_columns(sheet, classify_perception_header, problems, notices)
    resolve_unlabelled_counts(columns, sheet.name, problems)
    find_duplicate_columns(columns, sheet.name, problems)
    landlord_columns = {c.name: c for c in columns if c.target == "landlord"}
    if "code" not in landlord_columns:  # pragma: no cover - the header row was found by it
        return
    value_measures = {c.measure for c in columns if c.target == "value"}
    for code, definition in MEASURES.items():
        wanted = definition.kind is Kind.PERCEPTION and population in definition.populations
        if wanted and code not in value_measures:
            problems.append(_missing_measure(sheet, columns, code, code))
    if not any(c.name == "population_size" for c in columns):
        problems.append(
            Problem(
                sheet.name, sheet.header_row + 1, None, "no relevant tenant population size column"
            )
        )

    for number, row, landlord in _landlord_rows(
        sheet, columns, landlord_columns, landlords, problems
    ):
        survey = ParsedSurvey(
            code=landlord.code, population=population, sheet=sheet.name, row=number
        )
        by_measure: dict[str, ParsedValue] = {}
        background: list[tuple[Column, Any]] = []
        for column in columns:
            raw = row[column.index] if column.index < len(row) else None
            if column.target == "landlord":
                continue
            if column.target in ("survey", "extra", "background"):
                _survey_fact(sheet, number, column, raw, survey, problems)
                if column.about:
                    background.append((column, _background_answer(raw)))
                continue
            if column.target in SUPPLEMENTARY_TARGETS:
                # Figures beside the measure (unweighted, by method): a stray word here is
                # reported but does not stop the import.
                found: list[Problem] = []
                number_value, marker = _numeric(sheet, number, column, raw, found)
                notices.extend(
                    Problem(p.sheet, p.row, p.column, f"{p.reason} (ignored)") for p in found
                )
            else:
                number_value, marker = _numeric(sheet, number, column, raw, problems)
            parsed = by_measure.get(column.measure)
            if parsed is None:
                parsed = by_measure[column.measure] = ParsedValue(
                    code=landlord.code,
                    population=population,
                    measure=column.measure,
                    sheet=sheet.name,
                    row=number,
                )
            if column.target == "value":
                parsed.value, parsed.marker = number_value, marker
                continue
            part = f"{column.target}.{column.name}" if column.name else column.target
            if marker:
                parsed.part_markers[part] = marker
            if number_value is None:
                continue
            if column.target in ("counts", "unweighted_counts", "filter_counts"):
                getattr(parsed, column.target)[column.name] = float(number_value)
            elif column.target == "unweighted_value":
                parsed.unweighted_value = number_value
            elif column.target == "filter_share":
                parsed.filter_share = number_value
            elif column.target == "by_method":
                parsed.by_method[column.name] = number_value
        for column, answer in background:
            _attach_background(by_measure.values(), column, answer)
        surveys.append(survey)
        values.extend(by_measure.values())


def _survey_fact(
    sheet: _Sheet,
    number: int,
    column: Column,
    raw: object,
    survey: ParsedSurvey,
    problems: list[Problem],
) -> None:
    kind, content = read_cell(raw)
    if column.target in ("extra", "background"):
        if kind is CellKind.MARKER:
            survey.markers[column.name] = content
        elif kind is not CellKind.BLANK:
            survey.extra[column.name] = float(content) if kind is CellKind.NUMBER else content
        return
    key = f"{column.name}.{column.measure}" if column.measure else column.name
    if kind is CellKind.MARKER:
        survey.markers[key] = content
        return
    if kind is CellKind.BLANK:
        return
    if column.name in NUMERIC_SURVEY_FACTS:
        if kind is not CellKind.NUMBER:
            problems.append(
                Problem(
                    sheet.name,
                    number,
                    column.letter,
                    f"{content!r} is neither a number nor a marker like [X]",
                )
            )
            return
        content = float(content)
    if column.name in ("responses_by_method", "weighting_characteristics"):
        survey.facts.setdefault(column.name, {})[column.measure] = content
    else:
        survey.facts[column.name] = content


def _read_management(
    sheet: _Sheet,
    landlords: dict[str, ParsedLandlord],
    values: list[ParsedValue],
    problems: list[Problem],
    notices: list[Problem],
) -> None:
    columns = _settled_columns(sheet, classify_management_header, problems, notices)
    find_duplicate_columns(columns, sheet.name, problems)
    landlord_columns = {c.name: c for c in columns if c.target == "landlord"}
    found = {(c.measure, c.population) for c in columns if c.target == "value"}
    for code, definition in MEASURES.items():
        if definition.kind is Kind.MANAGEMENT:
            wanted = (
                Population.LCRA if Population.LCRA in definition.populations else Population.ALL
            )
            if (code, wanted) not in found:
                problems.append(_missing_measure(sheet, columns, code, definition.regulator_label))
    for number, row, landlord in _landlord_rows(
        sheet, columns, landlord_columns, landlords, problems
    ):
        by_key: dict[tuple[str, Population], ParsedValue] = {}
        background: list[tuple[Column, Any]] = []
        for column in columns:
            raw = row[column.index] if column.index < len(row) else None
            if column.target == "landlord":
                continue
            if column.target in ("management_fact", "background"):
                answer = _background_answer(raw)
                if answer is not None:
                    landlord.management_facts[column.header] = answer
                    if column.about:
                        background.append((column, answer))
                continue
            assert column.population is not None
            number_value, marker = _numeric(sheet, number, column, raw, problems)
            key2 = (column.measure, column.population)
            if key2 not in by_key:
                by_key[key2] = ParsedValue(
                    code=landlord.code,
                    population=column.population,
                    measure=column.measure,
                    sheet=sheet.name,
                    row=number,
                )
            parsed = by_key[key2]
            if column.target == "value":
                parsed.value, parsed.marker = number_value, marker
            else:
                setattr(parsed, column.target, number_value)
                if marker:
                    parsed.part_markers[column.target] = marker
        for column, answer in background:
            _attach_background(by_key.values(), column, answer)
        for parsed in by_key.values():
            settle_management_value(parsed)
        values.extend(by_key.values())


def settle_management_value(parsed: ParsedValue) -> None:
    """A management value with no figure behind it gets its parts' marker as the reason.

    The 2023-24 release prints 0 where the landlord gave no numerator ([X]), most often for both
    parts of the shared-ownership and combined complaint measures. Such a 0 is not a result: it
    is kept as no value, with the numerator's marker (else the denominator's) as the reason.
    A 0 beside a numerator that is a number stays (nothing happened, or the denominator was 0,
    which the regulator shows as 0); a value other than 0 is the regulator's own figure and
    stays whatever its parts say; a blank value whose parts are marked takes their marker.
    """
    if parsed.marker or not parsed.part_markers:
        return
    reason = parsed.part_markers.get("numerator") or parsed.part_markers.get("denominator", "")
    if parsed.value is None:
        parsed.marker = reason
    elif parsed.value == 0 and parsed.numerator is None:
        parsed.value, parsed.marker = None, reason


def _simple_columns(sheet: _Sheet) -> tuple[int | None, int | None, list[tuple[int, str]]]:
    headers = [clean_text(h) for h in sheet.rows[sheet.header_row]]
    code_index = name_index = None
    others = []
    for i, header in enumerate(headers):
        lower = header.lower()
        if is_code_header(header):
            code_index = i
        elif lower == "landlord name":
            name_index = i
        elif header:
            others.append((i, header))
    return code_index, name_index, others


def _simple_rows(
    sheet: _Sheet, landlords: dict[str, ParsedLandlord], problems: list[Problem]
) -> Iterator[tuple[list[Any], ParsedLandlord, list[tuple[int, str]]]]:
    """Rows of a sheet that only lists landlords (coverage, exclusions), each with its landlord."""
    code_index, name_index, others = _simple_columns(sheet)
    assert code_index is not None
    for number, row in _data_rows(sheet, code_index, name_index):
        code = landlord_code(row[code_index])
        if not code:
            problems.append(
                Problem(sheet.name, number, column_letter(code_index), "no landlord code")
            )
            continue
        landlord = landlords.setdefault(code, ParsedLandlord(code=code))
        if name_index is not None and not landlord.name:
            landlord.name = clean_text(row[name_index])
        yield row, landlord, others


def _read_coverage(
    sheet: _Sheet, landlords: dict[str, ParsedLandlord], problems: list[Problem]
) -> None:
    for row, landlord, others in _simple_rows(sheet, landlords, problems):
        for i, header in others:
            text = clean_text(row[i]) if i < len(row) else ""
            if header.lower() == "landlord type":
                landlord.landlord_type = landlord.landlord_type or text
            elif text:
                landlord.coverage[header] = text


def _read_exclusions(
    sheet: _Sheet, landlords: dict[str, ParsedLandlord], problems: list[Problem]
) -> None:
    for row, landlord, others in _simple_rows(sheet, landlords, problems):
        note = " ".join(
            clean_text(row[i]) for i, _ in others if i < len(row) and clean_text(row[i])
        )
        landlord.notes[sheet.role.value] = note or "left out by the regulator"
