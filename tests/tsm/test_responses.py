"""The survey file reader never crashes on garbage: it reads or it lists problems."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residentvoice.tsm.responses import SurveyFileError, read_survey_file

cells = st.one_of(
    st.sampled_from(
        ["Very satisfied", "agree", "", "LCRA", "LCHO", "yes", "0", "-1", "x", "2024-13-40", "[X]"]
    ),
    st.text(max_size=12),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.sampled_from(
            ["id", "population", "TP01", "TP09", "complained", "weight", "date", "method", "junk"]
        ),
        max_size=9,
    ),
    rows=st.lists(st.lists(cells, max_size=9), max_size=12),
)
def test_reader_never_crashes(tmp_path_factory, header, rows):
    import csv

    path = tmp_path_factory.mktemp("fuzz") / "survey.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    try:
        result = read_survey_file(path)
    except SurveyFileError as error:
        problems = error.problems
        assert problems
    else:
        assert all(r.weight > 0 for r in result.responses)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_politely(tmp_path_factory, data):
    for name in ("survey.csv", "survey.xlsx"):
        path = tmp_path_factory.mktemp("bytes") / name
        path.write_bytes(data)
        try:
            read_survey_file(path)
        except SurveyFileError as error:
            problems = error.problems
            assert problems
