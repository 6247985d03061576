"""Importing releases, verifying them, linking codes and loading a landlord's own survey."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

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


# --- figures the regulator did not give --------------------------------------------------------


def test_real_rhp_shared_owner_complaints_have_a_reason_not_a_zero(real_release, db):
    for population in ("LCHO", "COMBINED"):
        for measure in ("CH01_1", "CH01_2", "CH02_1", "CH02_2"):
            value = _value("L4279", measure, population)
            assert (value.value, value.marker) == (None, "X")
    # The rental figures beside them are the regulator's own, unchanged.
    assert round(float(_value("L4279", "CH01_1").value), 1) == 105.2
    assert round(float(_value("L4279", "CH02_1").value), 1) == 74.8
    data = tsm_landlord_year(year="2023-24", code="L4279")
    shown = {(m["code"], m["population"]): m for m in data["measures"]}
    assert shown[("CH01(1)", "LCHO")]["value"] is None
    assert shown[("CH01(1)", "LCHO")]["reason"] == "The landlord did not give this figure"
    assert shown[("CH01(1)", "LCHO")]["marker"] == "X"


def test_real_release_keeps_no_zero_for_a_numerator_not_given(real_release, db):
    values = MeasureValue.objects.filter(release=real_release)
    assert not values.filter(value=0, part_markers__has_key="numerator").exists()
    assert values.filter(marker="X").count() == 2657  # 2,655 with both parts marked, 2 with one
    # Two other landlords the audit named: a water safety check and emergency repairs.
    for code, measure in (("00ML", "BS04"), ("LH4353", "RP02_2")):
        value = _value(code, measure, "ALL")
        assert (value.value, value.marker) == (None, "X")


def test_the_real_file_imports_clean(real_release, db):
    # Only the combined sheet's unweighted TP01 column, which holds the word "Unweighted" where
    # its figures belong, is noted (docs/TSM.md); every other column is one the importer knows.
    [notice] = real_release.notices
    assert "column DY" in notice
    assert "'Unweighted'" in notice
    assert "not as a figure" in notice
    assert MeasureValue.objects.filter(release=real_release).count() == 12664
    # The questions about a measure (repair target timescales, complaint timescales) are kept
    # beside the measure as background: RHP's emergency repairs target, in hours.
    rp02 = _value("L4279", "RP02_2", "ALL")
    assert any("target timescale for emergency repairs" in q for q in rp02.background)


def test_real_verification_counts(real_release, db):
    result = tsm_release_verify(year="2023-24")
    assert result.checked == 9990
    assert result.not_checkable == 0
    assert len(result.differences) == 23


def test_the_migration_settles_zeros_stored_before(db, tmp_path):
    """A release imported before the change kept 0 for a figure not given; migrating settles it
    the way the importer now reads it, and doing so twice changes nothing more."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "residentvoice.tsm.migrations.0003_management_zeros_with_marked_parts"
    )
    path = build_workbook(tmp_path / "old.xlsx", year_start=2033)
    release = tsm_release_import(path=path).release
    rows = MeasureValue.objects.filter(release=release, regulator_landlord__code="L9001")
    # As the old importer stored them: 0, no marker, the parts' markers aside.
    rows.filter(measure="CH01_1").update(
        value=0,
        marker="",
        numerator=None,
        denominator=None,
        part_markers={"numerator": "X", "denominator": "X"},
    )
    rows.filter(measure="CH02_1").update(
        value=0, marker="", numerator=0, part_markers={"denominator": "X"}
    )
    migration.settle_marked_zeros(apps, None)
    migration.settle_marked_zeros(apps, None)
    settled = {v.measure: (v.value, v.marker) for v in rows.filter(measure__startswith="CH0")}
    assert settled["CH01_1"] == (None, "X")
    assert settled["CH02_1"] == (0, "")  # nothing happened: a real 0 stays
    assert settled["CH01_2"][1] == ""  # untouched


# --- code links and trends ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "year", "field", "words"),
    [
        ("L0514", "l0514", "2024-25", "later_code", "must differ"),
        ("L0514", "", "2024-25", "later_code", "Enter the code"),
        ("L0514", "L0726", "2024", "from_year", "like 2024-25"),
        ("L0514", "L0726", "2024-26", "from_year", "like 2024-25"),
    ],
)
def test_a_code_link_says_what_is_wrong(db, earlier, later, year, field, words):
    before = RegulatorLandlord.objects.count()
    with pytest.raises(ValidationError) as error:
        regulator_code_link(earlier_code=earlier, later_code=later, from_year=year)
    assert words in " ".join(error.value.message_dict[field])
    assert RegulatorLandlord.objects.count() == before  # nothing recorded


def test_a_code_link_may_not_lead_back(db):
    regulator_code_link(earlier_code="L0514", later_code="L0726", from_year="2024-25")
    with pytest.raises(ValidationError, match="already joined"):
        regulator_code_link(earlier_code="L0726", later_code="L0514", from_year="2025-26")
    # Recording the same link again is fine (and changes nothing).
    regulator_code_link(earlier_code="L0514", later_code="L0726", from_year="2024-25")


@pytest.mark.parametrize(
    ("from_year", "expected_code", "expected_value"),
    [
        # 2050-51 is before the link starts: the landlord reported under its earlier code.
        ("2051-52", "L9001", 70.0),
        # The link starts in 2050-51: the later code is the one it reported under that year.
        ("2050-51", "L9003", 50.0),
    ],
)
def test_two_linked_codes_in_one_release(db, tmp_path, from_year, expected_code, expected_value):
    """Both codes of a landlord appear in one release: the code it reported under that year
    wins, in the trend and on the landlord page alike."""
    from residentvoice.tsm.selectors import participation_measures, tsm_trend

    tsm_release_import(path=build_workbook(tmp_path / "t.xlsx", year_start=2050))
    regulator_code_link(earlier_code="L9001", later_code="L9003", from_year=from_year)
    for code in ("L9001", "L9003"):
        [point] = tsm_trend(code=code, measure="TP01", population="LCRA")
        assert (point.code, point.value) == (expected_code, expected_value)
    landlord = LandlordFactory(regulator_code="L9003")
    figures = participation_measures(landlord)
    assert figures is not None
    assert figures.code == expected_code
