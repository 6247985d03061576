"""The reality-check pages in the authorization matrix: a 2024-25 cycle in self-assessment with
Riverside (the first landlord) and Hillside taking part, Riverside's commitment 1 carrying a claim.

Residents see their own landlord's claims (each resident their own, so both residents get a page);
council staff moderate comments and record sessions; nobody else reaches any of it.
"""

from __future__ import annotations

from typing import Any

from residentvoice.assessment.models import Stage
from residentvoice.assessment.services import cycle_open, cycle_stage_move, item_self_assess

from ..matrix import REDIRECT, only
from .conftest import YEAR, item_of

RESIDENTS = ("resident", "other_resident")
COUNCIL = ("council_officer", "council_admin")


def claim(ctx: dict[str, Any]) -> dict[str, Any]:
    cycle = cycle_open(reporting_year=YEAR, landlords=[ctx["landlord"], ctx["other_landlord"]])
    cycle_stage_move(cycle=cycle, to_stage=Stage.SELF_ASSESSMENT)
    item_self_assess(
        item=item_of(cycle, ctx["landlord"], 1),
        version=None,
        rating=None,
        what_we_do="A residents' panel meets monthly.",
    )
    return {"year": YEAR}


def claim_without_year(ctx: dict[str, Any]) -> dict[str, Any]:
    claim(ctx)
    return {}


# name -> (how to build its kwargs, HTTP method, expected result per role)
MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "assessment:reality-checks-current": (
        claim_without_year,
        "get",
        {**only(*RESIDENTS), "resident": REDIRECT, "other_resident": REDIRECT},
    ),
    "assessment:reality-checks": (claim, "get", only(*RESIDENTS)),
    "assessment:reality-overview": (claim, "get", only(*COUNCIL)),
    "assessment:reality-comments": (claim, "get", only(*COUNCIL)),
    "assessment:reality-session-add": (claim, "get", only(*COUNCIL)),
}
