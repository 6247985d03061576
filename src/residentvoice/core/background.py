"""Background tasks that try again: `background_task` declares a task with its retry policy.

django-tasks runs a task once and records it as failed; it has no retries. Here a task that fails
on the database backend is put back in the queue to run again after a growing delay (30 s, 2 min,
8 min, 32 min, then every hour by default) until it has been tried `attempts` times; then it stays
failed, and council admins see it on the failed tasks page (`/manage/tasks/`) where they can try
it again. The task's own row records everything: each run appends the worker's id (so the number
of attempts is the number of ids), and the last error stays with it until a run succeeds.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.dispatch import receiver
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.base import Task
from django_tasks.signals import task_finished

from .services import task_retry_later

logger = logging.getLogger("residentvoice.tasks")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    describe: Callable[..., str] | None = None
    # Errors that another attempt cannot cure (import paths of exception classes).
    permanent: frozenset[str] = frozenset()

    def delay_before(self, attempt: int) -> datetime.timedelta:
        """The wait before attempt `attempt` + 1: the first delay, times four each time."""
        first = float(settings.TASK_RETRY_FIRST_DELAY)
        return datetime.timedelta(seconds=min(first * 4 ** (attempt - 1), 3600))


# Each retried task's policy, by the task's import path (the path its stored rows carry).
RETRY_POLICIES: dict[str, RetryPolicy] = {}


def background_task(
    *,
    attempts: int = 6,
    describe: Callable[..., str] | None = None,
    give_up_on: tuple[type[BaseException], ...] = (),
) -> Callable[[F], Task[Any, Any]]:
    """A django-tasks task tried up to `attempts` times. `describe`, called with the task's own
    arguments, says in words what one run is for, for the failed tasks page. An error in
    `give_up_on` cannot be cured by trying again: the task is given up at once."""
    if attempts < 1:
        raise ValueError("A task is tried at least once")
    permanent = frozenset(f"{error.__module__}.{error.__qualname__}" for error in give_up_on)

    def declare(function: F) -> Task[Any, Any]:
        declared: Task[Any, Any] = task()(function)
        RETRY_POLICIES[declared.module_path] = RetryPolicy(
            attempts=attempts, describe=describe, permanent=permanent
        )
        return declared

    return declare


def task_description(task_path: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """What a stored task is for, in words where its declaration says how."""
    policy = RETRY_POLICIES.get(task_path)
    if policy is not None and policy.describe is not None:
        try:
            return policy.describe(*args, **kwargs)
        except (KeyError, TypeError, ValueError):
            pass
    return task_path.rsplit(".", 1)[-1].strip("_").replace("_", " ").capitalize()


@receiver(task_finished)
def _try_again_later(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """After a failed run on the database backend, queue the next attempt if one is left.

    Runs inside the worker: it must never raise, or the worker would stop.
    """
    if task_result.status != TaskResultStatus.FAILED:
        return
    stored = getattr(task_result, "db_result", None)
    if stored is None:  # a backend that keeps no rows cannot run a task again later
        return
    policy = RETRY_POLICIES.get(stored.task_path)
    attempts = len(task_result.worker_ids)
    description = task_description(stored.task_path, task_result.args, task_result.kwargs)
    error = task_result.errors[-1].exception_class_path if task_result.errors else "an error"
    if policy is None or attempts >= policy.attempts or error in policy.permanent:
        logger.error(
            "%s failed (%s) after %d attempt%s; it is listed on the failed tasks page.",
            description,
            error,
            attempts,
            "" if attempts == 1 else "s",
        )
        return
    try:
        when = task_retry_later(task_id=str(stored.pk), delay=policy.delay_before(attempts))
    except Exception:
        logger.exception("%s failed and could not be queued again", description)
        return
    logger.warning(
        "%s failed (%s), attempt %d of %d; trying again at %s.",
        description,
        error,
        attempts,
        policy.attempts,
        when.astimezone().strftime("%H:%M:%S"),
    )
