"""The demonstration's clock: each step of a past year is run as if on the day it happened.

The services record "now" themselves (a stage move's time, a sign-off, a review, a reply, a
publication; `auto_now` fields and history rows too), and they are right to: a person using the
site cannot choose the time of what they do. The demonstration builds years that are over, so it
sets the clock instead of the services taking a time from their caller: inside `demo_clock(at)`,
`django.utils.timezone.now()` starts at `at` and runs on as real time does, so the order of
events is kept and every check the services make against "now" (a session cannot be in the
future, a consultation must close after it opens) holds for that day.

The clock is held per thread and per task (a context variable): a web request served at the same
time by another thread still sees the real time. It never goes past the real time: asking for a
moment in the future is a mistake in the demonstration and is refused.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_held: ContextVar[tuple[datetime.datetime, float] | None] = ContextVar("demo_clock", default=None)
_real_now: Callable[[], datetime.datetime] = timezone.now
_installed = 0


def _now() -> datetime.datetime:
    held = _held.get()
    if held is None:
        return _real_now()
    moment, started = held
    return moment + datetime.timedelta(seconds=time.monotonic() - started)


def real_now() -> datetime.datetime:
    """The time outside any demonstration clock."""
    return _real_now()


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """`day` at `hour`:`minute`, in the site's time zone."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


@contextmanager
def demo_clock(at: datetime.datetime) -> Iterator[None]:
    """Run the block as if the time were `at` (a past moment)."""
    global _installed
    if timezone.is_naive(at):
        raise ValueError("The demonstration's clock needs a time with its time zone.")
    if at > _real_now():
        raise ValueError(f"The demonstration cannot act in the future ({at:%d %B %Y %H:%M}).")
    token = _held.set((at, time.monotonic()))
    if _installed == 0:
        timezone.now = _now
    _installed += 1
    try:
        yield
    finally:
        _installed -= 1
        if _installed == 0:
            timezone.now = _real_now
        _held.reset(token)
