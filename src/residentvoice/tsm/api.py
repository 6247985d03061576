"""The read-only TSM API (django-ninja): releases, published values, benchmarks and trends.

Mounted by the site-wide API (`core/api.py`) under `/api/v1/tsm/`. Every list is paginated
(`?page=`, 100 a page); filters that are not valid (a year not like 2023-24, an unknown measure
code or population, a peer filter the release does not have) are answered with 422.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from residentvoice.core.api_pages import PAGE_SIZE, Pages

from . import selectors
from .measures import MEASURES, Population
from .models import MeasureValue

router = Router(tags=["Tenant Satisfaction Measures"])

YEAR_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
MEASURE_PATTERN = r"^(TP(0[1-9]|1[0-2])|BS0[1-5]|RP01|RP02_[12]|CH0[12]_[12]|NM01_[12])$"


class ReleaseOut(Schema):
    reporting_year: str
    source_name: str
    imported_at: datetime.datetime
    current: bool


class ValueOut(Schema):
    reporting_year: str
    landlord_code: str
    landlord_name: str
    population: str
    measure: str = Field(description="Our code: TP01…TP12, BS01…, RP02_1, CH01_1 …")
    measure_label: str = Field(description="As the regulator writes it: RP02(1)")
    value: float | None
    reason: str | None = Field(description="Why there is no value: the regulator's marker")
    marker: str | None
    numerator: float | None
    denominator: float | None


class ValueFilters(Schema):
    year: str = Field(pattern=YEAR_PATTERN, description="Reporting year, e.g. 2023-24")
    landlord: str | None = Field(None, max_length=20, description="Regulator code, e.g. L4279")
    measure: str | None = Field(None, pattern=MEASURE_PATTERN)
    population: Population | None = None


class BenchmarkFilters(Schema):
    year: str = Field(pattern=YEAR_PATTERN)
    measure: str = Field(pattern=MEASURE_PATTERN)
    population: Population = Population.LCRA
    size_band: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)
    landlord_type: str | None = Field(None, max_length=200)


class BenchmarkRowOut(Schema):
    landlord_code: str
    landlord_name: str
    in_borough: bool
    value: float
    percentile: float = Field(description="Share of peers with a lower value (ties half)")
    quartile: int | None = Field(
        description="1 = lowest quarter of values, 4 = highest; null when the value is at the "
        "maximum or minimum and shared (see at_extreme)"
    )
    at_extreme: str | None = Field(
        description="'maximum' or 'minimum' when the value is the end of the range and other "
        "landlords share it (100% gas safety), else null"
    )
    tied_with: int = Field(description="How many other landlords have exactly this value")


class BenchmarkSummaryOut(Schema):
    reporting_year: str
    measure: str
    population: str
    peers: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    higher_is_better: bool
    size_band: str | None
    region: str | None
    landlord_type: str | None


class TrendFilters(Schema):
    landlord: str = Field(max_length=20)
    measure: str = Field(pattern=MEASURE_PATTERN)
    population: Population = Population.LCRA


class TrendPointOut(Schema):
    reporting_year: str
    landlord_code: str
    value: float | None
    reason: str | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    peers: int


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _value_out(value: MeasureValue) -> dict[str, Any]:
    definition = MEASURES.get(value.measure)
    return {
        "reporting_year": value.release.reporting_year,
        "landlord_code": value.regulator_landlord.code,
        "landlord_name": value.regulator_landlord.name,
        "population": value.population,
        "measure": value.measure,
        "measure_label": definition.regulator_label if definition else value.measure,
        "value": _number(value.value),
        "reason": selectors.marker_reason(value.marker) if value.marker else None,
        "marker": value.marker or None,
        "numerator": _number(value.numerator),
        "denominator": _number(value.denominator),
    }


class _MappedQuerySet:
    """A queryset the paginator can count and slice, giving API rows instead of model objects."""

    def __init__(self, queryset: Any, convert: Any) -> None:
        self.queryset, self.convert = queryset, convert

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, items: slice) -> list[dict[str, Any]]:
        return [self.convert(item) for item in self.queryset[items]]


def _check_peer_filters(filters: BenchmarkFilters) -> None:
    release = selectors.tsm_release_current(year=filters.year)
    if release is None:
        raise HttpError(404, f"No release imported for {filters.year}")
    options = selectors.tsm_peer_options(release=release)
    errors = []
    for name, allowed in (
        ("size_band", options.size_bands),
        ("region", options.regions),
        ("landlord_type", options.landlord_types),
    ):
        given = getattr(filters, name)
        if given and given not in allowed:
            errors.append(
                {
                    "type": "value_error",
                    "loc": ["query", name],
                    "msg": f"{given!r} is not used by any release imported; "
                    f"choose one of: {', '.join(allowed)}",
                }
            )
    if errors:
        raise ValidationError(errors)


@router.get("/releases", response=list[ReleaseOut], url_name="tsm-releases")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def tsm_releases(request: HttpRequest) -> Any:
    """Every release imported, newest year first; replaced ones are kept as history."""
    return _MappedQuerySet(
        selectors.tsm_release_list(),
        lambda r: {
            "reporting_year": r.reporting_year,
            "source_name": r.source_name,
            "imported_at": r.imported_at,
            "current": r.is_current,
        },
    )


@router.get("/values", response=list[ValueOut], url_name="tsm-values")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def tsm_values(request: HttpRequest, filters: Query[ValueFilters]) -> Any:
    """The regulator's published figures for a year, by landlord, population and measure."""
    values = selectors.tsm_values(
        year=filters.year,
        landlord=filters.landlord,
        measure=filters.measure,
        population=filters.population,
    )
    if values is None:
        raise HttpError(404, f"No release imported for {filters.year}")
    return _MappedQuerySet(values, _value_out)


def _benchmark_table(filters: BenchmarkFilters) -> selectors.BenchmarkTable:
    _check_peer_filters(filters)
    table = selectors.tsm_benchmark_rows(
        year=filters.year,
        measure=filters.measure,
        population=filters.population,
        size_band=filters.size_band,
        region=filters.region,
        landlord_type=filters.landlord_type,
    )
    if table is None:  # pragma: no cover - _check_peer_filters found the release
        raise HttpError(404, f"No release imported for {filters.year}")
    return table


@router.get("/benchmarks", response=list[BenchmarkRowOut], url_name="tsm-benchmarks")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def tsm_benchmarks(request: HttpRequest, filters: Query[BenchmarkFilters]) -> Any:
    """Every peer landlord's value for one measure with its percentile and quarter."""
    table = _benchmark_table(filters)
    return [
        {
            "landlord_code": row.code,
            "landlord_name": row.name,
            "in_borough": bool(row.borough_landlord),
            "value": row.value,
            "percentile": row.percentile,
            "quartile": row.quartile,
            "at_extreme": {"highest": "maximum", "lowest": "minimum"}.get(row.extreme),
            "tied_with": row.tied_with,
        }
        for row in table.rows
    ]


@router.get("/benchmarks/summary", response=BenchmarkSummaryOut, url_name="tsm-benchmark-summary")
def tsm_benchmark_summary(request: HttpRequest, filters: Query[BenchmarkFilters]) -> Any:
    """The median and quartiles of one measure among the peers the filters choose."""
    table = _benchmark_table(filters)
    summary = table.summary
    return {
        "reporting_year": filters.year,
        "measure": filters.measure,
        "population": filters.population,
        "peers": summary.peers,
        "median": summary.median,
        "lower_quartile": summary.lower_quartile,
        "upper_quartile": summary.upper_quartile,
        "higher_is_better": summary.higher_is_better,
        "size_band": filters.size_band,
        "region": filters.region,
        "landlord_type": filters.landlord_type,
    }


@router.get("/trend", response=list[TrendPointOut], url_name="tsm-trend")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def tsm_trend(request: HttpRequest, filters: Query[TrendFilters]) -> Any:
    """A landlord's value for a measure in every year imported, beside the national median;
    codes linked across years (a landlord reporting under a new code) join the series."""
    return [
        {
            "reporting_year": point.year,
            "landlord_code": point.code,
            "value": point.value,
            "reason": point.reason or None,
            "median": point.median,
            "lower_quartile": point.lower_quartile,
            "upper_quartile": point.upper_quartile,
            "peers": point.peers,
        }
        for point in selectors.tsm_trend(
            code=filters.landlord, measure=filters.measure, population=filters.population
        )
    ]
