"""The spreadsheet pages in the authorization matrix: a landlord's own spreadsheet is for its
staff only; the whole cycle's exports are for council staff only."""

from __future__ import annotations

from typing import Any

from ..matrix import only
from .authz_core import landlord, year

LANDLORD_STAFF = only("landlord_officer", "landlord_admin")
COUNCIL_STAFF = only("council_officer", "council_admin")


def export(which: str, fmt: str) -> Any:
    def kwargs(ctx: dict[str, Any]) -> dict[str, Any]:
        return {**year(ctx), "which": which, "fmt": fmt}

    return kwargs


MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "assessment:self-export": (landlord, "get", LANDLORD_STAFF),
    "assessment:self-import": (landlord, "get", LANDLORD_STAFF),
    "assessment:spreadsheets": (year, "get", COUNCIL_STAFF),
    "assessment:cycle-export": (export("cycle-with-private-notes", "csv"), "get", COUNCIL_STAFF),
}
