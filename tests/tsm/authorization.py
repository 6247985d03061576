"""The TSM pages in the site-wide authorization matrix (tests/core/test_authorization.py).

The figures pages are public; the import is for council admins and the checks for council staff.
Pages that need figures get a small synthetic release, the borough's landlord among its landlords.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from residentvoice.tsm.services import tsm_release_import

from ..conftest import ROLES
from ..matrix import EVERYONE_OK, only
from .conftest import build_workbook

YEAR = "2050-51"


def with_figures(ctx: dict[str, Any]) -> dict[str, Any]:
    """Import a small release for 2050-51 in which the borough's landlord reports as L9001."""
    landlord = ctx["landlord"]
    landlord.regulator_code = "L9001"
    landlord.save()
    ctx["other_landlord"].regulator_code = "L9003"
    ctx["other_landlord"].save()
    with tempfile.TemporaryDirectory() as folder:
        tsm_release_import(path=build_workbook(Path(folder) / "matrix.xlsx", year_start=2050))
    return {"year": YEAR}


def landlord_with_figures(ctx: dict[str, Any]) -> dict[str, Any]:
    return {**with_figures(ctx), "code": "L9001"}


# name -> (how to build its kwargs, HTTP method, expected result per role)
MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "tsm:overview": (None, "get", EVERYONE_OK),
    "tsm:year": (with_figures, "get", EVERYONE_OK),
    "tsm:landlord": (landlord_with_figures, "get", EVERYONE_OK),
    "tsm:import": (None, "get", only("council_admin")),
    "tsm:verify": (with_figures, "get", only("council_officer", "council_admin")),
}


# The site-wide API: read-only and public. Without the required filters the answer is 422, which
# shows the request reached the endpoint (nobody is turned away before validation).
UNPROCESSABLE = 422
MATRIX.update(
    {
        "api:api-root": (None, "get", dict.fromkeys(ROLES, 404)),
        "api:openapi-json": (None, "get", EVERYONE_OK),
        "api:tsm-releases": (None, "get", EVERYONE_OK),
        "api:tsm-values": (None, "get", dict.fromkeys(ROLES, UNPROCESSABLE)),
        "api:tsm-benchmarks": (None, "get", dict.fromkeys(ROLES, UNPROCESSABLE)),
        "api:tsm-benchmark-summary": (None, "get", dict.fromkeys(ROLES, UNPROCESSABLE)),
        "api:tsm-trend": (None, "get", dict.fromkeys(ROLES, UNPROCESSABLE)),
    }
)
