"""Email out of the request: rendered here, sent by a background task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task


@task()
def _deliver(*, to: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def email_send(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    """Render a plain-text email now; queue its delivery once the change that caused it is saved."""
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    transaction.on_commit(lambda: _deliver.enqueue(to=to, subject=subject, body=body))
