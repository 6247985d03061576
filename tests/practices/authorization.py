"""The best-practice library in the site-wide authorization matrix.

The library is for signed-in council and landlord staff; residents and people without a role see
only the public library (another page). The practice used is the first landlord's own, not yet
approved: the other landlord's staff may not read or change it.
"""

from __future__ import annotations

from typing import Any

from residentvoice.charter.models import Commitment
from residentvoice.practices.services import practice_create

from ..matrix import DENIED, LOGIN, REDIRECT, only


def landlord_practice(ctx: dict[str, Any]) -> dict[str, Any]:
    practice = practice_create(
        by=ctx["people"]["landlord_admin"],
        title="Residents check the repairs service",
        description="Residents mystery-shop repairs every quarter.",
        commitments=Commitment.objects.filter(number=3)[:1],
    )
    return {"pk": practice.pk}


STAFF = ("landlord_officer", "landlord_admin", "other_landlord_admin")
COUNCIL = ("council_officer", "council_admin")

# name -> (how to build its kwargs, HTTP method, expected result per role)
MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "practices:list": (None, "get", only(*STAFF, *COUNCIL)),
    "practices:add": (None, "get", only(*STAFF, *COUNCIL)),
    "practices:coverage": (None, "get", only(*COUNCIL)),
    "practices:detail": (
        landlord_practice,
        "get",
        only("landlord_officer", "landlord_admin", *COUNCIL),
    ),
    "practices:edit": (
        landlord_practice,
        "get",
        only("landlord_officer", "landlord_admin", *COUNCIL),
    ),
    "practices:publish": (
        landlord_practice,
        "post",
        {
            **only(*COUNCIL),
            "public": LOGIN,
            "council_officer": REDIRECT,
            "council_admin": REDIRECT,
            "landlord_admin": DENIED,
        },
    ),
}
