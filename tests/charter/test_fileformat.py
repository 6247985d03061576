"""Mistakes in charter files: every one reported with its line, and nothing written."""

from __future__ import annotations

import string

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residentvoice.charter.models import Charter, StandardFramework
from residentvoice.charter.services import (
    DEFAULT_CHARTER_PATH,
    CharterFileError,
    charter_load,
    standards_sync,
)

pytestmark = pytest.mark.django_db

MANY_MISTAKES = """\
charter:
  name: Testshire charter
  slug: Testshire Charter
  area: Testshire
  version: one
  default_text: maybe
  approved_on: 2021-02-30
  colour: blue
rating_scale:
  name: Our scale
  allows_not_applicable: false
  options:
    - code: met
      label: Met
      points: 2
      meets_commitment: true
    - code: met
      label: Met again
      points: lots
commitments:
  - number: 1
    title: Listening
    text: We listen.
    commits: [council, tenants]
    standards: [TIA-3, NOPE-9]
  - number: 1
    title: Scrutiny
    text: Residents scrutinise.
    commits: council
    not_applicable_allowed: true
  - number: 5
    title:
    text: Reporting.
    commits: [landlords]
"""

# (line, words the reason must contain): what a person fixing the file needs to be told.
EXPECTED = {
    (3, "lower-case letters"),
    (5, "should be a whole number"),
    (6, "should be true or false"),
    (7, "not a real date"),
    (8, "'colour' is not something 'charter' can have"),
    (17, "code 'met' is already used on line 13"),
    (19, "should be a whole number, not 'lots'"),
    (21, "numbered 1 to 3 with none left out; missing: 2, 3"),
    (24, "'tenants'"),
    (25, "no standard with the code 'NOPE-9'"),
    (26, "commitment number 1 is already used on line 21"),
    (26, "allows 'not applicable', but the rating scale does not"),
    (29, "should be a list"),
    (31, "higher than the number of commitments"),
    (32, "'title' in commitment 3 in the list is empty"),
}


def test_a_file_with_many_mistakes_reports_each_with_its_line(write_charter):
    path = write_charter(MANY_MISTAKES)

    with pytest.raises(CharterFileError) as raised:
        charter_load(path=path)

    problems = raised.value.errors
    assert {problem.file for problem in problems} == {str(path)}
    for line, words in EXPECTED:
        assert any(p.line == line and words in p.reason for p in problems), (
            f"nothing on line {line} says {words!r}; got:\n{raised.value}"
        )
    assert len(problems) == len(EXPECTED)
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert Charter.objects.count() == 0
    assert StandardFramework.objects.count() == 0


def test_a_standards_section_cannot_redefine_a_bundled_framework(write_charter):
    text = (
        DEFAULT_CHARTER_PATH.read_text()
        + "standards:\n"
        + "  - code: tia-2024\n"
        + "    name: Changed\n"
        + "    publisher: Someone\n"
        + "    items:\n"
        + "      - code: MINE-1\n"
        + "        title: Mine\n"
        + "      - code: TWT-1\n"
        + "        title: Not mine\n"
    )
    lines = text.splitlines()
    path = write_charter(text)

    with pytest.raises(CharterFileError) as raised:
        charter_load(path=path)

    assert [(p.line, "comes with Resident Voice" in p.reason) for p in raised.value.errors] == [
        (lines.index("  - code: tia-2024") + 1, True)
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "the file is empty"),
        ("# only a comment\n", 1, "the file is empty"),
        ("charter:\n  name: [unclosed\n", 3, "flow sequence that starts on line 2"),
        ("charter: {}\n---\ncharter: {}\n", 2, "not valid YAML"),
        ("- just\n- a list\n", 1, "should be a group of 'name: value' lines"),
        ("charter:\n  name: !!python/name:os.system x\n", 2, "YAML tag"),
        ("bad: \x07\n", 1, "character that is not allowed"),
    ],
)
def test_unreadable_files_say_where_and_why(write_charter, text, line, words):
    with pytest.raises(CharterFileError) as raised:
        charter_load(path=write_charter(text))

    problems = raised.value.errors
    assert any(p.line == line and words in p.reason for p in problems), str(raised.value)


def test_a_file_that_is_not_utf8_is_reported_at_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"charter:\n  name: Caf\xe9\n")

    with pytest.raises(CharterFileError) as raised:
        charter_load(path=path)

    assert [(p.line, p.reason) for p in raised.value.errors] == [
        (2, "the file is not plain text saved as UTF-8")
    ]


def test_a_missing_file_is_reported_not_raised_as_oserror(tmp_path):
    with pytest.raises(CharterFileError, match="there is no such file"):
        charter_load(path=tmp_path / "nowhere.yaml")


def test_text_with_a_nul_character_is_refused_rather_than_failing_in_the_database(write_charter):
    text = DEFAULT_CHARTER_PATH.read_text().replace(
        "name: Resident Participation Charter", 'name: "Resident\\0Charter"'
    )
    with pytest.raises(CharterFileError, match="control character"):
        charter_load(path=write_charter(text))


DEFAULT_TEXT = DEFAULT_CHARTER_PATH.read_text()


@st.composite
def garbled_charter(draw: st.DrawFn) -> str:
    """The default charter with a few random cuts, insertions and swaps, or plain random text."""
    if draw(st.booleans()):
        return draw(st.text(max_size=300))
    text = DEFAULT_TEXT
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["cut", "insert", "swap"]))
        if action == "cut":
            end = position + draw(st.integers(min_value=1, max_value=200))
            text = text[:position] + text[end:]
        elif action == "insert":
            noise = draw(st.text(alphabet=string.printable + "[]{}:-&*!|>'\"#%@`", max_size=12))
            text = text[:position] + noise + text[position:]
        else:
            replacement = draw(st.sampled_from(["", " ", "  ", "\t", ":", "- ", "\n", "0", "x"]))
            text = text[:position] + replacement + text[position + 1 :]
    return text


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=garbled_charter())
def test_garbled_files_only_ever_raise_charter_file_error(tmp_path, text):
    path = tmp_path / "garbled.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with transaction.atomic():
        # Each example starts from an empty database, so one loaded file cannot mask another.
        problems = None
        try:
            charter_load(path=path)
        except CharterFileError as error:
            problems = error.errors
        transaction.set_rollback(True)
    if problems is not None:
        assert problems, "an error must say what is wrong"
        assert all(problem.line >= 1 and problem.reason for problem in problems)


def test_a_broken_standards_file_is_reported_too(write_charter):
    path = write_charter("standards:\n  - code: x\n    name: y\n", name="standards.yaml")

    with pytest.raises(CharterFileError) as raised:
        standards_sync(path=path)

    assert {(p.line, p.reason) for p in raised.value.errors} == {
        (2, "framework 1 is missing 'publisher'"),
        (2, "framework 1 is missing 'items'"),
    }
