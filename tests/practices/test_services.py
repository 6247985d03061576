"""Recording, changing and approving practices: who may name which landlords, what is checked,
and when a practice leaves the public library."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from residentvoice.practices.services import practice_publish, practice_update

from .conftest import commitment, record


def test_landlord_staff_record_for_their_own_landlord(charter, people, landlord):
    practice = record(people["landlord_officer"])
    assert list(practice.landlords.all()) == [landlord]
    assert practice.recorded_by_landlord == landlord
    assert practice.recorded_by == people["landlord_officer"]
    assert practice.is_public is False


def test_landlord_staff_cannot_name_another_landlord(charter, people, landlord, other_landlord):
    with pytest.raises(ValidationError) as error:
        record(people["landlord_admin"], landlords=[landlord, other_landlord])
    assert "Riverside Homes only" in str(error.value.message_dict["landlords"])


def test_council_staff_record_for_any_landlords(charter, people, landlord, other_landlord):
    practice = record(people["council_officer"], landlords=[landlord, other_landlord])
    assert set(practice.landlords.all()) == {landlord, other_landlord}
    assert practice.recorded_by_landlord is None


def test_council_must_name_a_landlord(charter, people):
    with pytest.raises(ValidationError) as error:
        record(people["council_admin"])
    assert "landlords" in error.value.message_dict


@pytest.mark.parametrize("role", ["resident", "signed_in"])
def test_residents_and_people_without_a_role_cannot_record(charter, people, landlord, role):
    with pytest.raises(ValidationError, match="Only council staff and landlord staff"):
        record(people[role], landlords=[landlord])


def test_every_problem_is_reported_at_once(charter, people):
    from residentvoice.practices.services import practice_create

    with pytest.raises(ValidationError) as error:
        practice_create(
            by=people["landlord_admin"],
            title="   ",
            description="",
            commitments=[],
            evidence_url="javascript:alert(1)",
        )
    assert set(error.value.message_dict) == {"title", "description", "commitments", "evidence_url"}


def test_text_is_stored_trimmed_but_otherwise_as_typed(charter, people):
    practice = record(
        people["landlord_admin"],
        title="  <b>Tea</b> & talk  ",
        how_residents_involved="Residents chose the venue.\nThey chair it.",
    )
    assert practice.title == "<b>Tea</b> & talk"
    assert practice.how_residents_involved == "Residents chose the venue.\nThey chair it."


def test_a_landlord_change_takes_a_practice_out_of_the_public_library(charter, people):
    practice = record(people["landlord_admin"])
    practice_publish(practice=practice, by=people["council_officer"], public=True)
    practice.refresh_from_db()
    assert practice.is_public
    assert practice.approved_by == people["council_officer"]

    practice = practice_update(
        practice=practice,
        by=people["landlord_officer"],
        title="Mystery shoppers, now monthly",
        description=practice.description,
        commitments=[commitment(3)],
    )
    practice.refresh_from_db()
    assert practice.title == "Mystery shoppers, now monthly"
    assert practice.is_public is False
    assert practice.approved_at is None


def test_a_council_change_keeps_a_practice_public(charter, people, landlord):
    practice = record(people["landlord_admin"])
    practice_publish(practice=practice, by=people["council_admin"], public=True)
    practice_update(
        practice=practice,
        by=people["council_officer"],
        title=practice.title,
        description="A clearer description.",
        commitments=[commitment(3), commitment(4)],
        landlords=[landlord],
    )
    practice.refresh_from_db()
    assert practice.is_public is True
    assert {c.number for c in practice.commitments.all()} == {3, 4}


def test_saving_without_changes_writes_no_history(charter, people, landlord):
    practice = record(people["landlord_admin"])
    before = practice.history.count()
    practice_update(
        practice=practice,
        by=people["landlord_admin"],
        title=practice.title,
        description=practice.description,
        commitments=[commitment(3)],
        landlords=[landlord],
    )
    assert practice.history.count() == before


def test_changing_only_the_commitments_is_recorded_in_the_history(charter, people):
    practice = record(people["landlord_admin"])
    before = practice.history.count()
    practice_update(
        practice=practice,
        by=people["landlord_admin"],
        title=practice.title,
        description=practice.description,
        commitments=[commitment(5)],
    )
    assert practice.history.count() == before + 1
    assert [c.number for c in practice.commitments.all()] == [5]


def test_only_council_staff_approve(charter, people):
    practice = record(people["landlord_admin"])
    with pytest.raises(ValidationError, match="Only council staff"):
        practice_publish(practice=practice, by=people["landlord_admin"], public=True)
    practice.refresh_from_db()
    assert practice.is_public is False


def test_withdrawing_approval(charter, people):
    practice = record(people["landlord_admin"])
    practice_publish(practice=practice, by=people["council_admin"], public=True)
    practice_publish(practice=practice, by=people["council_admin"], public=False)
    practice.refresh_from_db()
    assert practice.is_public is False
    assert practice.approved_by is None


def test_a_landlord_change_keeps_the_landlords_the_council_named(
    charter, people, landlord, other_landlord
):
    practice = record(people["landlord_admin"])
    practice_update(
        practice=practice,
        by=people["council_admin"],
        title=practice.title,
        description=practice.description,
        commitments=[commitment(3)],
        landlords=[landlord, other_landlord],
    )
    practice_update(
        practice=practice,
        by=people["landlord_officer"],
        title="Mystery shoppers, renamed",
        description=practice.description,
        commitments=[commitment(3)],
    )
    practice.refresh_from_db()
    assert practice.title == "Mystery shoppers, renamed"
    assert set(practice.landlords.all()) == {landlord, other_landlord}
    with pytest.raises(ValidationError, match="Only the council can change which landlords"):
        practice_update(
            practice=practice,
            by=people["landlord_officer"],
            title=practice.title,
            description=practice.description,
            commitments=[commitment(3)],
            landlords=[landlord],
        )
