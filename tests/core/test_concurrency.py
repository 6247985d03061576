"""A lost race for the database is a message to the person, whatever the view: the page says
someone else was saving and nothing was saved, with a way back, never a server error."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import OperationalError
from django.urls import reverse

from residentvoice.core.concurrency import ConcurrentSaveError, is_lost_race
from residentvoice.notifications import views as notification_views

pytestmark = pytest.mark.django_db


def _locked() -> OperationalError:
    """The error Django raises when SQLite gives up waiting for another writer."""
    error = OperationalError("database is locked")
    cause = sqlite3.OperationalError("database is locked")
    cause.sqlite_errorcode = 5  # SQLITE_BUSY
    error.__cause__ = cause
    return error


@pytest.mark.parametrize("error", [_locked(), ConcurrentSaveError()])
def test_a_view_that_does_not_expect_a_lost_race_answers_with_a_message(
    client, people, monkeypatch, error
):
    def lose(**kwargs):
        raise error

    monkeypatch.setattr(notification_views.services, "notifications_mark_read", lose)
    client.force_login(people["resident"])
    page = reverse("notifications:list")
    response = client.post(
        reverse("notifications:mark-read"), HTTP_REFERER=f"http://testserver{page}"
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Someone else was saving at the same time</h1>' in body
    assert "Nothing you sent was saved" in body
    assert f'href="http://testserver{page}"' in body


def test_other_database_errors_are_not_taken_for_a_lost_race():
    assert is_lost_race(_locked())
    assert not is_lost_race(OperationalError("no such table: landlord"))
    assert not is_lost_race(ValueError("database is locked"))


def test_a_link_back_to_another_site_is_never_offered(client, people, monkeypatch):
    def lose(**kwargs):
        raise _locked()

    monkeypatch.setattr(notification_views.services, "notifications_mark_read", lose)
    client.force_login(people["resident"])
    response = client.post(reverse("notifications:mark-read"), HTTP_REFERER="https://evil.example/")
    assert response.status_code == 409
    assert "evil.example" not in response.content.decode()
