"""The TSM pages in the site-wide authorization matrix (tests/core/test_authorization.py).

The figures pages are public; the import is for council admins and the checks for council staff.
Pages that need figures get a small synthetic release, the borough's landlord among its landlords.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from residentvoice.tsm.services import (
    own_results_approach_update,
    own_results_publish,
    own_results_start,
    survey_responses_import,
    tsm_release_import,
)

from ..conftest import ROLES
from ..matrix import EVERYONE_OK, REDIRECT, only
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


def trend_of_landlord(ctx: dict[str, Any]) -> dict[str, Any]:
    with_figures(ctx)
    return {"code": "L9001"}


def download(fmt: str) -> Any:
    return lambda ctx: {**with_figures(ctx), "fmt": fmt}


OWN_SURVEY = "id,population,TP01,method\n1,LCRA,Very satisfied,Online\n2,LCRA,Neither,Online\n"


def own_results(ctx: dict[str, Any], *, publish: bool = False) -> Any:
    """The borough landlord's own results for 2050-51, with two survey responses."""
    survey = own_results_start(
        landlord=ctx["landlord"], reporting_year=YEAR, population_sizes={"LCRA": 900}
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.csv"
        path.write_text(OWN_SURVEY)
        survey_responses_import(survey=survey, path=path)
    if publish:
        own_results_approach_update(
            survey=survey,
            population_surveyed="All 900 households",
            sample_method="Census",
            collection_methods="Online",
        )
        own_results_publish(survey=survey)
    return survey


def own_pk(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": own_results(ctx).pk}


def published_results(ctx: dict[str, Any]) -> dict[str, Any]:
    own_results(ctx, publish=True)
    return {"year": YEAR, "slug": ctx["landlord"].slug}


OWN_STAFF = only("landlord_officer", "landlord_admin")
# Publishing is a POST that redirects back to the results page; officers are refused.
PUBLISHERS = {**only("landlord_admin"), "landlord_admin": REDIRECT}

# name -> (how to build its kwargs, HTTP method, expected result per role)
MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "tsm:overview": (None, "get", EVERYONE_OK),
    "tsm:year": (with_figures, "get", EVERYONE_OK),
    "tsm:landlord": (landlord_with_figures, "get", EVERYONE_OK),
    "tsm:landlord_search": (with_figures, "get", EVERYONE_OK),
    "tsm:import": (None, "get", only("council_admin")),
    "tsm:verify": (with_figures, "get", only("council_officer", "council_admin")),
    "tsm:benchmarks": (with_figures, "get", EVERYONE_OK),
    "tsm:benchmarks_download": (download("csv"), "get", EVERYONE_OK),
    "tsm:values_download": (download("xlsx"), "get", EVERYONE_OK),
    "tsm:trend": (trend_of_landlord, "get", EVERYONE_OK),
    "tsm:own_list": (
        None,
        "get",
        only("landlord_officer", "landlord_admin", "other_landlord_admin"),
    ),
    "tsm:own_manage": (own_pk, "get", OWN_STAFF),
    "tsm:own_responses": (own_pk, "get", OWN_STAFF),
    "tsm:own_management": (own_pk, "get", OWN_STAFF),
    "tsm:own_approach": (own_pk, "get", OWN_STAFF),
    "tsm:own_publish": (own_pk, "post", PUBLISHERS),
    "tsm:published": (published_results, "get", EVERYONE_OK),
    "tsm:published_pdf": (published_results, "get", EVERYONE_OK),
    "tsm:published_csv": (published_results, "get", EVERYONE_OK),
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
