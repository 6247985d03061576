"""Notifications: kept on the site, emailed as each person prefers, one-click unsubscribe."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from residentvoice.notifications.models import (
    DEFAULT_FREQUENCY,
    EmailState,
    Frequency,
    Notification,
    NotificationPreference,
)
from residentvoice.notifications.services import (
    notification_digest_send,
    notification_preference_set,
    notification_send,
    unsubscribe_token,
    unsubscribe_url,
)

from ..factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(email="reader@example.org", full_name="Rita Reader")


def _send(users, **kwargs):
    return notification_send(
        users=users,
        subject=kwargs.pop("subject", "Results are out"),
        body=kwargs.pop("body", "The results of the consultation are published."),
        url=kwargs.pop("url", "/consultations/1/results/"),
        **kwargs,
    )


def test_immediate_email_carries_a_working_unsubscribe_link(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send([person])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "The results of the consultation are published." in message.body
    assert unsubscribe_url(person) in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(user=person).email_state == EmailState.SENT


def test_daily_digest_gathers_waiting_notifications_into_one_email(
    person, django_capture_on_commit_callbacks
):
    notification_preference_set(user=person, frequency=Frequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        _send([person], subject="First")
        _send([person], subject="Second")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(frequency=Frequency.DAILY) == 1
    assert len(mail.outbox) == 1
    assert "First" in mail.outbox[0].body
    assert "Second" in mail.outbox[0].body
    assert "2 updates today" in mail.outbox[0].subject
    # Nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(frequency=Frequency.DAILY) == 0
    assert len(mail.outbox) == 1


def test_weekly_readers_are_not_in_the_daily_digest(person, django_capture_on_commit_callbacks):
    notification_preference_set(user=person, frequency=Frequency.WEEKLY)
    _send([person])
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(frequency=Frequency.DAILY) == 0
        call_command("notifications", "digest", "weekly")
    assert len(mail.outbox) == 1
    assert "this week" in mail.outbox[0].subject


def test_a_reminder_with_the_same_key_is_not_repeated(person):
    assert len(_send([person], dedupe_key="overdue:1:2025-01-01")) == 1
    assert _send([person], dedupe_key="overdue:1:2025-01-01") == []
    assert Notification.objects.filter(user=person).count() == 1


def test_one_click_unsubscribe_stops_email_but_keeps_the_list(
    client, person, django_capture_on_commit_callbacks
):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(person)])
    page = client.get(url)
    assert "Stop all update emails to reader@example.org" in page.content.decode()
    assert client.post(url).status_code == 200  # no CSRF token: mail programs post like this
    with django_capture_on_commit_callbacks(execute=True):
        _send([person])
    assert mail.outbox == []
    assert Notification.objects.get(user=person).email_state == EmailState.NOT_EMAILED
    client.force_login(person)
    assert "Results are out" in client.get(reverse("notifications:list")).content.decode()


def test_a_forged_unsubscribe_link_changes_nothing(client, person):
    token = unsubscribe_token(person)[:-2] + "xx"
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_the_list_shows_only_my_own_notifications_escaped(client, person):
    other = UserFactory()
    _send([person], subject="<b>Mine</b>")
    _send([other], subject="Someone else's")
    client.force_login(person)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "&lt;b&gt;Mine&lt;/b&gt;" in page
    assert "Someone else" not in page
    client.post(reverse("notifications:mark-read"))
    assert Notification.objects.get(user=person).read_at is not None


def test_preferences_page_saves_the_choice(client, person):
    client.force_login(person)
    response = client.post(reverse("notifications:preferences"), {"frequency": "weekly"})
    assert response.status_code == 302
    assert person.notification_preference.frequency == "weekly"
    bad = client.post(reverse("notifications:preferences"), {"frequency": "hourly"})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()


def test_waiting_notifications_older_than_the_period_are_still_sent(
    person, django_capture_on_commit_callbacks
):
    notification_preference_set(user=person, frequency=Frequency.DAILY)
    _send([person])
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(frequency=Frequency.DAILY) == 1


def test_choosing_the_default_again_stores_no_preference(db):
    person = UserFactory()
    notification_preference_set(user=person, frequency=DEFAULT_FREQUENCY)
    assert not NotificationPreference.objects.filter(user=person).exists()
    notification_preference_set(user=person, frequency=Frequency.WEEKLY)
    assert NotificationPreference.objects.get(user=person).frequency == Frequency.WEEKLY
