"""The publication pages in the site-wide authorization matrix (tests/core/test_authorization.py).

Published results are public, to everyone, signed in or not; publishing, correcting, the licence
and the annual report are for council admins. Pages that need results get a small cycle for
2040-41, moderated and published through the services.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..matrix import EVERYONE_OK, REDIRECT, only

YEAR = "2040-41"


def _ready(ctx: dict[str, Any]) -> Any:
    from django.utils import timezone

    from residentvoice.assessment.models import STAGE_ORDER, AssessmentItem, Stage
    from residentvoice.assessment.services import cycle_open, cycle_stage_move
    from residentvoice.charter.models import RatingOption

    cycle = cycle_open(reporting_year=YEAR, landlords=[ctx["landlord"], ctx["other_landlord"]])
    for stage in STAGE_ORDER[1 : STAGE_ORDER.index(Stage.READY_TO_PUBLISH)]:
        cycle_stage_move(cycle=cycle, to_stage=stage)
    AssessmentItem.objects.filter(participation__cycle=cycle).update(
        final_rating=RatingOption.objects.get(code="met"),
        final_rationale="Agreed",
        moderated_at=timezone.now(),
    )
    cycle_stage_move(cycle=cycle, to_stage=Stage.READY_TO_PUBLISH)
    return cycle


def ready(ctx: dict[str, Any]) -> dict[str, Any]:
    _ready(ctx)
    return {"year": YEAR}


def published(ctx: dict[str, Any]) -> dict[str, Any]:
    from residentvoice.publication.services import cycle_publish

    ctx["publication"] = cycle_publish(cycle=_ready(ctx), by=None)
    return {"year": YEAR}


def with_version(ctx: dict[str, Any]) -> dict[str, Any]:
    return {**published(ctx), "version": 1}


def evidence(ctx: dict[str, Any]) -> dict[str, Any]:
    from residentvoice.publication.models import PublishedFile

    kwargs = published(ctx)
    path = "evidence/matrix/minutes.pdf"  # one file, kept between runs
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(b"%PDF-1.4\n%%EOF"))
    PublishedFile.objects.create(
        publication=ctx["publication"],
        evidence_id=424242,
        path=path,
        filename="minutes.pdf",
        content_type="application/pdf",
        size=14,
    )
    return {**kwargs, "evidence_id": 424242}


def dataset(ctx: dict[str, Any]) -> dict[str, Any]:
    published(ctx)
    return {"fmt": "zip"}


def report_build(ctx: dict[str, Any]) -> dict[str, Any]:
    from residentvoice.publication.models import ReportBuild, ReportFile, ReportStatus

    published(ctx)
    path = "reports/matrix-report.json"  # one file, kept between runs
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(b"{}"))
    build = ReportBuild.objects.create(
        reporting_year=YEAR,
        publication=ctx["publication"],
        status=ReportStatus.DONE,
        is_public=True,
    )
    ReportFile.objects.create(build=build, format="json", file=path, size=2)
    return {"pk": build.pk}


def report_file(ctx: dict[str, Any]) -> dict[str, Any]:
    report_build(ctx)
    return {"year": YEAR, "fmt": "json"}


def report_download(ctx: dict[str, Any]) -> dict[str, Any]:
    return {**report_build(ctx), "fmt": "json"}


def api_published(ctx: dict[str, Any]) -> dict[str, Any]:
    """Published results for the API; the rate limit's count starts afresh for each visitor."""
    from django.core.cache import cache

    cache.clear()
    published(ctx)
    return {}


def _year_pages(suffix: str, builder: Any) -> dict[str, tuple[Any, str, dict[str, Any]]]:
    def with_(extra: dict[str, Any]) -> Any:
        return lambda ctx: {**builder(ctx), **extra}

    return {
        f"publication:overview{suffix}": (builder, "get", EVERYONE_OK),
        f"publication:overview-download{suffix}": (with_({"fmt": "csv"}), "get", EVERYONE_OK),
        f"publication:landlord{suffix}": (with_({"slug": "riverside"}), "get", EVERYONE_OK),
        f"publication:landlord-download{suffix}": (
            with_({"slug": "riverside", "fmt": "xlsx"}),
            "get",
            EVERYONE_OK,
        ),
        f"publication:commitment{suffix}": (with_({"number": 1}), "get", EVERYONE_OK),
        f"publication:commitment-download{suffix}": (
            with_({"number": 1, "fmt": "csv"}),
            "get",
            EVERYONE_OK,
        ),
        f"publication:practices{suffix}": (builder, "get", EVERYONE_OK),
        f"publication:practices-download{suffix}": (with_({"fmt": "xlsx"}), "get", EVERYONE_OK),
        f"publication:methodology{suffix}": (builder, "get", EVERYONE_OK),
        f"publication:methodology-download{suffix}": (
            with_({"fmt": "csv"}),
            "get",
            EVERYONE_OK,
        ),
    }


# name -> (how to build its kwargs, HTTP method, expected result per role)
MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "publication:index": (None, "get", EVERYONE_OK),
    "publication:data": (None, "get", EVERYONE_OK),
    "publication:dataset": (dataset, "get", EVERYONE_OK),
    "publication:versions": (published, "get", EVERYONE_OK),
    "publication:evidence": (evidence, "get", EVERYONE_OK),
    **_year_pages("", published),
    **_year_pages("-version", with_version),
    "api:scorecards-cycles": (api_published, "get", EVERYONE_OK),
    "api:scorecards-charter": (api_published, "get", EVERYONE_OK),
    "api:scorecards-landlords": (api_published, "get", EVERYONE_OK),
    "api:scorecards-results": (api_published, "get", EVERYONE_OK),
    "api:scorecards-practices": (api_published, "get", EVERYONE_OK),
    "publication:manage": (None, "get", only("council_admin")),
    "publication:settings": (None, "get", only("council_admin")),
    "publication:publish": (ready, "get", only("council_admin")),
    "publication:correct": (published, "get", only("council_admin")),
    "publication:report": (published, "get", only("council_admin")),
    "publication:report-status": (report_build, "get", only("council_admin")),
    "publication:report-download": (report_download, "get", only("council_admin")),
    "publication:report-publish": (
        report_build,
        "post",
        {**only("council_admin"), "council_admin": REDIRECT},
    ),
    "publication:reports": (None, "get", EVERYONE_OK),
    "publication:report-file": (report_file, "get", EVERYONE_OK),
}
