"""The assessment pages as each role uses them: forms keep what was typed, stale saves are refused,
private notes stay with the council, and the dashboard's queries do not grow with landlords."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residentvoice.assessment import services
from residentvoice.assessment.models import Stage

from ..factories import LandlordFactory
from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db


def item_url(landlord, number=1, suffix=""):
    name = f"assessment:item{suffix}"
    return reverse(name, kwargs={"year": YEAR, "slug": landlord.slug, "number": number})


def self_data(item, **changes):
    data = {
        "self-version": item.version,
        "self-rating": rating("met").pk,
        "self-what_we_do": "We run a residents' forum",
        "self-how_residents_involved": "Residents chair it",
    }
    data.update({f"self-{k}": v for k, v in changes.items()})
    return data


def test_landlord_staff_save_a_draft_and_see_it(client, cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    client.force_login(people["landlord_officer"])
    item = item_of(cycle, landlord, 1)
    response = client.post(item_url(landlord, suffix="-self"), self_data(item))
    assert response.status_code == 302
    page = client.get(item_url(landlord))
    assert "We run a residents&#x27; forum" in page.content.decode()
    assert "Current stage: Landlord self-assessment" in page.content.decode()


def test_a_refused_save_keeps_what_was_typed(client, cycle, landlord, people):
    client.force_login(people["landlord_officer"])
    item = item_of(cycle, landlord, 1)
    response = client.post(
        item_url(landlord, suffix="-self"), self_data(item, what_we_do="Typed words kept")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "during landlord self-assessment" in body
    assert "Typed words kept" in body
    assert item_of(cycle, landlord, 1).what_we_do == ""


def test_two_editors_the_later_save_is_refused_and_shows_the_newer(client, cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    services.item_self_assess(
        item=item, version=item.version, rating=rating("exceeded"), what_we_do="Colleague's text"
    )
    client.force_login(people["landlord_admin"])
    response = client.post(
        item_url(landlord, suffix="-self"), self_data(item, what_we_do="My own text")
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Colleague&#x27;s text" in body  # the newer version is shown
    assert "My own text" in body  # and the person's own text is kept in the form
    assert item_of(cycle, landlord, 1).what_we_do == "Colleague's text"


def test_submit_lists_what_is_missing(client, cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    client.force_login(people["landlord_admin"])
    url = reverse("assessment:submit", kwargs={"year": YEAR, "slug": landlord.slug})
    body = client.post(url).content.decode()
    assert "cannot be submitted yet" in body
    assert body.count("has no rating") == 17


def test_private_notes_are_for_the_council_only(client, cycle, landlord, people):
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = item_of(cycle, landlord, 2)
    services.item_review(
        item=item,
        by=people["council_admin"],
        version=item.version,
        rating=rating("met"),
        feedback="Clear minutes",
        private_notes="SECRET-NOTE",
    )
    client.force_login(people["council_officer"])
    assert "SECRET-NOTE" in client.get(item_url(landlord, 2)).content.decode()
    assert "SECRET-NOTE" in client.get(item_url(landlord, 2, "-timeline")).content.decode()
    client.force_login(people["landlord_admin"])
    for url in (item_url(landlord, 2), item_url(landlord, 2, "-timeline")):
        body = client.get(url).content.decode()
        assert "Clear minutes" in body  # the public feedback is there, on both pages
        assert "SECRET-NOTE" not in body
    timeline = client.get(item_url(landlord, 2, "-timeline")).content.decode()
    assert "Feedback (public): (empty) → Clear minutes" in timeline
    assert "Private notes" not in timeline


def test_other_landlords_staff_cannot_open_an_item(client, cycle, landlord, people):
    client.force_login(people["other_landlord_admin"])
    assert client.get(item_url(landlord)).status_code == 403


def test_stage_move_page_refuses_ready_to_publish_listing_what_is_missing(
    client, cycle, landlord, people
):
    move_to(cycle, Stage.MODERATION)
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("assessment:stage-move", kwargs={"year": YEAR}), {"to_stage": "ready_to_publish"}
    )
    assert response.status_code == 200
    assert "Riverside Homes: commitment 1" in response.content.decode()
    assert services.cycle_stage(cycle) == Stage.MODERATION


def test_timeline_shows_who_changed_what(client, cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    client.force_login(people["landlord_officer"])
    item = item_of(cycle, landlord, 1)
    client.post(item_url(landlord, suffix="-self"), self_data(item))
    body = client.get(item_url(landlord, suffix="-timeline")).content.decode()
    assert "Commitment changed" in body
    assert "What we do: (empty) → We run a residents&#x27; forum" in body
    assert people["landlord_officer"].full_name in body


def test_dashboard_queries_do_not_grow_with_landlords(client, charter, people, landlord):
    cycle = services.cycle_open(
        reporting_year=YEAR, landlords=[landlord, *LandlordFactory.create_batch(2)]
    )
    client.force_login(people["council_admin"])
    url = reverse("assessment:dashboard", kwargs={"year": YEAR})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for extra in LandlordFactory.create_batch(9):
        services.cycle_landlord_add(cycle=cycle, landlord=extra)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("rv-matrix__landlord") == 12
    assert len(large) == len(small)


def test_dashboard_filters_by_state_and_shows_the_reviewer_queue(client, cycle, landlord, people):
    services.participation_reviewer_assign(
        participation=cycle.participations.get(landlord=landlord),
        reviewer=people["council_officer"],
    )
    move_to(cycle, Stage.COUNCIL_REVIEW)
    client.force_login(people["council_officer"])
    url = reverse("assessment:dashboard", kwargs={"year": YEAR})
    body = client.get(url).content.decode()
    assert "17 commitments waiting for your rating</a>, from the 1 landlord you review" in body
    filtered = client.get(url, {"landlord": "river", "commitment": "3"}).content.decode()
    assert filtered.count("rv-matrix__landlord") == 1
    mine = client.get(url, {"reviewer": "me", "state": "review"}).content.decode()
    assert mine.count("rv-matrix__landlord") == 1
    assert "Riverside Homes" in mine


def test_residents_download_public_evidence_only(client, cycle, landlord, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    pdf = b"%PDF-1.4\n%%EOF\n"
    shown = services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Public minutes",
        file=SimpleUploadedFile("public.pdf", pdf),
        is_public=True,
    )
    hidden = services.evidence_add(
        item=item,
        by=people["landlord_officer"],
        title="Private notes",
        file=SimpleUploadedFile("private.pdf", pdf),
    )
    client.force_login(people["resident"])
    for evidence, status in ((shown, 200), (hidden, 404)):
        url = reverse(
            "assessment:evidence-file",
            kwargs={"year": YEAR, "slug": landlord.slug, "number": 1, "pk": evidence.pk},
        )
        assert client.get(url).status_code == status
    client.force_login(people["other_resident"])
    assert client.get(url).status_code == 403


def test_cycle_page_shows_residents_taking_part_per_landlord(
    client, cycle, landlord, other_landlord, people
):
    """The participation figures for 2024-25, per landlord, as the council reads them."""
    import datetime
    import re

    from django.utils import timezone

    from residentvoice.accounts.models import Role
    from residentvoice.participation import services as participation
    from residentvoice.participation.models import Consultation, PanelRole

    from ..factories import user_with_role
    from ..participation import builders

    def moment(month: int, day: int) -> datetime.datetime:
        return datetime.datetime(2024, month, day, 12, tzinfo=timezone.get_current_timezone())

    # Riverside: a consultation closing in June 2024, answered online by two residents and on
    # paper by one person without an account (three residents taking part)...
    second = user_with_role(Role.RESIDENT, landlord, email="second-resident@example.org")
    consultation = builders.consultation_open(landlord=landlord)
    for person in (people["resident"], second):
        participation.response_save(
            consultation=consultation,
            user=person,
            answers=builders.answers_for(consultation),
            submit=True,
        )
    participation.response_enter(
        consultation=consultation,
        entered_by=people["landlord_officer"],
        channel="paper",
        answers=builders.answers_for(consultation),
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=moment(5, 1), closes_at=moment(6, 1)
    )
    # ...and a scrutiny panel chaired by one of them since May 2024 (no one new), whose report
    # reached the landlord on 1 July 2024: one recommendation accepted after 20 days and done,
    # one partly accepted after 40 days.
    panel = participation.panel_create(
        landlord=landlord, name="Scrutiny panel", terms_of_reference="One review at a time."
    )
    participation.panel_member_add(
        panel=panel, user=people["resident"], role=PanelRole.CHAIR, joined_on=moment(5, 1).date()
    )
    review = builders.review_with_recommendations(
        panel=panel, by=people["resident"], stage="report"
    )
    review.report_summary = "Complaints are slow."
    review.save()
    participation.review_stage_move(
        review=review, stage="answering", moved_by=people["resident"], at=moment(7, 1)
    )
    first, second_recommendation = review.recommendations.order_by("number")
    participation.recommendation_answer(
        recommendation=first,
        answered_by=people["landlord_officer"],
        answer="accepted",
        owner="Complaints team",
        due_on=datetime.date(2024, 12, 1),
        at=moment(7, 21),
    )
    participation.recommendation_answer(
        recommendation=second_recommendation,
        answered_by=people["landlord_officer"],
        answer="partly",
        reason="Half of it is already done.",
        owner="Complaints team",
        due_on=datetime.date(2024, 12, 1),
        at=moment(8, 10),
    )
    participation.action_progress_add(
        recommendation=first,
        added_by=people["landlord_officer"],
        percent=100,
        milestone="Done",
        at=moment(9, 1),
    )

    client.force_login(people["council_officer"])
    body = client.get(reverse("assessment:cycle", kwargs={"year": YEAR})).content.decode()
    assert "Residents taking part in 2024-25" in body
    table = body.split("Residents taking part in 2024-25", 1)[1].split("</table>", 1)[0]

    def figures(name: str) -> list[str]:
        row = re.search(rf"<th scope=\"row\"[^>]*>{name}</th>(.*?)</tr>", table, re.S)
        assert row is not None, name
        return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))

    # Consultations run, residents taking part, accepted, completed, average days to answer.
    assert figures("Riverside Homes") == ["1", "3", "2", "1", "30"]
    assert figures("Hillside Housing") == ["0", "0", "0", "0", "–"]
