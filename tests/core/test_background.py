"""Background tasks try again after failing, with growing pauses, and those that fail for good
are shown to council admins, who can try them again. Email is one of them; it goes to a file
under var/ when no mail server is set."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from residentvoice.core.formats import date_and_time
from residentvoice.core.mail import SEPARATOR, MailFileBackend
from residentvoice.core.notifications import email_queue, email_send, email_withheld

pytestmark = pytest.mark.django_db

REFUSED = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def database_tasks(settings):
    """Tasks stored and run by the worker, as on a real site (the suite runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def no_mail_server(settings):
    """SMTP to a port where nothing listens: every send fails with "connection refused"."""
    settings.EMAIL_BACKEND = REFUSED
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.EMAIL_TIMEOUT = 2


def work_once() -> DBTaskResult | None:
    """What the worker does with the next task that is due: claim it, run it, record it."""
    stored = DBTaskResult.objects.ready().get_locked()
    if stored is None:
        return None
    stored.claim("test-worker")
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run_task(stored)
    stored.refresh_from_db()
    return stored


def queue_an_email() -> DBTaskResult:
    email_send(
        to=["rita@example.org"],
        subject="We have your registration",
        template="accounts/email/registration_received.txt",
        context={"registration": {"landlord": "Riverside Homes"}},
    )
    return DBTaskResult.objects.get()


def test_a_failed_email_is_tried_again_later_with_its_error_kept(database_tasks, no_mail_server):
    queue_an_email()
    before = timezone.now()
    stored = work_once()
    assert stored is not None
    assert stored.status == TaskResultStatus.READY  # queued again, not failed for good
    assert len(stored.worker_ids) == 1
    assert "ConnectionRefusedError" in stored.traceback
    wait = stored.run_after - before
    assert datetime.timedelta(seconds=29) < wait < datetime.timedelta(seconds=40)
    assert work_once() is None  # not due yet


def test_pauses_grow_and_after_six_attempts_the_email_waits_for_an_admin(
    database_tasks, no_mail_server, settings, client, people
):
    settings.TASK_RETRY_FIRST_DELAY = 0.002  # then 8 ms, 32 ms, 128 ms, 512 ms
    queue_an_email()
    pauses = []
    for _ in range(6):
        while (stored := work_once()) is None:  # not due yet
            time.sleep(0.01)
        if stored.status == TaskResultStatus.READY:
            pauses.append((stored.run_after - stored.finished_at).total_seconds())
    assert len(pauses) == 5
    for attempt, pause in enumerate(pauses):  # each at least four times the one before
        assert pause >= 0.002 * 4**attempt
    assert pauses[-1] > 10 * pauses[0]
    assert stored.status == TaskResultStatus.FAILED
    assert len(stored.worker_ids) == 6
    assert work_once() is None  # given up: nothing runs it again by itself

    client.force_login(people["council_admin"])
    page = client.get(reverse("core:tasks-failed")).content.decode()
    assert "Email to rita@example.org: “We have your registration”" in page
    assert "ConnectionRefusedError" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">6</td>' in page

    # The mail server is back; the admin tries again and it goes.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("core:task-retry", args=[stored.pk]), follow=True)
    assert "The task is queued again" in response.content.decode()
    stored = work_once()
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert len(stored.worker_ids) == 7
    assert [m.subject for m in mail.outbox] == ["We have your registration"]
    page = client.get(reverse("core:tasks-failed")).content.decode()
    assert "rita@example.org" not in page


def test_a_task_waiting_for_its_next_attempt_is_listed_with_when(
    database_tasks, no_mail_server, client, people
):
    queue_an_email()
    stored = work_once()
    client.force_login(people["council_admin"])
    page = client.get(reverse("core:tasks-failed")).content.decode()
    assert "Failed, to be tried again" in page
    assert "Email to rita@example.org" in page
    local = timezone.localtime(stored.run_after)
    assert date_and_time(local) in page  # "9:25am on 2 December 2026", as every page writes it


def test_only_a_failed_task_can_be_tried_again(database_tasks, client, people):
    stored = queue_an_email()
    client.force_login(people["council_admin"])
    response = client.post(reverse("core:task-retry", args=[stored.pk]), follow=True)
    assert "That task is not failed" in response.content.decode()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


def test_the_email_task_is_saved_with_the_change_that_caused_it(database_tasks):
    from django.db import transaction

    def change_that_fails() -> None:
        with transaction.atomic():
            queue_an_email()
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not DBTaskResult.objects.exists()  # nobody is told about a change that never was


def test_inside_email_withheld_nothing_is_queued(database_tasks):
    with email_withheld():
        assert email_queue(to=["a@example.org"], subject="Hello", body="Text") is False
    assert not DBTaskResult.objects.exists()
    assert email_queue(to=["a@example.org"], subject="Hello", body="Text") is True
    assert DBTaskResult.objects.count() == 1


def test_mail_goes_to_one_readable_file(tmp_path, settings):
    settings.EMAIL_FILE = tmp_path / "var" / "mail.log"
    backend = MailFileBackend()
    first = mail.EmailMessage("Your résumé", "Bonjour, ça va?", "site@example.org", ["a@x.org"])
    second = mail.EmailMessage("Second", "Another", "site@example.org", ["b@x.org"])
    assert backend.send_messages([first]) == 1
    assert backend.send_messages([second]) == 1
    text = settings.EMAIL_FILE.read_text(encoding="utf-8")
    assert text.count(SEPARATOR) == 2
    assert "To: a@x.org" in text
    assert "To: b@x.org" in text
    assert "Bonjour, ça va?" in text  # the text as written, not encoded
    assert text.index("To: a@x.org") < text.index("To: b@x.org")


def test_what_a_withheld_block_leaves_for_the_commit_is_withheld_too(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with email_withheld():
            # A service announcing a change only once it is saved, as stage moves do.
            transaction.on_commit(
                lambda: email_queue(to=["a@example.org"], subject="About the past", body="")
            )
        email_queue(to=["a@example.org"], subject="About now", body="")
    assert [m.subject for m in mail.outbox] == ["About now"]


def test_an_email_that_can_never_be_sent_is_shown_to_admins_at_once(database_tasks, client, people):
    """A title typed with a line break makes a subject no mail server may take: trying again
    cannot help, so it is given up after one attempt and shown on the failed tasks page."""
    email_queue(to=["chair@example.org"], subject="Panel meeting\r\nBcc: x@evil.example", body="")
    stored = work_once()
    assert stored.status == TaskResultStatus.FAILED
    assert len(stored.worker_ids) == 1
    client.force_login(people["council_admin"])
    page = client.get(reverse("core:tasks-failed")).content.decode()
    assert "Email to chair@example.org" in page
    assert "BadHeaderError" in page
    assert mail.outbox == []
