"""The failed tasks page and the "someone else was saving" page in Chromium: axe-clean, and the
failed task can be tried again without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from residentvoice.notifications import views as notification_views
from residentvoice.notifications.services import notification_send

from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "smtplib.py", line 341, in connect\n'
    "ConnectionRefusedError: [Errno 111] Connection refused\n"
)


def _stored_email(to: str, status: str, attempts: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="residentvoice.core.notifications.email_deliver",
        args_kwargs={
            "args": [],
            "kwargs": {"to": [to], "subject": "You are invited", "body": "", "headers": {}},
        },
        backend_name="default",
        status=status,
        run_after=timezone.now() + timezone.timedelta(minutes=8),
        finished_at=timezone.now(),
        worker_ids=[f"worker-{n}" for n in range(attempts)],
        exception_class_path="builtins.ConnectionRefusedError",
        traceback=TRACEBACK,
    )


def test_the_failed_tasks_page_is_accessible_and_a_task_can_be_tried_again(
    page, live_server, client, people, axe_source, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    given_up = _stored_email("gone@example.org", TaskResultStatus.FAILED, 6)
    _stored_email("waiting@example.org", TaskResultStatus.READY, 2)
    sign_in(page, client, live_server, people["council_admin"])
    page.goto(live_server.url + reverse("core:tasks-failed"))
    assert axe_violations(page, axe_source) == []
    page.get_by_text("Technical details").first.click()
    assert page.get_by_text("Connection refused").first.is_visible()
    page.get_by_role("button", name=re.compile("Try again.*gone@example.org")).click()
    assert page.get_by_text("The task is queued again").is_visible()
    given_up.refresh_from_db()
    assert given_up.status == TaskResultStatus.READY
    assert axe_violations(page, axe_source) == []


def test_the_someone_else_was_saving_page_is_accessible(
    page, live_server, client, people, axe_source, monkeypatch
):
    from residentvoice.core.concurrency import ConcurrentSaveError

    def lose(**kwargs):
        raise ConcurrentSaveError()

    monkeypatch.setattr(notification_views.services, "notifications_mark_read", lose)
    notification_send(users=[people["resident"]], subject="Your landlord replied", body="Read it")
    sign_in(page, client, live_server, people["resident"])
    page.goto(live_server.url + reverse("notifications:list"))
    page.get_by_role("button", name="Mark all as read").click()
    assert page.get_by_role("heading", name="Someone else was saving at the same time").is_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="Go back to the page").click()
    assert page.url.endswith(reverse("notifications:list"))
