"""Saves that meet in the database: the one who loses a race is told so, never shown an error.

Most races end in the services' own checks (a stale version, "already published"), which the
database settings make possible: SQLite takes the write lock when a transaction begins and waits
its turn; PostgreSQL locks the rows a service selects for update. What is left is a writer that
waited longer than the lock timeout (SQLite's "database is locked", PostgreSQL's lock timeout),
a deadlock or a serialization failure. During a request those become `ConcurrentSaveError`, a
validation error, so every view that shows a service's refusals on its form (the site's idiom,
`core.forms.form_errors_from`) shows this one too, with what the person typed. A view that does
not catch it gets the "someone else was saving" page from `ConcurrentSaveMiddleware`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

MESSAGE = (
    "Someone else was saving at the same time, so nothing you sent was saved. "
    "Check the page as it is now, then send your changes again."
)

# SQLite result codes (the low byte of extended codes such as SQLITE_BUSY_SNAPSHOT).
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available (lock_timeout).
POSTGRES_LOST_RACE = {"40001", "40P01", "55P03"}


class ConcurrentSaveError(ValidationError, OperationalError):
    """A write that lost a race for the database. A `ValidationError`, so forms show it; still an
    `OperationalError`, so `transaction.atomic` rolls back exactly as it would have."""

    def __init__(self, cause: BaseException | None = None) -> None:
        ValidationError.__init__(self, MESSAGE, code="concurrent_save")
        self.__cause__ = cause


def is_lost_race(error: BaseException) -> bool:
    """Whether a database error means "another writer got there first", not a fault."""
    if isinstance(error, ConcurrentSaveError):
        return True
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__ or error
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in POSTGRES_LOST_RACE
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    return "database is locked" in str(error) or "database table is locked" in str(error)


def _report_lost_race(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    try:
        return execute(sql, params, many, context)
    except DatabaseError as error:
        if is_lost_race(error) and not isinstance(error, ConcurrentSaveError):
            raise ConcurrentSaveError(error) from error
        raise


class ConcurrentSaveMiddleware:
    """Turns a lost race during a request into a message for the person.

    Statements run through an execute wrapper that raises `ConcurrentSaveError` in place of the
    database's lock errors (commits do not pass through it; the page below catches those).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with ExitStack() as stack:
            for connection in connections.all(initialized_only=False):
                stack.enter_context(connection.execute_wrapper(_report_lost_race))
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_lost_race(exception):
            return None
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.get_full_path()
        return render(
            request, "core/concurrent_save.html", {"back": back, "message": MESSAGE}, status=409
        )
