"""Importing releases, verifying them, linking codes and loading a landlord's own survey."""

from __future__ import annotations

import pytest

from residentvoice.tsm.models import MeasureValue, PerceptionSurvey, RegulatorLandlord, TsmRelease
from residentvoice.tsm.responses import SurveyFileError
from residentvoice.tsm.selectors import regulator_landlord_codes, tsm_landlord_year
from residentvoice.tsm.services import (
    regulator_code_link,
    survey_responses_import,
    survey_results_compute,
    tsm_release_import,
    tsm_release_verify,
)
from residentvoice.tsm.workbook import WorkbookError

from ..factories import LandlordFactory
from .conftest import build_workbook


def _value(code, measure, population="LCRA", year="2023-24"):
    row = MeasureValue.objects.get(
        release__reporting_year=year,
        release__replaced_at__isnull=True,
        regulator_landlord__code=code,
        measure=measure,
        population=population,
    )
    return row


@pytest.mark.parametrize(
    ("code", "measure", "expected"),
    [
        ("L4279", "TP01", 59.0),
        ("4849", "TP01", 61.7),
        ("L4517", "TP01", 53.3),
        ("L0514", "TP01", 68.3),
        ("L4279", "CH01_1", 105.2),
        ("L4279", "CH02_1", 74.8),
    ],
)
def test_real_published_values(real_release, db, code, measure, expected):
    assert round(float(_value(code, measure).value), 1) == expected


def test_real_rhp_survey_facts(real_release, db):
    survey = PerceptionSurvey.objects.get(
        release=real_release, regulator_landlord__code="L4279", population="LCRA"
    )
    assert (survey.population_size, survey.achieved_sample, float(survey.margin_of_error)) == (
        7145,
        782,
        3.3,
    )
    assert survey.required_sample == 554


def test_every_landlord_is_kept_and_markers_are_reasons(real_release, db):
    assert RegulatorLandlord.objects.count() >= 360
    excluded = MeasureValue.objects.filter(release=real_release, marker="E")
    assert excluded.exists()
    assert not excluded.exclude(value__isnull=True).exists()


def test_same_file_again_changes_nothing(real_release, db):
    before = MeasureValue.objects.count()
    again = tsm_release_import(path=real_release_path())
    assert again.created is False
    assert again.release == real_release
    assert MeasureValue.objects.count() == before


def real_release_path():
    from .conftest import REAL_FILE

    return REAL_FILE


def test_lcra_perception_and_management_verify_clean(real_release, db):
    result = tsm_release_verify(year="2023-24")
    sheets = result.by_sheet()
    assert "TSM24_LCRA_Perception" not in sheets
    assert "TSM24_Management_Info" not in sheets
    lcho = {d.landlord_code for d in result.differences if d.sheet == "TSM24_LCHO_Perception"}
    assert lcho == {"4873", "L0514", "L4552", "LH3902", "L4449", "4849"}


def test_show_shape_for_rhp(real_release, db):
    data = tsm_landlord_year(year="2023-24", code="L4279")
    tp01 = next(m for m in data["measures"] if m["code"] == "TP01" and m["population"] == "LCRA")
    assert tp01["value"] == 59.0
    assert tp01["reason"] is None
    assert data["survey"]["sample_size"] == 782
    assert data["survey"]["margin_of_error"] == 3.3


def test_a_corrected_release_replaces_the_year(db, tmp_path):
    first = tsm_release_import(path=build_workbook(tmp_path / "v1.xlsx", year_start=2030)).release
    second = tsm_release_import(
        path=build_workbook(
            tmp_path / "v2.xlsx",
            year_start=2030,
            landlords=[("L9001", "First Test Homes", [1, 1, 1, 1, 1])],
        ),
        version_note="corrected",
    )
    first.refresh_from_db()
    assert second.replaced == first
    assert first.replaced_by == second.release
    assert first.replaced_at is not None
    assert (
        TsmRelease.objects.filter(reporting_year="2030-31", replaced_at__isnull=True).get()
        == second.release
    )
    assert float(_value("L9001", "TP01", year="2030-31").value) == pytest.approx(40.0)


def test_bad_workbook_imports_nothing(db, tmp_path):
    path = build_workbook(
        tmp_path / "bad.xlsx", year_start=2031, marker_cell=("4321", "TP01", "n/a?")
    )
    with pytest.raises(WorkbookError):
        tsm_release_import(path=path)
    assert not TsmRelease.objects.filter(reporting_year="2031-32").exists()


def test_borough_landlords_are_matched_by_regulator_code(db, tmp_path):
    borough = LandlordFactory(regulator_code="L9003")
    tsm_release_import(path=build_workbook(tmp_path / "b.xlsx", year_start=2032))
    assert RegulatorLandlord.objects.get(code="L9003").landlord == borough


def test_codes_link_across_years(db):
    regulator_code_link(earlier_code="L0514", later_code="L0726", from_year="2024-25", note="MTVH")
    assert regulator_landlord_codes(code="L0726") == ["L0514", "L0726"]
    assert regulator_landlord_codes(code="l0514") == ["L0514", "L0726"]


SURVEY = """id,population,TP01,TP02,had repair,TP08,weight,method,date
1,LCRA,Very satisfied,Fairly satisfied,yes,Strongly agree,1.5,Telephone,2024-01-10
2,LCRA,Very dissatisfied,Very satisfied,no,Disagree,0.5,Online,2024-01-11
3,LCHO,Don't know,,,Agree,,Online,
"""


def test_survey_responses_load_and_compute(db, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY)
    survey = survey_responses_import(path=path, population_sizes={"LCRA": 7145})
    results = {r.population: r for r in survey_results_compute(survey=survey)}
    lcra = {m.code: m for m in results["LCRA"].measures}
    assert lcra["TP01"].value == pytest.approx(75.0)
    assert lcra["TP01"].unweighted_value == 50.0
    assert lcra["TP02"].value == 100.0  # respondent 2 had no repair, so is not counted
    assert results["LCRA"].required_sample == 554
    assert results["LCRA"].sample_met is False


def test_survey_file_problems_import_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,population,TP01,weight\n1,LCRA,Quite happy,1\n1,,Very satisfied,-2\n")
    with pytest.raises(SurveyFileError) as error:
        survey_responses_import(path=path)
    reasons = " | ".join(str(p) for p in error.value.problems)
    assert "Quite happy" in reasons
    assert "already appears" in reasons
    assert "no population" in reasons
    assert "more than 0" in reasons
    from residentvoice.tsm.models import OwnSurvey

    assert not OwnSurvey.objects.exists()
