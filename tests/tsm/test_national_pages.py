"""The national pages: finding a landlord by name, where a figure at the top of the scale sits,
landlord labels as each release writes them, and the answers behind a figure not given."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from residentvoice.tsm.services import tsm_release_import

from ..factories import LandlordFactory
from .conftest import build_workbook

YEAR = "2050-51"


def edit_workbook(path, change):
    workbook = load_workbook(path)
    change(workbook)
    workbook.save(path)
    return path


def header_column(sheet, *words: str) -> int:
    return next(
        cell.column
        for cell in sheet[3]
        if isinstance(cell.value, str) and all(word in cell.value for word in words)
    )


def landlord_row(sheet, code: str) -> int:
    column = header_column(sheet, "Landlord code")
    return next(
        row
        for row in range(4, sheet.max_row + 1)
        if str(sheet.cell(row=row, column=column).value) == code
    )


def set_landlord_field(workbook, code: str, header: str, value: object) -> None:
    """Set one landlord's cell under `header` in every data sheet that has that column."""
    for sheet in workbook.worksheets[1:]:
        if any(cell.value == header for cell in sheet[3]):
            sheet.cell(
                row=landlord_row(sheet, code), column=header_column(sheet, header)
            ).value = value


# --- finding a landlord ------------------------------------------------------------------------


@pytest.fixture
def release(db, tmp_path):
    LandlordFactory(name="Borough First Homes", slug="first", regulator_code="L9001")
    return tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050)).release


def test_the_national_pages_find_a_landlord_by_name_without_scripts(client, release):
    year_page = client.get(reverse("tsm:year", args=[YEAR])).content.decode()
    search_url = reverse("tsm:landlord_search", args=[YEAR])
    assert f'<form method="get" action="{search_url}"' in year_page
    assert (
        f'action="{search_url}"'
        in client.get(reverse("tsm:benchmarks", args=[YEAR])).content.decode()
    )

    page = client.get(search_url, {"q": "test  HOMES"}).content.decode()
    assert "1 landlord matching “test HOMES”" in page
    assert reverse("tsm:landlord", args=[YEAR, "L9001"]) in page
    assert "Second Test Housing" not in page  # every word must be in the name
    assert "In the borough" in page

    by_code = client.get(search_url, {"q": "4321"}).content.decode()
    assert "Second Test Housing" in by_code
    nothing = client.get(search_url, {"q": "Atlantis"}).content.decode()
    assert "No landlord matches “Atlantis”" in nothing


def test_a_search_with_a_control_character_is_refused_with_a_clear_message(client, release):
    response = client.get(reverse("tsm:landlord_search", args=[YEAR]), {"q": "Test\x00Homes"})
    assert response.status_code == 400  # every address with a control character, site-wide
    assert "This web address cannot be used" in response.content.decode()


def test_the_search_needs_a_fixed_number_of_queries(client, db, tmp_path):
    def queries_for(year_start: int, count: int) -> int:
        landlords = [
            (f"L{year_start}{n:02d}", f"Riverside {n}", [5, 5, 5, 5, 5]) for n in range(count)
        ]
        tsm_release_import(
            path=build_workbook(
                tmp_path / f"{year_start}.xlsx", year_start=year_start, landlords=landlords
            )
        )
        year = f"{year_start}-{(year_start + 1) % 100:02d}"
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("tsm:landlord_search", args=[year]), {"q": "riverside"})
        assert f"{count} landlords matching" in page.content.decode()
        return len(queries)

    assert queries_for(2061, 2) == queries_for(2071, 9)


# --- the top of the scale ----------------------------------------------------------------------


def test_a_figure_at_the_top_of_the_scale_is_at_the_maximum_not_in_a_quarter(client, db, tmp_path):
    """Three of five landlords did every gas safety check: each is at the maximum, tied with two
    others; ties counted half would put them at the 70th percentile, "second highest quarter"."""
    landlords = [(f"L95{n:02d}", f"Gas Homes {n}", [5, 5, 5, 5, 5]) for n in range(5)]
    path = build_workbook(tmp_path / "gas.xlsx", year_start=2052, landlords=landlords)
    share = {"L9500": 100, "L9501": 100, "L9502": 100, "L9503": 97.5, "L9504": 95}

    def change(workbook):
        sheet = workbook.worksheets[-1]
        for code, value in share.items():
            row = landlord_row(sheet, code)
            sheet.cell(row=row, column=header_column(sheet, "Proportion", "(BS01)"), value=value)
            sheet.cell(row=row, column=header_column(sheet, "(BS01 Numerator)"), value=value * 4)
            sheet.cell(row=row, column=header_column(sheet, "(BS01 Denominator)"), value=400)

    tsm_release_import(path=edit_workbook(path, change))
    page = client.get(reverse("tsm:landlord", args=["2052-53", "L9500"])).content.decode()
    gas = page.split("Gas safety checks (BS01)")[1].split("</tr>")[0]
    assert "At the maximum, tied with 2 other landlords" in gas
    assert "quarter" not in gas
    table = client.get(
        reverse("tsm:benchmarks", args=["2052-53"]), {"measure": "BS01", "population": "ALL"}
    ).content.decode()
    assert table.count("At the maximum, tied with 2 other landlords") == 3
    assert "Lowest quarter" in table  # 95%: below every other landlord, and alone there
    api = client.get(
        reverse("api:tsm-benchmarks"), {"year": "2052-53", "measure": "BS01", "population": "ALL"}
    ).json()["items"]
    top = next(row for row in api if row["landlord_code"] == "L9500")
    assert (top["quartile"], top["at_extreme"], top["tied_with"]) == (None, "maximum", 2)


# --- labels as each release writes them -------------------------------------------------------


def test_landlord_types_and_size_bands_are_labels_from_the_file(client, db, tmp_path):
    """A later release brings a type code and a size band the site has no words for: they are
    shown as written, and every year's filters accept what any stored release uses."""
    tsm_release_import(path=build_workbook(tmp_path / "first.xlsx", year_start=2053))
    later = build_workbook(tmp_path / "later.xlsx", year_start=2054)

    def change(workbook):
        set_landlord_field(workbook, "L9001", "Landlord type", "RP-FP")
        set_landlord_field(workbook, "L9001", "Landlord group size (homes owned)", "1,000-2,499")

    tsm_release_import(path=edit_workbook(later, change))
    page = client.get(reverse("tsm:landlord", args=["2054-55", "L9001"])).content.decode()
    assert "RP-FP" in page
    assert "1,000-2,499" in page
    known = client.get(reverse("tsm:landlord", args=["2054-55", "4321"])).content.decode()
    assert "Housing association (private registered provider)" in known

    earlier = client.get(
        reverse("tsm:benchmarks", args=["2053-54"]),
        {
            "measure": "BS01",
            "population": "ALL",
            "landlord_type": "RP-FP",
            "size_band": "1,000-2,499",
        },
    ).content.decode()
    assert "govuk-error-summary" not in earlier
    assert '<option value="RP-FP" selected>RP-FP</option>' in earlier
    assert (
        "No landlord reported this measure for these residents among the landlords chosen"
        in earlier
    )
    api = client.get(
        reverse("api:tsm-benchmark-summary"),
        {"year": "2053-54", "measure": "BS01", "population": "ALL", "landlord_type": "RP-FP"},
    )
    assert api.status_code == 200
    assert api.json()["peers"] == 0


# --- answers behind a figure not given ---------------------------------------------------------


def test_the_answer_behind_a_marker_is_shown_with_its_reason(client, db, tmp_path):
    lifts = "Does the landlord have homes with communal passenger lifts? (BS05)"
    path = build_workbook(tmp_path / "lifts.xlsx", year_start=2055)

    def change(workbook):
        sheet = workbook.worksheets[-1]
        column = sheet.max_column + 1
        sheet.cell(row=3, column=column, value=lifts)
        for row in (4, 5, 6):
            sheet.cell(row=row, column=column, value="Yes")
        row = landlord_row(sheet, "L9001")
        sheet.cell(row=row, column=column, value="No")
        for words in (["Proportion", "(BS05)"], ["(BS05 Numerator)"], ["(BS05 Denominator)"]):
            sheet.cell(row=row, column=header_column(sheet, *words), value="[Z]")

    result = tsm_release_import(path=edit_workbook(path, change))
    assert any(lifts in str(notice) for notice in result.notices)
    page = client.get(reverse("tsm:landlord", args=["2055-56", "L9001"])).content.decode()
    lift_line = page.split("Lift safety checks (BS05)")[1].split("</tr>")[0]
    assert "Not required from this landlord" in lift_line
    assert f"Asked “{lifts}”, the landlord answered: No" in lift_line
    out = StringIO()
    call_command("tsm", "show", "--year", "2055-56", "--landlord", "L9001", "--json", stdout=out)
    shown = {(m["key"], m["population"]): m for m in json.loads(out.getvalue())["measures"]}
    assert shown[("BS05", "ALL")]["background"] == {lifts: "No"}
    assert shown[("BS05", "ALL")]["reason"] == "Not required from this landlord"
