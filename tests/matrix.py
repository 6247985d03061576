"""The vocabulary of the authorization matrix, shared by the site-wide test and each app's list."""

from __future__ import annotations

from typing import Any

from .conftest import ROLES

OK, LOGIN, DENIED, REDIRECT = 200, "login", 403, 302
EVERYONE_OK = dict.fromkeys(ROLES, OK)


def signed_in_only() -> dict[str, Any]:
    return {role: (LOGIN if role == "public" else OK) for role in ROLES}


def only(*allowed: str) -> dict[str, Any]:
    """Allowed roles get 200; the public is sent to sign in; everyone else is refused."""
    return {
        role: OK if role in allowed else (LOGIN if role == "public" else DENIED) for role in ROLES
    }
