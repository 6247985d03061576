"""TSM pages: the releases imported, the borough's landlords for a year against the national
median, one landlord's full figures, and the council's import and verification pages."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from residentvoice.core.permissions import permission_required

from . import forms, selectors, services
from .measures import MEASURES
from .models import TsmRelease
from .workbook import WorkbookError


def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "tsm/overview.html", {"releases": selectors.tsm_release_list()})


def year(request: HttpRequest, year: str) -> HttpResponse:
    found = selectors.tsm_borough_year(year=year)
    if found is None:
        raise Http404("No Tenant Satisfaction Measures for that year")
    release, rows = found
    return render(
        request,
        "tsm/year.html",
        {
            "release": release,
            "rows": rows,
            "headline_measures": [
                (code, MEASURES[code].name) for code in selectors.HEADLINE_MEASURES
            ],
        },
    )


def landlord(request: HttpRequest, year: str, code: str) -> HttpResponse:
    page = selectors.tsm_landlord_page(year=year, code=code)
    if page is None:
        raise Http404("That landlord has no figures for that year")
    return render(request, "tsm/landlord.html", {"page": page})


@permission_required("tsm.import_release")
def release_import(request: HttpRequest) -> HttpResponse:
    form = forms.ReleaseUploadForm(request.POST or None, request.FILES or None)
    result, problems = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        # The reader needs a real file; the import is all or nothing, so an error leaves no trace.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload" / Path(upload.name).name
            path.parent.mkdir()
            with open(path, "wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                result = services.tsm_release_import(
                    path=path,
                    source_name=Path(upload.name).name,
                    version_note=form.cleaned_data["version_note"],
                )
            except WorkbookError as error:
                problems = error.problems
                form.add_error(
                    "workbook",
                    f"The file could not be imported: {len(problems)} "
                    f"problem{'s' if len(problems) != 1 else ''} listed below. Nothing was saved.",
                )
    return render(
        request,
        "tsm/import.html",
        {
            "form": form,
            "heading": "Import the regulator's Tenant Satisfaction Measures",
            "result": result,
            "problems": problems,
        },
    )


@permission_required("tsm.verify_release")
def verify(request: HttpRequest, year: str) -> HttpResponse:
    try:
        verification = services.tsm_release_verify(year=year)
    except TsmRelease.DoesNotExist as missing:
        raise Http404("No Tenant Satisfaction Measures for that year") from missing
    return render(
        request,
        "tsm/verify.html",
        {"verification": verification, "release": selectors.tsm_release_current(year=year)},
    )
