"""The read-only API of published results (django-ninja), mounted under /api/v1/scorecards/.

Only what the public may see is served: the newest version of each year whose embargo has lifted,
read from the published copies, never from the assessment. Every list is paginated (`?page=`),
filters that are not valid get 422 with the details, every answer carries an ETag and a
Last-Modified date (send them back in If-None-Match or If-Modified-Since and an unchanged answer
is 304 with no body), and each address may be asked a limited number of times a minute (429).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.throttling import AnonRateThrottle

from residentvoice.core.api_pages import PAGE_SIZE, Pages

from . import selectors
from .models import CommitmentResult, Publication, PublicationSettings, SizeBand

YEAR_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
DEFAULT_RATE = "120/m"


class PublicationThrottle(AnonRateThrottle):
    """Requests a minute from one address; the rate is the RESIDENTVOICE_API_RATE setting.

    The address is the connection's own unless NINJA_NUM_PROXIES says how many trusted proxies
    add to X-Forwarded-For (by default none: a client could write any address there). Requests
    are counted in the site's default cache: with Django's default, memory in each server
    process, each process counts on its own; a deployment whose default cache is shared (the
    database or Redis) counts across all of them.
    """

    scope = "scorecards"
    cache = default_cache

    def __init__(self) -> None:
        super().__init__(rate=DEFAULT_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "RESIDENTVOICE_API_RATE", DEFAULT_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


router = Router(tags=["Published charter results"], throttle=[PublicationThrottle()])


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: list[dict[str, Any]] = Field(description="Each filter that is not valid, and why")


class CycleOut(Schema):
    reporting_year: str
    version: int = Field(description="1, or more once the results have been corrected")
    published_on: datetime.date
    public_from: datetime.datetime
    synthetic: bool = Field(description="true for synthetic demonstration data, not real results")
    charter: str
    landlords: int
    commitments: int
    share_met: float | None = Field(description="Share of all ratings met or exceeded, %")
    median_share_met: float | None = Field(description="The median landlord's share, %")
    compared_with: str = Field(description="The earlier year changes are measured against")
    correction_note: str


class CommitmentOut(Schema):
    number: int
    title: str
    text: str
    not_applicable_allowed: bool


class RatingOut(Schema):
    code: str
    label: str
    points: int
    meets_commitment: bool
    description: str


class CharterOut(Schema):
    reporting_year: str
    name: str
    version: int | None
    commitments: list[CommitmentOut]
    ratings: list[RatingOut]


class LandlordOut(Schema):
    reporting_year: str
    slug: str
    name: str
    landlord_type: str
    borough_homes: int | None
    size_band: str
    assessed: int
    met: int
    not_applicable: int
    share_met: float | None
    previous_share_met: float | None
    change: float | None = Field(description="Percentage points since the year compared with")
    most_improved: bool
    synthetic: bool


class EvidenceOut(Schema):
    title: str
    kind: str
    address: str
    page: str
    excerpt: str


class ActionOut(Schema):
    description: str
    owner: str
    target_date: str
    status: str


class ResidentsOut(Schema):
    yes: int
    partly: int
    no: int
    dont_know: int
    comments: list[str] = Field(description="Comments approved for publication, without names")
    meetings: int
    meeting_residents: int


class ResultOut(Schema):
    reporting_year: str
    landlord: str
    landlord_name: str
    commitment: int
    commitment_title: str
    rating_code: str
    rating: str
    points: int | None
    meets_commitment: bool | None
    not_applicable: bool
    rationale: str
    previous_rating: str
    change: str = Field(description="up, down, same, new, or empty when nothing to compare")
    evidence: list[EvidenceOut]
    residents: ResidentsOut
    actions: list[ActionOut]
    synthetic: bool


class PracticeOut(Schema):
    reporting_year: str
    title: str
    description: str
    commitments: list[int]
    landlords: list[str]
    how_residents_involved: str
    evidence: str
    evidence_url: str


class YearFilter(Schema):
    year: str | None = Field(
        None, pattern=YEAR_PATTERN, description="Reporting year, e.g. 2024-25; newest if empty"
    )


class LandlordFilters(YearFilter):
    size_band: SizeBand | None = None


class ResultFilters(Schema):
    year: str | None = Field(
        None, pattern=YEAR_PATTERN, description="Reporting year; every public year if empty"
    )
    landlord: str | None = Field(None, pattern=SLUG_PATTERN, max_length=80)
    commitment: int | None = Field(None, ge=1, le=1000)
    rating: str | None = Field(None, pattern=SLUG_PATTERN, max_length=40)
    meets_commitment: bool | None = None


class PracticeFilters(YearFilter):
    commitment: int | None = Field(None, ge=1, le=1000)
    landlord: str | None = Field(None, pattern=SLUG_PATTERN, max_length=80)


# ---------------------------------------------------------------------------------------------
# Conditional answers


def _data_version() -> tuple[str, datetime.datetime | None]:
    """What every answer depends on: the public versions and the licence (two queries)."""
    public = selectors.publications_public().aggregate(
        made=Max("published_at"), lifted=Max("publish_at"), count=Count("pk")
    )
    licence = PublicationSettings.objects.aggregate(changed=Max("updated_at"))["changed"]
    moments = [m for m in (public["made"], public["lifted"], licence) if m is not None]
    stamp = f"{public['count']}|{public['made']}|{public['lifted']}|{licence}"
    return stamp, max(moments) if moments else None


def conditional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 304 to a client holding the current answer; otherwise add ETag and Last-Modified."""

    @wraps(view)
    def answered(request: HttpRequest, **kwargs: Any) -> Any:
        stamp, last_modified = _data_version()
        etag = (
            '"'
            + hashlib.sha256(f"{stamp}|{request.get_full_path()}".encode()).hexdigest()[:32]
            + '"'
        )
        moment = int(last_modified.timestamp()) if last_modified else None
        unchanged = get_conditional_response(request, etag=etag, last_modified=moment)
        headers = {"ETag": etag, "Cache-Control": "public, max-age=60"}
        if moment is not None:
            headers["Last-Modified"] = http_date(moment)
        if unchanged is not None:
            for key, value in headers.items():
                unchanged[key] = value
            return unchanged
        result = view(request, **kwargs)
        response: HttpResponse | None = kwargs.get("response")
        if response is not None:
            for key, value in headers.items():
                response[key] = value
        return result

    return answered


def _newest(year: str | None) -> list[Publication]:
    """The newest public version of one year (404 if none), or of every year."""
    publications = selectors.latest_public_versions()
    if year is None:
        return publications
    chosen = [p for p in publications if p.reporting_year == year]
    if not chosen:
        raise HttpError(404, f"No results have been published for {year}")
    return chosen


def _one_year(year: str | None) -> Publication:
    publications = _newest(year)
    if not publications:
        raise HttpError(404, "No results have been published yet")
    return publications[0]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------
# Endpoints

ERRORS: dict[int, Any] = {404: ErrorOut, 422: InvalidOut, 429: ErrorOut}


@router.get(
    "/cycles",
    response={200: list[CycleOut], 422: InvalidOut, 429: ErrorOut},
    url_name="scorecards-cycles",
)
@conditional
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def scorecard_cycles(request: HttpRequest, response: HttpResponse) -> Any:
    """Every year with published results, newest first, in its newest version."""
    return [
        {
            "reporting_year": p.reporting_year,
            "version": p.version,
            "published_on": p.published_at.date(),
            "public_from": p.publish_at,
            "synthetic": p.is_demo,
            "charter": p.charter.get("name", ""),
            "landlords": p.headline.get("landlords", 0),
            "commitments": p.headline.get("commitments", 0),
            "share_met": p.headline.get("share_met"),
            "median_share_met": p.headline.get("median_share_met"),
            "compared_with": p.previous_year,
            "correction_note": p.note if p.version > 1 else "",
        }
        for p in selectors.latest_public_versions()
    ]


@router.get("/charter", response={200: CharterOut, **ERRORS}, url_name="scorecards-charter")
@conditional
def scorecard_charter(
    request: HttpRequest, response: HttpResponse, filters: Query[YearFilter]
) -> Any:
    """The charter and rating scale a year's results were assessed against."""
    publication = _one_year(filters.year)
    charter = publication.charter
    return {
        "reporting_year": publication.reporting_year,
        "name": charter.get("name", ""),
        "version": charter.get("version"),
        "commitments": charter.get("commitments", []),
        "ratings": [
            {
                "code": r["code"],
                "label": r["label"],
                "points": r["points"],
                "meets_commitment": r["meets"],
                "description": r["description"],
            }
            for r in charter.get("ratings", [])
        ],
    }


@router.get(
    "/landlords", response={200: list[LandlordOut], **ERRORS}, url_name="scorecards-landlords"
)
@conditional
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def scorecard_landlords(
    request: HttpRequest, response: HttpResponse, filters: Query[LandlordFilters]
) -> Any:
    """Each landlord's figures in a year's results: share of commitments met and the change."""
    publication = _one_year(filters.year)
    landlords = publication.landlords.order_by("order", "landlord_name")
    if filters.size_band:
        landlords = landlords.filter(size_band=filters.size_band)
    return [
        {
            "reporting_year": publication.reporting_year,
            "slug": row.landlord_slug,
            "name": row.landlord_name,
            "landlord_type": row.landlord_type,
            "borough_homes": row.borough_homes,
            "size_band": row.size_band,
            "assessed": row.assessed,
            "met": row.met,
            "not_applicable": row.not_applicable,
            "share_met": _float(row.share_met),
            "previous_share_met": _float(row.previous_share_met),
            "change": _float(row.change),
            "most_improved": row.is_most_improved,
            "synthetic": publication.is_demo,
        }
        for row in landlords
    ]


def _result_out(result: CommitmentResult, publication: Publication) -> dict[str, Any]:
    from .opendata import evidence_address

    answers = result.residents.get("answers", {})
    return {
        "reporting_year": publication.reporting_year,
        "landlord": result.landlord.landlord_slug,
        "landlord_name": result.landlord.landlord_name,
        "commitment": result.commitment_number,
        "commitment_title": result.commitment_title,
        "rating_code": result.rating_code,
        "rating": result.rating_label,
        "points": result.points,
        "meets_commitment": result.meets,
        "not_applicable": result.not_applicable,
        "rationale": result.rationale,
        "previous_rating": result.previous_label,
        "change": result.change,
        "evidence": [
            {
                "title": e["title"],
                "kind": e["kind"],
                "address": evidence_address(publication.reporting_year, e),
                "page": e["page"],
                "excerpt": e["excerpt"],
            }
            for e in result.evidence
        ],
        "residents": {
            "yes": answers.get("yes", 0),
            "partly": answers.get("partly", 0),
            "no": answers.get("no", 0),
            "dont_know": answers.get("dont_know", 0),
            "comments": [c["text"] for c in result.residents.get("comments", [])],
            "meetings": result.residents.get("sessions", 0),
            "meeting_residents": result.residents.get("session_residents", 0),
        },
        "actions": [
            {
                "description": a["description"],
                "owner": a["owner"],
                "target_date": a["target_date"],
                "status": a["status"],
            }
            for a in result.actions
        ],
        "synthetic": publication.is_demo,
    }


class _Results:
    """Results the paginator can count and slice, turned into API rows only for one page."""

    def __init__(self, queryset: Any, publications: dict[int, Publication]) -> None:
        self.queryset, self.publications = queryset, publications

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, items: slice) -> list[dict[str, Any]]:
        return [
            _result_out(result, self.publications[result.publication_id])
            for result in self.queryset[items]
        ]


@router.get("/results", response={200: list[ResultOut], **ERRORS}, url_name="scorecards-results")
@conditional
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def scorecard_results(
    request: HttpRequest, response: HttpResponse, filters: Query[ResultFilters]
) -> Any:
    """Published results, one per landlord and commitment, filtered by year, landlord,
    commitment, rating or whether the commitment was met; every public year when no year."""
    publications = {p.pk: p for p in _newest(filters.year)}
    results = (
        CommitmentResult.objects.filter(publication_id__in=list(publications))
        .select_related("landlord")
        .order_by("-publication__reporting_year", "landlord__order", "commitment_number")
    )
    if filters.landlord:
        results = results.filter(landlord__landlord_slug=filters.landlord)
    if filters.commitment is not None:
        results = results.filter(commitment_number=filters.commitment)
    if filters.rating:
        results = results.filter(rating_code=filters.rating)
    if filters.meets_commitment is not None:
        results = results.filter(meets=filters.meets_commitment)
    return _Results(results, publications)


@router.get(
    "/practices", response={200: list[PracticeOut], **ERRORS}, url_name="scorecards-practices"
)
@conditional
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def scorecard_practices(
    request: HttpRequest, response: HttpResponse, filters: Query[PracticeFilters]
) -> Any:
    """The good-practice library as it was published with a year's results."""
    publication = _one_year(filters.year)
    rows = []
    for p in publication.practices:
        slugs = [x["slug"] for x in p["landlords"]]
        if filters.commitment is not None and filters.commitment not in p["commitments"]:
            continue
        if filters.landlord and filters.landlord not in slugs:
            continue
        rows.append(
            {
                "reporting_year": publication.reporting_year,
                "title": p["title"],
                "description": p["description"],
                "commitments": p["commitments"],
                "landlords": slugs,
                "how_residents_involved": p["how_residents_involved"],
                "evidence": p["evidence"],
                "evidence_url": p["evidence_url"],
            }
        )
    return rows
