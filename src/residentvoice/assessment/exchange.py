"""Spreadsheets for the yearly assessment: a landlord's self-assessment out to XLSX and back in
(checked cell by cell, previewed field by field, applied all or nothing through
`services.item_self_assess`), and the council's export of a whole cycle as XLSX or CSV.

Files only: no views here. The pages in `views/exchange.py` and the `residentvoice assessment`
commands both call these functions.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from residentvoice.charter.models import RatingOption
from residentvoice.core.file_problems import FileProblemsError, Problem
from residentvoice.core.files.tabular import read_tabular_file
from residentvoice.core.spreadsheets import csv_row, xlsx_row, xlsx_set
from residentvoice.core.text import SPREADSHEET_CELL_LIMIT, text_refusal

from . import services
from .models import (
    AssessmentCycle,
    AssessmentItem,
    Participation,
    RealityAnswer,
    ReplyPosition,
    Stage,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The landlord's workbook -----------------------------------------------------------------------

FORMAT = "residentvoice-self-assessment-1"
SHEET = "Self-assessment"
GUIDANCE_SHEET = "Guidance"
IDENTITY_SHEET = "About this file"
YES, NO = "Yes", "No"

# (key, heading); headings are how the import finds each column, so the columns may be moved.
COLUMNS: list[tuple[str, str]] = [
    ("number", "Commitment"),
    ("title", "Title"),
    ("rating", "Rating"),
    ("not_applicable", "Not applicable"),
    ("not_applicable_reason", "Why it is not applicable"),
    ("what_we_do", "What we do"),
    ("how_residents_involved", "How residents were involved"),
]
HEADINGS = dict(COLUMNS)
EDITABLE = ["rating", "not_applicable", "not_applicable_reason", "what_we_do"]
EDITABLE.append("how_residents_involved")
# What people call each field in the preview and in problems.
FIELD_LABELS = {
    "rating": "Rating",
    "not_applicable": "Not applicable",
    "not_applicable_reason": "Why it is not applicable",
    "what_we_do": "What we do",
    "how_residents_involved": "How residents were involved",
}
# The columns of text people write, which the site keeps whole (see core/text.py).
TEXT_KEYS = ("not_applicable_reason", "what_we_do", "how_residents_involved")
WIDTHS = {"number": 13, "title": 40, "rating": 16, "not_applicable": 15}
WIDTHS.update(not_applicable_reason=40, what_we_do=70, how_residents_involved=60)

# A filled-in sheet of 17 commitments is tens of kilobytes; anything far larger is not one.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500
PREVIEW_SALT = "residentvoice.assessment.import-preview"
PREVIEW_MAX_AGE = 2 * 60 * 60  # seconds a preview may be applied after it was made


class SheetError(FileProblemsError):
    """The file (or the preview being applied) cannot be used; nothing was changed."""


class PreviewOutdatedError(Exception):
    """The preview no longer matches what is saved: someone changed an item since it was made,
    or it is too old, or it was made for someone else. Nothing was changed."""


@dataclass
class SheetRow:
    """One filled-in row as read from the sheet, before it is checked against the database."""

    row: int
    number: int | None
    rating: str
    not_applicable: bool | None  # None: the cell held something other than yes or no
    not_applicable_text: str
    not_applicable_reason: str
    what_we_do: str
    how_residents_involved: str
    columns: dict[str, str] = field(default_factory=dict)  # key -> column letter

    def to_payload(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "number": self.number,
            "rating": self.rating,
            "na": self.not_applicable,
            "na_text": self.not_applicable_text,
            "reason": self.not_applicable_reason,
            "what": self.what_we_do,
            "how": self.how_residents_involved,
            "columns": self.columns,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> SheetRow:
        return cls(
            row=int(data["row"]),
            number=data["number"],
            rating=str(data["rating"]),
            not_applicable=data["na"],
            not_applicable_text=str(data["na_text"]),
            not_applicable_reason=str(data["reason"]),
            what_we_do=str(data["what"]),
            how_residents_involved=str(data["how"]),
            columns=dict(data["columns"]),
        )


@dataclass
class ReadSheet:
    """What the file says about itself and its rows."""

    reporting_year: str
    landlord_slug: str
    exported_versions: dict[int, int]  # commitment number -> item version when exported
    exported_at: str
    rows: list[SheetRow]
    problems: list[Problem]  # cells that could not be read; reported with the rest


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RowChange:
    """One commitment whose saved self-assessment the sheet would change."""

    item: AssessmentItem
    sheet_row: SheetRow
    rating: RatingOption | None
    not_applicable: bool
    not_applicable_reason: str
    what_we_do: str
    how_residents_involved: str
    changes: list[FieldChange]


@dataclass
class ImportPlan:
    """What an upload would do: the changes, the rows left as they are, and any problems."""

    participation: Participation
    changes: list[RowChange]
    unchanged: int
    not_in_sheet: list[int]  # commitment numbers the sheet leaves out (left as they are)
    problems: list[Problem]
    versions: dict[int, int]  # item id -> version, as saved when the plan was made

    @property
    def ok(self) -> bool:
        return not self.problems


def _scale(participation: Participation) -> list[RatingOption]:
    return list(
        RatingOption.objects.filter(scale__charter_id=participation.cycle.charter_id).order_by(
            "order", "points"
        )
    )


def _items(participation: Participation) -> list[AssessmentItem]:
    return list(
        AssessmentItem.objects.filter(participation=participation)
        .select_related("commitment", "self_rating")
        .order_by("commitment__number")
    )


def _heading_cell(cell: Any) -> None:
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDDDDD")
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _text_cell(sheet: Worksheet, row: int, column: int, value: Any, *, editable: bool) -> None:
    cell = sheet.cell(row=row, column=column)
    xlsx_set(cell, value)  # text the landlord wrote, never a formula
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.protection = Protection(locked=not editable)


def self_assessment_workbook(participation: Participation) -> bytes:
    """The landlord's self-assessment as an XLSX workbook to fill in offline and import back.

    A very hidden, protected sheet names the cycle, the landlord and each item's version, so the
    import can recognise another landlord's or another year's file and a file made before a
    change on the website.
    """
    cycle, landlord = participation.cycle, participation.landlord
    scale = _scale(participation)
    items = _items(participation)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    for index, (key, heading) in enumerate(COLUMNS, start=1):
        _heading_cell(sheet.cell(row=1, column=index, value=heading))
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    column_of = {key: index for index, (key, _heading) in enumerate(COLUMNS, start=1)}
    for row, item in enumerate(items, start=2):
        commitment = item.commitment
        values = {
            "number": commitment.number,
            "title": commitment.title,
            "rating": item.self_rating.label if item.self_rating else None,
            "not_applicable": (YES if item.self_not_applicable else NO)
            if commitment.not_applicable_allowed
            else None,
            "not_applicable_reason": item.not_applicable_reason or None,
            "what_we_do": item.what_we_do or None,
            "how_residents_involved": item.how_residents_involved or None,
        }
        for key, value in values.items():
            editable = key in EDITABLE and (
                key not in {"not_applicable", "not_applicable_reason"}
                or commitment.not_applicable_allowed
            )
            _text_cell(sheet, row, column_of[key], value, editable=editable)
            if not editable and key in EDITABLE:
                sheet.cell(row=row, column=column_of[key]).fill = PatternFill(
                    "solid", fgColor="EEEEEE"
                )
    last = len(items) + 1
    sheet.freeze_panes = "C2"
    sheet.protection.sheet = True  # headings, numbers and titles stay put; answers are unlocked
    sheet.protection.formatRows = False  # people may still make rows taller to read long text
    sheet.protection.formatColumns = False

    guidance = book.create_sheet(GUIDANCE_SHEET)
    guidance.column_dimensions["A"].width = 18
    guidance.column_dimensions["B"].width = 90
    lines = [
        f"{landlord.name}: charter self-assessment {cycle.reporting_year}",
        "Fill in the Self-assessment sheet, then import it on the website. You will see every "
        "change before anything is saved, and nothing is saved if any cell has a problem.",
        "Choose each rating from the drop-down. Where a commitment may be not applicable, choose "
        "Yes in Not applicable, leave the rating empty and say why.",
        "Evidence, improvement actions and criterion notes are added on the website.",
        "Do not add or rename sheets: the file carries a hidden note of whose it is.",
    ]
    for row, line in enumerate(lines, start=1):
        guidance.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=False)
    guidance["A1"].font = Font(bold=True, size=14)
    first_scale_row = len(lines) + 2
    _heading_cell(guidance.cell(row=first_scale_row, column=1, value="Rating"))
    _heading_cell(guidance.cell(row=first_scale_row, column=2, value="What it means"))
    for offset, option in enumerate(scale, start=1):
        guidance.cell(row=first_scale_row + offset, column=1, value=option.label)
        cell = guidance.cell(row=first_scale_row + offset, column=2, value=option.description)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guidance.protection.sheet = True

    if scale:
        top, bottom = first_scale_row + 1, first_scale_row + len(scale)
        ratings = DataValidation(
            type="list",
            formula1=f"'{GUIDANCE_SHEET}'!$A${top}:$A${bottom}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not a rating",
            error="Choose a rating from the list (see the Guidance sheet).",
        )
        sheet.add_data_validation(ratings)
        letter = get_column_letter(column_of["rating"])
        ratings.add(f"{letter}2:{letter}{max(last, 2)}")
    yes_no = DataValidation(
        type="list",
        formula1=f'"{YES},{NO}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Yes or No",
        error="Choose Yes or No.",
    )
    sheet.add_data_validation(yes_no)
    letter = get_column_letter(column_of["not_applicable"])
    for row, item in enumerate(items, start=2):
        if item.commitment.not_applicable_allowed:
            yes_no.add(f"{letter}{row}")

    identity = book.create_sheet(IDENTITY_SHEET)
    facts = [
        ("format", FORMAT),
        ("reporting year", cycle.reporting_year),
        ("landlord", landlord.slug),
        ("landlord name", landlord.name),
        ("exported at", timezone.now().isoformat(timespec="seconds")),
    ]
    for row, (key, value) in enumerate(facts, start=1):
        identity.cell(row=row, column=1, value=key)
        identity.cell(row=row, column=2, value=value)
    start = len(facts) + 2
    identity.cell(row=start, column=1, value="commitment")
    identity.cell(row=start, column=2, value="version")
    for offset, item in enumerate(items, start=1):
        identity.cell(row=start + offset, column=1, value=item.commitment.number)
        identity.cell(row=start + offset, column=2, value=item.version)
    identity.sheet_state = "veryHidden"
    identity.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    book.active = 0

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def self_assessment_filename(participation: Participation) -> str:
    return (
        f"self-assessment-{participation.cycle.reporting_year}-{participation.landlord.slug}.xlsx"
    )


# Reading ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return _newlines(str(value)).strip()


def _newlines(text: str) -> str:
    """One kind of line break: browsers send CR LF, and spreadsheet files keep only LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _yes_no(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = _squash(_text(value))
    if text in {"", "no", "n", "false", "0"}:
        return False
    if text in {"yes", "y", "true", "1", "x"}:
        return True
    return None


def _commitment_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    return int(text) if text.isdigit() else None


def _check_zip(data: bytes) -> list[Problem]:
    whole = "The file is not an Excel workbook (.xlsx). Export your spreadsheet from the "
    whole += "website, fill it in and save it as an Excel workbook."
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [Problem("", None, "", whole)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Problem("", None, "", whole)]
    if "xl/workbook.xml" not in names:
        return [Problem("", None, "", whole)]
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        return [Problem("", None, "", "The workbook is far too large to be a self-assessment.")]
    return []


def self_assessment_read(data: bytes) -> ReadSheet:
    """Read an uploaded workbook's identity and rows. Raises `SheetError` with every problem
    found in the file itself (the database is not consulted here)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetError([Problem("", None, "", "The file is larger than 5 MB.")])
    problems = _check_zip(data)
    if problems:
        raise SheetError(problems)
    try:
        book = read_tabular_file(data, as_csv=False)
    except FileProblemsError as error:  # unreadable, too large, or not safe to read
        raise SheetError(error.problems) from error
    for sheet in book.sheets:
        if sheet.name in (IDENTITY_SHEET, SHEET) and sheet.error:
            reason = f"The workbook is damaged and cannot be read ({sheet.error})."
            raise SheetError([Problem("", None, "", reason)])
    return _read_book({sheet.name: sheet.rows for sheet in book.sheets})


def _read_book(book: dict[str, list[list[Any]]]) -> ReadSheet:
    if IDENTITY_SHEET not in book or SHEET not in book:
        missing = IDENTITY_SHEET if IDENTITY_SHEET not in book else SHEET
        raise SheetError(
            [
                Problem(
                    "",
                    None,
                    "",
                    f"This is not a self-assessment spreadsheet from this website: it has no "
                    f"“{missing}” sheet. Export your spreadsheet from the website and fill that "
                    "in.",
                )
            ]
        )
    facts: dict[str, Any] = {}
    versions: dict[int, int] = {}
    in_versions = False
    for values in book[IDENTITY_SHEET][:MAX_ROWS]:
        key, value = (*values, None, None)[:2]
        if key == "commitment":
            in_versions = True
            continue
        if in_versions:
            number, version = _commitment_number(key), _commitment_number(value)
            if number is not None and version is not None:
                versions[number] = version
        elif key:
            facts[str(key)] = _text(value)
    if facts.get("format") != FORMAT:
        raise SheetError(
            [
                Problem(
                    IDENTITY_SHEET,
                    1,
                    "B",
                    "The file does not say which self-assessment it is. Export a new "
                    "spreadsheet from the website.",
                )
            ]
        )
    rows, problems = _read_rows(book[SHEET])
    return ReadSheet(
        reporting_year=facts.get("reporting year", ""),
        landlord_slug=facts.get("landlord", ""),
        exported_versions=versions,
        exported_at=facts.get("exported at", ""),
        rows=rows,
        problems=problems,
    )


def _read_rows(sheet: list[list[Any]]) -> tuple[list[SheetRow], list[Problem]]:
    problems: list[Problem] = []
    header = sheet[0] if sheet else []
    by_heading = {_squash(_text(value)): index for index, value in enumerate(header) if value}
    position: dict[str, int] = {}
    for key, heading in COLUMNS:
        if key == "title":
            continue
        if _squash(heading) in by_heading:
            position[key] = by_heading[_squash(heading)]
        else:
            problems.append(
                Problem(SHEET, 1, "", f"There is no “{heading}” column heading in row 1.")
            )
    if problems:
        raise SheetError(problems)
    letters = {key: get_column_letter(index + 1) for key, index in position.items()}
    rows: list[SheetRow] = []
    # The reader has already refused a sheet reaching further than its limits (see
    # core/files/tabular.py), so every row here is one the file holds.
    for row_number, values in enumerate(sheet[1:], start=2):

        def cell(key: str, values: Sequence[Any] = values) -> Any:
            index = position[key]
            return values[index] if index < len(values) else None

        if all(_text(cell(key)) == "" for key in position):
            continue
        if len(rows) == MAX_ROWS:
            problems.append(
                Problem(SHEET, row_number, "", f"The sheet has more than {MAX_ROWS} filled rows.")
            )
            break
        number = _commitment_number(cell("number"))
        if number is None:
            shown = _text(cell("number"))
            problems.append(
                Problem(
                    SHEET,
                    row_number,
                    letters["number"],
                    f"“{shown}” is not a commitment number."
                    if shown
                    else "The commitment number is missing.",
                )
            )
        for key in TEXT_KEYS:
            written = cell(key)
            if isinstance(written, str) and len(written) >= SPREADSHEET_CELL_LIMIT:
                problems.append(
                    Problem(
                        SHEET,
                        row_number,
                        letters[key],
                        f"The “{HEADINGS[key]}” cell holds {len(written):,} characters, as many "
                        "as a spreadsheet cell can: the text was probably cut short when the file "
                        "was saved, and importing it would lose the rest. Shorten the text (on "
                        "the website, or in the cell) and upload the file again.",
                    )
                )
        na_value = cell("not_applicable")
        rows.append(
            SheetRow(
                row=row_number,
                number=number,
                rating=_text(cell("rating")),
                not_applicable=_yes_no(na_value),
                not_applicable_text=_text(na_value),
                not_applicable_reason=_text(cell("not_applicable_reason")),
                what_we_do=_text(cell("what_we_do")),
                how_residents_involved=_text(cell("how_residents_involved")),
                columns=letters,
            )
        )
    return rows, problems


# Checking against what is saved ----------------------------------------------------------------


def item_open_for_self_assessment(item: AssessmentItem, stage: str) -> str:
    """Why the landlord cannot change this item's self-assessment now, or "" if it can."""
    reopened = item.reopened_for == Stage.SELF_ASSESSMENT
    if stage != Stage.SELF_ASSESSMENT and not reopened:
        return (
            f"the cycle is at “{Stage(stage).label}”: self-assessments change only during the "
            "self-assessment stage, or when the council reopens a commitment"
        )
    if item.participation.submitted_at and not reopened:
        return "the self-assessment has been signed off and submitted"
    return ""


def _rating_lookup(scale: Iterable[RatingOption]) -> dict[str, RatingOption]:
    lookup: dict[str, RatingOption] = {}
    for option in scale:
        lookup[_squash(option.label)] = option
        lookup.setdefault(_squash(option.code), option)
        lookup.setdefault(_squash(option.code.replace("_", " ")), option)
    return lookup


def _shown(value: Any) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    if isinstance(value, RatingOption):
        return value.label
    return _newlines(value or "")


def self_assessment_plan(
    *,
    participation: Participation,
    rows: list[SheetRow],
    reporting_year: str,
    landlord_slug: str,
    exported_versions: dict[int, int],
) -> ImportPlan:
    """Check rows against the landlord's saved items: every problem, and every change."""
    participation = Participation.objects.select_related("cycle", "landlord").get(
        pk=participation.pk
    )
    cycle, landlord = participation.cycle, participation.landlord
    problems: list[Problem] = []
    if reporting_year != cycle.reporting_year:
        problems.append(
            Problem(
                IDENTITY_SHEET,
                2,
                "B",
                f"This spreadsheet is for the {reporting_year or 'unknown'} cycle, not "
                f"{cycle.reporting_year}. Export the {cycle.reporting_year} spreadsheet and "
                "fill that in.",
            )
        )
    if landlord_slug != landlord.slug:
        problems.append(
            Problem(
                IDENTITY_SHEET,
                3,
                "B",
                f"This spreadsheet belongs to another landlord, not {landlord.name}. Export "
                "your own spreadsheet and fill that in.",
            )
        )
    items = _items(participation)
    for item in items:
        item.participation = participation  # the stage check reads it; saves a query per item
    versions = {item.pk: item.version for item in items}
    if problems:
        return ImportPlan(participation, [], 0, [], problems, versions)
    by_number = {item.commitment.number: item for item in items}
    scale = _scale(participation)
    ratings = _rating_lookup(scale)
    choices = ", ".join(option.label for option in scale)
    stage = services.cycle_stage(cycle)
    charter_numbers = set(cycle.charter.commitments.values_list("number", flat=True))
    seen: dict[int, int] = {}
    changes: list[RowChange] = []
    unchanged = 0
    for row in rows:
        row_problems: list[Problem] = []

        def problem(key: str, reason: str, row: SheetRow = row, out: list = row_problems) -> None:
            out.append(Problem(SHEET, row.row, row.columns.get(key, ""), reason))

        if row.number is None:
            continue  # reported when the file was read
        found = by_number.get(row.number)
        if row.number in seen:
            problem(
                "number",
                f"Commitment {row.number} is already in row {seen[row.number]}: give each "
                "commitment one row.",
            )
            problems.extend(row_problems)
            continue
        seen[row.number] = row.row
        if found is None:
            if row.number in charter_numbers:
                reason = (
                    f"Commitment {row.number} is the council's alone: landlords do not assess it."
                )
            else:
                reason = f"There is no commitment {row.number} in the charter this cycle uses."
            problem("number", reason)
            problems.extend(row_problems)
            continue
        item = found
        commitment = item.commitment
        rating: RatingOption | None = None
        if row.rating:
            rating = ratings.get(_squash(row.rating))
            if rating is None:
                problem("rating", f"“{row.rating}” is not a rating: choose {choices}.")
        not_applicable = bool(row.not_applicable)
        if row.not_applicable is None:
            problem(
                "not_applicable",
                f"“{row.not_applicable_text}” is not Yes or No.",
            )
        elif not_applicable and not commitment.not_applicable_allowed:
            problem(
                "not_applicable",
                f"Commitment {commitment.number} cannot be marked not applicable.",
            )
        elif not_applicable:
            if row.rating:
                problem(
                    "rating",
                    "Leave the rating empty when the commitment is marked not applicable.",
                )
            if not row.not_applicable_reason:
                problem(
                    "not_applicable_reason",
                    "Say why the commitment is not applicable.",
                )
        elif row.not_applicable_reason:
            problem(
                "not_applicable_reason",
                "A reason is given but the commitment is not marked not applicable: choose Yes "
                "in Not applicable, or clear the reason.",
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        reason = row.not_applicable_reason if not_applicable else ""
        after: dict[str, Any] = {
            "rating": rating,
            "not_applicable": not_applicable,
            "not_applicable_reason": reason,
            "what_we_do": row.what_we_do,
            "how_residents_involved": row.how_residents_involved,
        }
        before = {
            "rating": item.self_rating,
            "not_applicable": item.self_not_applicable,
            "not_applicable_reason": item.not_applicable_reason,
            "what_we_do": item.what_we_do,
            "how_residents_involved": item.how_residents_involved,
        }
        field_changes = [
            FieldChange(FIELD_LABELS[key], _shown(before[key]), _shown(after[key]))
            for key in FIELD_LABELS
            if _shown(before[key]) != _shown(after[key])
        ]
        if not field_changes:
            unchanged += 1
            continue
        first = next(key for key in FIELD_LABELS if _shown(before[key]) != _shown(after[key]))
        for key in TEXT_KEYS:  # text that would be saved follows the forms' rules
            refusal = text_refusal(after[key], label=f"“{HEADINGS[key]}”", multiline=True)
            if refusal and _shown(before[key]) != _shown(after[key]):
                problem(key, f"{refusal}.")
        closed = item_open_for_self_assessment(item, stage)
        if closed:
            problem(first, f"Commitment {commitment.number} cannot be changed now: {closed}.")
        exported = exported_versions.get(commitment.number)
        if not closed and exported is not None and exported != item.version:
            problem(
                first,
                f"Commitment {commitment.number} was changed on the website after this "
                "spreadsheet was exported, so importing it would overwrite that change. Export "
                "a new spreadsheet and copy your answers into it.",
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        changes.append(
            RowChange(
                item=item,
                sheet_row=row,
                rating=rating,
                not_applicable=not_applicable,
                not_applicable_reason=reason,
                what_we_do=row.what_we_do,
                how_residents_involved=row.how_residents_involved,
                changes=field_changes,
            )
        )
    not_in_sheet = sorted(set(by_number) - set(seen))
    return ImportPlan(
        participation, changes, unchanged, not_in_sheet, _in_order(problems), versions
    )


def self_assessment_preview(*, participation: Participation, data: bytes) -> ImportPlan:
    """Read an uploaded workbook and check it against what is saved; nothing is changed."""
    sheet = self_assessment_read(data)
    plan = self_assessment_plan(
        participation=participation,
        rows=sheet.rows,
        reporting_year=sheet.reporting_year,
        landlord_slug=sheet.landlord_slug,
        exported_versions=sheet.exported_versions,
    )
    # One problem per cell: the one found reading the file (a cell cut short is also too long).
    read = {(p.sheet, p.row, p.column) for p in sheet.problems}
    checked = [p for p in plan.problems if (p.sheet, p.row, p.column) not in read]
    plan.problems = _in_order(sheet.problems + checked)
    return plan


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.sheet != SHEET, p.row or 0, p.column))


# Keeping a preview between the two requests --------------------------------------------------


def preview_token(plan: ImportPlan, *, user: Any) -> str:
    """A signed token holding the rows the preview showed, bound to the person, the landlord's
    participation and every item's version at the time of the preview. It is not secret (it
    holds only what the person uploaded), but it cannot be altered."""
    payload = {
        "user": user.pk,
        "participation": plan.participation.pk,
        "versions": {str(pk): version for pk, version in plan.versions.items()},
        "year": plan.participation.cycle.reporting_year,
        "landlord": plan.participation.landlord.slug,
        "exported": {
            str(change.item.commitment.number): plan.versions[change.item.pk]
            for change in plan.changes
        },
        "rows": [change.sheet_row.to_payload() for change in plan.changes],
    }
    return signing.dumps(payload, salt=PREVIEW_SALT, compress=True)


def self_assessment_import_apply(
    *, participation: Participation, user: Any, token: str
) -> ImportPlan:
    """Apply a previewed import: all of it through `services.item_self_assess`, or none of it.

    Refuses with `PreviewOutdatedError` if any item changed since the preview (or the token is not
    this person's, or too old), and with `SheetError` if a check now fails (say the stage
    moved on); either way nothing is changed.
    """
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired as error:
        raise PreviewOutdatedError(
            "The preview is more than two hours old. Upload the spreadsheet again."
        ) from error
    except signing.BadSignature as error:
        raise PreviewOutdatedError(
            "The preview could not be read. Upload the spreadsheet again."
        ) from (error)
    if payload.get("user") != user.pk or payload.get("participation") != participation.pk:
        raise PreviewOutdatedError("That preview was not made here. Upload the spreadsheet again.")
    rows = [SheetRow.from_payload(row) for row in payload["rows"]]
    with transaction.atomic():
        # Lock the landlord's items so that nobody saves one between the check and the writes.
        locked = AssessmentItem.objects.select_for_update().filter(participation=participation)
        current = {str(pk): version for pk, version in locked.values_list("pk", "version")}
        if current != payload["versions"]:
            raise PreviewOutdatedError(
                "Someone changed this self-assessment after your preview, so nothing was "
                "imported. Upload the spreadsheet again to see the changes against the newer "
                "version."
            )
        plan = self_assessment_plan(
            participation=participation,
            rows=rows,
            reporting_year=payload["year"],
            landlord_slug=payload["landlord"],
            exported_versions={int(k): v for k, v in payload["exported"].items()},
        )
        if plan.problems:
            raise SheetError(plan.problems)
        for change in plan.changes:
            try:
                services.item_self_assess(
                    item=change.item,
                    version=plan.versions[change.item.pk],
                    rating=change.rating,
                    not_applicable=change.not_applicable,
                    not_applicable_reason=change.not_applicable_reason,
                    what_we_do=change.what_we_do,
                    how_residents_involved=change.how_residents_involved,
                )
            except services.StaleItemError as error:
                raise PreviewOutdatedError(error.messages[0]) from error
            except ValidationError as error:
                # Reached only if the service's own rules differ from the checks above; the
                # transaction is rolled back so nothing of the import is kept.
                raise SheetError(
                    [
                        Problem(SHEET, change.sheet_row.row, "", message)
                        for message in error.messages
                    ]
                ) from error
    return plan


# The council's export of a whole cycle --------------------------------------------------------


def _label(option: RatingOption | None, not_applicable: bool = False) -> str:
    if not_applicable:
        return "Not applicable"
    return option.label if option else ""


def _when(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def cycle_export_rows(
    cycle: AssessmentCycle, *, include_private: bool
) -> tuple[list[str], list[list[Any]]]:
    """A row per landlord × commitment: the self-assessment, the council's rating and public
    feedback (and private notes only when asked), the reply, the final result and what residents
    said. A fixed number of queries whatever the size of the cycle."""
    headings = [
        "Landlord",
        "Landlord code",
        "Commitment",
        "Title",
        "Submitted",
        "Self-assessment rating",
        "Why it is not applicable",
        "What we do",
        "How residents were involved",
        "Public evidence",
        "Private evidence",
        "Council reviewer",
        "Council rating",
        "Council feedback (public)",
    ]
    if include_private:
        headings.append("Council private notes")
    headings += [
        "Reply",
        "Reply reason",
        "Final rating",
        "Final rationale",
        "Moderated",
        "Reopened for",
    ]
    headings += [f"Residents: {answer.label}" for answer in RealityAnswer]
    items = (
        AssessmentItem.objects.filter(participation__cycle=cycle)
        .select_related(
            "landlord",
            "commitment",
            "participation__reviewer",
            "self_rating",
            "council_rating",
            "final_rating",
        )
        .annotate(
            public_evidence=Count(
                "evidence",
                filter=Q(evidence__removed_at__isnull=True, evidence__is_public=True),
                distinct=True,
            ),
            private_evidence=Count(
                "evidence",
                filter=Q(evidence__removed_at__isnull=True, evidence__is_public=False),
                distinct=True,
            ),
        )
        .order_by("landlord__name", "commitment__number")
    )
    from .selectors import reality_counts

    items_list = list(items)
    residents = reality_counts(item.pk for item in items_list)
    replies = dict(ReplyPosition.choices)
    stages = dict(Stage.choices)
    rows: list[list[Any]] = []
    for item in items_list:
        participation = item.participation
        reviewer = participation.reviewer
        row: list[Any] = [
            item.landlord.name,
            item.landlord.slug,
            item.commitment.number,
            item.commitment.title,
            _when(participation.submitted_at),
            _label(item.self_rating, item.self_not_applicable),
            item.not_applicable_reason,
            item.what_we_do,
            item.how_residents_involved,
            item.public_evidence,
            item.private_evidence,
            (reviewer.full_name or reviewer.email) if reviewer else "",
            _label(item.council_rating),
            item.council_feedback,
        ]
        if include_private:
            row.append(item.council_private_notes)
        row += [
            str(replies.get(item.reply_position, "")),
            item.reply_reason,
            _label(item.final_rating, item.final_not_applicable),
            item.final_rationale,
            _when(item.moderated_at),
            str(stages.get(item.reopened_for, "")),
        ]
        counts: Counter[str] = residents.get(item.pk, Counter())
        row += [counts.get(answer.value, 0) for answer in RealityAnswer]
        rows.append(row)
    return headings, rows


def cycle_export_filename(cycle: AssessmentCycle, extension: str, *, include_private: bool) -> str:
    suffix = "-with-private-notes" if include_private else ""
    return f"charter-assessment-{cycle.reporting_year}{suffix}.{extension}"


def cycle_export_xlsx(cycle: AssessmentCycle, *, include_private: bool) -> bytes:
    headings, rows = cycle_export_rows(cycle, include_private=include_private)
    book = Workbook(write_only=True)
    about = book.create_sheet("About")
    stage = services.cycle_stage(cycle)
    for line in (
        [f"Charter assessment {cycle.reporting_year}"],
        [f"Stage when exported: {Stage(stage).label}"],
        [f"Exported {timezone.localtime().strftime('%d %B %Y %H:%M')}"],
        [
            "COUNCIL ONLY: includes the council's private notes. Do not share or publish."
            if include_private
            else "Council staff: no private notes, but unpublished ratings and drafts."
        ],
        ["Synthetic demonstration data." if cycle.is_demo else ""],
    ):
        about.append(line)
    sheet = book.create_sheet("Assessment")
    sheet.freeze_panes = "E2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{len(rows) + 1}"
    sheet.append(headings)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cycle_export_csv(cycle: AssessmentCycle, *, include_private: bool, out: IO[str]) -> None:
    headings, rows = cycle_export_rows(cycle, include_private=include_private)
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(csv_row(row))
