"""The annual report to full Council, built from a year's published results.

`report_data` gathers every figure once, as plain data, in a fixed number of queries. The JSON is
that data; the XLSX lays the same data out in sheets; the HTML renders it through one template,
and the PDF is WeasyPrint's rendering of that same HTML (tagged, PDF/UA-1). So every format
carries the same figures. Charts are SVG, each followed by a table of its figures.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from residentvoice.core.formats import date_and_time
from residentvoice.core.pdf import render_pdf
from residentvoice.core.spreadsheets import xlsx_row
from residentvoice.organisations.selectors import council_current

from . import charts
from .models import LandlordResult, Publication, ReportText, SizeBand
from .snapshot import NOT_APPLICABLE
from .tables import DEMO_NOTE, change_text, share_text

Progress = Callable[[int, int, str], None]
FORMATS = ("pdf", "html", "xlsx", "json")
# Each landlord's participation in the year, frozen at publication, with its name in the report.
PARTICIPATION = {
    "consultations_run": "Consultations run",
    "residents_taking_part": "Residents taking part",
    "recommendations_accepted": "Scrutiny recommendations accepted",
    "recommendations_completed": "Scrutiny recommendations completed",
    "average_days_to_answer": "Average days to answer a scrutiny report",
}
# The counts of how the results were reached, as the report names them.
METHOD_COUNTS = {
    "landlords": "Landlords assessed",
    "items": "Commitments assessed (landlord by commitment)",
    "reality_answers": "Residents' answers online",
    "comments_published": "Residents' comments published",
    "sessions": "Reality-check meetings",
    "session_residents": "Residents at those meetings",
}


class ReportUnavailableError(Exception):
    """There is no published result the report could be built from."""


def report_publication(
    year: str, *, user: Any = None, include_embargoed: bool = False
) -> Publication:
    """The newest published version for `year`, or a clear reason why there is none."""
    publication = Publication.objects.filter(reporting_year=year).order_by("-version").first()
    if publication is None:
        raise ReportUnavailableError(
            f"No results have been published for {year}, so there is no annual report to "
            "build. Publish the year's results first."
        )
    may_preview = user is not None and user.has_perm("publication.view_publication", publication)
    if publication.is_embargoed and not (include_embargoed or may_preview):
        raise ReportUnavailableError(
            f"The {year} results are under embargo until {date_and_time(publication.publish_at)}. "
            "Build the "
            "report after then, or ask for an embargoed preview."
        )
    return publication


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _f(value: Any) -> float | None:
    return float(value) if value is not None else None


def _ratings_by_number(section: dict[str, Any], numbers: list[int]) -> list[str]:
    """A landlord's rating for each of `numbers`, in that order; "" where it has none."""
    by_number = {row["commitment"]: row["rating"] for row in section["ratings"]}
    return [by_number.get(number, "") for number in numbers]


def report_data(publication: Publication, *, progress: Progress | None = None) -> dict[str, Any]:
    """Every figure in the report, as plain data (about ten queries however many landlords)."""
    tick = progress or (lambda done, total, step: None)
    tick(0, 100, "Reading the published results")
    council = council_current()
    text = ReportText.objects.filter(reporting_year=publication.reporting_year).first()
    landlords = list(publication.landlords.order_by("order", "landlord_name"))
    results = list(publication.results.order_by("landlord__order", "commitment_number"))
    by_landlord: dict[int, list[Any]] = {}
    for result in results:
        by_landlord.setdefault(result.landlord_id, []).append(result)
    now = timezone.now()
    earlier = (
        LandlordResult.objects.filter(
            publication__reporting_year__lt=publication.reporting_year,
            publication__publish_at__lte=now,
            landlord_slug__in=[row.landlord_slug for row in landlords],
        )
        .select_related("publication")
        .only("landlord_slug", "share_met", "publication__reporting_year", "publication__version")
        .order_by("publication__reporting_year", "publication__version")
    )
    history: dict[str, dict[str, float | None]] = {}
    for row in earlier:
        history.setdefault(row.landlord_slug, {})[row.publication.reporting_year] = _f(
            row.share_met
        )
    borough: dict[str, Publication] = {}
    for earlier_publication in Publication.objects.filter(
        reporting_year__lt=publication.reporting_year, publish_at__lte=now
    ).order_by("reporting_year", "version"):
        borough[earlier_publication.reporting_year] = earlier_publication
    previous = borough.get(publication.previous_year)
    headline = publication.headline
    commitments = publication.commitments
    labels = [r["label"] for r in publication.ratings]
    if any(r.not_applicable for r in results):
        labels.append(NOT_APPLICABLE)
    short = charts.rating_short_forms(labels)
    tick(10, 100, "Working out the figures")

    landlord_sections = []
    for landlord in landlords:
        rows = by_landlord.get(landlord.pk, [])
        answers = {"yes": 0, "partly": 0, "no": 0, "dont_know": 0}
        comments, actions, sessions, session_residents = [], [], 0, 0
        for row in rows:
            for key, count in row.residents.get("answers", {}).items():
                answers[key] = answers.get(key, 0) + count
            comments += [
                {"commitment": row.commitment_number, "text": c["text"]}
                for c in row.residents.get("comments", [])
            ]
            sessions += row.residents.get("sessions", 0)
            session_residents += row.residents.get("session_residents", 0)
            actions += [
                {
                    "commitment": row.commitment_number,
                    "description": a["description"],
                    "owner": a["owner"],
                    "target_date": a["target_date"],
                    "status": a["status_label"],
                }
                for a in row.actions
            ]
        years = dict(history.get(landlord.landlord_slug, {}))
        years[publication.reporting_year] = _f(landlord.share_met)
        landlord_sections.append(
            {
                "name": landlord.landlord_name,
                "slug": landlord.landlord_slug,
                "type": landlord.landlord_type,
                "size": str(SizeBand(landlord.size_band).label),
                "borough_homes": landlord.borough_homes,
                "assessed": landlord.assessed,
                "met": landlord.met,
                "not_applicable": landlord.not_applicable,
                "share_met": _f(landlord.share_met),
                "previous_share_met": _f(landlord.previous_share_met),
                "change": _f(landlord.change),
                "most_improved": landlord.is_most_improved,
                "ratings": [
                    {
                        "commitment": row.commitment_number,
                        "title": row.commitment_title,
                        "rating": row.rating_label,
                        "points": row.points,
                        "previous": row.previous_label,
                        "change": row.change,
                        "rationale": row.rationale,
                    }
                    for row in rows
                ],
                "residents": {
                    **answers,
                    "answered": sum(answers.values()),
                    "comments": len(comments),
                    "meetings": sessions,
                    "meeting_residents": session_residents,
                },
                "comments": comments,
                "actions": actions,
                "history": [{"year": y, "share_met": s} for y, s in sorted(years.items())],
                "participation_measures": landlord.participation_measures,
                "participation": {
                    name: landlord.participation_figures.get(name) for name in PARTICIPATION
                },
            }
        )
    per_commitment = []
    previous_per = {
        row["number"]: row
        for row in (previous.headline.get("per_commitment", []) if previous else [])
    }
    summaries = {row["number"]: row for row in headline.get("per_commitment", [])}
    for commitment in commitments:
        summary = summaries.get(commitment["number"], {"assessed": 0, "met": 0, "share_met": None})
        counts = dict.fromkeys(labels, 0)
        for result in results:
            if result.commitment_number == commitment["number"]:
                counts[result.rating_label] = counts.get(result.rating_label, 0) + 1
        before = previous_per.get(commitment["number"])
        per_commitment.append(
            {
                "number": commitment["number"],
                "title": commitment["title"],
                "assessed": summary["assessed"],
                "met": summary["met"],
                "share_met": summary["share_met"],
                "previous_share_met": before["share_met"] if before else None,
                "counts": counts,
            }
        )
    borough_history = [
        {"year": year, "median_share_met": p.headline.get("median_share_met")}
        for year, p in sorted(borough.items())
    ] + [
        {
            "year": publication.reporting_year,
            "median_share_met": headline.get("median_share_met"),
        }
    ]
    foreword = _paragraphs(text.foreword) if text else []
    next_steps = _paragraphs(text.next_steps) if text else []
    return {
        "title": f"Resident participation charter: annual report {publication.reporting_year}",
        "council": council.name if council else "",
        "reporting_year": publication.reporting_year,
        "version": publication.version,
        "published_on": publication.published_at.date().isoformat(),
        "synthetic": publication.is_demo,
        "synthetic_note": DEMO_NOTE if publication.is_demo else "",
        "foreword": foreword,
        "foreword_written": bool(foreword),
        "next_steps": next_steps,
        "next_steps_written": bool(next_steps),
        "charter": {
            "name": publication.charter.get("name", ""),
            "version": publication.charter.get("version"),
            "commitments": [
                {"number": c["number"], "title": c["title"], "text": c["text"]} for c in commitments
            ],
            "ratings": [
                {
                    "label": r["label"],
                    "points": r["points"],
                    "meets": r["meets"],
                    "description": r["description"],
                    "short": short.get(r["label"], r["label"]),
                    "rank": r["rank"],
                }
                for r in publication.ratings
            ],
        },
        "headline": {
            "landlords": headline.get("landlords", 0),
            "commitments": headline.get("commitments", 0),
            "assessed": headline.get("assessed", 0),
            "met": headline.get("met", 0),
            "share_met": headline.get("share_met"),
            "median_share_met": headline.get("median_share_met"),
            "previous_year": publication.previous_year,
            "previous_median_share_met": headline.get("previous_median_share_met"),
            "median_change": headline.get("median_change"),
            "most_improved": headline.get("most_improved", []),
            "improved": headline.get("improved", 0),
            "declined": headline.get("declined", 0),
            "rating_counts": headline.get("rating_counts", []),
        },
        "matrix": {
            "commitments": [c["number"] for c in commitments],
            "key": [{"short": short[label], "label": label} for label in labels],
            # One rating for each commitment above, found by its number: a landlord missing a
            # result leaves its cell empty rather than moving the later ratings along.
            "rows": [
                {
                    "landlord": section["name"],
                    "ratings": _ratings_by_number(section, [c["number"] for c in commitments]),
                    "share_met": section["share_met"],
                    "change": section["change"],
                }
                for section in landlord_sections
            ],
        },
        "landlords": landlord_sections,
        "per_commitment": per_commitment,
        "changes": {
            "previous_year": publication.previous_year,
            **headline.get("changes", {}),
            "improved": [
                {"name": s["name"], "change": s["change"]}
                for s in landlord_sections
                if s["change"] is not None and s["change"] > 0
            ],
            "declined": [
                {"name": s["name"], "change": s["change"]}
                for s in landlord_sections
                if s["change"] is not None and s["change"] < 0
            ],
        },
        "borough_history": borough_history,
        "practices": [
            {
                "title": p["title"],
                "description": p["description"],
                "commitments": p["commitments"],
                "landlords": [x["name"] for x in p["landlords"]],
                "how_residents_involved": p["how_residents_involved"],
            }
            for p in publication.practices
        ],
        "methodology": publication.methodology,
        "participation_recorded": any(row.participation_figures for row in landlords),
        "corrections": [publication.note] if publication.version > 1 else [],
    }


# ---------------------------------------------------------------------------------------------
# HTML and PDF


def _rating_rank(data: dict[str, Any]) -> dict[str, int | None]:
    ranks: dict[str, int | None] = {r["label"]: r["rank"] for r in data["charter"]["ratings"]}
    ranks[NOT_APPLICABLE] = None
    return ranks


def _took_part(section: dict[str, Any]) -> bool:
    """Whether any participation at all was recorded for a landlord in the year."""
    return any(section["participation"].values())


def _shown_tables(data: dict[str, Any]) -> dict[str, bool]:
    """Which of the tables that can be empty have something in them. An empty table (a row of
    "None", every figure nought) is left out of the report, with one sentence instead."""
    landlords = data["landlords"]
    changes = data["changes"]
    return {
        "improved": bool(changes["previous_year"] and changes["improved"]),
        "declined": bool(changes["previous_year"] and changes["declined"]),
        "residents": any(
            s["residents"]["answered"] or s["residents"]["meetings"] for s in landlords
        ),
        "participation": bool(data["participation_recorded"])
        and any(_took_part(s) for s in landlords),
        "measures": any(s["participation_measures"] for s in landlords),
    }


# The report's numbered tables, in order; the ones that can be empty are numbered only when shown.
NUMBERED_TABLES = [
    "commitments",
    "shares",
    "matrix",
    "per_commitment",
    "improved",
    "declined",
    "borough",
    "stages",
    "appendix",
    "rating_counts",
    "residents",
    "participation",
    "measures",
    "method",
]


def _table_numbers(shown: dict[str, bool]) -> dict[str, int]:
    present = [name for name in NUMBERED_TABLES if shown.get(name, True)]
    return {name: number for number, name in enumerate(present, start=1)}


def report_html(data: dict[str, Any], *, progress: Progress | None = None) -> str:
    """The report as one HTML document, with its charts drawn as SVG."""
    tick = progress or (lambda done, total, step: None)
    shown = _shown_tables(data)
    ranks = _rating_rank(data)
    count = len(data["charter"]["ratings"])
    colours = {label: charts.rating_colour(rank, count) for label, rank in ranks.items()}
    tick(15, 100, "Drawing the borough charts")
    headline_chart = charts.share_by_landlord(
        [(row["landlord"], row["share_met"]) for row in data["matrix"]["rows"]],
        data["headline"]["median_share_met"],
        "Bar chart: each landlord's share of commitments met or exceeded; figures in Table 2.",
    )
    commitment_chart = charts.ratings_by_commitment(
        [
            {"commitment": f"{row['number']}. {row['title']}", "counts": row["counts"]}
            for row in data["per_commitment"]
        ],
        [key["label"] for key in data["matrix"]["key"]],
        "Stacked bar chart: how many landlords got each rating for each commitment; figures "
        "in Table 4.",
    )
    borough_chart = charts.share_by_year(
        [(row["year"], row["median_share_met"]) for row in data["borough_history"]],
        "Bar chart: the median landlord's share of commitments met or exceeded in each year; "
        "figures in the table below it.",
    )
    landlord_charts = []
    total = max(1, len(data["landlords"]))
    for index, section in enumerate(data["landlords"]):
        if index % 10 == 0:
            tick(20 + int(40 * index / total), 100, f"Drawing charts: {section['name']}")
        landlord_charts.append(
            charts.share_by_year(
                [(row["year"], row["share_met"]) for row in section["history"]],
                f"Bar chart: {section['name']}'s share of commitments met or exceeded by year; "
                "figures in the table below it.",
            )
        )
    tick(60, 100, "Laying out the report")
    return render_to_string(
        "publication/report/annual.html",
        {
            "data": data,
            "colours": colours,
            "headline_chart": headline_chart,
            "commitment_chart": commitment_chart,
            "borough_chart": borough_chart,
            "sections": list(zip(data["landlords"], landlord_charts, strict=True)),
            "share_text": share_text,
            "change_text": change_text,
            "participation_labels": list(PARTICIPATION.items()),
            "method_labels": list(METHOD_COUNTS.items()),
            "shown": shown,
            "numbers": _table_numbers(shown),
            "took_part": {s["slug"]: _took_part(s) for s in data["landlords"]},
        },
    )


def report_pdf(html: str, *, progress: Progress | None = None) -> bytes:
    """The same HTML printed as tagged PDF (PDF/UA-1), with page numbers, by the site's one PDF
    renderer, which fetches nothing."""
    tick = progress or (lambda done, total, step: None)
    tick(65, 100, "Printing the PDF")
    return render_pdf(
        html, variant="pdf/ua-1", laid_out=lambda pages: tick(90, 100, f"Writing {pages} pages")
    )


# ---------------------------------------------------------------------------------------------
# XLSX and JSON


def _sheet(workbook: Workbook, title: str, columns: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(xlsx_row(sheet, columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    sheet.freeze_panes = "A2"


def report_xlsx(data: dict[str, Any]) -> bytes:
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "About"
    about.append(xlsx_row(about, [data["title"]]))
    about["A1"].font = Font(bold=True, size=14)
    for row in [
        ["Council", data["council"]],
        ["Reporting year", data["reporting_year"]],
        ["Version of the results", data["version"]],
        ["Published", data["published_on"]],
        *([["Note", data["synthetic_note"]]] if data["synthetic"] else []),
    ]:
        about.append(xlsx_row(about, row))
    headline = data["headline"]
    _sheet(
        workbook,
        "Headline",
        ["Figure", "Value"],
        [
            ["Landlords assessed", headline["landlords"]],
            ["Commitments", headline["commitments"]],
            ["Ratings given", headline["assessed"]],
            ["Ratings met or exceeded", headline["met"]],
            ["Share of ratings met or exceeded (%)", headline["share_met"]],
            ["Median landlord's share met or exceeded (%)", headline["median_share_met"]],
            ["Median the year before (%)", headline["previous_median_share_met"]],
            ["Change in the median (percentage points)", headline["median_change"]],
            ["Landlords improving", headline["improved"]],
            ["Landlords declining", headline["declined"]],
            ["Most improved", ", ".join(m["name"] for m in headline["most_improved"])],
        ],
    )
    matrix = data["matrix"]
    _sheet(
        workbook,
        "Matrix",
        ["Landlord", *[f"Commitment {n}" for n in matrix["commitments"]], "Share met (%)"],
        [
            [row["landlord"], *(rating or None for rating in row["ratings"]), row["share_met"]]
            for row in matrix["rows"]
        ],
    )
    _sheet(
        workbook,
        "Landlords",
        [
            "Landlord",
            "Size",
            "Assessed",
            "Met or exceeded",
            "Not applicable",
            "Share met (%)",
            "Last year (%)",
            "Change (points)",
            "Most improved",
            "Residents answering",
            "Comments published",
            "Improvement actions",
            "Residents: yes",
            "Residents: partly",
            "Residents: no",
            "Residents: don't know",
            "Reality-check meetings",
            "Residents at meetings",
        ],
        [
            [
                s["name"],
                s["size"],
                s["assessed"],
                s["met"],
                s["not_applicable"],
                s["share_met"],
                s["previous_share_met"],
                s["change"],
                "Yes" if s["most_improved"] else "No",
                s["residents"]["answered"],
                s["residents"]["comments"],
                len(s["actions"]),
                s["residents"]["yes"],
                s["residents"]["partly"],
                s["residents"]["no"],
                s["residents"]["dont_know"],
                s["residents"]["meetings"],
                s["residents"]["meeting_residents"],
            ]
            for s in data["landlords"]
        ],
    )
    _sheet(
        workbook,
        "Ratings",
        ["Landlord", "Commitment", "Title", "Rating", "Points", "Last year", "Change", "Reason"],
        [
            [
                s["name"],
                r["commitment"],
                r["title"],
                r["rating"],
                r["points"],
                r["previous"],
                r["change"],
                r["rationale"],
            ]
            for s in data["landlords"]
            for r in s["ratings"]
        ],
    )
    labels = [key["label"] for key in matrix["key"]]
    _sheet(
        workbook,
        "Commitments",
        ["Commitment", "Title", *labels, "Share met (%)", "Last year (%)"],
        [
            [
                c["number"],
                c["title"],
                *[c["counts"].get(label, 0) for label in labels],
                c["share_met"],
                c["previous_share_met"],
            ]
            for c in data["per_commitment"]
        ],
    )
    _sheet(
        workbook,
        "Residents said",
        ["Landlord", "Commitment", "Comment"],
        [[s["name"], c["commitment"], c["text"]] for s in data["landlords"] for c in s["comments"]],
    )
    _sheet(
        workbook,
        "Actions",
        ["Landlord", "Commitment", "Action", "Who", "By", "Progress"],
        [
            [
                s["name"],
                a["commitment"],
                a["description"],
                a["owner"],
                a["target_date"],
                a["status"],
            ]
            for s in data["landlords"]
            for a in s["actions"]
        ],
    )
    _sheet(
        workbook,
        "Borough by year",
        ["Reporting year", "Median share met (%)"],
        [[row["year"], row["median_share_met"]] for row in data["borough_history"]],
    )
    _sheet(
        workbook,
        "Ratings given",
        ["Rating", "Number of ratings"],
        [[row["label"], row["count"]] for row in headline["rating_counts"]],
    )
    _sheet(
        workbook,
        "Taking part",
        ["Landlord", *PARTICIPATION.values()],
        [
            [s["name"], *(s["participation"][name] for name in PARTICIPATION)]
            for s in data["landlords"]
        ],
    )
    _sheet(
        workbook,
        "Tenant satisfaction",
        ["Landlord", "Measure", "Name", "Residents", "Year", "Satisfied (%)", "England median (%)"],
        [
            [
                s["name"],
                m["measure"],
                m["name"],
                m["residents"],
                m["year"],
                m["value"] if m["value"] is not None else m["reason"] or None,
                m["england_median"],
            ]
            for s in data["landlords"]
            for m in s["participation_measures"]
        ],
    )
    method = data["methodology"]
    _sheet(
        workbook,
        "Method",
        ["Figure", "Value"],
        [[label, method.get(name)] for name, label in METHOD_COUNTS.items()],
    )
    _sheet(
        workbook,
        "Stages",
        ["Stage", "Planned to open", "Planned to close", "Reached"],
        [
            [stage["label"], stage["opens_on"], stage["closes_on"], stage["reached_on"]]
            for stage in method.get("stages", [])
        ],
    )
    _sheet(
        workbook,
        "Good practice",
        ["Practice", "Commitments", "Landlords", "What it is"],
        [
            [
                p["title"],
                ", ".join(str(n) for n in p["commitments"]),
                ", ".join(p["landlords"]),
                p["description"],
            ]
            for p in data["practices"]
        ],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def report_build(
    year: str,
    fmt: str,
    *,
    user: Any = None,
    include_embargoed: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """Build the annual report for `year` in `fmt` (pdf, html, xlsx or json)."""
    if fmt not in FORMATS:
        raise ValueError(f"“{fmt}” is not a report format: choose pdf, html, xlsx or json")
    tick = progress or (lambda done, total, step: None)
    publication = report_publication(year, user=user, include_embargoed=include_embargoed)
    data = report_data(publication, progress=tick)
    if fmt == "json":
        content = report_json(data)
    elif fmt == "xlsx":
        tick(50, 100, "Writing the spreadsheet")
        content = report_xlsx(data)
    else:
        html = report_html(data, progress=tick)
        content = html.encode("utf-8") if fmt == "html" else report_pdf(html, progress=tick)
    tick(100, 100, "Finished")
    return content


def report_build_all(
    year: str,
    *,
    user: Any = None,
    include_embargoed: bool = False,
    progress: Progress | None = None,
) -> tuple[Publication, dict[str, bytes]]:
    """The annual report for `year` in every format, from one reading of the data: the
    published version it was built from, and each format's content by name."""
    tick = progress or (lambda done, total, step: None)
    publication = report_publication(year, user=user, include_embargoed=include_embargoed)
    data = report_data(publication, progress=tick)
    html = report_html(data, progress=tick)
    content = {"pdf": report_pdf(html, progress=tick)}
    tick(95, 100, "Writing the spreadsheet and the data")
    content["html"] = html.encode("utf-8")
    content["xlsx"] = report_xlsx(data)
    content["json"] = report_json(data)
    tick(100, 100, "Finished")
    return publication, content
