"""Email out of the request: rendered where it happens, delivered by a background task that tries
again when sending fails (`core.background`), and only if the change that caused it is saved.

On the database task backend the delivery task is written in the same transaction as the change:
both are saved or neither is, and nothing is lost between the commit and the queue. Other backends
(tests run tasks at once) queue it once the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks_db import DatabaseBackend

from .background import background_task

logger = logging.getLogger("residentvoice.email")

_withheld: ContextVar[bool] = ContextVar("email_withheld", default=False)


@contextmanager
def email_withheld() -> Iterator[None]:
    """Nobody is emailed because of what happens in this block (also usable as a decorator).

    For loading records of things that already happened, such as the demonstration: the site's
    own notification lists are filled, but nobody is emailed about the past. What the block
    leaves to run when its transaction commits (services announce some changes only once they
    are saved) is withheld too, even when that commit comes after the block has ended.
    """
    connection = transaction.get_connection()
    deferred_before = len(connection.run_on_commit)
    token = _withheld.set(True)
    try:
        yield
    finally:
        _withheld.reset(token)
        connection.run_on_commit[deferred_before:] = [
            (savepoints, _withholding(callback), robust)
            for savepoints, callback, robust in connection.run_on_commit[deferred_before:]
        ]


def _withholding(callback: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with email_withheld():
            return callback()

    return run


def email_is_withheld() -> bool:
    return _withheld.get()


def _describe(*, to: list[str], subject: str, **rest: Any) -> str:
    return f"Email to {', '.join(to)}: “{subject}”"


# A header with a line break in it (a title typed with one) fails the same way every time.
@background_task(attempts=6, describe=_describe, give_up_on=(BadHeaderError,))
def email_deliver(
    *, to: list[str], subject: str, body: str, headers: dict[str, str] | None = None
) -> None:
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers or None).send()


def email_queue(
    *, to: Sequence[str], subject: str, body: str, headers: Mapping[str, str] | None = None
) -> bool:
    """Deliver an email rendered already. False if email is withheld here (nothing is queued)."""
    if email_is_withheld():
        logger.info("Not emailed (email withheld): %s", subject)
        return False
    arguments: dict[str, Any] = {
        "to": list(to),
        "subject": subject,
        "body": body,
        "headers": dict(headers or {}),
    }
    if isinstance(email_deliver.get_backend(), DatabaseBackend):
        email_deliver.enqueue(**arguments)
    else:
        transaction.on_commit(lambda: email_deliver.enqueue(**arguments))
    return True


def email_send(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    """Render a plain-text email now; deliver it in the background once the change is saved."""
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    email_queue(to=to, subject=subject, body=body)
