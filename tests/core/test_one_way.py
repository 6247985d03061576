"""Each thing is said one way on every page that says it: a consultation's and a stage's closing
time, and the dates around them, in words (core/formats.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from residentvoice.assessment.models import Stage, StageDates
from residentvoice.assessment.notifications import deadline_reminders_send

from ..assessment.conftest import YEAR, charter, cycle, move_to  # noqa: F401  (fixtures)
from ..participation import builders

pytestmark = pytest.mark.django_db


def test_a_consultation_closes_at_the_same_time_on_every_page(client, landlord, people):
    consultation = builders.consultation_open(landlord=landlord)
    closes = timezone.localtime(consultation.closes_at)
    consultation.closes_at = closes.replace(hour=17, minute=0, second=0, microsecond=0)
    consultation.save()
    when = f"5pm on {closes.day} {closes:%B %Y}"
    client.force_login(people["resident"])
    pages = {
        "list": reverse("participation:consultation-list"),
        "detail": reverse("participation:consultation-detail", args=[consultation.pk]),
        "answer": reverse("participation:consultation-answer", args=[consultation.pk]),
    }
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert when in page, name
        assert "17:00" not in page, name
    client.force_login(people["landlord_officer"])
    for url in (
        reverse("participation:manage-consultations"),
        reverse("participation:consultation-manage", args=[consultation.pk]),
    ):
        page = client.get(url).content.decode()
        assert when in page, url
        assert "17:00" not in page, url


def test_a_stage_closes_at_the_same_time_on_every_page_and_email(
    client,
    cycle,  # noqa: F811
    people,
    django_capture_on_commit_callbacks,
):
    closes = timezone.localdate() + datetime.timedelta(days=7)
    StageDates.objects.create(cycle=cycle, stage=Stage.SELF_ASSESSMENT, closes_on=closes)
    move_to(cycle, Stage.SELF_ASSESSMENT)
    when = f"11:59pm on {closes.day} {closes:%B %Y}"
    client.force_login(people["council_admin"])
    for url in (
        reverse("assessment:cycles"),
        reverse("assessment:cycle", kwargs={"year": YEAR}),
        reverse("assessment:dashboard", kwargs={"year": YEAR}),
    ):
        page = client.get(url).content.decode()
        assert (
            f"closes at {when}" in page or f'<td class="govuk-table__cell">{when}</td>' in page
        ), url
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send(today=timezone.localdate(), days_before=[7]) >= 1
    bodies = " ".join(" ".join(message.body.split()) for message in mail.outbox)
    assert f"closes in 7 days, at {when}." in bodies, bodies
