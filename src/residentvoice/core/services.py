"""Writes on the site's own machinery: background tasks queued again, by the retry policy, by a
council admin, or because the worker running them stopped."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def task_retry_later(*, task_id: str, delay: datetime.timedelta) -> datetime.datetime:
    """Put a task that has just failed back in the queue, to run after `delay`. Its last error
    stays on the row (shown while it waits) until a run succeeds."""
    when = timezone.now() + delay
    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=when
    )
    return when


@transaction.atomic
def task_retry(*, task_id: str) -> DBTaskResult:
    """A council admin asks for one more attempt at a task that failed for good."""
    stored = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
    if stored is None:
        raise ValidationError("That task no longer exists.")
    if stored.status != TaskResultStatus.FAILED:
        raise ValidationError("That task is not failed: it is waiting, running or done already.")
    stored.status = TaskResultStatus.READY
    stored.run_after = timezone.now()
    stored.save(update_fields=["status", "run_after"])
    return stored


@transaction.atomic
def tasks_requeue_abandoned(*, worker_ids: set[str] | None = None, prefix: str = "") -> int:
    """Queue again the tasks left "running" by a worker that stopped in the middle of them
    (named in `worker_ids`, or whose name starts with `prefix`). Returns how many."""
    abandoned = [
        stored.pk
        for stored in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "pk", "worker_ids"
        )
        if stored.worker_ids
        and (
            stored.worker_ids[-1] in (worker_ids or set())
            or (prefix and stored.worker_ids[-1].startswith(prefix))
        )
    ]
    return DBTaskResult.objects.filter(pk__in=abandoned, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, run_after=timezone.now()
    )
