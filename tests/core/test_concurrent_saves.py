"""Races as people make them: the same save sent from several tabs at once, against the site
running in its own process (threads for the people, real connections to the database).

Whoever loses a race is told so on the page, with what they typed; nobody gets a server error,
on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from django.db import connection, transaction
from django.urls import reverse

from residentvoice.assessment.models import AssessmentItem, Stage
from residentvoice.participation.models import Answer, Response
from residentvoice.publication.models import Publication

from ..assessment.conftest import YEAR, charter, cycle, item_of, move_to, rating  # noqa: F401
from ..live_site import form_token, live_site
from ..participation import builders
from ..participation.test_views import _form_data
from ..publication.conftest import (
    published_previous,  # noqa: F401
    ready,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60


def at_once(count: int, send: Callable[[int], requests.Response]) -> list[requests.Response]:
    """Send `count` requests released together, as a double click or several tabs do."""
    start = threading.Barrier(count)
    answers: list[Any] = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            answers[index] = send(index)
        except Exception as error:  # recorded and reported by the test, never lost
            answers[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    problems = [a for a in answers if not isinstance(a, requests.Response)]
    assert not problems, problems
    return answers


def statuses(answers: list[requests.Response]) -> list[int]:
    return sorted(answer.status_code for answer in answers)


def test_parallel_saves_of_one_commitment_keep_one_and_tell_the_others(
    tmp_path,
    cycle,  # noqa: F811
    landlord,
    people,
):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    officer = people["landlord_officer"]
    item = item_of(cycle, landlord, 1)
    page = reverse("assessment:item", kwargs={"year": YEAR, "slug": "riverside", "number": 1})
    save = reverse("assessment:item-self", kwargs={"year": YEAR, "slug": "riverside", "number": 1})
    with live_site(tmp_path, signed_in=[officer]) as site:
        tabs = [site.browser_for(officer) for _ in range(8)]
        tokens = [form_token(tab, site.url + page) for tab in tabs]

        def send(index: int) -> requests.Response:
            return tabs[index].post(
                site.url + save,
                data={
                    "csrfmiddlewaretoken": tokens[index],
                    "self-version": item.version,
                    "self-rating": rating("met").pk,
                    "self-what_we_do": f"Version from tab {index}",
                    "self-how_residents_involved": "Residents chair it",
                },
                allow_redirects=False,
                timeout=TIMEOUT,
            )

        answers = at_once(8, send)
    assert 500 not in statuses(answers), [a.text[:300] for a in answers if a.status_code == 500]
    won = [i for i, a in enumerate(answers) if a.status_code == 302]
    lost = [i for i, a in enumerate(answers) if a.status_code != 302]
    assert len(won) == 1, statuses(answers)
    for index in lost:
        body = answers[index].text
        assert answers[index].status_code == 409
        assert "govuk-error-summary" in body
        assert f"Version from tab {index}" in body  # what they typed is still in the form
    saved = item_of(cycle, landlord, 1)
    assert saved.what_we_do == f"Version from tab {won[0]}"
    assert saved.version == item.version + 1


def test_a_double_submitted_consultation_answer_is_saved_once(tmp_path, landlord, people):
    resident = people["resident"]
    consultation = builders.consultation_open(landlord=landlord, staff=people["landlord_officer"])
    url = reverse("participation:consultation-answer", args=[consultation.pk])
    with live_site(tmp_path, signed_in=[resident]) as site:
        clicks = [site.browser_for(resident) for _ in range(6)]
        tokens = [form_token(tab, site.url + url) for tab in clicks]
        data = _form_data(consultation, "submit")

        def send(index: int) -> requests.Response:
            return clicks[index].post(
                site.url + url,
                data={**data, "csrfmiddlewaretoken": tokens[index]},
                allow_redirects=False,
                timeout=TIMEOUT,
            )

        answers = at_once(6, send)
    assert 500 not in statuses(answers), [a.text[:300] for a in answers if a.status_code == 500]
    for answer in answers:
        assert answer.status_code in (302, 200), answer.status_code
        if answer.status_code == 200:  # the form again, with the reason and the answers kept
            assert "govuk-error-summary" in answer.text
            assert "Evening visits" in answer.text
    assert any(answer.status_code == 302 for answer in answers)
    response = Response.objects.get(consultation=consultation)
    assert response.submitted_at is not None
    assert Answer.objects.filter(response=response).count() == consultation.questions.count()


def test_parallel_publishes_make_one_publication(tmp_path, ready, people):  # noqa: F811
    admin = people["council_admin"]
    url = reverse("publication:publish", args=[YEAR])
    with live_site(tmp_path, signed_in=[admin]) as site:
        admins = [site.browser_for(admin) for _ in range(4)]
        tokens = [form_token(tab, site.url + url) for tab in admins]

        def send(index: int) -> requests.Response:
            return admins[index].post(
                site.url + url,
                data={"csrfmiddlewaretoken": tokens[index], "note": f"From tab {index}"},
                allow_redirects=False,
                timeout=TIMEOUT,
            )

        answers = at_once(4, send)
    assert 500 not in statuses(answers), [a.text[:300] for a in answers if a.status_code == 500]
    assert statuses(answers).count(302) == 1, statuses(answers)
    for answer in answers:
        if answer.status_code != 302:
            assert answer.status_code in (200, 409)
            assert "govuk-error-summary" in answer.text
    assert Publication.objects.filter(reporting_year=YEAR).count() == 1


@contextmanager
def writer_holding_the_lock(site, item):
    """Another writer in the middle of a long transaction, holding what the save needs."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(site.database.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        with transaction.atomic():
            AssessmentItem.objects.select_for_update().get(pk=item.pk)
            yield


def test_a_save_that_waits_too_long_for_another_writer_is_told_so_and_keeps_its_text(
    tmp_path,
    cycle,  # noqa: F811
    landlord,
    people,
):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    officer = people["landlord_officer"]
    item = item_of(cycle, landlord, 1)
    page = reverse("assessment:item", kwargs={"year": YEAR, "slug": "riverside", "number": 1})
    save = reverse("assessment:item-self", kwargs={"year": YEAR, "slug": "riverside", "number": 1})
    with live_site(tmp_path, signed_in=[officer], DATABASE_LOCK_TIMEOUT="1") as site:
        tab = site.browser_for(officer)
        token = form_token(tab, site.url + page)
        with writer_holding_the_lock(site, item):
            answer = tab.post(
                site.url + save,
                data={
                    "csrfmiddlewaretoken": token,
                    "self-version": item.version,
                    "self-rating": rating("met").pk,
                    "self-what_we_do": "Typed while someone else was saving",
                    "self-how_residents_involved": "Residents chair it",
                },
                allow_redirects=False,
                timeout=TIMEOUT,
            )
    assert answer.status_code == 200, answer.text[:500]
    assert "govuk-error-summary" in answer.text
    assert "Someone else was saving at the same time" in answer.text
    assert "Typed while someone else was saving" in answer.text
    assert item_of(cycle, landlord, 1).what_we_do == ""
