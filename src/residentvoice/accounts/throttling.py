"""How often anyone may try to sign in, ask for a password reset or register.

Each limit counts attempts for one email address (the account, whether or not it exists) or one
client address, over a sliding window. Attempts are rows in the database (`AccessAttempt`), so
every server process and every gunicorn worker counts the same attempts; the limits, and why
they are what they are, are in docs/SECURITY.md ("Rates").
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from ninja.throttling import BaseThrottle

from . import selectors, services
from .models import AttemptAction

ACCOUNT = "account"
ADDRESS = "address"
KEY_SALT = "residentvoice.accounts.throttling"
# A whole IPv6 /64 usually belongs to one household or one machine: counted as one address.
IPV6_PREFIX = 64


@dataclass(frozen=True)
class Limit:
    action: str
    scope: str  # ACCOUNT or ADDRESS
    attempts: int
    window: datetime.timedelta
    message: str  # "{wait}" becomes "15 minutes"


SIGN_IN = (
    Limit(
        AttemptAction.SIGN_IN,
        ACCOUNT,
        5,
        datetime.timedelta(minutes=15),
        "There have been too many attempts to sign in to this account. To keep it safe, signing "
        "in is paused: wait {wait} and try again, or reset your password.",
    ),
    Limit(
        AttemptAction.SIGN_IN,
        ADDRESS,
        20,
        datetime.timedelta(minutes=15),
        "There have been too many attempts to sign in from your internet connection. "
        "Wait {wait} and try again.",
    ),
)
PASSWORD_RESET = (
    Limit(
        AttemptAction.PASSWORD_RESET,
        ACCOUNT,
        3,
        datetime.timedelta(hours=1),
        "There have been too many requests to reset the password for this email address. "
        "Wait {wait} and try again. Check your spam folder for an email we may have sent.",
    ),
    Limit(
        AttemptAction.PASSWORD_RESET,
        ADDRESS,
        10,
        datetime.timedelta(hours=1),
        "There have been too many requests to reset a password from your internet connection. "
        "Wait {wait} and try again.",
    ),
)
REGISTRATION = (
    Limit(
        AttemptAction.REGISTRATION,
        ACCOUNT,
        3,
        datetime.timedelta(hours=1),
        "There have been too many registrations with this email address. "
        "Wait {wait} and try again, or check your email for the message we sent.",
    ),
    Limit(
        AttemptAction.REGISTRATION,
        ADDRESS,
        10,
        datetime.timedelta(hours=1),
        "There have been too many registrations from your internet connection. "
        "Wait {wait} and try again.",
    ),
)
LONGEST_WINDOW = max(limit.window for limit in (*SIGN_IN, *PASSWORD_RESET, *REGISTRATION))


def client_address(request: HttpRequest) -> str:
    """The client's address as the API's rate limit sees it: the connection's own, unless
    NUM_PROXIES (the NINJA_NUM_PROXIES setting) says how many trusted proxies add to
    X-Forwarded-For. An IPv6 address stands for its /64 network."""
    address = (BaseThrottle().get_ident(request) or "").strip()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def _key(limit: Limit, value: str) -> str:
    """A keyed digest: the table never holds an email or an address."""
    return salted_hmac(
        KEY_SALT, f"{limit.action}:{limit.scope}:{value}", algorithm="sha256"
    ).hexdigest()


def _keys(
    limits: Sequence[Limit], *, request: HttpRequest | None, email: str | None
) -> list[tuple[Limit, str]]:
    keys = []
    for limit in limits:
        if limit.scope == ACCOUNT and email and email.strip():
            keys.append((limit, _key(limit, email.strip().lower())))
        elif limit.scope == ADDRESS and request is not None:
            keys.append((limit, _key(limit, client_address(request))))
    return keys


@dataclass(frozen=True)
class Refusal:
    limit: Limit
    wait: datetime.timedelta

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.wait.total_seconds()))

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.wait.total_seconds() / 60))
        return self.limit.message.format(wait=f"{minutes} minute{'s' if minutes != 1 else ''}")


def refusal(
    limits: Sequence[Limit], *, request: HttpRequest | None, email: str | None = None
) -> Refusal | None:
    """The longest wait any of these limits imposes now, or None if the attempt may go ahead."""
    now = timezone.now()
    waits = []
    for limit, key in _keys(limits, request=request, email=email):
        wait = selectors.attempt_wait(
            action=limit.action, key=key, attempts=limit.attempts, window=limit.window, now=now
        )
        if wait is not None and wait > datetime.timedelta(0):
            waits.append(Refusal(limit=limit, wait=wait))
    return max(waits, key=lambda item: item.wait, default=None)


def record(
    limits: Sequence[Limit], *, request: HttpRequest | None, email: str | None = None
) -> None:
    """Count one attempt against each of these limits."""
    keys = _keys(limits, request=request, email=email)
    if keys:
        now = timezone.now()
        services.attempt_record(
            action=limits[0].action,
            keys=[key for _, key in keys],
            at=now,
            forget_before=now - LONGEST_WINDOW,
        )


def clear_account(limits: Sequence[Limit], *, email: str) -> None:
    """Forget the attempts counted against an account: its owner has shown who they are."""
    for limit, key in _keys(
        [lim for lim in limits if lim.scope == ACCOUNT], request=None, email=email
    ):
        services.attempts_clear(action=limit.action, key=key)


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Counts every failed sign-in, whichever form asked (the site's or the Django admin's),
    except one refused by the limit itself: refusals do not lengthen the pause."""
    if request is None or getattr(request, "sign_in_refused", False):
        return
    record(SIGN_IN, request=request, email=credentials.get("username"))


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    clear_account(SIGN_IN, email=user.email)
