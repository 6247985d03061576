"""The whole published dataset: every public year's newest version, as JSON or as CSV files in a
zip with a data dictionary and the licence. Built only from published versions.

`DICTIONARY` names every column of every file and says what it holds; the CSV writer refuses a
row whose columns differ from it, so the dictionary cannot drift from the data.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from residentvoice.core.spreadsheets import csv_cell

from .models import CommitmentResult, LandlordResult, Publication

YEAR = ("reporting_year", "The reporting year, 1 April to 31 March, e.g. 2024-25")
LANDLORD = ("landlord_slug", "The landlord's short address name, the same in every year")
COMMITMENT = ("commitment_number", "The commitment's number in the charter")

DICTIONARY: dict[str, list[tuple[str, str]]] = {
    "publications.csv": [
        YEAR,
        ("version", "1 for the first publication; each correction adds one"),
        ("published_on", "The date this version was made"),
        ("public_from", "When this version became public (the end of any embargo)"),
        ("synthetic", "true when the year holds synthetic demonstration data, not real results"),
        ("charter", "The name of the charter assessed against"),
        ("charter_version", "The version of the charter"),
        ("landlords", "How many landlords were assessed"),
        ("share_met", "Share of all ratings (not counting not applicable) met or exceeded, %"),
        ("median_share_met", "The median of the landlords' shares met or exceeded, %"),
        ("compared_with", "The earlier year changes are measured against"),
        ("correction_note", "For a correction, what changed and why"),
    ],
    "commitments.csv": [
        YEAR,
        ("number", "The commitment's number"),
        ("title", "Its short title"),
        ("text", "What it promises"),
    ],
    "ratings.csv": [
        YEAR,
        ("code", "The rating's code"),
        ("label", "The rating's name"),
        ("points", "Points the rating scores"),
        ("meets_commitment", "true when the rating means the commitment is kept"),
    ],
    "landlords.csv": [
        YEAR,
        LANDLORD,
        ("landlord_name", "The landlord's name"),
        ("landlord_type", "Housing association, council or other registered provider"),
        ("borough_homes", "Homes the landlord had in the borough when the year was published"),
        ("size_band", "small, medium, large or unknown, from borough_homes"),
        ("assessed", "Commitments rated (not counting not applicable)"),
        ("met", "Commitments met or exceeded"),
        ("not_applicable", "Commitments that did not apply to the landlord"),
        ("points", "Points scored"),
        ("points_max", "Most points possible on the commitments assessed"),
        ("share_met", "met ÷ assessed, %, one decimal place"),
        ("previous_share_met", "share_met in the year compared with"),
        ("change", "share_met − previous_share_met, percentage points"),
        ("most_improved", "true for the landlord (or landlords) whose share rose the most"),
    ],
    "results.csv": [
        YEAR,
        LANDLORD,
        COMMITMENT,
        ("rating_code", "The final rating's code; empty when not applicable"),
        ("rating_label", "The final rating's name, or Not applicable"),
        ("points", "Points for the rating; empty when not applicable"),
        ("meets_commitment", "true, false, or empty when not applicable"),
        ("rationale", "Why the council settled on this rating"),
        ("previous_rating", "The rating in the year compared with"),
        ("change", "up, down, same or new, by points against the year compared with"),
        ("residents_yes", "Residents saying the landlord's account matched their experience"),
        ("residents_partly", "Residents saying it partly matched"),
        ("residents_no", "Residents saying it did not match"),
        ("residents_dont_know", "Residents who did not know"),
        ("comments_published", "Residents' comments approved for publication"),
        ("meetings", "Reality-check meetings with residents that looked at this commitment"),
        ("meeting_residents", "Residents at those meetings"),
    ],
    "evidence.csv": [
        YEAR,
        LANDLORD,
        COMMITMENT,
        ("title", "What the evidence is"),
        ("kind", "link or file"),
        ("address", "The web address of the link, or where to download the file"),
        ("page", "The page to look at, where given"),
        ("excerpt", "The passage that backs the claim, where given"),
    ],
    "comments.csv": [
        YEAR,
        LANDLORD,
        COMMITMENT,
        ("comment", "A resident's comment, approved for publication (never with a name)"),
    ],
    "actions.csv": [
        YEAR,
        LANDLORD,
        COMMITMENT,
        ("description", "What the landlord will do"),
        ("owner", "The team or role that owns it"),
        ("target_date", "When it should be done"),
        ("status", "planned, in_progress or done, when published"),
    ],
    "practices.csv": [
        YEAR,
        ("title", "The practice"),
        ("description", "What it is"),
        ("commitments", "Numbers of the commitments it helps meet, separated by spaces"),
        ("landlords", "Address names of the landlords doing it, separated by spaces"),
        ("how_residents_involved", "How residents were involved"),
        ("evidence", "What shows it works"),
        ("evidence_url", "Where to read more"),
    ],
}


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _number(value: Any) -> Any:
    return "" if value is None else float(value)


def evidence_address(year: str, evidence: dict[str, Any]) -> str:
    if evidence["kind"] == "file":
        return settings.SITE_URL + reverse("publication:evidence", args=[year, evidence["id"]])
    return evidence["url"]


def _rows(publications: list[Publication]) -> dict[str, list[dict[str, Any]]]:
    """Every file's rows for these versions (two queries however many years)."""
    ids = [p.pk for p in publications]
    landlords = list(
        LandlordResult.objects.filter(publication_id__in=ids).order_by(
            "publication__reporting_year", "order"
        )
    )
    results = list(
        CommitmentResult.objects.filter(publication_id__in=ids)
        .select_related("landlord")
        .order_by("publication__reporting_year", "landlord__order", "commitment_number")
    )
    year_of = {p.pk: p.reporting_year for p in publications}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DICTIONARY}
    for p in sorted(publications, key=lambda p: p.reporting_year):
        rows["publications.csv"].append(
            {
                "reporting_year": p.reporting_year,
                "version": p.version,
                "published_on": p.published_at.date().isoformat(),
                "public_from": timezone.localtime(p.publish_at).isoformat(timespec="minutes"),
                "synthetic": _flag(p.is_demo),
                "charter": p.charter.get("name", ""),
                "charter_version": p.charter.get("version", ""),
                "landlords": p.headline.get("landlords", 0),
                "share_met": _number(p.headline.get("share_met")),
                "median_share_met": _number(p.headline.get("median_share_met")),
                "compared_with": p.previous_year,
                "correction_note": p.note if p.version > 1 else "",
            }
        )
        for c in p.commitments:
            rows["commitments.csv"].append(
                {
                    "reporting_year": p.reporting_year,
                    "number": c["number"],
                    "title": c["title"],
                    "text": c["text"],
                }
            )
        for r in p.ratings:
            rows["ratings.csv"].append(
                {
                    "reporting_year": p.reporting_year,
                    "code": r["code"],
                    "label": r["label"],
                    "points": r["points"],
                    "meets_commitment": _flag(r["meets"]),
                }
            )
        for practice in p.practices:
            rows["practices.csv"].append(
                {
                    "reporting_year": p.reporting_year,
                    "title": practice["title"],
                    "description": practice["description"],
                    "commitments": " ".join(str(n) for n in practice["commitments"]),
                    "landlords": " ".join(x["slug"] for x in practice["landlords"]),
                    "how_residents_involved": practice["how_residents_involved"],
                    "evidence": practice["evidence"],
                    "evidence_url": practice["evidence_url"],
                }
            )
    for landlord in landlords:
        rows["landlords.csv"].append(
            {
                "reporting_year": year_of[landlord.publication_id],
                "landlord_slug": landlord.landlord_slug,
                "landlord_name": landlord.landlord_name,
                "landlord_type": landlord.landlord_type,
                "borough_homes": landlord.borough_homes or "",
                "size_band": landlord.size_band,
                "assessed": landlord.assessed,
                "met": landlord.met,
                "not_applicable": landlord.not_applicable,
                "points": landlord.points,
                "points_max": landlord.points_max,
                "share_met": _number(landlord.share_met),
                "previous_share_met": _number(landlord.previous_share_met),
                "change": _number(landlord.change),
                "most_improved": _flag(landlord.is_most_improved),
            }
        )
    for result in results:
        year = year_of[result.publication_id]
        where = {
            "reporting_year": year,
            "landlord_slug": result.landlord.landlord_slug,
            "commitment_number": result.commitment_number,
        }
        answers = result.residents.get("answers", {})
        rows["results.csv"].append(
            {
                **where,
                "rating_code": result.rating_code,
                "rating_label": result.rating_label,
                "points": "" if result.points is None else result.points,
                "meets_commitment": _flag(result.meets),
                "rationale": result.rationale,
                "previous_rating": result.previous_label,
                "change": result.change,
                "residents_yes": answers.get("yes", 0),
                "residents_partly": answers.get("partly", 0),
                "residents_no": answers.get("no", 0),
                "residents_dont_know": answers.get("dont_know", 0),
                "comments_published": len(result.residents.get("comments", [])),
                "meetings": result.residents.get("sessions", 0),
                "meeting_residents": result.residents.get("session_residents", 0),
            }
        )
        for evidence in result.evidence:
            rows["evidence.csv"].append(
                {
                    **where,
                    "title": evidence["title"],
                    "kind": evidence["kind"],
                    "address": evidence_address(year, evidence),
                    "page": evidence["page"],
                    "excerpt": evidence["excerpt"],
                }
            )
        for comment in result.residents.get("comments", []):
            rows["comments.csv"].append({**where, "comment": comment["text"]})
        for action in result.actions:
            rows["actions.csv"].append(
                {
                    **where,
                    "description": action["description"],
                    "owner": action["owner"],
                    "target_date": action["target_date"],
                    "status": action["status"],
                }
            )
    return rows


def _csv(name: str, rows: Iterable[dict[str, Any]]) -> str:
    columns = [column for column, _ in DICTIONARY[name]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="raise")
    writer.writeheader()
    for row in rows:
        if set(row) != set(columns):
            raise ValueError(f"{name}: a row's columns differ from the data dictionary")
        writer.writerow({column: csv_cell(value) for column, value in row.items()})
    return out.getvalue()


def _licence_text(licence: Any, publications: list[Publication]) -> str:
    lines = [
        "Resident participation charter results: the published dataset.",
        "",
        f"Published under the {licence.licence_name}: {licence.licence_url}",
    ]
    if licence.attribution:
        lines.append(f"Credit it as: {licence.attribution}")
    demo = [p.reporting_year for p in publications if p.is_demo]
    if demo:
        lines += [
            "",
            "Synthetic demonstration data, not real results, in: " + ", ".join(sorted(demo)),
        ]
    return "\n".join(lines) + "\n"


def dataset_zip(publications: list[Publication], licence: Any) -> bytes:
    rows = _rows(publications)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in DICTIONARY:
            archive.writestr(name, _csv(name, rows[name]))
        dictionary = io.StringIO()
        writer = csv.writer(dictionary)
        writer.writerow(["file", "column", "meaning"])
        for name, columns in DICTIONARY.items():
            for column, meaning in columns:
                writer.writerow([name, column, meaning])
        archive.writestr("data_dictionary.csv", dictionary.getvalue())
        archive.writestr("LICENCE.txt", _licence_text(licence, publications))
    return out.getvalue()


def dataset_json(publications: list[Publication], licence: Any) -> bytes:
    """The same rows as the CSV files, grouped by year, with the licence and the dictionary."""
    rows = _rows(publications)
    years = []
    for p in sorted(publications, key=lambda p: p.reporting_year):

        def of_year(name: str, year: str = p.reporting_year) -> list[dict[str, Any]]:
            return [
                {k: v for k, v in row.items() if k != "reporting_year"}
                for row in rows[name]
                if row["reporting_year"] == year
            ]

        about = next(r for r in rows["publications.csv"] if r["reporting_year"] == p.reporting_year)
        years.append(
            {
                **about,
                "headline": p.headline,
                "commitments": of_year("commitments.csv"),
                "ratings": of_year("ratings.csv"),
                "landlords": of_year("landlords.csv"),
                "results": of_year("results.csv"),
                "evidence": of_year("evidence.csv"),
                "comments": of_year("comments.csv"),
                "actions": of_year("actions.csv"),
                "practices": of_year("practices.csv"),
            }
        )
    document = {
        "title": "Resident participation charter results",
        "licence": {
            "name": licence.licence_name,
            "url": licence.licence_url,
            "attribution": licence.attribution,
        },
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "data_dictionary": {name: dict(columns) for name, columns in DICTIONARY.items()},
        "years": years,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
