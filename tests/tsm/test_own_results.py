"""A landlord's own results: management information import, the database's counting against the
plain engine, the summary of approach and publishing."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from residentvoice.tsm.management_figures import (
    ManagementFileError,
    measure_from_text,
    read_management_file,
)
from residentvoice.tsm.measures import Answer, Population, SurveyResponse, tally_responses
from residentvoice.tsm.models import OwnManagementFigure, OwnSurvey
from residentvoice.tsm.selectors import own_results, own_results_tallies
from residentvoice.tsm.services import (
    ReplacementNotConfirmedError,
    management_figures_import,
    own_results_approach_update,
    own_results_publish,
    own_results_start,
    survey_responses_import,
)

from ..factories import LandlordFactory

MANAGEMENT = """measure,population,numerator,denominator,value
BS01,,990,1000,
BS02,ALL,1000,1000,100
BS05,,0,0,
RP01,,12,1000,
RP02(1),,850,1000,
CH01(1),LCRA,105,1000,
CH01(1),LCHO,,,42
CH02_1,LCRA,78.5,105,
NM01 1,,30,1200,
"""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("BS01", "BS01"),
        ("rp02(1)", "RP02_1"),
        ("RP02_2", "RP02_2"),
        ("CH01 1", "CH01_1"),
        ("NM1(2)", "NM01_2"),
        ("TP01", "TP01"),
        ("XX01", None),
        ("CH03(1)", None),
    ],
)
def test_measure_codes_as_people_type_them(text, code):
    assert measure_from_text(text) == code


def test_management_file_reads_parts_and_values(tmp_path):
    path = tmp_path / "mi.csv"
    path.write_text(MANAGEMENT)
    figures = {(f.measure, f.population): f for f in read_management_file(path).figures}
    assert float(figures[("BS01", Population.ALL)].value or 0) == pytest.approx(99.0)
    assert float(figures[("CH01_1", Population.LCRA)].value or 0) == pytest.approx(105.0)
    assert float(figures[("CH01_1", Population.LCHO)].value or 0) == 42  # a value alone
    assert float(figures[("NM01_1", Population.ALL)].value or 0) == pytest.approx(25.0)
    assert figures[("BS05", Population.ALL)].value is None
    assert figures[("BS05", Population.ALL)].marker == "U"  # no lifts: nothing to divide by


def test_management_file_from_xlsx_in_any_column_order(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Denominator", "Numerator", "Measure code"])
    sheet.append([200, 150, "RP02(2)"])
    path = tmp_path / "mi.xlsx"
    workbook.save(path)
    (figure,) = read_management_file(path).figures
    assert figure.measure == "RP02_2"
    assert float(figure.value or 0) == pytest.approx(75.0)


def test_every_bad_row_is_named_and_nothing_is_loaded(db, tmp_path):
    landlord = LandlordFactory()
    survey = own_results_start(landlord=landlord, reporting_year="2024-25")
    path = tmp_path / "bad.csv"
    path.write_text(
        "measure,population,numerator,denominator,value\n"
        "BS01,,990,1000,\n"  # fine, but nothing is saved because of the rows below
        "BS99,,1,2,\n"
        "TP01,,1,2,\n"
        "CH01(1),,5,100,\n"
        "BS02,LCRA,1,2,\n"
        "BS03,,lots,100,\n"
        "BS04,,10,,\n"
        "RP01,,200,100,\n"
        "RP02(1),,50,100,70\n"
        "NM01(1),,-3,100,\n"
        "BS01,,1,2,\n"
        "RP02(2),,,,\n"
    )
    with pytest.raises(ManagementFileError) as error:
        management_figures_import(survey=survey, path=path)
    problems = {p.row: p for p in error.value.problems}
    assert "not a management information measure" in problems[3].reason
    assert "survey measure" in problems[4].reason
    assert "each group of residents" in problems[5].reason
    assert problems[5].column == "B"
    assert "not reported for LCRA" in problems[6].reason
    assert "'lots' is not a number" in problems[7].reason
    assert problems[7].column == "C"
    assert "no denominator" in problems[8].reason
    assert problems[8].column == "D"
    assert "cannot be over 100" in problems[9].reason
    assert "is not numerator ÷ denominator (50.00)" in problems[10].reason
    assert "below zero" in problems[11].reason
    assert "already appears on row 2" in problems[12].reason
    assert "no figure" in problems[13].reason
    assert not OwnManagementFigure.objects.exists()
    survey.refresh_from_db()
    assert survey.management_sha256 == ""


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "mi.csv"
    path.write_text("name,amount\nBS01,3\n")
    with pytest.raises(ManagementFileError) as error:
        read_management_file(path)
    reasons = " ".join(p.reason for p in error.value.problems)
    assert "no measure column" in reasons
    assert "no numerator and denominator" in reasons


def test_management_import_replaces_and_is_idempotent(db, tmp_path):
    survey = own_results_start(landlord=LandlordFactory(), reporting_year="2024-25")
    path = tmp_path / "mi.csv"
    path.write_text(MANAGEMENT)
    management_figures_import(survey=survey, path=path)
    assert survey.management_figures.count() == 9
    ids = set(survey.management_figures.values_list("id", flat=True))
    management_figures_import(survey=survey, path=path)
    assert set(survey.management_figures.values_list("id", flat=True)) == ids
    smaller = tmp_path / "mi2.csv"
    smaller.write_text("measure,numerator,denominator\nBS01,1,2\n")
    # Replacing what is stored says how much goes, and needs that very amount confirmed.
    for confirmed in (None, 8):
        with pytest.raises(ReplacementNotConfirmedError) as refused:
            management_figures_import(survey=survey, path=smaller, replaces=confirmed)
        assert (refused.value.stored, refused.value.incoming) == (9, 1)
        assert "replaces the 9 figures loaded from mi.csv" in str(refused.value)
        assert survey.management_figures.count() == 9
    management_figures_import(survey=survey, path=smaller, replaces=9)
    assert survey.management_figures.count() == 1
    assert OwnSurvey.objects.get(pk=survey.pk).management_source_name == "mi2.csv"


SURVEY = """id,population,TP01,TP02,TP06,TP08,had repair,weight,method
1,LCRA,Very satisfied,Fairly satisfied,Very satisfied,Strongly agree,yes,1.5,Telephone
2,LCRA,Very dissatisfied,Very satisfied,Neither,Disagree,no,0.5,Online
3,LCRA,Fairly satisfied,,Don't know,Agree,,1,Online
4,LCHO,Don't know,,Fairly satisfied,Agree,,,Online
"""


def test_own_results_cover_every_measure_per_population(db, tmp_path):
    survey = own_results_start(
        landlord=LandlordFactory(),
        reporting_year="2024-25",
        population_sizes={"LCRA": 7145, "LCHO": 300},
    )
    responses = tmp_path / "survey.csv"
    responses.write_text(SURVEY)
    survey_responses_import(survey=survey, path=responses)
    mi = tmp_path / "mi.csv"
    mi.write_text(MANAGEMENT)
    management_figures_import(survey=survey, path=mi)
    results = own_results(survey=survey)
    sections = {s.population: s for s in results.sections}
    assert list(sections) == ["LCRA", "LCHO", "ALL"]
    lcra = {line.code: line for line in sections["LCRA"].measures}
    # TP01..TP12 and the four complaints measures for rental homes.
    assert len(lcra) == 16
    assert lcra["TP01"].value == pytest.approx((1.5 + 1) / 3 * 100)
    assert lcra["TP01"].unweighted_value == pytest.approx(2 / 3 * 100)
    assert lcra["TP02"].value == 100.0  # respondent 2 had no repair
    assert lcra["TP06"].value == pytest.approx(1.5 / 2 * 100)  # don't know left out
    assert lcra["TP05"].value is None
    assert "Nobody" in lcra["TP05"].reason
    assert lcra["CH01_1"].value == pytest.approx(105.0)
    assert lcra["CH02_2"].reason == "Not loaded"
    assert sections["LCRA"].sample_size == 3
    assert sections["LCRA"].required_sample == 554
    assert sections["LCRA"].sample_met is False
    lcho = {line.code for line in sections["LCHO"].measures}
    assert "TP02" not in lcho
    assert "TP01" in lcho
    every = {line.code for line in sections["ALL"].measures}
    assert every == {"BS01", "BS02", "BS03", "BS04", "BS05", "RP01", "RP02_1", "RP02_2"} | {
        "NM01_1",
        "NM01_2",
    }
    methods = {m.method: m for m in sections["LCRA"].by_method}
    assert methods["Online"].respondents == 2
    assert {line.code: line.value for line in methods["Telephone"].measures}["TP01"] == 100.0
    assert results.weighted


ANSWER = st.sampled_from([*list(Answer), None])
ROW = st.tuples(
    st.sampled_from([Population.LCRA, Population.LCHO]),
    st.lists(ANSWER, min_size=12, max_size=12),
    st.sampled_from([True, False, None]),
    st.sampled_from([True, False, None]),
    st.floats(min_value=0.1, max_value=5),
    st.sampled_from(["Telephone", "Online", ""]),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=40))
def test_the_database_counts_exactly_as_the_engine(db, tmp_path, rows):
    """Responses stored and counted by SQL give the same tallies as the plain Python tally."""
    responses = [
        SurveyResponse(
            respondent_id=str(n),
            population=population,
            answers={f"TP{i + 1:02d}": answer for i, answer in enumerate(answers)},
            filters={"TP02": repair, "TP03": repair, "TP09": complained},
            weight=weight,
            collection_method=method,
        )
        for n, (population, answers, repair, complained, weight, method) in enumerate(rows)
    ]
    header = ["id", "population", *[f"TP{i:02d}" for i in range(1, 13)]]
    header += ["had repair", "complained", "weight", "method"]
    words = {
        Answer.VERY_SATISFIED: "very satisfied",
        Answer.FAIRLY_SATISFIED: "fairly satisfied",
        Answer.NEITHER: "neither",
        Answer.FAIRLY_DISSATISFIED: "fairly dissatisfied",
        Answer.VERY_DISSATISFIED: "very dissatisfied",
        Answer.DONT_KNOW: "don't know",
    }
    flag = {True: "yes", False: "no", None: ""}
    lines = [",".join(header)]
    for r in random.Random(3).sample(responses, len(responses)):
        answers = [words[a] if a else "" for a in r.answers.values()]
        lines.append(
            ",".join(
                [
                    r.respondent_id,
                    r.population,
                    *answers,
                    flag[r.filters["TP02"]],
                    flag[r.filters["TP09"]],
                    repr(r.weight),
                    r.collection_method,
                ]
            )
        )
    path = tmp_path / f"survey{len(rows)}.csv"
    path.write_text("\n".join(lines) + "\n")
    OwnSurvey.objects.all().delete()
    survey = survey_responses_import(path=path)
    tallies, respondents = own_results_tallies(survey_ids=[survey.pk])[survey.pk]
    expected_tallies, expected_respondents = tally_responses(responses)
    assert respondents == expected_respondents
    assert set(tallies) == set(expected_tallies)
    for key, tally in tallies.items():
        assert tally.unweighted == expected_tallies[key].unweighted
        assert tally.weighted == pytest.approx(expected_tallies[key].weighted)


def test_one_set_of_results_per_landlord_and_year(db):
    landlord = LandlordFactory()
    own_results_start(landlord=landlord, reporting_year="2024-25")
    with pytest.raises(ValidationError, match="already has results"):
        own_results_start(landlord=landlord, reporting_year="2024-25")
    with pytest.raises(ValidationError, match="like 2023-24"):
        own_results_start(landlord=landlord, reporting_year="2024-26")
    with pytest.raises(ValidationError, match="more than 0"):
        own_results_start(landlord=landlord, reporting_year="2025-26", population_sizes={"LCRA": 0})


def test_publishing_needs_results_and_an_approach(db, tmp_path):
    survey = own_results_start(landlord=LandlordFactory(), reporting_year="2024-25")
    with pytest.raises(ValidationError, match="survey responses or management information"):
        own_results_publish(survey=survey)
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY)
    survey_responses_import(survey=survey, path=path)
    with pytest.raises(ValidationError, match="who was surveyed"):
        own_results_publish(survey=survey)
    own_results_approach_update(
        survey=survey,
        population_surveyed="All 7,145 tenants of general needs homes",
        sample_method="Random sample stratified by area",
        collection_methods="Telephone and online",
    )
    own_results_publish(survey=survey)
    assert survey.is_published
    history = survey.history.count()
    own_results_publish(survey=survey)  # again: nothing changes
    own_results_approach_update(survey=survey, contractor="")  # unchanged: nothing written
    assert survey.history.count() == history
    own_results_publish(survey=survey, publish=False)
    assert not OwnSurvey.objects.get(pk=survey.pk).is_published


def test_loading_the_same_responses_again_changes_nothing(db, tmp_path):
    survey = own_results_start(landlord=LandlordFactory(), reporting_year="2024-25")
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY)
    survey_responses_import(survey=survey, path=path)
    ids = set(survey.responses.values_list("id", flat=True))
    survey_responses_import(survey=survey, path=path)
    assert set(survey.responses.values_list("id", flat=True)) == ids
    survey_responses_import(survey=survey, path=path, population_sizes={"LCRA": 900})
    assert set(survey.responses.values_list("id", flat=True)) == ids
    assert OwnSurvey.objects.get(pk=survey.pk).population_sizes == {"LCRA": 900}
