"""Freezing a cycle into plain data, and the figures derived from it.

`freeze_cycle` reads a cycle's moderated results once (a fixed number of queries) and returns
unsaved rows holding only what may be published: the final rating and rationale, public evidence,
residents' answers counted and their approved comments, improvement actions and the public
practices. Draft ratings, private notes, private or removed evidence, comments not approved and
anyone's name never enter it. `derive` then works out shares, change since the previous
publication, the most improved landlords and the borough median; corrections reuse it.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePosixPath
from typing import Any

from django.db.models import Count, Prefetch

from residentvoice.assessment.models import (
    AssessmentCycle,
    AssessmentItem,
    CommentStatus,
    Evidence,
    EvidenceKind,
    ImprovementAction,
    RealityAnswer,
    RealityCheck,
    RealityCheckSession,
    Stage,
    StageDates,
    StageMove,
)
from residentvoice.charter.models import RatingOption
from residentvoice.organisations.models import Landlord, StockArea, StockFigure
from residentvoice.participation.selectors import participation_figures
from residentvoice.practices.models import Practice
from residentvoice.practices.selectors import practice_list

from .models import (
    Change,
    CommitmentResult,
    LandlordResult,
    Publication,
    PublishedFile,
    size_band_for,
)

NOT_APPLICABLE = "Not applicable"


@dataclass
class Snapshot:
    """A version being built: unsaved rows, and the publication-wide plain data."""

    charter: dict[str, Any]
    methodology: dict[str, Any]
    practices: list[dict[str, Any]]
    landlords: list[LandlordResult]
    results: dict[str, list[CommitmentResult]] = field(default_factory=dict)  # by landlord slug
    files: list[PublishedFile] = field(default_factory=list)
    headline: dict[str, Any] = field(default_factory=dict)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Freezing


def _charter_data(cycle: AssessmentCycle) -> tuple[dict[str, Any], dict[int, int]]:
    """The charter as assessed, and each rating option's rank on the scale (lowest 0)."""
    charter = cycle.charter
    options = sorted(
        RatingOption.objects.filter(scale__charter=charter), key=lambda o: (o.points, o.order)
    )
    commitments = charter.commitments.filter(commits_landlords=True).order_by("number")
    scale = getattr(charter, "rating_scale", None)
    data = {
        "name": charter.name,
        "version": charter.version,
        "area": charter.area,
        "approved_on": charter.approved_on.isoformat() if charter.approved_on else None,
        "is_default_text": charter.is_default_text,
        "scale": scale.name if scale else "",
        "allows_not_applicable": bool(scale and scale.allows_not_applicable),
        "commitments": [
            {
                "number": c.number,
                "title": c.title,
                "text": c.text,
                "not_applicable_allowed": c.not_applicable_allowed,
            }
            for c in commitments
        ],
        "ratings": [
            {
                "code": o.code,
                "label": o.label,
                "points": o.points,
                "meets": o.meets_commitment,
                "description": o.description,
                "rank": rank,
            }
            for rank, o in enumerate(options)
        ],
    }
    return data, {o.pk: rank for rank, o in enumerate(options)}


def _public_practices() -> list[Practice]:
    """The practices the council has approved for the public library."""
    return practice_list(public_only=True)


def _practice_data(practices: list[Practice]) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "title": p.title,
            "description": p.description,
            "evidence": p.evidence,
            "evidence_url": p.evidence_url,
            "how_residents_involved": p.how_residents_involved,
            "commitments": sorted({c.number for c in p.commitments.all()}),
            "landlords": [
                {"slug": landlord.slug, "name": landlord.name}
                for landlord in sorted(p.landlords.all(), key=lambda x: x.name)
            ],
            "is_demo": p.is_demo,
        }
        for p in practices
    ]


def _stage_data(cycle: AssessmentCycle) -> list[dict[str, Any]]:
    dates = {row.stage: row for row in StageDates.objects.filter(cycle=cycle)}
    reached: dict[str, str] = {}
    for move in StageMove.objects.filter(cycle=cycle).order_by("moved_at", "pk"):
        reached[move.stage] = move.moved_at.date().isoformat()
    stages = []
    for stage in Stage:
        if stage == Stage.PUBLISHED:
            continue
        row = dates.get(stage)
        stages.append(
            {
                "stage": stage.value,
                "label": str(stage.label),
                "opens_on": row.opens_on.isoformat() if row and row.opens_on else None,
                "closes_on": row.closes_on.isoformat() if row and row.closes_on else None,
                "reached_on": reached.get(stage.value),
            }
        )
    return stages


def _landlords(cycle: AssessmentCycle) -> list[Landlord]:
    borough = StockFigure.objects.filter(area=StockArea.BOROUGH)
    return list(
        Landlord.objects.filter(participations__cycle=cycle)
        .prefetch_related(Prefetch("stock_figures", queryset=borough, to_attr="borough_figures"))
        .order_by("name")
    )


def _participation_measures(landlord: Landlord) -> list[dict[str, Any]]:
    """TP06–TP08 as the landlord last reported them, where the regulator's figures are loaded."""
    try:
        from residentvoice.tsm.selectors import participation_measures
    except ImportError:  # pragma: no cover - the TSM app is part of the site
        return []
    measures = participation_measures(landlord)
    if measures is None:
        return []
    return [
        {
            "year": measures.year,
            "measure": f.measure,
            "name": f.name,
            "residents": f.population_label,
            "value": f.value,
            "reason": f.reason,
            "england_median": f.benchmark.median if f.benchmark else None,
        }
        for f in measures.figures
    ]


def freeze_cycle(cycle: AssessmentCycle, *, with_measures: bool = True) -> Snapshot:
    """Read everything publishable about a cycle, in a fixed number of queries (plus five per
    landlord for the regulator's participation measures when `with_measures`).

    Each landlord's participation figures for the year (consultations run, residents taking
    part, recommendations accepted and completed, days to answer) are frozen with the results:
    the annual report is built from the published version, and must show the same figures
    however often, and however much later, it is built."""
    charter, rank_of = _charter_data(cycle)
    numbers = [c["number"] for c in charter["commitments"]]
    items = list(
        AssessmentItem.objects.filter(participation__cycle=cycle, commitment__number__in=numbers)
        .select_related("commitment", "final_rating")
        .order_by("commitment__number")
    )
    item_ids = [item.pk for item in items]
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    files: list[PublishedFile] = []
    public_evidence = Evidence.objects.filter(
        item_id__in=item_ids, is_public=True, removed_at__isnull=True
    ).values(
        "pk", "item_id", "kind", "title", "file", "url", "page", "excerpt", "content_type", "size"
    )
    for row in public_evidence.order_by("created_at", "pk"):
        is_file = row["kind"] == EvidenceKind.FILE and bool(row["file"])
        filename = PurePosixPath(row["file"]).name if is_file else ""
        evidence[row["item_id"]].append(
            {
                "id": row["pk"],
                "title": row["title"],
                "kind": "file" if is_file else "link",
                "url": "" if is_file else row["url"],
                "filename": filename,
                "content_type": row["content_type"] if is_file else "",
                "size": row["size"] if is_file else None,
                "page": row["page"],
                "excerpt": row["excerpt"],
            }
        )
        if is_file:
            files.append(
                PublishedFile(
                    evidence_id=row["pk"],
                    path=row["file"],
                    filename=filename,
                    content_type=row["content_type"] or "application/octet-stream",
                    size=row["size"],
                )
            )
    actions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for action in ImprovementAction.objects.filter(item_id__in=item_ids).order_by(
        "target_date", "pk"
    ):
        actions[action.item_id].append(
            {
                "description": action.description,
                "owner": action.owner,
                "target_date": action.target_date.isoformat(),
                "status": action.status,
                "status_label": str(action.get_status_display()),
            }
        )
    answers: dict[int, Counter[str]] = defaultdict(Counter)
    for item_id, answer, n in (
        RealityCheck.objects.filter(item_id__in=item_ids)
        .values("item_id", "answer")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("item_id", "answer", "n")
    ):
        answers[item_id][answer] += n
    comments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for check in (
        RealityCheck.objects.filter(item_id__in=item_ids, comment_status=CommentStatus.APPROVED)
        .exclude(comment="")
        .values("pk", "item_id", "comment")
        .order_by("created_at", "pk")
    ):
        comments[check["item_id"]].append({"id": check["pk"], "text": check["comment"]})
    sessions: dict[tuple[int, int], list[int]] = defaultdict(list)
    held_sessions = list(
        RealityCheckSession.objects.filter(participation__cycle=cycle).prefetch_related(
            "commitments"
        )
    )
    for session in held_sessions:
        for commitment in session.commitments.all():
            sessions[(session.participation_id, commitment.number)].append(session.residents_count)

    practices = _public_practices()
    practice_data = _practice_data(practices)
    practices_for: dict[tuple[str, int], list[int]] = defaultdict(list)
    for practice in practice_data:
        for landlord in practice["landlords"]:
            for number in practice["commitments"]:
                practices_for[(landlord["slug"], number)].append(practice["id"])

    landlords = _landlords(cycle)
    taking_part = participation_figures(
        landlord_ids=[landlord.pk for landlord in landlords], reporting_year=cycle.reporting_year
    )
    by_landlord: dict[int, list[AssessmentItem]] = defaultdict(list)
    for item in items:
        by_landlord[item.landlord_id].append(item)
    landlord_rows: list[LandlordResult] = []
    results: dict[str, list[CommitmentResult]] = {}
    for order, landlord in enumerate(landlords):
        homes = sum(f.homes for f in landlord.borough_figures)  # type: ignore[attr-defined]
        landlord_rows.append(
            LandlordResult(
                order=order,
                landlord_slug=landlord.slug,
                landlord_name=landlord.name,
                landlord_short_name=landlord.short_name,
                landlord_type=str(landlord.get_landlord_type_display()),
                borough_homes=homes or None,
                size_band=size_band_for(homes),
                signed_charter=landlord.has_signed,
                assessed=0,
                met=0,
                participation_measures=_participation_measures(landlord) if with_measures else [],
                participation_figures=taking_part.get(landlord.pk, {}),
            )
        )
        rows = []
        for item in by_landlord.get(landlord.pk, []):
            option = item.final_rating
            not_applicable = item.final_not_applicable or option is None
            counts = answers.get(item.pk, Counter())
            held = sessions.get((item.participation_id, item.commitment.number), [])
            rows.append(
                CommitmentResult(
                    commitment_number=item.commitment.number,
                    commitment_title=item.commitment.title,
                    rating_code="" if not_applicable else option.code,  # type: ignore[union-attr]
                    rating_label=NOT_APPLICABLE if not_applicable else option.label,  # type: ignore[union-attr]
                    rating_rank=None if not_applicable else rank_of.get(option.pk),  # type: ignore[union-attr]
                    points=None if not_applicable else option.points,  # type: ignore[union-attr]
                    meets=None if not_applicable else option.meets_commitment,  # type: ignore[union-attr]
                    not_applicable=not_applicable,
                    rationale=item.final_rationale,
                    evidence=evidence.get(item.pk, []),
                    residents={
                        "answers": {a.value: counts.get(a.value, 0) for a in RealityAnswer},
                        "total": sum(counts.values()),
                        "comments": comments.get(item.pk, []),
                        "sessions": len(held),
                        "session_residents": sum(held),
                    },
                    actions=actions.get(item.pk, []),
                    practices=practices_for.get((landlord.slug, item.commitment.number), []),
                )
            )
        results[landlord.slug] = rows

    methodology = {
        "stages": _stage_data(cycle),
        "landlords": len(landlords),
        "items": len(items),
        "reality_answers": sum(sum(c.values()) for c in answers.values()),
        "comments_published": sum(len(c) for c in comments.values()),
        "sessions": len(held_sessions),
        "session_residents": sum(s.residents_count for s in held_sessions),
    }
    return Snapshot(
        charter=charter,
        methodology=methodology,
        practices=practice_data,
        landlords=landlord_rows,
        results=results,
        files=files,
    )


def copy_publication(publication: Publication) -> Snapshot:
    """A published version as unsaved rows, to be corrected into the next version."""
    landlords = list(publication.landlords.all())
    results: dict[str, list[CommitmentResult]] = {}
    by_id = {row.pk: row for row in landlords}
    for result in publication.results.order_by("landlord__order", "commitment_number"):
        slug = by_id[result.landlord_id].landlord_slug
        result.pk = None
        result.landlord_id = None  # type: ignore[assignment]
        result.publication_id = None  # type: ignore[assignment]
        results.setdefault(slug, []).append(result)
    files = list(publication.files.all())
    for landlord in landlords:
        landlord.pk = None
        landlord.publication_id = None  # type: ignore[assignment]
    for file in files:
        file.pk = None
        file.publication_id = None  # type: ignore[assignment]
    for landlord in landlords:
        results.setdefault(landlord.landlord_slug, [])
    return Snapshot(
        charter=publication.charter,
        methodology=publication.methodology,
        practices=publication.practices,
        landlords=landlords,
        results=results,
        files=files,
    )


# ---------------------------------------------------------------------------------------------
# Derived figures


def _median(values: list[Decimal]) -> float | None:
    return float(statistics.median(values)) if values else None


def derive(snapshot: Snapshot, previous: Publication | None) -> None:
    """Shares met, change since the previous publication, most improved and the median."""
    previous_landlords: dict[str, LandlordResult] = {}
    previous_results: dict[tuple[str, int], CommitmentResult] = {}
    if previous is not None:
        previous_landlords = {row.landlord_slug: row for row in previous.landlords.all()}
        for result in previous.results.select_related("landlord"):
            previous_results[(result.landlord.landlord_slug, result.commitment_number)] = result
    top_points = max((r["points"] for r in snapshot.charter.get("ratings", [])), default=0)
    changes: Counter[str] = Counter()
    rating_counts: Counter[str] = Counter()
    for landlord in snapshot.landlords:
        rows = snapshot.results.get(landlord.landlord_slug, [])
        rated = [r for r in rows if not r.not_applicable]
        landlord.assessed = len(rated)
        landlord.met = sum(1 for r in rated if r.meets)
        landlord.not_applicable = len(rows) - len(rated)
        landlord.points = sum(r.points or 0 for r in rated)
        landlord.points_max = top_points * len(rated)
        landlord.share_met = percent(landlord.met, landlord.assessed)
        before = previous_landlords.get(landlord.landlord_slug)
        landlord.previous_share_met = before.share_met if before else None
        landlord.change = (
            landlord.share_met - landlord.previous_share_met
            if landlord.share_met is not None and landlord.previous_share_met is not None
            else None
        )
        for row in rows:
            rating_counts[row.rating_label] += 1
            if previous is None:
                row.previous_label, row.previous_points, row.change = "", None, ""
                continue
            earlier = previous_results.get((landlord.landlord_slug, row.commitment_number))
            row.previous_label = earlier.rating_label if earlier else ""
            row.previous_points = earlier.points if earlier else None
            if row.points is None or row.previous_points is None:
                row.change = Change.NEW if row.points is not None else ""
            elif row.points > row.previous_points:
                row.change = Change.UP
            elif row.points < row.previous_points:
                row.change = Change.DOWN
            else:
                row.change = Change.SAME
            if row.change:
                changes[row.change] += 1
    rises = [row.change for row in snapshot.landlords if row.change is not None]
    best = max(rises, default=None)
    for landlord in snapshot.landlords:
        landlord.is_most_improved = best is not None and best > 0 and landlord.change == best
    shares = [row.share_met for row in snapshot.landlords if row.share_met is not None]
    previous_shares = [
        row.previous_share_met for row in snapshot.landlords if row.previous_share_met is not None
    ]
    all_rows = [r for rows in snapshot.results.values() for r in rows]
    rated = [r for r in all_rows if not r.not_applicable]
    met = sum(1 for r in rated if r.meets)
    per_commitment = []
    for commitment in snapshot.charter.get("commitments", []):
        these = [r for r in rated if r.commitment_number == commitment["number"]]
        these_met = sum(1 for r in these if r.meets)
        per_commitment.append(
            {
                "number": commitment["number"],
                "title": commitment["title"],
                "assessed": len(these),
                "met": these_met,
                "share_met": _float(percent(these_met, len(these))),
            }
        )
    labels = [r["label"] for r in snapshot.charter.get("ratings", [])]
    if any(r.not_applicable for r in all_rows):
        labels.append(NOT_APPLICABLE)
    previous_median = previous.headline.get("median_share_met") if previous is not None else None
    median_share = _median(shares)
    snapshot.headline = {
        "landlords": len(snapshot.landlords),
        "commitments": len(snapshot.charter.get("commitments", [])),
        "assessed": len(rated),
        "met": met,
        "share_met": _float(percent(met, len(rated))),
        "median_share_met": median_share,
        "previous_median_share_met": previous_median,
        "previous_median_share_met_here": _median(previous_shares),
        "median_change": (
            round(median_share - previous_median, 1)
            if median_share is not None and previous_median is not None
            else None
        ),
        "rating_counts": [
            {"label": label, "count": rating_counts.get(label, 0)} for label in labels
        ],
        "changes": {c.value: changes.get(c.value, 0) for c in Change},
        "improved": sum(1 for r in rises if r > 0),
        "declined": sum(1 for r in rises if r < 0),
        "most_improved": [
            {"slug": row.landlord_slug, "name": row.landlord_name, "change": _float(row.change)}
            for row in snapshot.landlords
            if row.is_most_improved
        ],
        "per_commitment": per_commitment,
    }


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def save_snapshot(snapshot: Snapshot, publication: Publication) -> None:
    """Write the rows of a version (a fixed number of queries however many landlords)."""
    publication.charter = snapshot.charter
    publication.methodology = snapshot.methodology
    publication.practices = snapshot.practices
    publication.headline = snapshot.headline
    publication.save(update_fields=["charter", "methodology", "practices", "headline"])
    for landlord in snapshot.landlords:
        landlord.publication = publication
    saved = LandlordResult.objects.bulk_create(snapshot.landlords)
    rows = []
    for landlord in saved:
        for row in snapshot.results.get(landlord.landlord_slug, []):
            row.publication = publication
            row.landlord = landlord
            rows.append(row)
    CommitmentResult.objects.bulk_create(rows, batch_size=500)
    for file in snapshot.files:
        file.publication = publication
    PublishedFile.objects.bulk_create(snapshot.files)
