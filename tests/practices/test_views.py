"""The library's pages: listing and filtering, recording and changing a practice, approval, and the
coverage tables; bad input gets a clear message and keeps what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residentvoice.practices.models import Practice
from residentvoice.practices.services import practice_publish

from .conftest import commitment, record


@pytest.fixture
def own(charter, people):
    return record(people["landlord_admin"], title="Riverside tea and talk", numbers=(1,))


def test_list_shows_practices_with_status_in_words(client, people, own):
    client.force_login(people["landlord_officer"])
    page = client.get(reverse("practices:list")).content.decode()
    assert "Riverside tea and talk" in page
    assert "Not public yet: waiting for the council" in page
    assert "1. Treating residents with respect" in page
    assert "Record a practice" in page
    assert reverse("practices:coverage") not in page  # the coverage tables are the council's


def test_list_filters_and_says_when_nothing_matches(client, people, own):
    client.force_login(people["council_officer"])
    page = client.get(reverse("practices:list"), {"commitment": "1"}).content.decode()
    assert "Riverside tea and talk" in page
    assert "matching the filters" in page
    page = client.get(reverse("practices:list"), {"commitment": "2"}).content.decode()
    assert "Riverside tea and talk" not in page
    assert "No practices match these filters" in page


def test_a_filter_value_not_in_the_list_gets_a_message_not_an_error(client, people, own):
    client.force_login(people["council_officer"])
    response = client.get(reverse("practices:list"), {"commitment": "abc", "landlord": "nobody"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a commitment from the list." in page
    assert "Choose a landlord from the list." in page
    assert "Riverside tea and talk" in page  # the unfiltered list is still shown


def test_landlord_staff_record_a_practice_for_their_landlord(client, people, charter, landlord):
    client.force_login(people["landlord_officer"])
    page = client.get(reverse("practices:add")).content.decode()
    assert "Landlords doing it" not in page  # no choice: it is their own landlord's
    response = client.post(
        reverse("practices:add"),
        {
            "title": "Residents choose contractors",
            "description": "A panel of residents scores every bid.",
            "commitments": [commitment(13).pk],
            "how_residents_involved": "Residents designed the scoring.",
            "evidence": "",
            "evidence_url": "",
        },
    )
    practice = Practice.objects.get(title="Residents choose contractors")
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:detail", args=[practice.pk])
    assert list(practice.landlords.all()) == [landlord]


def test_bad_input_keeps_what_was_typed(client, people, charter):
    client.force_login(people["landlord_officer"])
    response = client.post(
        reverse("practices:add"),
        {"title": "Kept title <i>", "description": "", "evidence_url": "not an address"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="Kept title &lt;i&gt;"' in page
    assert "Describe the practice" in page
    assert "Choose at least one commitment the practice helps to meet." in page
    assert "Enter a full web address starting with https://" in page
    assert not Practice.objects.exists()


def test_council_forms_offer_every_landlord(client, people, charter, landlord, other_landlord):
    client.force_login(people["council_officer"])
    response = client.post(
        reverse("practices:add"),
        {
            "title": "Joint scrutiny panel",
            "description": "Two landlords share a panel.",
            "commitments": [commitment(3).pk],
            "landlords": [landlord.pk, other_landlord.pk],
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get(title="Joint scrutiny panel")
    assert practice.landlords.count() == 2
    assert practice.recorded_by_landlord is None


def test_other_landlords_staff_cannot_read_or_change_a_private_practice(client, people, own):
    client.force_login(people["other_landlord_admin"])
    assert client.get(reverse("practices:detail", args=[own.pk])).status_code == 403
    response = client.post(
        reverse("practices:edit", args=[own.pk]),
        {"title": "Taken over", "description": "x", "commitments": [commitment(1).pk]},
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.title == "Riverside tea and talk"


def test_other_landlords_staff_read_an_approved_practice_but_cannot_change_it(client, people, own):
    practice_publish(practice=own, by=people["council_admin"], public=True)
    client.force_login(people["other_landlord_admin"])
    page = client.get(reverse("practices:detail", args=[own.pk])).content.decode()
    assert "Approved for the public library" in page
    assert reverse("practices:edit", args=[own.pk]) not in page
    assert client.get(reverse("practices:edit", args=[own.pk])).status_code == 403


def test_editing_shows_the_current_text_and_warns_a_landlord_about_approval(client, people, own):
    practice_publish(practice=own, by=people["council_admin"], public=True)
    client.force_login(people["landlord_admin"])
    page = client.get(reverse("practices:edit", args=[own.pk])).content.decode()
    assert 'value="Riverside tea and talk"' in page
    assert "leaves the public library until the council approves" in page
    response = client.post(
        reverse("practices:edit", args=[own.pk]),
        {
            "title": "Riverside tea and talk",
            "description": "Now twice a month.",
            "commitments": [commitment(1).pk],
        },
        follow=True,
    )
    assert "It has left the public library" in response.content.decode()
    own.refresh_from_db()
    assert own.is_public is False


def test_council_approves_a_practice(client, people, own):
    client.force_login(people["council_officer"])
    page = client.get(reverse("practices:detail", args=[own.pk])).content.decode()
    assert "Approve for the public library" in page
    response = client.post(reverse("practices:publish", args=[own.pk]), {"public": "yes"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.is_public
    assert own.approved_by == people["council_officer"]


def test_approval_without_a_decision_changes_nothing(client, people, own):
    client.force_login(people["council_officer"])
    response = client.post(reverse("practices:publish", args=[own.pk]), {}, follow=True)
    assert "Choose whether to approve" in response.content.decode()
    own.refresh_from_db()
    assert own.is_public is False


def test_landlord_staff_cannot_approve(client, people, own):
    client.force_login(people["landlord_admin"])
    response = client.post(reverse("practices:publish", args=[own.pk]), {"public": "yes"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_public is False


def test_a_practice_that_does_not_exist_is_not_found(client, people, charter):
    client.force_login(people["council_admin"])
    assert client.get(reverse("practices:detail", args=[999])).status_code == 404
    assert client.get(reverse("practices:edit", args=[999])).status_code == 404


def test_text_is_shown_escaped(client, people, charter):
    practice = record(people["landlord_admin"], title="<script>alert(1)</script>")
    client.force_login(people["landlord_admin"])
    page = client.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_coverage_page_is_tables_with_words(client, people, own, landlord, other_landlord):
    record(
        people["council_admin"], title="Shared", numbers=(1,), landlords=[landlord, other_landlord]
    )
    client.force_login(people["council_admin"])
    page = client.get(reverse("practices:coverage")).content.decode()
    assert page.count("<table") == 2  # no moderated ratings yet: no list of opportunities
    assert "No charter assessment has moderated results yet" in page
    assert "Riverside tea and talk" in page
    assert ">Yes<" in page
    assert ">No<" in page
    assert f"?commitment=1&amp;landlord={landlord.slug}" in page


@pytest.mark.parametrize(
    ("role", "linked"),
    [("landlord_officer", True), ("council_officer", True), ("resident", False)],
)
def test_staff_find_the_library_from_their_account(client, people, charter, role, linked):
    client.force_login(people[role])
    page = client.get(reverse("accounts:home")).content.decode()
    assert (reverse("practices:list") in page) is linked


def test_council_admins_read_who_changed_a_practice(client, people, own):
    client.force_login(people["council_admin"])
    page = client.get(reverse("core:history"), {"kind": "practices"}).content.decode()
    assert "Riverside tea and talk" in page
