"""The moderation panel's pages in the authorization matrix: a 2024-25 cycle in moderation whose
panel holds the council officer and the other landlord's resident (Hillside), reading Riverside's
commitment 1. Council admins name the panel; only members read its papers; a resident reads only
other landlords' commitments, so Riverside's own resident (not on the panel) is refused too."""

from __future__ import annotations

from typing import Any

from residentvoice.assessment.models import STAGE_ORDER, Stage
from residentvoice.assessment.services import cycle_open, cycle_stage_move, panel_member_add

from ..matrix import REDIRECT, only
from .conftest import YEAR


def _panel(ctx: dict[str, Any]) -> Any:
    if "panel_cycle" not in ctx:
        cycle = cycle_open(reporting_year=YEAR, landlords=[ctx["landlord"], ctx["other_landlord"]])
        for stage in STAGE_ORDER[1 : STAGE_ORDER.index(Stage.MODERATION) + 1]:
            cycle_stage_move(cycle=cycle, to_stage=stage)
        admin = ctx["people"]["council_admin"]
        for role in ("council_officer", "other_resident"):
            ctx.setdefault("panel_members", []).append(
                panel_member_add(cycle=cycle, email=ctx["people"][role].email, by=admin)
            )
        ctx["panel_cycle"] = cycle
    return ctx["panel_cycle"]


def year(ctx: dict[str, Any]) -> dict[str, Any]:
    _panel(ctx)
    return {"year": YEAR}


def member(ctx: dict[str, Any]) -> dict[str, Any]:
    _panel(ctx)
    return {"year": YEAR, "pk": ctx["panel_members"][0].pk}


def item(ctx: dict[str, Any]) -> dict[str, Any]:
    _panel(ctx)
    return {"year": YEAR, "slug": ctx["landlord"].slug, "number": 1}


MEMBERS = ("council_officer", "other_resident")

MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "assessment:panel": (year, "get", only("council_admin")),
    "assessment:panel-member-remove": (
        member,
        "post",
        {**only("council_admin"), "council_admin": REDIRECT},
    ),
    "assessment:panel-papers": (year, "get", only(*MEMBERS)),
    "assessment:panel-item": (item, "get", only(*MEMBERS)),
}
