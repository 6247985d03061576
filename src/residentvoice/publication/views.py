"""Public scorecards (no sign-in): the borough overview, a page per landlord and per commitment,
the practice library, the methodology, earlier versions and the downloads; and the council
admins' pages to publish, correct, set the licence and build the annual report.

A published version never changes, so the body of each public page is rendered once per version
and kept in the cache; the page around it (who is signed in, the security nonce) is fresh each
time.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_POST

from residentvoice.assessment.models import AssessmentCycle, Stage
from residentvoice.core.files.uploads import upload_response
from residentvoice.core.formats import date_and_time
from residentvoice.core.forms import form_errors_from
from residentvoice.core.permissions import permission_required

from . import charts, forms, opendata, selectors, services, tables
from .links import scorecard_url
from .models import Publication, ReportBuild, ReportFile, ReportStatus, ReportText
from .snapshot import NOT_APPLICABLE

FRAGMENT_SECONDS = 60 * 60 * 24
REPORT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
}


# ---------------------------------------------------------------------------------------------
# Helpers


def _publication(request: HttpRequest, year: str, version: int | None = None) -> Publication:
    if version is None:
        publication = selectors.publication_latest(year, user=request.user)
    else:
        publication = selectors.publication_version(year, version, user=request.user)
    if publication is None:
        raise Http404("No published results for that year")
    return publication


def _found(request: HttpRequest, year: str | None, version: int | None = None) -> selectors.Found:
    found = selectors.publication_find(year, version, user=request.user)
    if found.publication is None and (year is not None or found.years):
        raise Http404("No published results for that year")
    return found


def _scorecard_page(
    request: HttpRequest,
    found: selectors.Found,
    version: int | None,
    *,
    key: str | None,
    template: str,
    title: Callable[[], str],
    crumb: Callable[[], str] = str,
    build: Callable[[], dict[str, Any]] = dict,
) -> HttpResponse:
    """A scorecard page: its content (figures, notices, links) is rendered once for each
    published version and everything else it depends on, then read from the cache, as a version
    never changes; the page around it (who is signed in, the security nonce) is fresh each time.
    With `key` None (a filter that is not valid) nothing is cached."""
    publication = found.publication
    assert publication is not None
    can_publish = request.user.has_perm("publication.publish")
    depends = (
        key,
        publication.pk,
        publication.published_at.timestamp(),
        version,
        found.newest_version,
        tuple(found.years),
        publication.is_embargoed,
        can_publish,
        found.licence_changed,
    )
    cache_key = "publication:page:" + hashlib.sha256(repr(depends).encode()).hexdigest()
    page = cache.get(cache_key) if key is not None else None
    if page is None:
        licence = services.publication_settings_get()
        context = {
            "publication": publication,
            "version": version,
            "newest_version": found.newest_version if version is not None else None,
            "years": found.years,
            "is_preview": publication.is_embargoed,
            "licence": licence,
            "can_publish": can_publish,
            **build(),
        }
        context["crumb"] = crumb()
        page = {
            "title": title(),
            "content": render_to_string(template, context),
            "crumbs": render_to_string("publication/includes/crumbs.html", context),
        }
        if key is not None:
            cache.set(cache_key, page, FRAGMENT_SECONDS)
    return render(request, "publication/page.html", {"publication": publication, **page})


def _download(
    publication: Publication, data: list[tables.Table], fmt: str, name: str
) -> HttpResponse:
    suffix = f"-v{publication.version}" if publication.version > 1 else ""
    filename = f"{name}-{publication.reporting_year}{suffix}.{fmt}"
    if fmt == "csv":
        content = tables.to_csv(data[0], publication)
    else:
        content = tables.to_xlsx(data, publication, services.publication_settings_get())
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rating_key(publication: Any, view: Any) -> list[dict[str, Any]]:
    """The ratings the grid uses, each with its short form and colour, for the grid and its key
    (Not applicable only where the grid holds it)."""
    count = len(publication.ratings)
    entries = [(r["label"], r.get("rank")) for r in publication.ratings]
    if any(cell and cell.not_applicable for row in view.rows for cell in row.cells):
        entries.append((NOT_APPLICABLE, None))
    short = charts.rating_short_forms([label for label, _ in entries])
    return [
        {"label": label, "short": short[label], "colour": charts.rating_colour(rank, count)}
        for label, rank in entries
    ]


def _downloads(
    publication: Publication,
    version: int | None,
    name: str,
    label: str,
    *args: Any,
    query: str = "",
) -> dict[str, Any]:
    """Where to download a page's figures."""
    return {
        "downloads": {
            "label": label,
            "csv": scorecard_url(name, publication, version, *args, "csv") + query,
            "xlsx": scorecard_url(name, publication, version, *args, "xlsx") + query,
        }
    }


# ---------------------------------------------------------------------------------------------
# The borough overview


def _filters(request: HttpRequest, publication: Publication) -> tuple[Any, int | None, str]:
    form = forms.OverviewFilterForm(request.GET if request.GET else None, publication=publication)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["commitment"], form.cleaned_data["size"]
    return form, None, ""


def overview(
    request: HttpRequest, year: str | None = None, version: int | None = None
) -> HttpResponse:
    found = _found(request, year, version)
    if found.publication is None:
        return render(request, "publication/none.html", {"years": []})
    publication = found.publication
    asked = (request.GET.get("commitment", ""), request.GET.get("size", ""))
    # The filters are checked when the page is built; only short answers are worth caching.
    cacheable = all(len(value) <= 12 and value.isascii() for value in asked)

    def build() -> dict[str, Any]:
        form, commitment, size = _filters(request, publication)
        query = urlencode({k: v for k, v in (("commitment", commitment), ("size", size)) if v})
        view = selectors.overview(publication, commitment=commitment, size_band=size)
        chart = charts.share_by_landlord(
            [(row.landlord.landlord_name, row.landlord.share_met) for row in view.rows],
            publication.headline.get("median_share_met"),
            "Bar chart of each landlord's share of commitments met or exceeded; the figures "
            "are in the table below it.",
        )
        return {
            "form": form,
            "has_filters": any(asked),
            "view": view,
            "summary": tables.overview_tables(view)[1],
            "chart": chart,
            "rating_count": len(publication.ratings),
            "rating_key": _rating_key(publication, view),
            **_downloads(
                publication,
                version,
                "overview-download",
                "Ratings and shares for every landlord",
                query=f"?{query}" if query else "",
            ),
        }

    return _scorecard_page(
        request,
        found,
        version,
        key=f"overview:{asked!r}" if cacheable else None,
        template="publication/overview.html",
        title=lambda: f"Charter results {publication.reporting_year}",
        build=build,
    )


def overview_download(
    request: HttpRequest, year: str, fmt: str, version: int | None = None
) -> HttpResponse:
    publication = _publication(request, year, version)
    _, commitment, size = _filters(request, publication)
    view = selectors.overview(publication, commitment=commitment, size_band=size)
    return _download(publication, tables.overview_tables(view), fmt, "scorecards-overview")


# ---------------------------------------------------------------------------------------------
# A landlord


def _landlord_page(publication: Publication, slug: str) -> selectors.LandlordPage:
    page = selectors.landlord_page(publication, slug)
    if page is None:
        raise Http404("That landlord is not in these results")
    return page


def landlord(
    request: HttpRequest, year: str, slug: str, version: int | None = None
) -> HttpResponse:
    found = _found(request, year, version)
    publication = found.publication
    assert publication is not None
    named: dict[str, str] = {}

    def build() -> dict[str, Any]:
        page = _landlord_page(publication, slug)  # not found: 404, and nothing cached
        name = named["name"] = page.landlord.landlord_name
        chart = charts.share_by_year(
            [(y.year, y.share_met) for y in page.history],
            f"Bar chart of {name}'s share of commitments met or exceeded in each year; the "
            "figures are in the table below it.",
        )
        return {
            "page": page,
            "name": name,
            "chart": chart,
            "history_table": tables.landlord_tables(page)[1],
            "rating_count": len(publication.ratings),
            **_downloads(publication, version, "landlord-download", f"{name}'s ratings", slug),
        }

    return _scorecard_page(
        request,
        found,
        version,
        key=f"landlord:{slug}",
        template="publication/landlord.html",
        title=lambda: f"{named['name']}: charter results {publication.reporting_year}",
        crumb=lambda: named["name"],
        build=build,
    )


def landlord_download(
    request: HttpRequest, year: str, slug: str, fmt: str, version: int | None = None
) -> HttpResponse:
    publication = _publication(request, year, version)
    page = _landlord_page(publication, slug)
    return _download(publication, tables.landlord_tables(page), fmt, f"scorecards-{slug}")


# ---------------------------------------------------------------------------------------------
# A commitment


def _commitment_page(publication: Publication, number: int) -> selectors.CommitmentPage:
    page = selectors.commitment_page(publication, number)
    if page is None:
        raise Http404("No such commitment in these results")
    return page


def commitment(
    request: HttpRequest, year: str, number: int, version: int | None = None
) -> HttpResponse:
    found = _found(request, year, version)
    publication = found.publication
    assert publication is not None

    def build() -> dict[str, Any]:
        page = _commitment_page(publication, number)  # not found: 404, and nothing cached
        return {
            "page": page,
            "commitment": page.commitment,
            "rating_count": len(publication.ratings),
            **_downloads(
                publication, version, "commitment-download", "Every landlord's rating", number
            ),
        }

    return _scorecard_page(
        request,
        found,
        version,
        key=f"commitment:{number}",
        template="publication/commitment.html",
        title=lambda: f"Commitment {number}: results {publication.reporting_year}",
        crumb=lambda: f"Commitment {number}",
        build=build,
    )


def commitment_download(
    request: HttpRequest, year: str, number: int, fmt: str, version: int | None = None
) -> HttpResponse:
    publication = _publication(request, year, version)
    page = _commitment_page(publication, number)
    return _download(
        publication, tables.commitment_tables(page), fmt, f"scorecards-commitment-{number}"
    )


# ---------------------------------------------------------------------------------------------
# Practices, methodology, versions


def practices(request: HttpRequest, year: str, version: int | None = None) -> HttpResponse:
    found = _found(request, year, version)
    publication = found.publication
    assert publication is not None
    return _scorecard_page(
        request,
        found,
        version,
        key="practices",
        template="publication/practices.html",
        title=lambda: f"Good practice: results {publication.reporting_year}",
        crumb=lambda: "Good practice",
        build=lambda: {
            "library": selectors.practice_library(publication),
            **_downloads(publication, version, "practices-download", "The practice library"),
        },
    )


def practices_download(
    request: HttpRequest, year: str, fmt: str, version: int | None = None
) -> HttpResponse:
    publication = _publication(request, year, version)
    library = selectors.practice_library(publication)
    return _download(publication, tables.practice_tables(library), fmt, "scorecards-practices")


def methodology(request: HttpRequest, year: str, version: int | None = None) -> HttpResponse:
    found = _found(request, year, version)
    publication = found.publication
    assert publication is not None

    def build() -> dict[str, Any]:
        scale, stages = tables.methodology_tables(publication)
        return {
            "scale": scale,
            "stages": stages,
            "versions": selectors.publication_versions(publication),
            **_downloads(
                publication, version, "methodology-download", "The rating scale and stages"
            ),
        }

    return _scorecard_page(
        request,
        found,
        version,
        key="methodology",
        template="publication/methodology.html",
        title=lambda: f"How the results were reached: {publication.reporting_year}",
        crumb=lambda: "Method",
        build=build,
    )


def methodology_download(
    request: HttpRequest, year: str, fmt: str, version: int | None = None
) -> HttpResponse:
    publication = _publication(request, year, version)
    return _download(
        publication, tables.methodology_tables(publication), fmt, "scorecards-methodology"
    )


def versions(request: HttpRequest, year: str) -> HttpResponse:
    found = _found(request, year)
    publication = found.publication
    assert publication is not None
    return _scorecard_page(
        request,
        found,
        None,
        key="versions",
        template="publication/versions.html",
        title=lambda: f"Versions of the {publication.reporting_year} results",
        crumb=lambda: "Versions",
        build=lambda: {"versions": selectors.publication_versions(publication)},
    )


def evidence_file(request: HttpRequest, year: str, evidence_id: int) -> HttpResponseBase:
    """A public evidence file: served only while the newest published version holds it."""
    publication = _publication(request, year)
    published = publication.files.filter(evidence_id=evidence_id).first()
    if published is None or not default_storage.exists(published.path):
        raise Http404("No public evidence with that number in these results")
    return upload_response(
        default_storage.open(published.path, "rb"),
        content_type=published.content_type,
        filename=PurePosixPath(published.filename).name,
        private=False,
    )


# ---------------------------------------------------------------------------------------------
# Open data


def data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publication/data.html",
        {
            "licence": services.publication_settings_get(),
            "dictionary": opendata.DICTIONARY,
            "publications": selectors.latest_public_versions(),
            "years": selectors.published_years(user=request.user),
        },
    )


def dataset(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every public year's newest version: JSON, or CSV files with a data dictionary in a zip.

    The file changes only with a new public version or a new licence, so it is built once for
    each and then read from the cache; its ETag and Last-Modified come from the same versions,
    so a client that already holds it gets "304 Not Modified" and no body."""
    licence = services.publication_settings_get()
    publications = selectors.latest_public_versions()
    depends = (
        fmt,
        [(p.pk, p.published_at.timestamp(), p.publish_at.timestamp()) for p in publications],
        licence.pk,
        licence.updated_at.timestamp(),
    )
    digest = hashlib.sha256(repr(depends).encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    changed = max([licence.updated_at, *(max(p.published_at, p.publish_at) for p in publications)])
    last_modified = int(changed.timestamp())
    headers = {"ETag": etag, "Last-Modified": http_date(last_modified)}
    unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if unchanged is not None:
        for name, value in headers.items():
            unchanged[name] = value
        return unchanged
    cache_key = f"publication:dataset:{digest}"
    content = cache.get(cache_key)
    if content is None:
        if fmt == "json":
            content = opendata.dataset_json(publications, licence)
        else:
            content = opendata.dataset_zip(publications, licence)
        cache.set(cache_key, content, FRAGMENT_SECONDS)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="scorecards-dataset.{fmt}"'
    for name, value in headers.items():
        response[name] = value
    return response


# ---------------------------------------------------------------------------------------------
# Council admins


@permission_required("publication.publish")
def manage(request: HttpRequest) -> HttpResponse:
    from residentvoice.assessment.selectors import cycle_list

    cycles = cycle_list()
    by_cycle: dict[int, list[Publication]] = {}
    for publication in Publication.objects.order_by("version"):
        by_cycle.setdefault(publication.cycle_id, []).append(publication)
    rows = [(cycle, by_cycle.get(cycle.pk, [])) for cycle in cycles]
    return render(
        request,
        "publication/manage.html",
        {"rows": rows, "ready": Stage.READY_TO_PUBLISH, "published": Stage.PUBLISHED},
    )


def _cycle_or_404(year: str) -> AssessmentCycle:
    return get_object_or_404(AssessmentCycle, reporting_year=year)


@permission_required("publication.publish")
def publish(request: HttpRequest, year: str) -> HttpResponse:
    cycle = _cycle_or_404(year)
    form = forms.PublishForm(request.POST or None)
    problems = services.publication_problems(cycle)
    if request.method == "POST" and form.is_valid():
        publish_at = form.cleaned_data["publish_at"]
        try:
            publication = services.cycle_publish(
                cycle=cycle,
                by=request.user,
                publish_at=publish_at,
                embargo_viewers=form.cleaned_data["embargo_viewers"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            when = timezone.localtime(publication.publish_at)
            if publication.is_embargoed:
                messages.success(
                    request,
                    f"The {year} results are published under embargo until {date_and_time(when)}.",
                )
            else:
                messages.success(request, f"The {year} results are published.")
            return redirect("publication:overview", year=year)
    return render(
        request,
        "publication/publish.html",
        {"cycle": cycle, "form": form, "problems": problems, "year": year},
    )


@permission_required("publication.correct")
def correct(request: HttpRequest, year: str) -> HttpResponse:
    publication = selectors.publication_latest(year, user=request.user)
    if publication is None:
        raise Http404("No published results for that year")
    form = forms.CorrectionForm(request.POST or None, publication=publication)
    if request.method == "POST" and form.is_valid():
        try:
            corrected = services.publication_correct(
                publication=publication, by=request.user, **form.changes()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, f"Version {corrected.version} of the {year} results is published."
            )
            return redirect("publication:versions", year=year)
    return render(
        request,
        "publication/correct.html",
        {"publication": publication, "form": form, "year": year},
    )


@permission_required("publication.manage_settings")
def publication_settings(request: HttpRequest) -> HttpResponse:
    current = services.publication_settings_get()
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "licence_name": current.licence_name,
            "licence_url": current.licence_url,
            "attribution": current.attribution,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_settings_update(**form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "The licence for published data is saved.")
            return redirect("publication:manage")
    return render(request, "publication/settings.html", {"form": form})


@permission_required("publication.build_report")
def report(request: HttpRequest, year: str) -> HttpResponse:
    publication = selectors.publication_latest(year, user=request.user)
    if publication is None:
        raise Http404("No published results for that year")
    text = ReportText.objects.filter(reporting_year=year).first()
    text_form = forms.ReportTextForm(
        request.POST if request.POST.get("action") == "text" else None,
        initial={
            "foreword": text.foreword if text else "",
            "next_steps": text.next_steps if text else "",
        },
    )
    build_errors: list[str] = []
    if request.method == "POST" and text_form.is_bound and text_form.is_valid():
        services.report_text_update(reporting_year=year, **text_form.cleaned_data)
        messages.success(request, "The foreword and next steps are saved.")
        return redirect("publication:report", year=year)
    if request.method == "POST" and request.POST.get("action") == "build":
        try:
            build = services.report_build_request(reporting_year=year, by=request.user)
        except ValidationError as error:
            build_errors = error.messages
        else:
            return redirect("publication:report-status", pk=build.pk)
    builds = list(ReportBuild.objects.filter(reporting_year=year)[:10])
    return render(
        request,
        "publication/report.html",
        {
            "publication": publication,
            "year": year,
            "text_form": text_form,
            "build_errors": build_errors,
            "builds": builds,
        },
    )


@permission_required("publication.build_report")
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    build = get_object_or_404(ReportBuild.objects.select_related("publication"), pk=pk)
    waiting = build.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
    stale = waiting and build.created_at < timezone.now() - datetime.timedelta(hours=1)
    return render(
        request,
        "publication/report_status.html",
        {
            "build": build,
            "files": selectors.report_files(build),
            "waiting": waiting and not stale,
            "stale": stale,
        },
    )


def _report_file_response(stored: ReportFile) -> HttpResponse:
    name = stored.file.name or ""
    if not name or not default_storage.exists(name):
        raise Http404("The report file is no longer there")
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=REPORT_TYPES[stored.format])
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("publication.build_report")
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    stored = get_object_or_404(
        ReportFile.objects.select_related("build"),
        build_id=pk,
        build__status=ReportStatus.DONE,
        format=fmt,
    )
    return _report_file_response(stored)


@permission_required("publication.build_report")
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    build = get_object_or_404(ReportBuild, pk=pk)
    public = request.POST.get("public") == "yes"
    try:
        services.report_make_public(build=build, public=public)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The {build.reporting_year} annual report is on the public reports page."
            if public
            else f"The {build.reporting_year} annual report is no longer on the public reports "
            "page.",
        )
    return redirect("publication:report-status", pk=build.pk)


# ---------------------------------------------------------------------------------------------
# Published annual reports, for everyone


def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publication/reports.html",
        {"reports": selectors.published_reports()},
    )


def report_file(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    stored = selectors.published_report_file(year, fmt)
    if stored is None:
        raise Http404("No annual report has been published for that year in that format")
    return _report_file_response(stored)
