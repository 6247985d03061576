"""TSM test fixtures: the real 2023-24 release imported once per session, and a builder for
small synthetic workbooks shaped like the regulator's."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook

REAL_FILE = (
    Path(__file__).resolve().parents[3] / "shared/data/tsm/rsh_tsm_2023-24_full_data_v1.1.xlsx"
)
if not REAL_FILE.exists():  # the tree may sit elsewhere; the shared data lives at a fixed place
    REAL_FILE = Path("/work/shared/data/tsm/rsh_tsm_2023-24_full_data_v1.1.xlsx")

needs_real_file = pytest.mark.skipif(
    not REAL_FILE.exists(), reason=f"the regulator's 2023-24 workbook is not at {REAL_FILE}"
)


@pytest.fixture(scope="session")
def real_release(django_db_setup, django_db_blocker):
    """The real 2023-24 release, imported once for the whole session (it takes a second or two)."""
    if not REAL_FILE.exists():
        pytest.skip(f"the regulator's 2023-24 workbook is not at {REAL_FILE}")
    from residentvoice.tsm.services import tsm_release_import

    with django_db_blocker.unblock():
        return tsm_release_import(path=REAL_FILE).release


# The landlords kept in the trimmed copy of the real workbook: the four founding landlords, the
# first two dozen in the rental sheet, those whose figures carry the regulator's markers, some
# shared-ownership surveys and both combined ones. A few dozen landlords keep each import quick.
TRIMMED_CODES = {
    "L4279",
    "4849",
    "L4517",
    "L0514",
    "00AZ",
    "17UK",
    "4687",
    "4668",
    "4636",
    "45UC",
    "L4240",
    "L4172",
    "LH4095",
    "L4393",
    "LH3887",
    "LH4087",
    "LH3859",
    "H1046",
}
TRIMMED_FIRST = 24


@pytest.fixture(scope="session")
def real_workbook_rows() -> list[tuple[str, list[list[object]]]]:
    """Every sheet of the real 2023-24 workbook as rows of cells, read once per session."""
    if not REAL_FILE.exists():
        pytest.skip(f"the regulator's 2023-24 workbook is not at {REAL_FILE}")
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(REAL_FILE))
    return [
        (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in book.sheet_names
    ]


def _trimmed_rows(rows: list[list[object]], keep: set[str]) -> list[list[object]]:
    """The rows above the header, the header, the kept landlords' rows and the notes below."""
    from residentvoice.tsm.workbook import find_header_row, is_code_header, landlord_code

    header = find_header_row(rows)
    if header is None:
        return rows
    code_index = next(i for i, cell in enumerate(rows[header]) if is_code_header(cell))
    kept = rows[: header + 1]
    for row in rows[header + 1 :]:
        code = landlord_code(row[code_index]) if code_index < len(row) else ""
        if not code or code in keep:
            kept.append(row)
    return kept


@pytest.fixture(scope="session")
def trimmed_real_workbook(real_workbook_rows, tmp_path_factory) -> Path:
    """A copy of the real workbook with every sheet, column, header and note, cut down to a few
    dozen landlords (so that each altered copy imports in a fraction of a second)."""
    from openpyxl import Workbook as WriteWorkbook

    from residentvoice.tsm.workbook import find_header_row, is_code_header, landlord_code

    keep = set(TRIMMED_CODES)
    for name, rows in real_workbook_rows:
        if "LCRA_Perception" in name:
            header = find_header_row(rows)
            assert header is not None
            code_index = next(i for i, c in enumerate(rows[header]) if is_code_header(c))
            keep |= {landlord_code(row[code_index]) for row in rows[header + 1 :][:TRIMMED_FIRST]}
    book = WriteWorkbook(write_only=True)
    for name, rows in real_workbook_rows:
        sheet = book.create_sheet(name)
        for row in _trimmed_rows(rows, keep):
            sheet.append([None if cell == "" else cell for cell in row])
    path = tmp_path_factory.mktemp("real") / "rsh_tsm_2023-24_trimmed.xlsx"
    book.save(path)
    return path


ANSWER_WORDS = (
    "very satisfied",
    "fairly satisfied",
    "neither satisfied nor dissatisfied",
    "fairly dissatisfied",
    "very dissatisfied",
)
PERCEPTION = {
    "LCRA": [
        "TP01",
        "TP02",
        "TP03",
        "TP04",
        "TP05",
        "TP06",
        "TP07",
        "TP08",
        "TP09",
        "TP10",
        "TP11",
        "TP12",
    ],
    "LCHO": ["TP01", "TP05", "TP06", "TP07", "TP08", "TP09", "TP10", "TP11", "TP12"],
}
MANAGEMENT = [
    "BS01",
    "BS02",
    "BS03",
    "BS04",
    "BS05",
    "RP01",
    "RP02 1",
    "RP02 2",
    "NM01 1",
    "NM01 2",
]
COMPLAINTS = ["CH01 1", "CH01 2", "CH02 1", "CH02 2"]


def perception_sheet(
    population: str,
    landlords: list[tuple[str, str, list[int]]],
    *,
    shuffle: bool = False,
    extra_columns: bool = False,
    marker_cell: tuple[str, str, object] | None = None,
) -> tuple[list[str], list[list[object]]]:
    """Headers and rows: each landlord has (code, name, five counts used for every measure)."""
    headers = [
        "Landlord name",
        "Landlord code",
        "Landlord type",
        f"Relevant tenant population size ({population})",
        "Total sample size achieved",
        "Estimated margin of error achieved2 %",
    ]
    for code in PERCEPTION[population]:
        headers.append(f"Proportion of respondents who report that they are satisfied ({code})")
        for words in ANSWER_WORDS:
            # TP05 and TP06 blocks carry each other's wording, as in the real 2023-24 file.
            topic = {"TP05": "listens to views", "TP06": "keeps a safe home"}.get(code, "service")
            headers.append(
                f"Number of respondents who report that they are {words} with {topic} ({code})"
            )
    if extra_columns:
        headers += ["Survey contractor", "A column added in a later year", "Fieldwork period"]
    rows = []
    for code, name, counts in landlords:
        values: dict[str, object] = {
            "Landlord name": name,
            "Landlord code": code,
            "Landlord type": "PRP",
            headers[3]: 5000,
            "Total sample size achieved": sum(counts),
            "Estimated margin of error achieved2 %": 4.1,
            "Survey contractor": "Acme Research",
            "A column added in a later year": "[S]",
            "Fieldwork period": "Autumn",
        }
        result = (counts[0] + counts[1]) / sum(counts) * 100
        for header in headers:
            if header.startswith("Proportion"):
                values[header] = result
            elif header.startswith("Number"):
                index = next(i for i, w in enumerate(ANSWER_WORDS) if f"are {w} " in header)
                values[header] = counts[index]
        if marker_cell and marker_cell[0] == code:
            target = next(
                h for h in headers if h.startswith("Proportion") and f"({marker_cell[1]})" in h
            )
            values[target] = marker_cell[2]
        rows.append([values.get(h) for h in headers])
    if shuffle:
        order = list(range(len(headers)))
        random.Random(7).shuffle(order)
        headers = [headers[i] for i in order]
        rows = [[row[i] for i in order] for row in rows]
    return headers, rows


def management_sheet(
    landlords: list[tuple[str, str, list[int]]],
) -> tuple[list[str], list[list[object]]]:
    headers = [
        "Landlord name",
        "Landlord code",
        "Landlord type",
        "Landlord group size (homes owned)",
    ]
    for code in MANAGEMENT:
        headers.append(f"Proportion for ({code})")
    for code in COMPLAINTS:
        headers.append(f"LCRA - Figure for ({code})")
    for code in MANAGEMENT + COMPLAINTS:
        prefix = "LCRA - " if code in COMPLAINTS else ""
        headers.append(f"{prefix}Part A ({code} Numerator)")
        headers.append(f"{prefix}Part B ({code} Denominator)")
    rows = []
    for code, name, _counts in landlords:
        row: list[object] = [name, code, "PRP", "<5,000"]
        for measure in MANAGEMENT + COMPLAINTS:
            scale = 1000 if measure.startswith(("CH01", "NM01")) else 100
            row.append(90 / 120 * scale)
        for _measure in MANAGEMENT + COMPLAINTS:
            row += [90, 120]
        rows.append(row)
    return headers, rows


def write_sheet(
    workbook: Workbook,
    title: str,
    headers: list[str],
    rows: list[list[object]],
    *,
    header_row: int = 3,
) -> None:
    sheet = workbook.create_sheet(title)
    sheet.cell(row=1, column=1, value=title)
    sheet.cell(row=2, column=1, value="Go back to contents")
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=header_row, column=column, value=header)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=header_row + offset, column=column, value=value)
    notes_row = header_row + len(rows) + 2
    sheet.cell(row=notes_row, column=1, value="Notes:")
    sheet.cell(
        row=notes_row + 1,
        column=1,
        value="1. Where a response is not required, this appears as [Z].",
    )


def build_workbook(
    path: Path,
    *,
    year_start: int = 2024,
    landlords: list[tuple[str, str, list[int]]] | None = None,
    shuffle: bool = False,
    extra_columns: bool = False,
    marker_cell: tuple[str, str, object] | None = None,
    header_row: int = 3,
    prefix: str | None = None,
    skip_measure: str | None = None,
) -> Path:
    """A small workbook shaped like the regulator's, for the year from 1 April `year_start`."""
    landlords = landlords or [
        ("L9001", "First Test Homes", [40, 30, 10, 10, 10]),
        ("4321", "Second Test Housing", [10, 20, 30, 20, 20]),
        ("L9003", "Third Test Trust", [5, 5, 5, 5, 0]),
    ]
    tag = prefix or f"TSM{(year_start + 1) % 100:02d}"
    workbook = Workbook()
    intro = workbook.active
    intro.title = "Introduction"
    intro["A1"] = f"Tenant Satisfaction Measures {year_start + 1} - Dataset"
    intro["A2"] = (
        f"The information presented here relates to the reporting year 1 April {year_start} "
        f"to 31 March {year_start + 1}."
    )
    for population in ("LCRA", "LCHO"):
        headers, rows = perception_sheet(
            population,
            landlords,
            shuffle=shuffle,
            extra_columns=extra_columns,
            marker_cell=marker_cell,
        )
        if skip_measure:
            keep = [i for i, h in enumerate(headers) if f"({skip_measure})" not in h]
            headers = [headers[i] for i in keep]
            rows = [[row[i] for i in keep] for row in rows]
        write_sheet(
            workbook, f"{tag}_{population}_Perception", headers, rows, header_row=header_row
        )
    headers, rows = management_sheet(landlords)
    write_sheet(workbook, f"{tag}_Management_Info", headers, rows, header_row=header_row)
    workbook.save(path)
    return path


def damage_sheet(path: Path, sheet_name: str) -> Path:
    """A copy of the workbook with the named sheet's XML cut short, as an interrupted download
    or a failing disk leaves it; the other sheets stay whole."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as source:
        sheets = ElementTree.fromstring(source.read("xl/workbook.xml")).iter(f"{main}sheet")
        rel_id = next(s.get(relationship) for s in sheets if s.get("name") == sheet_name)
        links = ElementTree.fromstring(source.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target", "") for r in links if r.get("Id") == rel_id)
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    damaged = path.with_name(f"damaged-{path.name}")
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as copy:
        for item, data in items:
            copy.writestr(item, data[: len(data) // 2] if item.filename == member else data)
    return damaged
