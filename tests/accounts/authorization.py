"""Accounts pages added to the site-wide authorization matrix beyond the core list."""

from __future__ import annotations

from typing import Any

from residentvoice.accounts.services import registration_sign_in_path

from ..factories import user_with_role
from ..matrix import EVERYONE_OK


def _sign_in_link(ctx: dict[str, Any]) -> dict[str, Any]:
    newcomer = user_with_role(None, email="newcomer@example.org")
    *_, uidb64, token = registration_sign_in_path(newcomer).strip("/").split("/")
    return {"uidb64": uidb64, "token": token}


MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    # The signed link from the registration email is the authority: whoever holds it may open
    # it (the page asks them to press "Sign in"); a wrong or used link is 404.
    "accounts:registration-sign-in": (_sign_in_link, "get", EVERYONE_OK),
}
