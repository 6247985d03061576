"""The core assessment pages in the authorization matrix: a 2024-25 cycle in self-assessment, with
the borough's landlord (Riverside) and the other landlord (Hillside) taking part, the council
officer assigned to review Riverside, and one file of evidence and one action on commitment 1."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from residentvoice.assessment.models import Stage
from residentvoice.assessment.services import (
    action_add,
    cycle_open,
    cycle_stage_move,
    evidence_add,
    participation_reviewer_assign,
)

from ..matrix import OK, REDIRECT, only
from .conftest import YEAR, item_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _cycle(ctx: dict[str, Any]) -> Any:
    if "cycle" not in ctx:
        cycle = cycle_open(reporting_year=YEAR, landlords=[ctx["landlord"], ctx["other_landlord"]])
        cycle_stage_move(cycle=cycle, to_stage=Stage.SELF_ASSESSMENT)
        participation_reviewer_assign(
            participation=cycle.participations.get(landlord=ctx["landlord"]),
            reviewer=ctx["people"]["council_officer"],
        )
        ctx["cycle"] = cycle
    return ctx["cycle"]


def year(ctx: dict[str, Any]) -> dict[str, Any]:
    _cycle(ctx)
    return {"year": YEAR}


def landlord(ctx: dict[str, Any]) -> dict[str, Any]:
    return {**year(ctx), "slug": ctx["landlord"].slug}


def item(ctx: dict[str, Any]) -> dict[str, Any]:
    return {**landlord(ctx), "number": 1}


def evidence(ctx: dict[str, Any]) -> dict[str, Any]:
    kwargs = item(ctx)
    found = item_of(ctx["cycle"], ctx["landlord"], 1)
    added = evidence_add(
        item=found,
        by=ctx["people"]["landlord_officer"],
        title="Panel minutes",
        file=SimpleUploadedFile("minutes.pdf", PDF),
        is_public=True,
    )
    return {**kwargs, "pk": added.pk}


def action(ctx: dict[str, Any]) -> dict[str, Any]:
    import datetime

    kwargs = item(ctx)
    found = item_of(ctx["cycle"], ctx["landlord"], 1)
    added = action_add(
        item=found,
        description="Train staff",
        owner="Housing team",
        target_date=datetime.date(2025, 3, 1),
    )
    return {**kwargs, "pk": added.pk}


def _staff(*roles: str, ok: Any = OK) -> dict[str, Any]:
    expected = only(*roles)
    return {role: ok if value == OK else value for role, value in expected.items()}


COUNCIL = ("council_officer", "council_admin")
RIVERSIDE_STAFF = ("landlord_officer", "landlord_admin")
ALL_STAFF = (*COUNCIL, *RIVERSIDE_STAFF, "other_landlord_admin")

CYCLE_HOME = {
    **only(*ALL_STAFF),
    "landlord_officer": REDIRECT,
    "landlord_admin": REDIRECT,
    "other_landlord_admin": REDIRECT,
}

MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "assessment:cycles": (None, "get", only(*ALL_STAFF)),
    "assessment:cycle-open": (None, "get", only("council_admin")),
    "assessment:cycle": (year, "get", CYCLE_HOME),
    "assessment:stage-move": (year, "get", only("council_admin")),
    "assessment:landlord-add": (year, "get", only("council_admin")),
    "assessment:dashboard": (year, "get", only(*COUNCIL)),
    "assessment:participation": (landlord, "get", only(*COUNCIL, *RIVERSIDE_STAFF)),
    "assessment:submit": (landlord, "post", only("landlord_admin")),
    "assessment:reviewer": (landlord, "post", _staff("council_admin", ok=REDIRECT)),
    "assessment:item": (item, "get", only(*COUNCIL, *RIVERSIDE_STAFF)),
    "assessment:item-timeline": (item, "get", only(*COUNCIL, *RIVERSIDE_STAFF)),
    "assessment:item-self": (item, "post", only(*RIVERSIDE_STAFF)),
    "assessment:item-review": (item, "post", only(*COUNCIL)),
    "assessment:item-reply": (item, "post", only(*RIVERSIDE_STAFF)),
    "assessment:item-moderate": (item, "post", only("council_admin")),
    "assessment:item-reopen": (item, "post", only("council_admin")),
    "assessment:evidence-add": (item, "post", only(*RIVERSIDE_STAFF)),
    "assessment:evidence-file": (evidence, "get", only(*COUNCIL, *RIVERSIDE_STAFF, "resident")),
    "assessment:evidence-remove": (evidence, "post", _staff(*RIVERSIDE_STAFF, ok=REDIRECT)),
    "assessment:evidence-request": (item, "post", only(*COUNCIL)),
    "assessment:action-add": (item, "post", only(*RIVERSIDE_STAFF)),
    "assessment:action-update": (action, "post", _staff(*RIVERSIDE_STAFF, ok=REDIRECT)),
}
