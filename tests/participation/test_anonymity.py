"""Anonymous consultations: the database alone must not let anyone match a follower to a
response. Responses keep only the day; a respondent's wish to hear the outcome is a mark on
their own response while it is open, and becomes a follower row only when the results are
published, written with every other follow at once and in order of account."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import Role
from residentvoice.notifications.models import Notification
from residentvoice.participation import services
from residentvoice.participation.models import ConsultationFollower, Response

from ..factories import user_with_role
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous(landlord, people):
    return builders.consultation_open(
        landlord=landlord, staff=people["landlord_officer"], anonymous=True
    )


def _start_of_day(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def test_anonymous_responses_keep_only_the_day(anonymous, people):
    saved = services.response_save(
        consultation=anonymous,
        user=people["resident"],
        answers=builders.answers_for(anonymous),
        submit=True,
        follow=True,
    )
    stored = Response.objects.get(pk=saved.pk)
    for moment in (stored.created_at, stored.updated_at, stored.submitted_at):
        assert moment is not None
        assert _start_of_day(moment)
        assert timezone.localdate(moment) == timezone.localdate()
    # Changing the answers later in the day still leaves only the day.
    services.response_save(
        consultation=anonymous,
        user=people["resident"],
        answers=builders.answers_for(anonymous, rating=2),
        submit=True,
    )
    stored.refresh_from_db()
    assert _start_of_day(stored.updated_at)
    assert _start_of_day(stored.submitted_at)
    # Paper responses to an anonymous consultation too.
    paper = services.response_enter(
        consultation=anonymous,
        entered_by=people["landlord_officer"],
        channel="paper",
        answers=builders.answers_for(anonymous),
    )
    paper.refresh_from_db()
    assert _start_of_day(paper.created_at)
    assert paper.respondent is None


def test_named_responses_keep_the_moment(landlord, people):
    named = builders.consultation_open(landlord=landlord)
    saved = services.response_save(
        consultation=named,
        user=people["resident"],
        answers=builders.answers_for(named),
        submit=True,
        follow=True,
    )
    assert saved.submitted_at is not None
    assert not _start_of_day(saved.submitted_at)
    assert ConsultationFollower.objects.filter(user=people["resident"]).exists()


def test_following_an_anonymous_consultation_writes_no_follower_until_results(
    client, anonymous, landlord, people
):
    second = user_with_role(Role.RESIDENT, landlord, email="second@example.org")
    for person in (people["resident"], second):
        services.response_save(
            consultation=anonymous,
            user=person,
            answers=builders.answers_for(anonymous),
            submit=True,
            follow=person == people["resident"],
        )
    # While it is open there is no follower row to match with a response...
    assert not ConsultationFollower.objects.exists()
    assert Response.objects.filter(wants_outcome=True).count() == 1
    # ...but the resident's own page says they will hear, and they can change their mind.
    client.force_login(people["resident"])
    page = client.get(anonymous.get_absolute_url()).content.decode()
    assert "Stop telling me about this consultation" in page
    client.post(reverse("participation:consultation-follow", args=[anonymous.pk]), {"follow": "0"})
    assert not Response.objects.filter(wants_outcome=True).exists()
    client.post(reverse("participation:consultation-follow", args=[anonymous.pk]), {"follow": "1"})
    assert Response.objects.filter(wants_outcome=True).count() == 1
    assert not ConsultationFollower.objects.exists()

    # Someone in the audience who has not answered follows the ordinary way.
    third = user_with_role(Role.RESIDENT, landlord, email="third@example.org")
    services.consultation_follow(consultation=anonymous, user=third)
    assert ConsultationFollower.objects.get().user == third

    builders.close(anonymous)
    services.consultation_results_publish(consultation=anonymous)
    # Every follow is written again, together, in order of account; nothing is left on the
    # responses that could say whose they were.
    followers = list(ConsultationFollower.objects.order_by("pk").values_list("user_id", flat=True))
    assert followers == sorted([people["resident"].pk, third.pk])
    assert not Response.objects.exclude(anonymous_key="").exists()
    assert not Response.objects.filter(wants_outcome=True).exists()
    assert Notification.objects.filter(
        user=people["resident"], subject__startswith="Results published"
    ).exists()
    assert not Notification.objects.filter(
        user=second, subject__startswith="Results published"
    ).exists()


def test_an_anonymous_respondent_who_follows_hears_the_outcome(anonymous, people):
    services.response_save(
        consultation=anonymous,
        user=people["resident"],
        answers=builders.answers_for(anonymous),
        submit=True,
        follow=True,
    )
    builders.close(anonymous)
    services.consultation_results_publish(consultation=anonymous)
    services.consultation_outcome_publish(
        consultation=anonymous,
        said_summary="You want evening repairs.",
        considered="We will trial them.",
        actions="",
        status="planned",
    )
    assert Notification.objects.filter(
        user=people["resident"], subject__startswith="How your views were considered"
    ).exists()
