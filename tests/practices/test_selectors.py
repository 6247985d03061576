"""What each person sees in the library, the filters, the coverage tables and their query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from residentvoice.assessment.models import AssessmentItem, Stage
from residentvoice.assessment.services import cycle_open
from residentvoice.practices.selectors import practice_coverage, practice_get, practice_list
from residentvoice.practices.services import practice_publish

from ..assessment.conftest import item_of, move_to, rating
from ..factories import LandlordFactory
from .conftest import record


@pytest.fixture
def library(charter, people, landlord, other_landlord):
    """Riverside's own practice (private), Hillside's own (approved), and the council's shared one
    naming Riverside (private)."""
    own = record(people["landlord_admin"], title="Riverside tea and talk", numbers=(1,))
    theirs = record(people["other_landlord_admin"], title="Hillside panel", numbers=(3, 4))
    practice_publish(practice=theirs, by=people["council_admin"], public=True)
    shared = record(
        people["council_admin"], title="Shared scrutiny", numbers=(3,), landlords=[landlord]
    )
    return {"own": own, "theirs": theirs, "shared": shared}


def titles(practices):
    return [p.title for p in practices]


def test_council_staff_see_every_practice(library, people):
    assert titles(practice_list(user=people["council_officer"])) == [
        "Hillside panel",
        "Riverside tea and talk",
        "Shared scrutiny",
    ]


def test_landlord_staff_see_approved_their_own_and_those_naming_them(library, people):
    assert titles(practice_list(user=people["landlord_officer"])) == [
        "Hillside panel",
        "Riverside tea and talk",
        "Shared scrutiny",
    ]
    assert titles(practice_list(user=people["other_landlord_admin"])) == ["Hillside panel"]


@pytest.mark.parametrize("role", ["public", "signed_in", "resident"])
def test_everyone_else_sees_approved_practices_only(library, people, role):
    assert titles(practice_list(user=people[role])) == ["Hillside panel"]


def test_public_only_ignores_who_asks(library, people):
    assert titles(practice_list(user=people["council_admin"], public_only=True)) == [
        "Hillside panel"
    ]


def test_filters_by_commitment_and_landlord(library, people, landlord):
    council = people["council_admin"]
    assert titles(practice_list(user=council, commitment_number=3)) == [
        "Hillside panel",
        "Shared scrutiny",
    ]
    assert titles(practice_list(user=council, landlord_slug="riverside")) == [
        "Riverside tea and talk",
        "Shared scrutiny",
    ]
    assert titles(practice_list(user=council, commitment_number=3, landlord_slug="riverside")) == [
        "Shared scrutiny"
    ]
    assert practice_list(user=council, commitment_number=99) == []


def test_practice_get_refuses_what_the_asker_may_not_see(library, people):
    own = library["own"]
    assert practice_get(own.pk, user=people["landlord_officer"]) == own
    assert practice_get(own.pk, user=people["other_landlord_admin"]) is None
    assert practice_get(own.pk, user=None) is None


def test_list_query_count_does_not_grow_with_practices(
    library, people, django_assert_num_queries, landlord
):
    user = people["landlord_officer"]
    practice_list(user=user)  # the membership is cached on the user after the first call
    with django_assert_num_queries(3):
        practice_list(user=user)
    for n in range(15):
        record(people["landlord_admin"], title=f"More {n}", numbers=(n % 18 + 1,))
    with django_assert_num_queries(3):
        assert len(practice_list(user=user)) == 18


def test_coverage_marks_who_does_what(library, people, landlord, other_landlord):
    coverage = practice_coverage(user=people["council_admin"])
    assert [lord.name for lord in coverage.landlords] == ["Hillside Housing", "Riverside Homes"]
    rows = {row.practice.title: row.does for row in coverage.practice_rows}
    assert rows["Hillside panel"] == [True, False]
    assert rows["Shared scrutiny"] == [False, True]
    commitment_3 = next(r for r in coverage.commitment_rows if r.commitment.number == 3)
    hillside, riverside = commitment_3.cells
    assert titles(hillside.practices) == ["Hillside panel"]
    assert titles(riverside.practices) == ["Shared scrutiny"]
    assert titles(riverside.elsewhere) == ["Hillside panel"]
    assert coverage.cycle is None
    assert coverage.opportunities == []  # no moderated ratings yet


def _moderated_cycle(people, landlord, other_landlord, stage=Stage.READY_TO_PUBLISH):
    cycle = cycle_open(reporting_year="2023-24", landlords=[landlord, other_landlord])
    move_to(cycle, Stage.MODERATION)
    # Riverside was rated partly met on commitment 3, where Hillside has a practice, and not met
    # on commitment 2, where nobody has one.
    for number, code in ((3, "partly_met"), (2, "not_met")):
        AssessmentItem.objects.filter(pk=item_of(cycle, landlord, number).pk).update(
            final_rating=rating(code), final_rationale="Test", moderated_at=timezone.now()
        )
    move_to(cycle, stage)
    return cycle


def test_coverage_highlights_where_another_landlords_practice_could_help(
    library, people, landlord, other_landlord
):
    cycle = _moderated_cycle(people, landlord, other_landlord)
    coverage = practice_coverage(user=people["council_officer"])
    assert coverage.cycle.pk == cycle.pk
    found = [
        (row.commitment.number, cell.landlord.name, cell.rating)
        for row, cell in coverage.opportunities
    ]
    assert found == [(3, "Riverside Homes", "Partly met")]
    commitment_2 = next(r for r in coverage.commitment_rows if r.commitment.number == 2)
    riverside = commitment_2.cells[1]
    assert riverside.below_met
    assert not riverside.could_learn


def test_public_coverage_waits_for_publication(library, people, landlord, other_landlord):
    _moderated_cycle(people, landlord, other_landlord)  # ready to publish: still under embargo
    public = practice_coverage(public_only=True)
    assert public.cycle is None
    assert [row.practice.title for row in public.practice_rows] == ["Hillside panel"]
    assert practice_coverage(user=people["landlord_admin"]).cycle is None


def test_coverage_query_count_does_not_grow_with_landlords(
    library, people, landlord, other_landlord
):
    user = people["council_admin"]
    _moderated_cycle(people, landlord, other_landlord)
    practice_coverage(user=user)
    with CaptureQueriesContext(connection) as small:
        practice_coverage(user=user)
    for n in range(20):
        extra = LandlordFactory()
        record(
            people["council_admin"], title=f"Extra {n}", numbers=(n % 18 + 1,), landlords=[extra]
        )
    with CaptureQueriesContext(connection) as large:
        coverage = practice_coverage(user=user)
    assert len(coverage.landlords) == 22
    assert len(large) == len(small)
