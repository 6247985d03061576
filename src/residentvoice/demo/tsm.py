"""The real 2023-24 Tenant Satisfaction Measures in the demonstration, from a small extract of the
regulator's release shipped in `data/` (Open Government Licence v3.0, attributed in the file).

The extract keeps every landlord in England, so the benchmarks on the demonstration's pages are
the national ones, but only the columns the pages use: who the landlord is, its survey facts and
each published value, rounded to four decimal places, and the denominator of each management
measure (benchmarks leave out a value whose denominator is zero). Answer counts, unweighted and
by-method figures and the regulator's notes are left out; numerators and the wording of survey
facts are kept for the four founding landlords only (a numerator given as a marker such as [X]
is kept for everyone: it is why a value has no figure). It is read by the
same importer as the full file, and `extract_write` makes it again from a full release:

    from residentvoice.demo.tsm import extract_write
    extract_write(source=Path("rsh_tsm_2023-24_full_data_v1.1.xlsx"), target=TSM_EXTRACT)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from residentvoice.core.files.tabular import read_tabular_file
from residentvoice.organisations.models import Landlord
from residentvoice.tsm.models import TsmRelease
from residentvoice.tsm.services import (
    regulator_code_link,
    regulator_landlord_assign,
    tsm_release_import,
)
from residentvoice.tsm.workbook import (
    MARKER,
    PERCEPTION_ROLES,
    SheetRole,
    classify_management_header,
    classify_perception_header,
    clean_text,
    find_header_row,
    reporting_year_from,
    role_from_name,
)

TSM_EXTRACT = Path(__file__).parent / "data" / "tsm_2023-24_extract.xlsx"
EXTRACT_YEAR = "2023-24"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Regulator of Social Housing, Tenant Satisfaction Measures 2024 - Dataset "
    "(version 1.1), reporting year 1 April 2023 to 31 March 2024. This is an extract made by "
    "Resident Voice for its demonstration: every landlord, fewer columns, figures rounded to "
    "four decimal places."
)
# MTVH reported 2023-24 as Thames Valley Housing Association (L0514); the borough records it
# under its later code L0726, so the two are linked for year-on-year series.
CODE_LINKS = (("L0514", "L0726", "2024-25", "MTVH: Thames Valley Housing Association, then MHT"),)
# Regulator codes under which a borough landlord reported, when it is not its own code.
EARLIER_CODES = {"L0514": "L0726"}

# Which columns the extract keeps, by what the importer makes of their headers.
PERCEPTION_KEEP = {"landlord", "survey", "value"}
MANAGEMENT_KEEP = {"landlord", "value", "numerator", "denominator"}
LANDLORD_KEEP = {"name", "code", "landlord_type", "size_band", "region"}
# Survey facts kept for every landlord; the others (contractor, weighting…) only for these.
SURVEY_FACTS_FOR_ALL = {"population_size", "required_sample", "achieved_sample", "margin_of_error"}
FOUNDING_CODES = {"L4279", "4849", "L4517", "L0514"}
DECIMALS = 4


@dataclass
class DemoTsmResult:
    imported: bool = False
    release: str = ""
    created: list[str] = field(default_factory=list)


def demo_tsm_load(*, path: Path = TSM_EXTRACT) -> DemoTsmResult:
    """Import the extract unless the year already has a release (the full file, say), then link
    the founding landlords' codes; loading twice changes nothing."""
    result = DemoTsmResult()
    release = TsmRelease.objects.filter(reporting_year=EXTRACT_YEAR, replaced_at__isnull=True)
    current = release.first()
    if current is None:
        imported = tsm_release_import(
            path=path, version_note="Demonstration extract of the regulator's release"
        )
        current = imported.release
        result.imported = imported.created
        if imported.created:
            result.created.append(f"TSM release {current.reporting_year}")
    result.release = current.source_name
    for earlier, later, from_year, note in CODE_LINKS:
        regulator_code_link(earlier_code=earlier, later_code=later, from_year=from_year, note=note)
    borough = {
        landlord.regulator_code: landlord
        for landlord in Landlord.objects.filter(regulator_code__in=EARLIER_CODES.values())
    }
    for earlier, own_code in EARLIER_CODES.items():
        if own_code in borough:
            regulator_landlord_assign(code=earlier, landlord=borough[own_code])
    return result


def _kept_columns(role: SheetRole, headers: list[str]) -> tuple[list[int], set[int]]:
    """The columns kept, and those of them kept only for the founding landlords."""
    classify = (
        classify_perception_header if role in PERCEPTION_ROLES else classify_management_header
    )
    keep = PERCEPTION_KEEP if role in PERCEPTION_ROLES else MANAGEMENT_KEEP
    kept, founding_only = [], set()
    for index, header in enumerate(headers):
        if not header:
            continue
        column = classify(index, header)
        if column.target == "landlord" and column.name not in LANDLORD_KEEP:
            continue
        if column.target in keep:
            kept.append(index)
            if column.target == "survey" and column.name not in SURVEY_FACTS_FOR_ALL:
                founding_only.add(index)
            # Benchmarks need every denominator (a zero one is left out), not every numerator.
            if column.target == "numerator":
                founding_only.add(index)
    return kept, founding_only


def extract_write(*, source: Path, target: Path) -> Path:
    """Write the demonstration extract from the regulator's full workbook (see the docstring)."""
    full = read_tabular_file(source, as_csv=False)
    texts: list[str] = []
    extract = Workbook()
    intro = extract.active
    assert intro is not None
    intro.title = "Introduction"
    for read in full.sheets:
        name, rows = read.name, read.rows
        texts.extend(clean_text(c) for row in rows[:20] for c in row[:2] if isinstance(c, str))
        role = role_from_name(name)
        header_row = find_header_row(rows)
        keep_roles = (*PERCEPTION_ROLES, SheetRole.MANAGEMENT)
        if role not in keep_roles or header_row is None:
            continue
        headers = [clean_text(h) for h in rows[header_row]]
        kept, founding_only = _kept_columns(role, headers)
        sheet = extract.create_sheet(name)
        sheet.append([name])
        sheet.append([])
        sheet.append([headers[i] for i in kept])
        code_index = headers.index("Landlord code")
        for row in rows[header_row + 1 :]:
            code = clean_text(row[code_index] if code_index < len(row) else "").upper()
            if not code:
                break  # the notes under the table
            sheet.append(
                [
                    _cell(row[i])
                    if i < len(row)
                    and (code in FOUNDING_CODES or i not in founding_only or _is_marker(row[i]))
                    else None
                    for i in kept
                ]
            )
    year, _ = reporting_year_from(texts, full.sheet_names)
    assert year, "the source file does not say its reporting year"
    start = int(year[:4])
    intro.append(["Tenant Satisfaction Measures: extract for the Resident Voice demonstration"])
    intro.append(
        [f"The figures relate to the reporting year 1 April {start} to 31 March {start + 1}."]
    )
    intro.append([ATTRIBUTION])
    target.parent.mkdir(parents=True, exist_ok=True)
    extract.save(target)
    return target


def _is_marker(value: Any) -> bool:
    """A marker such as [X] is kept even where the figure is left out: the importer reads a 0
    beside a marked numerator as no figure, so the extract must say the same as the release."""
    return isinstance(value, str) and bool(MARKER.match(clean_text(value)))


def _cell(value: Any) -> Any:
    """Landlord codes stay text; empty strings stay empty; figures are rounded to four decimal
    places (the pages show one), which keeps the file small."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float):
        rounded = round(value, DECIMALS)
        return int(rounded) if rounded.is_integer() else rounded
    return value
