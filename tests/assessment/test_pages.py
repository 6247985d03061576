"""Assessment pages from the audit: every reviewer's queue for council admins, the sign-off and
reviewer on each item's timeline, evidence cited from the site, reviews by unassigned officers,
and the assessment's changes on the site-wide history page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residentvoice.accounts.models import Role
from residentvoice.assessment import services
from residentvoice.assessment.models import Evidence, Stage

from ..factories import LandlordFactory, user_with_role
from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db


def item_url(landlord, number=1, suffix=""):
    return reverse(
        f"assessment:item{suffix}", kwargs={"year": YEAR, "slug": landlord.slug, "number": number}
    )


DASHBOARD = reverse("assessment:dashboard", kwargs={"year": YEAR})


@pytest.fixture
def reviewers(cycle, landlord, other_landlord, people):
    """Riverside reviewed by the council officer, Hillside by a second officer; the cycle in
    council review with two Riverside commitments already rated."""
    second = user_with_role(Role.COUNCIL_OFFICER, email="second-officer@example.org")
    second.full_name = "Sam Second"
    second.save()
    for who, reviewer in ((landlord, people["council_officer"]), (other_landlord, second)):
        services.participation_reviewer_assign(
            participation=cycle.participations.get(landlord=who), reviewer=reviewer
        )
    move_to(cycle, Stage.COUNCIL_REVIEW)
    for number in (1, 2):
        services.item_review(
            item=item_of(cycle, landlord, number),
            by=people["council_officer"],
            version=None,
            rating=rating("met"),
        )
    return {"second": second}


def _reviewer_row(body: str, name: str) -> str:
    """The row of the "Commitments by reviewer" table that names `name`."""
    table = body[body.index('id="reviewers-caption"') :]
    row = table[table.index(f">{name}</a>") :]
    return row[: row.index("</tr>")]


def test_council_admins_see_every_reviewers_counts_with_links(client, reviewers, people):
    client.force_login(people["council_admin"])
    body = client.get(DASHBOARD).content.decode()
    assert "Commitments by reviewer" in body
    officer = people["council_officer"]
    # Riverside: 17 commitments, 2 rated; Hillside: all 17 waiting.
    assert f'href="?reviewer={officer.pk}">{officer.full_name}</a>' in body
    assert f'href="?reviewer={officer.pk}&amp;state=review">15</a>' in _reviewer_row(
        body, officer.full_name
    )
    assert ">17</a>" in _reviewer_row(body, "Sam Second")


def test_council_officers_see_only_their_own_queue(client, reviewers, people):
    client.force_login(people["council_officer"])
    body = client.get(DASHBOARD).content.decode()
    assert "15 commitments waiting for your rating</a>, from the 1 landlord you review" in body
    assert "Commitments by reviewer" not in body
    mine = client.get(DASHBOARD, {"reviewer": "me", "state": "review"}).content.decode()
    assert "Riverside Homes" in mine
    assert "Hillside Housing" not in mine


def test_a_commitment_reopened_for_review_waits_in_the_queue_after_review(
    client, reviewers, cycle, landlord, people
):
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    services.item_reopen(
        item=item_of(cycle, landlord, 1), stage=Stage.COUNCIL_REVIEW, reason="New evidence"
    )
    client.force_login(people["council_admin"])
    body = client.get(DASHBOARD).content.decode()
    assert ">1</a>" in _reviewer_row(body, people["council_officer"].full_name)
    client.force_login(people["council_officer"])
    body = client.get(DASHBOARD).content.decode()
    assert "1 commitment waiting for your rating" in body


def test_the_admins_dashboard_queries_do_not_grow_with_landlords_or_reviewers(
    client, charter, people
):
    first = LandlordFactory.create_batch(3)
    cycle = services.cycle_open(reporting_year=YEAR, landlords=first)
    officers = [
        user_with_role(Role.COUNCIL_OFFICER, email=f"officer-{n}@example.org") for n in range(4)
    ]

    def assign_all():
        for n, participation in enumerate(cycle.participations.all()):
            services.participation_reviewer_assign(
                participation=participation, reviewer=officers[n % len(officers)]
            )

    assign_all()
    move_to(cycle, Stage.COUNCIL_REVIEW)
    client.force_login(people["council_admin"])
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as small:
        assert client.get(DASHBOARD).status_code == 200
    for extra in LandlordFactory.create_batch(9):
        services.cycle_landlord_add(cycle=cycle, landlord=extra)
    assign_all()
    with CaptureQueriesContext(connection) as large:
        body = client.get(DASHBOARD).content.decode()
    assert "204 commitments waiting on this stage</a>, 12 landlords" in body
    assert len(large) == len(small)


def test_the_timeline_shows_the_reviewer_and_the_sign_off(client, cycle, landlord, people):
    services.participation_reviewer_assign(
        participation=cycle.participations.get(landlord=landlord),
        reviewer=people["council_officer"],
    )
    move_to(cycle, Stage.SELF_ASSESSMENT)
    participation = cycle.participations.get(landlord=landlord)
    for item in participation.items.all():
        services.item_self_assess(item=item, version=None, rating=rating("met"))
    services.participation_submit(participation=participation, by=people["landlord_admin"])
    client.force_login(people["landlord_officer"])
    body = client.get(item_url(landlord, 4, "-timeline")).content.decode()
    officer, admin = people["council_officer"].full_name, people["landlord_admin"].full_name
    assert f"{officer} assigned to review" in body
    assert f"The self-assessment was signed off by {admin} and submitted to the council" in body


def test_evidence_from_the_site_keeps_its_own_address(client, cycle, landlord, people, settings):
    from residentvoice.participation.services import register_entry_record

    entry = register_entry_record(
        landlord=landlord,
        source_kind="other",
        source_id="noticeboard",
        residents_said="Residents asked for a notice board in every block.",
        decision="Agreed",
        reason="Cheap and asked for",
        action_taken="Boards put up",
        status="done",
        is_public=True,
        date=datetime.date(2024, 5, 1),
        title="Notice boards",
    )
    move_to(cycle, Stage.SELF_ASSESSMENT)
    client.force_login(people["landlord_officer"])
    response = client.post(
        reverse(
            "assessment:evidence-add", kwargs={"year": YEAR, "slug": landlord.slug, "number": 1}
        ),
        {"evidence-from_site": f"register_entry:{entry.pk}", "evidence-is_public": "on"},
    )
    assert response.status_code == 302
    saved = Evidence.objects.get(item=item_of(cycle, landlord, 1))
    expected = settings.SITE_URL + entry.get_absolute_url()
    assert saved.url == expected
    assert saved.url.count("://") == 1
    assert saved.title == "You said, we did: Notice boards"


def test_an_officer_not_assigned_to_a_landlord_is_refused_its_review(
    client, cycle, landlord, other_landlord, people
):
    """The rule (rules.py, and the guide): council admins review any landlord, a council
    officer only the landlords assigned to them."""
    services.participation_reviewer_assign(
        participation=cycle.participations.get(landlord=other_landlord),
        reviewer=people["council_officer"],
    )
    move_to(cycle, Stage.COUNCIL_REVIEW)
    client.force_login(people["council_officer"])
    page = client.get(item_url(landlord)).content.decode()
    assert "Save the review" not in page  # may read Riverside's item, not review it
    response = client.post(
        item_url(landlord, suffix="-review"),
        {"review-version": 1, "review-rating": rating("met").pk},
    )
    assert response.status_code == 403
    assert item_of(cycle, landlord, 1).reviewed_at is None
    assert "Save the review" in client.get(item_url(other_landlord)).content.decode()


def test_the_history_page_lists_the_assessments_changes(client, cycle, landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    services.evidence_add(
        item=item_of(cycle, landlord, 1),
        by=people["landlord_officer"],
        title="Forum minutes",
        url="https://example.org/minutes",
    )
    client.force_login(people["council_admin"])
    body = client.get(reverse("core:history"), {"kind": "assessment"}).content.decode()
    assert "Evidence: Forum minutes" in body
    assert "Participation" in body
