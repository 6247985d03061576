"""TSM pages: the releases imported, the borough's landlords for a year against the national
median, one landlord's full figures, benchmarks and trends with their downloads, the council's
import and verification pages, and a landlord's own results with what it must publish."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from residentvoice.accounts.selectors import membership_of
from residentvoice.core.forms import form_errors_from
from residentvoice.core.pdf import render_pdf
from residentvoice.core.permissions import permission_required

from . import charts, downloads, forms, selectors, services
from .management_figures import ManagementFileError
from .measures import MEASURES, Population, rounded_once
from .models import OwnSurvey, RegulatorLandlord, TsmRelease
from .responses import SurveyFileError
from .workbook import WorkbookError


@contextmanager
def _saved(upload: UploadedFile) -> Iterator[Path]:
    """An upload written to a temporary file for the readers, deleted afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload" / Path(upload.name or "upload").name
        path.parent.mkdir()
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        yield path


def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tsm/overview.html",
        {
            "releases": selectors.tsm_release_list(),
            "published": selectors.own_results_published_list(),
        },
    )


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
            "search_form": forms.LandlordSearchForm(),
            "headline_measures": [
                (code, MEASURES[code].name) for code in selectors.HEADLINE_MEASURES
            ],
        },
    )


def landlord_search(request: HttpRequest, year: str) -> HttpResponse:
    """Every landlord in England in a year's release, found by name or code (a GET form, so it
    works without scripts and the address can be shared)."""
    release = _release_or_404(year)
    form = forms.LandlordSearchForm(request.GET or None)
    search = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        search = selectors.tsm_landlord_search(release=release, query=form.cleaned_data["q"])
    return render(
        request,
        "tsm/landlord_search.html",
        {"release": release, "form": form, "search": search, "limit": selectors.SEARCH_LIMIT},
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
        with _saved(upload) as path:
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
            "submit_label": "Import",
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


# --- benchmarks, trends and downloads ----------------------------------------------------------

DEFAULT_BENCHMARK = {"measure": "TP01", "population": Population.LCRA.value}


def _release_or_404(year: str) -> TsmRelease:
    release = selectors.tsm_release_current(year=year)
    if release is None:
        raise Http404("No Tenant Satisfaction Measures for that year")
    return release


def _benchmark_form(request: HttpRequest, release: TsmRelease) -> forms.BenchmarkFilterForm:
    data = request.GET.copy()
    for name, value in DEFAULT_BENCHMARK.items():
        data.setdefault(name, value)
    return forms.BenchmarkFilterForm(data, options=selectors.tsm_peer_options(release=release))


def _benchmark_table(year: str, form: forms.BenchmarkFilterForm) -> selectors.BenchmarkTable:
    data = form.cleaned_data
    table = selectors.tsm_benchmark_rows(
        year=year,
        measure=data["measure"],
        population=data["population"],
        size_band=data["size_band"] or None,
        region=data["region"] or None,
        landlord_type=data["landlord_type"] or None,
    )
    if table is None:  # pragma: no cover - the release was found a moment ago
        raise Http404("No Tenant Satisfaction Measures for that year")
    return table


def benchmarks(request: HttpRequest, year: str) -> HttpResponse:
    release = _release_or_404(year)
    form = _benchmark_form(request, release)
    context: dict[str, Any] = {
        "release": release,
        "form": form,
        "search_form": forms.LandlordSearchForm(),
    }
    if form.is_valid():
        table = _benchmark_table(year, form)
        definition = MEASURES[table.measure]
        bins = charts.benchmark_bins(table)
        context.update(
            table=table,
            population_label=Population(table.population).label,
            definition=definition,
            per_thousand=definition.scale == 1000 and definition.kind == "management",
            bins=bins,
            chart=charts.benchmark_chart(table, bins, definition.name),
            query=urlencode({k: v for k, v in form.cleaned_data.items() if v}),
            peer_words=_peer_words(form),
        )
    return render(request, "tsm/benchmarks.html", context)


def _peer_words(form: forms.BenchmarkFilterForm) -> str:
    chosen = [
        dict(form.fields[name].choices).get(form.cleaned_data[name], "")  # type: ignore[attr-defined]
        for name in ("size_band", "region", "landlord_type")
        if form.cleaned_data.get(name)
    ]
    return ", ".join(str(c) for c in chosen) if chosen else "All landlords in England"


def benchmarks_download(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    release = _release_or_404(year)
    form = _benchmark_form(request, release)
    if not form.is_valid():
        # The page explains what is wrong with the filters.
        return redirect(f"{reverse('tsm:benchmarks', args=[year])}?{request.GET.urlencode()}")
    table = _benchmark_table(year, form)
    definition = MEASURES[table.measure]
    peers = _peer_words(form)
    return downloads.table_response(
        fmt=fmt,
        filename=f"tsm-{year}-benchmark-{table.measure}-{table.population}".lower(),
        title=f"{definition.regulator_label} {year}",
        headers=[
            "reporting_year",
            "measure",
            "measure_name",
            "population",
            "peers",
            "landlord_code",
            "landlord_name",
            "borough_landlord",
            "value",
            "percentile",
            "quarter",
            "median",
            "lower_quartile",
            "upper_quartile",
        ],
        rows=(
            [
                year,
                definition.regulator_label,
                definition.name,
                table.population,
                peers,
                row.code,
                row.name,
                row.borough_landlord,
                round(row.value, 4),
                round(row.percentile, 1),
                row.quartile,
                _rounded(table.summary.median),
                _rounded(table.summary.lower_quartile),
                _rounded(table.summary.upper_quartile),
            ]
            for row in table.rows
        ),
        about=[
            f"Tenant Satisfaction Measures {year}: {definition.regulator_label} "
            f"{definition.name}, {Population(table.population).label}.",
            f"Compared with: {peers}.",
            "Percentile: the share of these landlords with a lower value, ties counted half. "
            "Quarter 1 holds the lowest values, 4 the highest.",
            downloads.ATTRIBUTION,
        ],
    )


def _rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def values_download(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    """Every published value of a year (or of one landlord with ?landlord=CODE)."""
    code = request.GET.get("landlord", "").strip()[:20]
    values = selectors.tsm_values(year=year, landlord=code or None)
    if values is None:
        raise Http404("No Tenant Satisfaction Measures for that year")
    if code and not values.exists():
        raise Http404("That landlord has no figures for that year")

    def rows() -> Iterator[list[Any]]:
        for value in values.iterator(chunk_size=2000):
            definition = MEASURES.get(value.measure)
            yield [
                year,
                value.regulator_landlord.code,
                value.regulator_landlord.name,
                value.population,
                definition.regulator_label if definition else value.measure,
                definition.name if definition else "",
                _rounded(float(value.value), 10) if value.value is not None else None,
                selectors.marker_reason(value.marker) if value.marker else "",
                float(value.numerator) if value.numerator is not None else None,
                float(value.denominator) if value.denominator is not None else None,
            ]

    return downloads.table_response(
        fmt=fmt,
        filename=f"tsm-{year}-values{'-' + code.lower() if code else ''}",
        title=f"TSM {year}",
        headers=[
            "reporting_year",
            "landlord_code",
            "landlord_name",
            "population",
            "measure",
            "measure_name",
            "value",
            "reason_no_value",
            "numerator",
            "denominator",
        ],
        rows=rows(),
        about=[f"Tenant Satisfaction Measures {year}, as published.", downloads.ATTRIBUTION],
    )


def trend(request: HttpRequest, code: str) -> HttpResponse:
    landlord = RegulatorLandlord.objects.filter(code=code.strip().upper()).first()
    if landlord is None:
        raise Http404("No landlord with that regulator code")
    data = request.GET.copy()
    for name, value in DEFAULT_BENCHMARK.items():
        data.setdefault(name, value)
    form = forms.MeasureChoiceForm(data)
    context: dict[str, Any] = {"landlord": landlord, "form": form}
    if form.is_valid():
        measure, population = form.cleaned_data["measure"], form.cleaned_data["population"]
        points = selectors.tsm_trend(code=landlord.code, measure=measure, population=population)
        definition = MEASURES[measure]
        context.update(
            points=points,
            definition=definition,
            population_label=Population(population).label,
            chart=charts.trend_chart(points, landlord.name, definition.name),
        )
    return render(request, "tsm/trend.html", context)


# --- a landlord's own results ------------------------------------------------------------------


def _own(request: HttpRequest, pk: int, **_: Any) -> OwnSurvey:
    return get_object_or_404(OwnSurvey.objects.select_related("landlord"), pk=pk)


@permission_required("tsm.manage_own_results")
def own_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    landlord = membership.landlord if membership else None
    if landlord is None:  # pragma: no cover - the permission needs a landlord membership
        raise Http404
    form = forms.OwnResultsStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.own_results_start(
                landlord=landlord,
                reporting_year=form.cleaned_data["reporting_year"],
                population_sizes={
                    "LCRA": form.cleaned_data["lcra_population"],
                    "LCHO": form.cleaned_data["lcho_population"],
                },
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("tsm:own_manage", pk=survey.pk)
    return render(
        request,
        "tsm/own_list.html",
        {
            "landlord": landlord,
            "results": selectors.own_results_for_landlord(landlord_id=landlord.pk),
            "form": form,
        },
    )


@permission_required("tsm.change_own_results", fn=_own)
def own_manage(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own(request, pk)
    return render(
        request,
        "tsm/own_manage.html",
        {
            "survey": survey,
            "responses": survey.responses.count(),
            "figures": survey.management_figures.count(),
        },
    )


def _upload_page(
    request: HttpRequest, survey: OwnSurvey, form: Any, heading: str, problems: list[Any]
) -> HttpResponse:
    return render(
        request,
        "tsm/own_upload.html",
        {
            "survey": survey,
            "form": form,
            "heading": heading,
            "problems": problems,
            "submit_label": "Load the file",
        },
    )


@permission_required("tsm.change_own_results", fn=_own)
def own_responses(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own(request, pk)
    sizes = survey.population_sizes
    stored = survey.responses.count()
    form = forms.SurveyUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"lcra_population": sizes.get("LCRA"), "lcho_population": sizes.get("LCHO")},
        stored=stored,
        stored_from=survey.source_name,
    )
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["responses"]
        with _saved(upload) as path:
            try:
                services.survey_responses_import(
                    survey=survey,
                    path=path,
                    source_name=Path(upload.name).name,
                    population_sizes={
                        "LCRA": form.cleaned_data["lcra_population"],
                        "LCHO": form.cleaned_data["lcho_population"],
                    },
                    replaces=form.confirmed_replacement(form.cleaned_data),
                )
            except (SurveyFileError, ValidationError) as error:
                if isinstance(error, ValidationError):
                    form_errors_from(form, error)
                else:
                    problems = error.problems
                    form.add_error("responses", _problems_message(problems))
            except services.ReplacementNotConfirmedError as refused:
                form.add_error(
                    "replace" if "replace" in form.fields else None, _confirm_message(refused)
                )
            else:
                messages.success(
                    request, _loaded_message(survey.responses.count(), stored, "responses")
                )
                return redirect("tsm:own_manage", pk=survey.pk)
    return _upload_page(request, survey, form, "Load your survey responses", problems)


def _confirm_message(refused: services.ReplacementNotConfirmedError) -> str:
    """Replacing stored data says how much goes and how much comes, and asks to confirm."""
    return (
        f"This file holds {refused.incoming:,} {refused.what}; loading it replaces the "
        f"{refused.stored:,} {refused.what} loaded from {refused.source_name}. Tick the box to "
        "confirm, and choose the file again. Nothing has been changed."
    )


def _loaded_message(loaded: int, replaced: int, what: str) -> str:
    message = f"Loaded {loaded:,} {what}"
    return message + (f", replacing the {replaced:,} loaded before." if replaced else ".")


def _problems_message(problems: list[Any]) -> str:
    count = len(problems)
    return (
        f"The file could not be loaded: {count} problem{'s' if count != 1 else ''} "
        "listed below. Nothing was saved."
    )


@permission_required("tsm.change_own_results", fn=_own)
def own_management(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own(request, pk)
    stored = survey.management_figures.count()
    form = forms.ManagementUploadForm(
        request.POST or None,
        request.FILES or None,
        stored=stored,
        stored_from=survey.management_source_name,
    )
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["figures"]
        with _saved(upload) as path:
            try:
                services.management_figures_import(
                    survey=survey,
                    path=path,
                    source_name=Path(upload.name).name,
                    replaces=form.confirmed_replacement(form.cleaned_data),
                )
            except ManagementFileError as error:
                problems = error.problems
                form.add_error("figures", _problems_message(problems))
            except services.ReplacementNotConfirmedError as refused:
                form.add_error(
                    "replace" if "replace" in form.fields else None, _confirm_message(refused)
                )
            else:
                messages.success(
                    request,
                    _loaded_message(
                        survey.management_figures.count(), stored, "management information figures"
                    ),
                )
                return redirect("tsm:own_manage", pk=survey.pk)
    return _upload_page(request, survey, form, "Load your management information", problems)


@permission_required("tsm.change_own_results", fn=_own)
def own_approach(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own(request, pk)
    form = forms.ApproachForm(request.POST or None, instance=OwnSurvey.objects.get(pk=survey.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.own_results_approach_update(
                survey=survey,
                **{name: form.cleaned_data[name] for name in services.APPROACH_FIELDS},
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Summary of approach saved.")
            return redirect("tsm:own_manage", pk=survey.pk)
    return render(
        request,
        "tsm/own_approach.html",
        {"survey": survey, "form": form, "heading": "Summary of approach"},
    )


@require_POST
@permission_required("tsm.publish_own_results", fn=_own)
def own_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own(request, pk)
    publish = request.POST.get("action") != "withdraw"
    try:
        services.own_results_publish(survey=survey, publish=publish)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            "Results published: anyone can now see them."
            if publish
            else "Results taken down: only your staff can see them.",
        )
    return redirect("tsm:own_manage", pk=survey.pk)


def _visible_results(request: HttpRequest, year: str, slug: str) -> OwnSurvey:
    """A landlord's own results for a year, if published or the visitor is its staff; else 404
    (so that drafts are not given away)."""
    survey = selectors.own_results_of(year=year, slug=slug)
    if survey is None or not request.user.has_perm("tsm.view_own_results", survey):
        raise Http404("No published results for that landlord and year")
    return survey


def published(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    survey = _visible_results(request, year, slug)
    return render(
        request,
        "tsm/published.html",
        {"results": selectors.own_results(survey=survey), "survey": survey},
    )


def published_pdf(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    survey = _visible_results(request, year, slug)
    html = render_to_string(
        "tsm/published_print.html",
        {"results": selectors.own_results(survey=survey), "survey": survey},
        request=request,
    )
    # The site's one PDF renderer fetches nothing, so nothing typed into the summary of
    # approach can make the server request an address.
    pdf = render_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tsm-{year}-{slug}.pdf"'
    return response


def published_csv(request: HttpRequest, year: str, slug: str) -> HttpResponse:
    survey = _visible_results(request, year, slug)
    results = selectors.own_results(survey=survey)
    rows = []
    for section in results.sections:
        groups: list[tuple[str, int | None, list[selectors.OwnMeasureLine]]] = [
            ("All methods", None, section.measures)
        ]
        groups += [(m.method, m.respondents, m.measures) for m in section.by_method]
        for method, respondents, lines in groups:
            for line in lines:
                rows.append(
                    [
                        year,
                        survey.landlord.name if survey.landlord else survey.title,
                        section.population,
                        method,
                        line.label,
                        line.name,
                        _rounded(line.value),
                        _rounded(line.unweighted_value),
                        line.respondents,
                        line.numerator,
                        line.denominator,
                        line.reason,
                        section.population_size,
                        section.sample_size if section.surveyed else None,
                        respondents if respondents is not None else None,
                        section.required_sample,
                        ""
                        if section.sample_met is None
                        else ("yes" if section.sample_met else "no"),
                        # Rounded once, as on the page: a reader rounding 3.25 again gets 3.3.
                        rounded_once(section.margin_of_error),
                    ]
                )
    return downloads.table_response(
        fmt="csv",
        filename=f"tsm-{year}-{slug}",
        title=f"TSM {year}",
        headers=[
            "reporting_year",
            "landlord",
            "population",
            "collection_method",
            "measure",
            "measure_name",
            "value",
            "unweighted_value",
            "respondents_to_question",
            "numerator",
            "denominator",
            "reason_no_value",
            "population_size",
            "sample_size",
            "respondents_by_method",
            "required_sample",
            "required_sample_met",
            "margin_of_error",
        ],
        rows=rows,
    )
