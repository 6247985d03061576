"""Survey files as contractors export them (answer codes, descriptive headings, footnoted method
names), and the files that must be refused rather than loaded: a combined population, control
characters, a duplicated heading, a header with nothing under it, a formula with no result.
Replacing stored responses says how many go and asks to confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from residentvoice.tsm.management_figures import ManagementFileError, read_management_file
from residentvoice.tsm.measures import Answer, Population, perception_results
from residentvoice.tsm.models import OwnSurvey
from residentvoice.tsm.responses import SurveyFileError, read_survey_file
from residentvoice.tsm.selectors import own_results
from residentvoice.tsm.services import (
    ReplacementNotConfirmedError,
    own_results_start,
    survey_responses_import,
)

from ..factories import LandlordFactory

# As a contractor's system exports it: answers as codes (1 very satisfied … 6 don't know), the
# filter questions as 1 yes / 2 no, descriptive headings, a tenure in words, and the method
# with the footnote digit the export glued to it.
HEADINGS = [
    "Respondent ID",
    "Tenure",
    "Q1_TP01 Overall satisfaction",
    "TP02 Repairs service",
    "Had a repair in the last 12 months?",
    "TP09 Complaint handling",
    "Complained in the last 12 months",
    "TP10 Communal areas",
    "TP01 comments",
    "Interview mode",
]
CONTRACTOR = (
    ",".join(HEADINGS)
    + """
A1,LCRA,1,2,1,5,1,3,Great,Telephone6
A2,LCRA,2,4,1,,2,6,,telephone6
A3,Shared ownership,4,1,1,2,1,,,Online2
A4,LCRA,,,,,,,,Online2
A5,LCRA,6,,2,,,,,Online2
"""
)


def write(tmp_path, text: str, name: str = "survey.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_contractors_export_with_codes_and_descriptive_headings(tmp_path):
    survey = read_survey_file(write(tmp_path, CONTRACTOR))
    by_id = {r.respondent_id: r for r in survey.responses}
    assert set(by_id) == {"A1", "A2", "A3", "A5"}  # A4 answered nothing
    assert by_id["A1"].answers == {
        "TP01": Answer.VERY_SATISFIED,
        "TP02": Answer.FAIRLY_SATISFIED,
        "TP09": Answer.VERY_DISSATISFIED,  # "TP09 Complaint handling" is TP09, not a filter
        "TP10": Answer.NEITHER,
    }
    assert by_id["A2"].filters == {"TP02": True, "TP03": True, "TP09": False}
    assert by_id["A3"].population is Population.LCHO
    assert by_id["A5"].answers["TP01"] is Answer.DONT_KNOW
    # Footnote digits dropped, and one spelling per method whatever the case.
    assert {r.collection_method for r in survey.responses} == {"Telephone", "Online"}
    notices = " ".join(survey.notices)
    assert "'TP01 comments' not used" in notices
    assert "1 row with no answer to any question left out of the sample (row 5)" in notices


def test_shared_owners_answers_to_tp02_to_tp04_count_nowhere(tmp_path):
    """TP02–TP04 are not asked of shared owners: a file that has such answers loads, says so,
    and no result (overall or by method) uses them."""
    survey = read_survey_file(write(tmp_path, CONTRACTOR))
    assert "1 answer of shared owners to TP02, TP03 or TP04 left out" in " ".join(survey.notices)
    [lcra, lcho] = perception_results(survey.responses)
    assert lcho.population is Population.LCHO
    assert {m.code for m in lcho.measures} == {"TP01", "TP09"}
    for measures in lcho.by_collection_method.values():
        assert "TP02" not in {m.code for m in measures}
    tp02 = next(m for m in lcra.measures if m.code == "TP02")
    assert tp02.value == 50.0  # A1 fairly satisfied, A2 fairly dissatisfied; not A3's answer
    assert lcra.sample_size == 3  # A1, A2, A5; A4 answered nothing


def test_stored_answers_of_shared_owners_to_tp02_count_nowhere(db, tmp_path):
    """Responses stored before the reader left them out are left out of the results too."""
    survey = own_results_start(landlord=LandlordFactory(), reporting_year="2024-25")
    survey_responses_import(survey=survey, path=write(tmp_path, CONTRACTOR))
    survey.responses.filter(respondent_id="A3").update(tp02=1)  # as an older import kept it
    sections = {s.population: s for s in own_results(survey=survey).sections}
    assert "TP02" not in {line.code for line in sections["LCHO"].measures}
    for method in sections["LCHO"].by_method:
        assert "TP02" not in {line.code for line in method.measures}


def test_a_combined_population_is_refused_with_the_reason(tmp_path):
    path = write(tmp_path, "id,population,TP01\n1,LCRA,1\n2,Combined,2\n")
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(path)
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (3, "B")
    assert "give LCRA for a tenant renting, LCHO for a shared owner" in problem.reason


@pytest.mark.parametrize(
    ("cell", "name"), [("Very\x00satisfied", "NUL"), ("Tele\x07phone", "character 7")]
)
def test_control_characters_are_refused_naming_row_and_column(tmp_path, cell, name):
    path = write(tmp_path, f"id,population,TP01,method\n1,LCRA,1,Online\n2,LCRA,2,{cell}\n")
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(path)
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (3, "D")
    assert f"control character ({name})" in problem.reason


def test_a_duplicated_heading_is_refused_naming_both_columns(tmp_path):
    path = write(tmp_path, "id,population,TP01,method,TP01\n1,LCRA,1,Online,5\n")
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(path)
    [problem] = error.value.problems
    assert "columns C and E have the same heading “TP01”" in problem.reason
    path = write(tmp_path, "id,population,TP01,TP01 Overall satisfaction\n1,LCRA,1,5\n")
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(path)
    [problem] = error.value.problems
    assert (
        "columns C (“TP01”) and D (“TP01 Overall satisfaction”) both hold the answers to TP01"
        in (problem.reason)
    )


def test_a_duplicated_heading_in_management_figures_is_refused_naming_both(tmp_path):
    path = write(tmp_path, "measure,numerator,denominator,numerator\nBS01,1,2,2\n", "mi.csv")
    with pytest.raises(ManagementFileError) as error:
        read_management_file(path)
    reasons = " ".join(p.reason for p in error.value.problems)
    assert "columns B and D have the same heading “numerator”" in reasons
    path = write(tmp_path, "measure,numerator,denominator,Numerator (count)\nBS01,1,2,2\n", "m.csv")
    with pytest.raises(ManagementFileError) as error:
        read_management_file(path)
    reasons = " ".join(p.reason for p in error.value.problems)
    assert "columns B (“numerator”) and D (“Numerator (count)”) both hold the numerator" in reasons


@pytest.mark.parametrize("text", ["id,population,TP01\n", "id,population,TP01\n,,\n\n"])
def test_a_file_with_only_a_header_row_is_refused(tmp_path, text):
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(write(tmp_path, text))
    assert "header row but nothing under it" in str(error.value)


def test_a_file_whose_rows_hold_no_answers_is_refused(tmp_path):
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(write(tmp_path, "id,population,TP01\n1,LCRA,\n2,LCHO,\n"))
    assert "no row holds an answer to any question" in str(error.value)


def test_a_formula_with_no_saved_result_is_a_problem(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "population", "TP01", "weight"])
    sheet.append([1, "LCRA", "Very satisfied", "=1/3"])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    with pytest.raises(SurveyFileError) as error:
        read_survey_file(path)
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (2, "D")
    assert "formula whose result was not saved" in problem.reason


# --- replacing what is stored ------------------------------------------------------------------

HUNDREDS = "id,population,TP01\n" + "".join(f"{n},LCRA,{n % 5 + 1}\n" for n in range(300))


def test_replacing_stored_responses_needs_confirming_that_many(db, tmp_path):
    survey = own_results_start(landlord=LandlordFactory(), reporting_year="2024-25")
    survey_responses_import(survey=survey, path=write(tmp_path, HUNDREDS, "first.csv"))
    fewer = write(tmp_path, "id,population,TP01\n1,LCRA,1\n2,LCRA,2\n", "second.csv")
    with pytest.raises(ReplacementNotConfirmedError) as refused:
        survey_responses_import(survey=survey, path=fewer)
    assert str(refused.value) == (
        "This file holds 2 responses. Loading it replaces the 300 responses loaded from "
        "first.csv: confirm that they should be replaced."
    )
    assert survey.responses.count() == 300
    survey_responses_import(survey=survey, path=fewer, replaces=300)
    assert survey.responses.count() == 2


def test_the_page_says_how_many_responses_a_file_replaces_and_asks(client, people, landlord):
    client.force_login(people["landlord_admin"])
    survey = own_results_start(landlord=landlord, reporting_year="2050-51")
    url = reverse("tsm:own_responses", args=[survey.pk])

    def upload(text: str, name: str, **fields):
        data = {"responses": SimpleUploadedFile(name, text.encode()), **fields}
        return client.post(url, data)

    assert upload(HUNDREDS, "first.csv").status_code == 302
    page = client.get(url).content.decode()
    assert "Replace the 300 responses loaded from first.csv" in page
    assert 'name="replaces" value="300"' in page

    header_only = upload("id,population,TP01\n", "empty.csv", replace="on", replaces="300")
    assert "header row but nothing under it" in header_only.content.decode()
    assert OwnSurvey.objects.get(pk=survey.pk).responses.count() == 300

    unconfirmed = upload("id,population,TP01\n1,LCRA,1\n", "one.csv", replaces="300")
    text = unconfirmed.content.decode()
    assert "This file holds 1 responses; loading it replaces the 300 responses" in text
    assert "Nothing has been changed" in text
    assert survey.responses.count() == 300

    confirmed = upload("id,population,TP01\n1,LCRA,1\n", "one.csv", replace="on", replaces="300")
    assert confirmed.status_code == 302
    assert survey.responses.count() == 1
    page = client.get(confirmed["Location"]).content.decode()
    assert "Loaded 1 responses, replacing the 300 loaded before." in page
