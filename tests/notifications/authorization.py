"""Notification pages in the site-wide authorization matrix: each person sees only their own."""

from __future__ import annotations

from typing import Any

from residentvoice.notifications.services import unsubscribe_token

from ..matrix import EVERYONE_OK, REDIRECT, signed_in_only


def _token(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"token": unsubscribe_token(ctx["people"]["resident"])}


MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "notifications:list": (None, "get", signed_in_only()),
    "notifications:preferences": (None, "get", signed_in_only()),
    "notifications:mark-read": (
        None,
        "post",
        {role: ("login" if role == "public" else REDIRECT) for role in signed_in_only()},
    ),
    # The signed link is the authority: it works for anyone holding it, signed in or not.
    "notifications:unsubscribe": (_token, "get", EVERYONE_OK),
}
