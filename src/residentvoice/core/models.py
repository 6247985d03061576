"""Shared model pieces used by every domain app."""

from typing import Any

from django.db import models


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """A row of an append-only table was about to be changed or deleted."""


class AppendOnlyModel(models.Model):
    """A row that records something that happened (a stage move, a decision, a status change).

    Rows are added, never changed or deleted one by one, so who did what and when is never lost.
    The current state is kept on the parent, which the service moves in step.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")
