"""The TSM pages: public figures by year and landlord, the council's import and checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residentvoice.organisations.models import Landlord
from residentvoice.tsm.models import MeasureValue, RegulatorLandlord, TsmRelease
from residentvoice.tsm.services import tsm_release_import

from ..factories import LandlordFactory
from .conftest import build_workbook, needs_real_file

YEAR = "2050-51"


@pytest.fixture
def borough_release(db, tmp_path):
    """A release of three landlords; two of them are the borough's."""
    LandlordFactory(name="Borough First Homes", slug="first", regulator_code="L9001")
    LandlordFactory(name="Borough Second Housing", slug="second", regulator_code="4321")
    path = build_workbook(
        tmp_path / "release.xlsx", year_start=2050, marker_cell=("4321", "TP07", "[X]")
    )
    return tsm_release_import(path=path).release


def test_overview_lists_releases_with_the_licence(client, borough_release):
    page = client.get(reverse("tsm:overview")).content.decode()
    assert "release.xlsx" in page
    assert reverse("tsm:year", args=[YEAR]) in page
    assert "In use" in page
    assert "Open Government Licence v3.0" in page
    assert "Regulator of Social Housing" in page


def test_overview_says_when_a_release_was_replaced(client, borough_release, tmp_path):
    landlords = [("L9001", "First Test Homes", [50, 30, 10, 5, 5])]
    tsm_release_import(
        path=build_workbook(tmp_path / "corrected.xlsx", year_start=2050, landlords=landlords)
    )
    page = client.get(reverse("tsm:overview")).content.decode()
    assert "corrected.xlsx" in page
    assert "Replaced" in page


def test_year_page_shows_borough_landlords_beside_the_national_median(client, borough_release):
    page = client.get(reverse("tsm:year", args=[YEAR])).content.decode()
    assert "Borough First Homes" in page
    assert "Borough Second Housing" in page
    assert "Third Test Trust" not in page  # in the national figures, not in the borough
    # TP01: First 70%, Second 30%, Third 50%: the median of all three is 50.
    assert "70.0%" in page
    assert "50.0%" in page
    assert "England median" in page
    # Second Housing left TP07 blank: its reason is shown in words, never as a number.
    assert "The landlord did not give this figure" in page
    assert reverse("tsm:landlord", args=[YEAR, "L9001"]) in page


def test_landlord_page_shows_every_measure_with_its_benchmark(client, borough_release):
    page = client.get(reverse("tsm:landlord", args=[YEAR, "L9001"])).content.decode()
    assert "Borough First Homes" in page
    assert "Overall satisfaction (TP01)" in page
    assert "Highest quarter" in page  # 70% is the best of the three
    assert "Stage one complaints" in page  # management measures too
    assert "per 1,000 homes" in page
    assert "5,000" in page  # the population surveyed
    assert "plus or minus 4.1 percentage points" in page
    assert "Shared owners" in page


def test_landlord_page_gives_the_reason_for_a_missing_figure(client, borough_release):
    page = client.get(reverse("tsm:landlord", args=[YEAR, "4321"])).content.decode()
    assert "The landlord did not give this figure" in page


def test_landlord_codes_are_matched_whatever_the_case(client, borough_release):
    assert client.get(reverse("tsm:landlord", args=[YEAR, "l9001"])).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/tsm/2049-50/",
        "/tsm/2023/",
        "/tsm/not-a-year/",
        "/tsm/2050-51/landlords/NOPE/",
        "/tsm/2049-50/landlords/L9001/",
        "/tsm/2050-51/landlords/%E2%98%83/",
    ],
)
def test_unknown_years_and_landlords_are_not_found(client, borough_release, url):
    assert client.get(url).status_code == 404


def test_pages_need_a_fixed_number_of_queries(client, db, tmp_path):
    def queries_for(year_start: int, count: int) -> tuple[int, int]:
        landlords = [
            (f"L{year_start}{n:02d}", f"Landlord {n}", [10 + n, 20, 10, 5, 5]) for n in range(count)
        ]
        for code, name, _ in landlords:
            LandlordFactory(name=f"Borough {name} {year_start}", regulator_code=code)
        path = build_workbook(
            tmp_path / f"{year_start}.xlsx", year_start=year_start, landlords=landlords
        )
        tsm_release_import(path=path)
        year = f"{year_start}-{(year_start + 1) % 100:02d}"
        with CaptureQueriesContext(connection) as year_page:
            assert client.get(reverse("tsm:year", args=[year])).status_code == 200
        with CaptureQueriesContext(connection) as landlord_page:
            url = reverse("tsm:landlord", args=[year, landlords[0][0]])
            assert client.get(url).status_code == 200
        return len(year_page), len(landlord_page)

    assert queries_for(2060, 2) == queries_for(2070, 8)


# --- import ------------------------------------------------------------------------------------


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_council_admin_imports_a_workbook(client, people, tmp_path):
    client.force_login(people["council_admin"])
    path = build_workbook(tmp_path / "upload.xlsx", year_start=2050)
    response = client.post(
        reverse("tsm:import"), {"workbook": _upload("upload.xlsx", path.read_bytes())}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Release imported" in page
    assert "Reporting year 2050-51" in page
    release = TsmRelease.objects.get(reporting_year=YEAR)
    assert release.source_name == "upload.xlsx"
    assert RegulatorLandlord.objects.filter(code__in=["L9001", "4321", "L9003"]).count() == 3
    # The same file again changes nothing, and says so.
    again = client.post(
        reverse("tsm:import"), {"workbook": _upload("upload.xlsx", path.read_bytes())}
    )
    assert "Already imported" in again.content.decode()
    assert TsmRelease.objects.filter(reporting_year=YEAR).count() == 1


def test_a_file_that_is_not_a_workbook_is_a_form_error(client, people):
    releases_before = TsmRelease.objects.count()
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("tsm:import"), {"workbook": _upload("figures.xlsx", b"just some text, not Excel")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Nothing was saved" in page
    assert "not a spreadsheet we can read" in page
    assert TsmRelease.objects.count() == releases_before


def test_a_file_of_the_wrong_kind_is_refused_before_reading(client, people):
    releases_before = TsmRelease.objects.count()
    client.force_login(people["council_admin"])
    response = client.post(reverse("tsm:import"), {"workbook": _upload("notes.txt", b"hello")})
    assert "govuk-error-summary" in response.content.decode()
    assert TsmRelease.objects.count() == releases_before


def test_every_problem_is_listed_and_nothing_is_saved(client, people, tmp_path):
    client.force_login(people["council_admin"])
    path = build_workbook(
        tmp_path / "broken.xlsx", year_start=2050, marker_cell=("L9001", "TP05", "lots")
    )
    response = client.post(
        reverse("tsm:import"), {"workbook": _upload("broken.xlsx", path.read_bytes())}
    )
    page = response.content.decode()
    assert "Problems found in the file" in page
    assert "TSM51_LCRA_Perception" in page
    assert "neither a number nor a marker" in page
    assert not TsmRelease.objects.filter(reporting_year=YEAR).exists()
    assert not RegulatorLandlord.objects.filter(code="L9001").exists()


def test_only_council_admins_may_post_an_import(client, people, tmp_path):
    releases_before = TsmRelease.objects.count()
    path = build_workbook(tmp_path / "upload.xlsx", year_start=2050)
    client.force_login(people["council_officer"])
    response = client.post(
        reverse("tsm:import"), {"workbook": _upload("upload.xlsx", path.read_bytes())}
    )
    assert response.status_code == 403
    assert TsmRelease.objects.count() == releases_before


# --- verification ------------------------------------------------------------------------------


def test_verify_lists_figures_their_counts_do_not_give(client, people, borough_release):
    client.force_login(people["council_officer"])
    url = reverse("tsm:verify", args=[YEAR])
    assert "agrees with its counts" in client.get(url).content.decode()
    MeasureValue.objects.filter(
        release=borough_release, regulator_landlord__code="L9001", measure="TP06", population="LCRA"
    ).update(value=Decimal("75"))
    page = client.get(url).content.decode()
    assert "First Test Homes" in page
    assert "75.00" in page
    assert "70.00" in page
    assert "TP06" in page


def test_verify_for_an_unknown_year_is_not_found(client, people, db):
    client.force_login(people["council_admin"])
    assert client.get(reverse("tsm:verify", args=["2049-50"])).status_code == 404


# --- the real 2023-24 release ------------------------------------------------------------------


@needs_real_file
def test_real_release_pages(client, people, real_release, django_assert_max_num_queries):
    LandlordFactory(name="Real Borough Landlord", slug="real", regulator_code="L4279")
    RegulatorLandlord.objects.filter(code="L4279").update(
        landlord=Landlord.objects.get(slug="real")
    )
    year = client.get(reverse("tsm:year", args=["2023-24"])).content.decode()
    assert "Real Borough Landlord" in year
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tsm:landlord", args=["2023-24", "L4279"]))
    page = response.content.decode()
    assert "Satisfaction that the landlord listens to tenant views and acts upon them" in page
    assert "Landlords compared" in page
    client.force_login(people["council_officer"])
    checks = client.get(reverse("tsm:verify", args=["2023-24"])).content.decode()
    assert "The Riverside Group Limited" in checks  # one of the LCHO differences in docs/TSM.md


def test_landlord_page_links_to_its_satisfaction_figures(client, council, landlord, other_landlord):
    from ..tsm.authorization import with_figures

    page = client.get(landlord.get_absolute_url()).content.decode()
    assert "No Tenant Satisfaction Measures have been loaded" in page
    with_figures({"landlord": landlord, "other_landlord": other_landlord})
    page = client.get(landlord.get_absolute_url()).content.decode()
    assert "/tsm/2050-51/landlords/L9001/" in page


def test_a_damaged_workbook_is_listed_not_a_server_error(client, people, tmp_path):
    from .conftest import damage_sheet

    client.force_login(people["council_admin"])
    path = damage_sheet(
        build_workbook(tmp_path / "d.xlsx", year_start=2050), "TSM51_LCHO_Perception"
    )
    response = client.post(
        reverse("tsm:import"), {"workbook": _upload("damaged.xlsx", path.read_bytes())}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Problems found in the file" in page
    assert "TSM51_LCHO_Perception" in page
    assert "cannot be read" in page
    assert not TsmRelease.objects.filter(reporting_year=YEAR).exists()


@needs_real_file
def test_real_figures_not_given_show_their_reason_everywhere(client, db, real_release):
    """RHP gave no shared-ownership complaint figures: no page, download or API answer shows
    them as 0, and the landlord's page has no shared-ownership section of reasons alone."""
    page = client.get(reverse("tsm:landlord", args=["2023-24", "L4279"])).content.decode()
    assert "105.2 per 1,000 homes" in page
    assert "0.0 per 1,000 homes" not in page
    assert "Shared owners" not in page
    api = client.get(
        "/api/v1/tsm/values?year=2023-24&landlord=L4279&measure=CH01_1&population=LCHO"
    ).json()
    [item] = api["items"]
    assert item["value"] is None
    assert item["reason"] == "The landlord did not give this figure"
    download = client.get(
        reverse("tsm:values_download", args=["2023-24", "csv"]) + "?landlord=L4279"
    ).content.decode("utf-8-sig")
    [row] = [line for line in download.splitlines() if ",LCHO,CH01(1)," in line]
    assert ",,The landlord did not give this figure," in row
