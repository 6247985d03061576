"""Reads of published results, narrowed to what the asker may see, each in a fixed number of
queries however many landlords, commitments or years there are.

Only published versions are read here, never the assessment's own rows: what a page, download,
report or API response shows is exactly what was frozen when the cycle was published.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    CommitmentResult,
    LandlordResult,
    Publication,
    PublicationSettings,
    ReportBuild,
    ReportFile,
    ReportStatus,
    SizeBand,
)


def _may_see(user: Any, publication: Publication) -> bool:
    if user is None:
        return publication.publish_at <= timezone.now()
    return bool(user.has_perm("publication.view_publication", publication))


def publications_public() -> QuerySet[Publication]:
    """Every version the public may see (its embargo has lifted)."""
    return Publication.objects.filter(publish_at__lte=timezone.now())


def publication_latest(year: str, *, user: Any = None) -> Publication | None:
    """The newest version of a year's results, if the asker may see it (two queries at most)."""
    publication = Publication.objects.filter(reporting_year=year).order_by("-version").first()
    if publication is None or not _may_see(user, publication):
        return None
    return publication


def publication_version(year: str, version: int, *, user: Any = None) -> Publication | None:
    """One earlier (or the current) version of a year's results, if the asker may see it."""
    publication = Publication.objects.filter(reporting_year=year, version=version).first()
    if publication is None or not _may_see(user, publication):
        return None
    return publication


@dataclass
class Found:
    """A version the asker may see, the years they may see, and the newest version of its year."""

    publication: Publication | None
    years: list[str]
    newest_version: int | None
    licence_changed: Any = None  # when the licence settings last changed, if ever


# The small fields of a version, enough to choose one and to decide who may see it.
LIGHT_FIELDS = [
    "id",
    "cycle",
    "reporting_year",
    "version",
    "published_at",
    "publish_at",
    "is_demo",
    "note",
    "previous_year",
    "previous_version",
]


@functools.cache
def _find_sql() -> str:
    """Every version's small fields and when the licence last changed, in one statement. Every
    public page starts with it, so it is written out once here: having the ORM build it again on
    each request took a quarter of the time of a whole cached page."""
    quote = connection.ops.quote_name

    def column(model: Any, name: str) -> str:
        return quote(str(model._meta.get_field(name).column))

    columns = ", ".join(column(Publication, name) for name in LIGHT_FIELDS)
    settings_table = quote(PublicationSettings._meta.db_table)
    updated = column(PublicationSettings, "updated_at")
    # Table and column names come from the models' own metadata; nothing from a request.
    table = quote(Publication._meta.db_table)
    return (
        f"SELECT {columns}, (SELECT {updated} FROM {settings_table} "  # noqa: S608
        f"ORDER BY {quote('id')} LIMIT 1) AS licence_changed FROM {table} "
        f"ORDER BY {quote('reporting_year')}, {quote('version')}"
    )


def publication_find(year: str | None, version: int | None = None, *, user: Any = None) -> Found:
    """One query for what every scorecard page needs: every version's dates (the large published
    data is read later, only when a page is not already in the cache), from which come the
    version asked for (the newest of `year`, or of the newest year, when `version` is None),
    the years the asker may see and the newest version of that year. Versions under embargo
    cost one more query each, to ask whether the asker may preview them."""
    rows = list(Publication.objects.raw(_find_sql()))
    allowed: dict[int, bool] = {}

    def visible(publication: Publication) -> bool:
        if publication.pk not in allowed:
            allowed[publication.pk] = _may_see(user, publication)
        return allowed[publication.pk]

    newest: dict[str, Publication] = {}
    for row in rows:
        newest[row.reporting_year] = row
    years = sorted((y for y, row in newest.items() if visible(row)), reverse=True)
    if year is None:
        year = years[0] if years else None
    chosen = None
    if year is not None and year in newest:
        if version is None:
            chosen = newest[year]
        else:
            chosen = next(
                (r for r in rows if r.reporting_year == year and r.version == version), None
            )
    if chosen is not None and not visible(chosen):
        chosen = None
    return Found(
        publication=chosen,
        years=years,
        newest_version=newest[year].version if chosen is not None and year else None,
        licence_changed=getattr(rows[0], "licence_changed", None) if rows else None,
    )


def publication_versions(publication: Publication) -> list[Publication]:
    """Every version of the same year, oldest first (the list of corrections)."""
    return list(
        Publication.objects.filter(cycle_id=publication.cycle_id)
        .only("pk", "version", "published_at", "publish_at", "note", "changes", "reporting_year")
        .order_by("version")
    )


def published_years(*, user: Any = None) -> list[str]:
    """Years with results the asker may see, newest first (one query)."""
    publications = Publication.objects.all()
    if user is None or not user.has_perm("publication.publish"):
        visible = Q(publish_at__lte=timezone.now())
        if user is not None and user.is_authenticated:
            visible |= Q(
                pk__in=Publication.embargo_viewers.through.objects.filter(user_id=user.pk).values(
                    "publication_id"
                )
            )
        publications = publications.filter(visible)
    return sorted(set(publications.values_list("reporting_year", flat=True)), reverse=True)


def latest_public_versions() -> list[Publication]:
    """The newest public version of every published year, newest year first (one query)."""
    newest: dict[str, Publication] = {}
    for publication in publications_public().order_by("reporting_year", "version"):
        newest[publication.reporting_year] = publication
    return sorted(newest.values(), key=lambda p: p.reporting_year, reverse=True)


# ---------------------------------------------------------------------------------------------
# The borough overview


@dataclass
class OverviewRow:
    landlord: LandlordResult
    cells: list[CommitmentResult | None]


@dataclass
class Overview:
    publication: Publication
    commitments: list[dict[str, Any]]
    rows: list[OverviewRow]
    commitment: int | None = None
    size_band: str = ""
    size_band_label: str = ""
    # Every landlord in the version that had not signed the charter when it was published.
    not_signed: list[LandlordResult] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return self.commitment is not None or bool(self.size_band)


def overview(
    publication: Publication, *, commitment: int | None = None, size_band: str = ""
) -> Overview:
    """Landlords × commitments for one version, optionally one commitment or one size band
    (two queries)."""
    commitments = publication.commitments
    if commitment is not None:
        commitments = [c for c in commitments if c["number"] == commitment]
    every_landlord = list(publication.landlords.order_by("order", "landlord_name"))
    landlord_rows = [row for row in every_landlord if not size_band or row.size_band == size_band]
    results = CommitmentResult.objects.filter(
        publication=publication, landlord__in=[row.pk for row in landlord_rows]
    ).only(
        "landlord_id",
        "commitment_number",
        "rating_label",
        "rating_rank",
        "rating_code",
        "points",
        "meets",
        "not_applicable",
        "previous_label",
        "change",
    )
    if commitment is not None:
        results = results.filter(commitment_number=commitment)
    cells: dict[tuple[int, int], CommitmentResult] = {
        (r.landlord_id, r.commitment_number): r for r in results
    }
    rows = [
        OverviewRow(
            landlord=row,
            cells=[cells.get((row.pk, c["number"])) for c in commitments],
        )
        for row in landlord_rows
    ]
    return Overview(
        publication=publication,
        commitments=commitments,
        rows=rows,
        not_signed=[row for row in every_landlord if row.signed_charter is False],
        commitment=commitment,
        size_band=size_band,
        size_band_label=str(SizeBand(size_band).label) if size_band else "",
    )


# ---------------------------------------------------------------------------------------------
# One landlord


@dataclass
class YearFigure:
    year: str
    version: int
    share_met: float | None
    met: int
    assessed: int
    is_demo: bool


@dataclass
class LandlordPage:
    publication: Publication
    landlord: LandlordResult
    results: list[CommitmentResult]
    history: list[YearFigure] = field(default_factory=list)
    practices: dict[int, dict[str, Any]] = field(default_factory=dict)


def landlord_page(publication: Publication, slug: str) -> LandlordPage | None:
    """A landlord's results in one version, with its share met in every public year up to this
    one (three queries)."""
    landlord = publication.landlords.filter(landlord_slug=slug).first()
    if landlord is None:
        return None
    results = list(landlord.results.order_by("commitment_number"))
    earlier = (
        LandlordResult.objects.filter(
            landlord_slug=slug, publication__reporting_year__lt=publication.reporting_year
        )
        .filter(publication__publish_at__lte=timezone.now())
        .select_related("publication")
        .only(
            "share_met",
            "met",
            "assessed",
            "publication__reporting_year",
            "publication__version",
            "publication__is_demo",
        )
        .order_by("publication__reporting_year", "publication__version")
    )
    newest: dict[str, LandlordResult] = {}
    for row in earlier:
        newest[row.publication.reporting_year] = row
    newest[publication.reporting_year] = landlord
    landlord.publication = publication
    history = [
        YearFigure(
            year=year,
            version=row.publication.version,
            share_met=float(row.share_met) if row.share_met is not None else None,
            met=row.met,
            assessed=row.assessed,
            is_demo=row.publication.is_demo,
        )
        for year, row in sorted(newest.items())
    ]
    return LandlordPage(
        publication=publication,
        landlord=landlord,
        results=results,
        history=history,
        practices={p["id"]: p for p in publication.practices},
    )


# ---------------------------------------------------------------------------------------------
# One commitment


@dataclass
class CommitmentPage:
    publication: Publication
    commitment: dict[str, Any]
    results: list[CommitmentResult]
    practices: list[dict[str, Any]]
    summary: dict[str, Any]


def commitment_page(publication: Publication, number: int) -> CommitmentPage | None:
    """Every landlord's result against one commitment, and the practices meeting it (one query)."""
    commitment = next((c for c in publication.commitments if c["number"] == number), None)
    if commitment is None:
        return None
    results = list(
        CommitmentResult.objects.filter(publication=publication, commitment_number=number)
        .select_related("landlord")
        .order_by("landlord__order", "landlord__landlord_name")
    )
    summary = next(
        (row for row in publication.headline.get("per_commitment", []) if row["number"] == number),
        {"number": number, "assessed": 0, "met": 0, "share_met": None},
    )
    return CommitmentPage(
        publication=publication,
        commitment=commitment,
        results=results,
        practices=[p for p in publication.practices if number in p["commitments"]],
        summary=summary,
    )


# ---------------------------------------------------------------------------------------------
# The practice library


@dataclass
class CoverageRow:
    commitment: dict[str, Any]
    cells: list[list[dict[str, Any]]]  # per landlord: the practices it does for this commitment

    @property
    def landlords_with_practice(self) -> int:
        return sum(1 for cell in self.cells if cell)


@dataclass
class PracticeLibrary:
    publication: Publication
    practices: list[dict[str, Any]]
    landlords: list[dict[str, str]]
    coverage: list[CoverageRow]


def practice_library(publication: Publication) -> PracticeLibrary:
    """The public practices frozen with a version, and which landlord does which for each
    commitment (one query, for the landlords in the results)."""
    landlords = [
        {"slug": slug, "name": name, "short_name": short}
        for slug, name, short in publication.landlords.order_by("order").values_list(
            "landlord_slug", "landlord_name", "landlord_short_name"
        )
    ]
    coverage = []
    for commitment in publication.commitments:
        cells = []
        for landlord in landlords:
            cells.append(
                [
                    p
                    for p in publication.practices
                    if commitment["number"] in p["commitments"]
                    and any(done["slug"] == landlord["slug"] for done in p["landlords"])
                ]
            )
        coverage.append(CoverageRow(commitment=commitment, cells=cells))
    return PracticeLibrary(
        publication=publication,
        practices=publication.practices,
        landlords=landlords,
        coverage=coverage,
    )


# ---------------------------------------------------------------------------------------------
# A landlord's latest published ratings, for pages outside the scorecards


@dataclass(frozen=True)
class PublishedRating:
    """How one commitment was rated for a landlord in published results."""

    number: int
    title: str
    label: str  # the rating as published, e.g. "Met", or the words for "not applicable"
    meets: bool | None
    not_applicable: bool


@dataclass(frozen=True)
class LandlordRatings:
    """A landlord's ratings in the newest public results that include it."""

    reporting_year: str
    version: int
    charter_slug: str  # the charter the year was assessed against
    ratings: dict[int, PublishedRating]  # by commitment number
    is_demo: bool = False  # synthetic demonstration results


def landlord_latest_ratings(*, slug: str) -> LandlordRatings | None:
    """The commitment ratings of one landlord in the newest public version of the newest year
    whose results include it, or None when no public results do; two queries however many
    years, landlords or commitments. Versions still under embargo are never read."""
    newest: dict[str, tuple[int, int, str, bool]] = {}
    for pk, year, version, charter_slug, is_demo in (
        publications_public()
        .order_by("reporting_year", "version")
        .values_list("pk", "reporting_year", "version", "cycle__charter__slug", "is_demo")
    ):
        newest[year] = (pk, version, charter_slug, is_demo)
    by_publication: dict[int, dict[int, PublishedRating]] = {}
    rows = CommitmentResult.objects.filter(
        publication_id__in=[found[0] for found in newest.values()], landlord__landlord_slug=slug
    ).values_list(
        "publication_id",
        "commitment_number",
        "commitment_title",
        "rating_label",
        "meets",
        "not_applicable",
    )
    for publication_id, number, title, label, meets, not_applicable in rows:
        by_publication.setdefault(publication_id, {})[number] = PublishedRating(
            number=number,
            title=title,
            label=label,
            meets=meets,
            not_applicable=not_applicable,
        )
    for year in sorted(newest, reverse=True):
        pk, version, charter_slug, is_demo = newest[year]
        if pk in by_publication:
            return LandlordRatings(
                reporting_year=year,
                version=version,
                charter_slug=charter_slug,
                ratings=by_publication[pk],
                is_demo=is_demo,
            )
    return None


# ---------------------------------------------------------------------------------------------
# The annual report

REPORT_FORMAT_ORDER = ("pdf", "html", "xlsx", "json")


@dataclass
class PublishedReport:
    """A year's annual report as the public sees it: the newest one a council admin published,
    built from results that are public now."""

    build: ReportBuild
    files: list[ReportFile]
    newest_version: int  # the year's newest public version, perhaps newer than the report's


def report_files(build: ReportBuild) -> list[ReportFile]:
    """A built report's files, PDF first (from a prefetch when there is one)."""
    order = {fmt: n for n, fmt in enumerate(REPORT_FORMAT_ORDER)}
    return sorted(build.files.all(), key=lambda f: order.get(f.format, len(order)))


def published_reports() -> list[PublishedReport]:
    """Each year's published annual report, newest year first, in three queries."""
    now = timezone.now()
    builds = (
        ReportBuild.objects.filter(
            is_public=True, status=ReportStatus.DONE, publication__publish_at__lte=now
        )
        .select_related("publication")
        .prefetch_related("files")
        .order_by("-reporting_year", "-made_public_at", "-pk")
    )
    newest: dict[str, int] = {}
    for year, version in publications_public().values_list("reporting_year", "version"):
        newest[year] = max(version, newest.get(year, 0))
    reports: dict[str, PublishedReport] = {}
    for build in builds:
        if build.reporting_year not in reports:
            reports[build.reporting_year] = PublishedReport(
                build=build,
                files=report_files(build),
                newest_version=newest.get(build.reporting_year, 0),
            )
    return list(reports.values())


def published_report_file(year: str, fmt: str) -> ReportFile | None:
    """One format of the year's published annual report, if there is one."""
    for report in published_reports():
        if report.build.reporting_year == year:
            return next((f for f in report.files if f.format == fmt), None)
    return None
