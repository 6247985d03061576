"""The TSM pages added for benchmarks, trends, downloads and a landlord's own results."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from residentvoice.tsm.models import OwnManagementFigure, OwnSurvey
from residentvoice.tsm.services import regulator_code_link, tsm_release_import

from ..factories import LandlordFactory
from .conftest import build_workbook

YEAR = "2050-51"


@pytest.fixture
def release(db, tmp_path):
    LandlordFactory(name="Borough First Homes", slug="first", regulator_code="L9001")
    return tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050)).release


def _csv(response) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- benchmarks --------------------------------------------------------------------------------


def test_benchmarks_show_a_chart_with_the_same_figures_as_its_table(client, release):
    response = client.get(reverse("tsm:benchmarks", args=[YEAR]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Overall satisfaction (TP01)" in page
    assert '<img src="data:image/svg+xml;base64,' in page
    assert 'alt="Bar chart of 3 landlords' in page
    svg = base64.b64decode(page.split("data:image/svg+xml;base64,")[1].split('"')[0]).decode()
    assert svg.startswith("<svg")
    assert "<script" not in svg
    # The table under the chart: 30, 50 and 70 land in three ranges, one holds the borough's.
    assert "Borough First Homes" in page
    assert "In the borough" in page
    assert "Landlords by result: the figures in the chart" in page
    assert "Open Government Licence v3.0" in page


def test_benchmark_filters_narrow_the_peers(client, release):
    page = client.get(
        reverse("tsm:benchmarks", args=[YEAR]),
        {"measure": "BS01", "population": "ALL", "size_band": "<5,000"},
    ).content.decode()
    assert "Gas safety checks (BS01)" in page
    assert "Compared with: &lt;5,000" in page


def test_a_filter_the_release_does_not_have_is_a_form_error(client, release):
    response = client.get(
        reverse("tsm:benchmarks", args=[YEAR]), {"measure": "TP01", "region": "Atlantis"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Atlantis" in page  # named in the error message
    assert "<img" not in page


def test_a_measure_for_the_wrong_residents_is_a_form_error(client, release):
    page = client.get(
        reverse("tsm:benchmarks", args=[YEAR]), {"measure": "TP02", "population": "LCHO"}
    ).content.decode()
    assert "TP02 is reported for" in page


def test_benchmark_downloads_agree(client, release):
    query = {"measure": "TP01", "population": "LCRA"}
    rows = _csv(client.get(reverse("tsm:benchmarks_download", args=[YEAR, "csv"]), query))
    assert [row["landlord_code"] for row in rows] == ["L9001", "L9003", "4321"]
    assert float(rows[0]["value"]) == pytest.approx(70.0)
    assert rows[0]["borough_landlord"] == "Borough First Homes"
    xlsx = client.get(reverse("tsm:benchmarks_download", args=[YEAR, "xlsx"]), query)
    workbook = load_workbook(io.BytesIO(xlsx.content))
    sheet = workbook.worksheets[0]
    assert sheet.cell(2, 6).value == "L9001"
    about = " ".join(str(c.value) for c in workbook["About"]["A"])
    assert "Open Government Licence v3.0" in about


def test_a_bad_download_filter_goes_back_to_the_page(client, release):
    response = client.get(
        reverse("tsm:benchmarks_download", args=[YEAR, "csv"]), {"measure": "TP99"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("tsm:benchmarks", args=[YEAR]))


def test_values_download_for_one_landlord(client, release):
    url = reverse("tsm:values_download", args=[YEAR, "csv"])
    rows = _csv(client.get(url, {"landlord": "4321"}))
    assert {row["landlord_code"] for row in rows} == {"4321"}
    tp01 = next(r for r in rows if r["measure"] == "TP01" and r["population"] == "LCRA")
    assert float(tp01["value"]) == pytest.approx(30.0)
    assert client.get(url, {"landlord": "NOPE"}).status_code == 404
    everyone = _csv(client.get(url))
    assert len({row["landlord_code"] for row in everyone}) == 3


def test_unknown_download_format_is_not_found(client, release):
    assert client.get(f"/tsm/{YEAR}/values.pdf").status_code == 404


def test_trend_joins_linked_codes_with_chart_and_table(client, db, tmp_path):
    tsm_release_import(path=build_workbook(tmp_path / "a.xlsx", year_start=2050))
    later = [("L9999", "First Test Homes renamed", [10, 10, 10, 10, 10])]
    tsm_release_import(path=build_workbook(tmp_path / "b.xlsx", year_start=2051, landlords=later))
    regulator_code_link(earlier_code="L9001", later_code="L9999", from_year="2051-52")
    page = client.get(reverse("tsm:trend", args=["L9999"])).content.decode()
    assert "2050-51" in page
    assert "2051-52" in page
    assert "70.0" in page
    assert "40.0" in page
    assert 'alt="Line chart of' in page
    assert client.get(reverse("tsm:trend", args=["NOPE"])).status_code == 404


# --- a landlord's own results ------------------------------------------------------------------

SURVEY = (
    "id,population,TP01,TP06,had repair,TP02,method\n"
    "1,LCRA,Very satisfied,Fairly satisfied,yes,Very satisfied,Telephone\n"
    "2,LCRA,Fairly dissatisfied,Very satisfied,no,Very dissatisfied,Online\n"
    "3,LCRA,Fairly satisfied,Neither,,,Online\n"
)
MANAGEMENT = "measure,population,numerator,denominator\nBS01,,99,100\nCH01(1),LCRA,21,200\n"


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def landlord_admin(client, people, landlord):
    client.force_login(people["landlord_admin"])
    return landlord


def test_landlord_staff_load_write_and_publish_their_results(client, landlord_admin):
    response = client.post(
        reverse("tsm:own_list"), {"reporting_year": "2050-51", "lcra_population": "900"}
    )
    survey = OwnSurvey.objects.get(landlord=landlord_admin)
    assert response["Location"] == reverse("tsm:own_manage", args=[survey.pk])
    client.post(
        reverse("tsm:own_responses", args=[survey.pk]),
        {"responses": _upload("answers.csv", SURVEY), "lcra_population": "900"},
    )
    client.post(
        reverse("tsm:own_management", args=[survey.pk]),
        {"figures": _upload("mi.csv", MANAGEMENT)},
    )
    page = client.get(reverse("tsm:own_manage", args=[survey.pk])).content.decode()
    assert "3 from answers.csv" in page
    assert "2 figures from mi.csv" in page

    # Publishing before the summary of approach says what is missing.
    client.post(reverse("tsm:own_publish", args=[survey.pk]), {"action": "publish"})
    page = client.get(reverse("tsm:own_manage", args=[survey.pk])).content.decode()
    assert "Before publishing, add who was surveyed" in page

    response = client.post(
        reverse("tsm:own_approach", args=[survey.pk]),
        {
            "population_surveyed": "All 900 rented homes",
            "sample_method": "Census of every household",
            "fieldwork_start": "2050-10-01",
            "fieldwork_end": "2050-11-30",
            "collection_methods": "Telephone and online",
            "contractor": "",
            "weighting": "Not weighted",
            "representativeness": "",
            "exclusions": "12 households in legal dispute",
            "incentives": "",
        },
    )
    assert response.status_code == 302
    client.post(reverse("tsm:own_publish", args=[survey.pk]), {"action": "publish"})
    survey.refresh_from_db()
    assert survey.is_published

    client.logout()
    url = reverse("tsm:published", args=[YEAR, landlord_admin.slug])
    page = client.get(url).content.decode()
    assert "Summary of approach" in page
    assert "12 households in legal dispute" in page
    assert "Overall satisfaction (TP01)" in page
    assert "66.7%" in page  # two of three satisfied
    assert "Satisfaction with repairs (TP02)" in page
    assert "100.0%" in page  # the one with a repair was satisfied; the other had none
    assert "Gas safety checks (BS01)" in page
    assert "105.0 per 1,000 homes" in page
    assert "Telephone" in page
    assert "not enough answers" in page
    assert reverse("tsm:overview") in page
    assert landlord_admin.name in client.get(reverse("tsm:overview")).content.decode()

    rows = _csv(client.get(reverse("tsm:published_csv", args=[YEAR, landlord_admin.slug])))
    tp01 = next(
        r for r in rows if r["measure"] == "TP01" and r["collection_method"] == "All methods"
    )
    assert float(tp01["value"]) == pytest.approx(200 / 3)
    assert tp01["required_sample_met"] == "no"
    assert any(r["collection_method"] == "Online" for r in rows)

    pdf = client.get(reverse("tsm:published_pdf", args=[YEAR, landlord_admin.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Summary of approach" in text
    assert "66.7%" in text
    assert "Census of every household" in text


def test_drafts_are_hidden_from_everyone_but_the_landlords_staff(client, people, landlord):
    survey = OwnSurvey.objects.create(
        title="Draft", landlord=landlord, reporting_year=YEAR, sha256="x", source_name="a.csv"
    )
    url = reverse("tsm:published", args=[YEAR, landlord.slug])
    assert client.get(url).status_code == 404
    client.force_login(people["other_landlord_admin"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("tsm:published_pdf", args=[YEAR, landlord.slug])).status_code == 404
    client.force_login(people["landlord_officer"])
    page = client.get(url).content.decode()
    assert "Not published" in page
    assert reverse("tsm:own_manage", args=[survey.pk]) in page


def test_a_bad_survey_file_lists_every_problem_and_keeps_the_form(client, landlord_admin):
    client.post(reverse("tsm:own_list"), {"reporting_year": "2050-51"})
    survey = OwnSurvey.objects.get(landlord=landlord_admin)
    response = client.post(
        reverse("tsm:own_responses", args=[survey.pk]),
        {
            "responses": _upload(
                "bad.csv", "id,population,TP01\n1,LCRA,Happy\n1,,Very satisfied\n"
            ),
            "lcra_population": "900",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "&#x27;Happy&#x27; is not an answer we know for TP01" in page
    assert "already appears on row 2" in page
    assert 'value="900"' in page  # what was typed is kept
    assert not survey.responses.exists()


def test_a_bad_management_file_lists_problems(client, landlord_admin):
    client.post(reverse("tsm:own_list"), {"reporting_year": "2050-51"})
    survey = OwnSurvey.objects.get(landlord=landlord_admin)
    response = client.post(
        reverse("tsm:own_management", args=[survey.pk]),
        {"figures": _upload("mi.csv", "measure,numerator,denominator\nBS01,120,100\n")},
    )
    page = response.content.decode()
    assert "a percentage cannot be over 100" in page
    assert not OwnManagementFigure.objects.exists()


def test_the_same_year_twice_is_a_form_error(client, landlord_admin):
    client.post(reverse("tsm:own_list"), {"reporting_year": "2050-51"})
    page = client.post(reverse("tsm:own_list"), {"reporting_year": "2050-51"}).content.decode()
    assert "already has results for 2050-51" in page
    page = client.post(reverse("tsm:own_list"), {"reporting_year": "2050-52"}).content.decode()
    assert "like 2023-24" in page


def test_staff_of_another_landlord_cannot_change_results(client, people, landlord):
    survey = OwnSurvey.objects.create(title="Theirs", landlord=landlord, reporting_year=YEAR)
    client.force_login(people["other_landlord_admin"])
    response = client.post(
        reverse("tsm:own_management", args=[survey.pk]),
        {"figures": _upload("mi.csv", MANAGEMENT)},
    )
    assert response.status_code == 403
    assert client.post(reverse("tsm:own_publish", args=[survey.pk])).status_code == 403
    assert not OwnManagementFigure.objects.exists()


def test_officers_cannot_publish(client, people, landlord):
    survey = OwnSurvey.objects.create(title="Ours", landlord=landlord, reporting_year=YEAR)
    client.force_login(people["landlord_officer"])
    assert client.post(reverse("tsm:own_publish", args=[survey.pk])).status_code == 403
