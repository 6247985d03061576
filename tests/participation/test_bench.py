"""The participation bench counts the answers after the rush: anything lost or duplicated is an
error, not a figure to read past."""

from __future__ import annotations

from bench.participation import integrity_problems


def test_every_response_saved_once_with_all_its_answers_is_no_problem():
    assert (
        integrity_problems(
            expected=220, people=220, saved=220, complete=220, answers=1320, questions=6
        )
        == []
    )


def test_lost_duplicated_or_incomplete_responses_are_each_reported():
    problems = integrity_problems(
        expected=220, people=218, saved=219, complete=218, answers=1310, questions=6
    )
    assert problems == [
        "2 residents' answers lost",
        "1 responses duplicated",
        "1 responses saved without all their answers",
        "1310 answers saved where 1314 were expected",
    ]
