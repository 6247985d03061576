"""Every write in publishing: publishing a cycle, correcting a publication, the council's settings
and report texts, and asking for an annual report to be built in the background.

Publishing is the only way a cycle reaches "published": the service records that stage move
itself, in the same transaction as the frozen copy, so a cycle is never published without one.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from residentvoice.assessment.models import AssessmentCycle, Stage, StageMove
from residentvoice.assessment.services import (
    cycle_reality_outcomes_publish,
    cycle_stage,
    cycle_unmoderated,
)

from .models import (
    CommitmentResult,
    Publication,
    PublicationSettings,
    PublishedFile,
    ReportBuild,
    ReportFile,
    ReportStatus,
    ReportText,
)
from .snapshot import NOT_APPLICABLE, copy_publication, derive, freeze_cycle, save_snapshot

NOT_APPLICABLE_CODE = "not_applicable"


class PublicationRefusedError(ValidationError):
    """A cycle that cannot be published yet; `messages` lists everything that is missing."""


def _previous_publication(reporting_year: str) -> Publication | None:
    """The newest version of the latest earlier year that has been published."""
    return (
        Publication.objects.filter(reporting_year__lt=reporting_year)
        .order_by("-reporting_year", "-version")
        .first()
    )


def cycle_publish(
    *,
    cycle: AssessmentCycle,
    by: Any,
    publish_at: datetime.datetime | None = None,
    embargo_viewers: Iterable[Any] = (),
    note: str = "",
) -> Publication:
    """Freeze a cycle that is ready to publish into version 1 of its publication.

    With `publish_at` in the future the results are under embargo until then: only the
    `embargo_viewers` (and council admins) can preview the public pages.
    """
    problems = publication_problems(cycle)
    if problems:
        raise PublicationRefusedError(problems, code="not_ready")
    viewers = list(embargo_viewers)
    inactive = [str(user) for user in viewers if not getattr(user, "is_active", False)]
    if inactive:
        raise ValidationError(
            {"embargo_viewers": f"These accounts cannot sign in: {', '.join(inactive)}."}
        )
    now = timezone.now()
    with transaction.atomic():
        # Lock the cycle so two admins pressing "publish" at once make one publication.
        cycle = (
            AssessmentCycle.objects.select_for_update().select_related("charter").get(pk=cycle.pk)
        )
        problems = publication_problems(cycle)
        if problems:
            raise PublicationRefusedError(problems, code="not_ready")
        previous = _previous_publication(cycle.reporting_year)
        publication = Publication.objects.create(
            cycle=cycle,
            reporting_year=cycle.reporting_year,
            version=1,
            published_at=now,
            publish_at=max(publish_at, now) if publish_at else now,
            published_by=by,
            note=note.strip(),
            is_demo=cycle.is_demo,
            previous_year=previous.reporting_year if previous else "",
            previous_version=previous.version if previous else None,
        )
        if viewers:
            publication.embargo_viewers.set(viewers)
        publication_settings_get()  # the licence it is published under, the default if unset
        snapshot = freeze_cycle(cycle)
        derive(snapshot, previous)
        save_snapshot(snapshot, publication)
        StageMove.objects.create(
            cycle=cycle,
            stage=Stage.PUBLISHED,
            moved_by=by,
            moved_at=now,
            note=note.strip() or "Published",
        )
        # What residents said in reality checks, and what was decided, joins the "you said, we
        # did" register now, shown from the moment the results are (no job needs to run when an
        # embargo lifts), with the rating as published.
        cycle_reality_outcomes_publish(
            cycle=cycle,
            public_from=publication.publish_at,
            published=_published_ratings(publication),
        )
    return publication


def _published_ratings(publication: Publication) -> dict[tuple[str, int], tuple[str, str]]:
    """(landlord slug, commitment number) → (rating label, rationale) as this version has them."""
    return {
        (landlord_slug, number): (label, rationale)
        for landlord_slug, number, label, rationale in CommitmentResult.objects.filter(
            publication=publication
        ).values_list("landlord__landlord_slug", "commitment_number", "rating_label", "rationale")
    }


def publication_problems(cycle: AssessmentCycle) -> list[str]:
    stage = cycle_stage(cycle)
    if stage == Stage.PUBLISHED:
        return [
            f"The {cycle.reporting_year} results are already published. Change them with a "
            "correction, which keeps the published version."
        ]
    problems = []
    if stage != Stage.READY_TO_PUBLISH:
        problems.append(
            f"The cycle is at “{Stage(stage).label}”: it must reach “Ready to publish” first."
        )
    problems += [f"{missing} has no moderated result" for missing in cycle_unmoderated(cycle)]
    if not cycle.participations.exists():
        problems.append("No landlord takes part in this cycle.")
    return problems


def publication_correct(
    *,
    publication: Publication,
    by: Any,
    note: str,
    ratings: dict[tuple[str, int], str] | None = None,
    rationales: dict[tuple[str, int], str] | None = None,
    withdraw_evidence: Iterable[int] = (),
    withdraw_comments: Iterable[int] = (),
) -> Publication:
    """Publish a corrected version of a cycle's results, keeping every earlier version.

    `ratings` and `rationales` are keyed by (landlord address name, commitment number); a rating
    is a code from the charter's scale, or "not_applicable". Evidence and residents' comments
    are withdrawn by their numbers in the published data. The note says what changed and why.

    Earlier versions are never rewritten, with one exception: withdrawn evidence and comments
    (often withdrawn because they name a resident) are replaced in every earlier version by a
    notice saying when and why they were withdrawn, and their files can no longer be downloaded.
    """
    ratings, rationales = dict(ratings or {}), dict(rationales or {})
    withdraw_evidence, withdraw_comments = set(withdraw_evidence), set(withdraw_comments)
    errors: dict[str, list[str]] = {}
    if not note.strip():
        errors.setdefault("note", []).append("Say what the correction changes and why.")
    if not (ratings or rationales or withdraw_evidence or withdraw_comments):
        errors.setdefault("__all__", []).append("Choose at least one thing to correct.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cycle = AssessmentCycle.objects.select_for_update().get(pk=publication.cycle_id)
        latest = Publication.objects.filter(cycle=cycle).order_by("-version").first()
        assert latest is not None
        snapshot = copy_publication(latest)
        changes = _apply_corrections(
            snapshot=snapshot,
            ratings=ratings,
            rationales=rationales,
            withdraw_evidence=withdraw_evidence,
            withdraw_comments=withdraw_comments,
        )
        changes += _withdraw_from_earlier_versions(
            cycle=cycle,
            version=latest.version + 1,
            reason=note,
            evidence=withdraw_evidence,
            comments=withdraw_comments,
        )
        now = timezone.now()
        previous = _previous_publication(latest.reporting_year)
        corrected = Publication.objects.create(
            cycle=cycle,
            reporting_year=latest.reporting_year,
            version=latest.version + 1,
            published_at=now,
            publish_at=max(latest.publish_at, now),
            published_by=by,
            note=note.strip(),
            changes=changes,
            is_demo=latest.is_demo,
            previous_year=previous.reporting_year if previous else "",
            previous_version=previous.version if previous else None,
        )
        corrected.embargo_viewers.set(list(latest.embargo_viewers.all()))
        derive(snapshot, previous)
        save_snapshot(snapshot, corrected)
        cycle_reality_outcomes_publish(
            cycle=cycle,
            public_from=corrected.publish_at,
            published=_published_ratings(corrected),
        )
    return corrected


def _apply_corrections(
    *,
    snapshot: Any,
    ratings: dict[tuple[str, int], str],
    rationales: dict[tuple[str, int], str],
    withdraw_evidence: set[int],
    withdraw_comments: set[int],
) -> list[str]:
    """Change the copied rows in place; return each change in words. Validates everything first."""
    options = {r["code"]: r for r in snapshot.charter.get("ratings", [])}
    allowed_na = {
        c["number"]: c.get("not_applicable_allowed", False)
        for c in snapshot.charter.get("commitments", [])
    }
    names = {row.landlord_slug: row.landlord_name for row in snapshot.landlords}
    rows: dict[tuple[str, int], CommitmentResult] = {
        (slug, row.commitment_number): row
        for slug, results in snapshot.results.items()
        for row in results
    }
    errors: list[str] = []
    for key, code in ratings.items():
        if key not in rows:
            errors.append(f"{_where(key, names)} is not in the published results.")
        elif code == NOT_APPLICABLE_CODE and not allowed_na.get(key[1]):
            errors.append(f"Commitment {key[1]} cannot be marked not applicable.")
        elif code != NOT_APPLICABLE_CODE and code not in options:
            errors.append(f"“{code}” is not a rating on this charter's scale.")
    for key, text in rationales.items():
        if key not in rows:
            errors.append(f"{_where(key, names)} is not in the published results.")
        elif not text.strip():
            errors.append(f"Give the corrected reason for {_where(key, names)}.")
    published_evidence = {e["id"] for row in rows.values() for e in row.evidence}
    published_comments = {
        c["id"] for row in rows.values() for c in row.residents.get("comments", [])
    }
    if withdraw_evidence - published_evidence:
        errors.append("Some evidence chosen to withdraw is not in the published results.")
    if withdraw_comments - published_comments:
        errors.append("Some comments chosen to withdraw are not in the published results.")
    if errors:
        raise ValidationError(errors)

    changes: list[str] = []
    for key, code in sorted(ratings.items()):
        row = rows[key]
        before = row.rating_label
        if code == NOT_APPLICABLE_CODE:
            row.rating_code, row.rating_label, row.rating_rank = "", NOT_APPLICABLE, None
            row.points, row.meets, row.not_applicable = None, None, True
        else:
            option = options[code]
            row.rating_code, row.rating_label = code, option["label"]
            row.rating_rank, row.points = option["rank"], option["points"]
            row.meets, row.not_applicable = option["meets"], False
        if before != row.rating_label:
            changes.append(
                f"{_where(key, names)}: rating changed from {before} to {row.rating_label}"
            )
    for key, text in sorted(rationales.items()):
        if rows[key].rationale != text.strip():
            rows[key].rationale = text.strip()
            changes.append(f"{_where(key, names)}: the reason for the rating was reworded")
    for key, row in sorted(rows.items()):
        kept = [e for e in row.evidence if e["id"] not in withdraw_evidence]
        for gone in row.evidence:
            if gone["id"] in withdraw_evidence:
                # Not named: what is withdrawn may be withdrawn for what its title says.
                changes.append(f"{_where(key, names)}: a piece of public evidence withdrawn")
        row.evidence = kept
        comments = row.residents.get("comments", [])
        kept_comments = [c for c in comments if c["id"] not in withdraw_comments]
        if len(kept_comments) != len(comments):
            count = len(comments) - len(kept_comments)
            changes.append(
                f"{_where(key, names)}: {count} resident comment{'s' if count != 1 else ''} "
                "withdrawn"
            )
            row.residents = {**row.residents, "comments": kept_comments}
    snapshot.files = [f for f in snapshot.files if f.evidence_id not in withdraw_evidence]
    if not changes:
        raise ValidationError("The correction changes nothing in the published results.")
    return changes


def _withdraw_from_earlier_versions(
    *,
    cycle: AssessmentCycle,
    version: int,
    reason: str,
    evidence: set[int],
    comments: set[int],
) -> list[str]:
    """Replace withdrawn evidence and comments in every earlier version of the cycle by a notice
    ("Withdrawn in version 3: <reason>"), and delete their files; return the change in words.

    The one exception to "a published version never changes": evidence or a comment is usually
    withdrawn because it holds personal data, which must not stay public in an older version.
    Ratings and reasons corrected later are left as they were published."""
    if not (evidence or comments):
        return []
    notice = f"Withdrawn in version {version}: {Truncator(' '.join(reason.split())).chars(160)}"
    redacted: Counter[int] = Counter()  # earlier version: items replaced by the notice
    rows = CommitmentResult.objects.filter(publication__cycle=cycle).select_related("publication")
    for row in rows.only("pk", "evidence", "residents", "publication__version"):
        kept_evidence = []
        for item in row.evidence:
            if item["id"] in evidence and not item.get("withdrawn"):
                item = {
                    "id": item["id"],
                    "title": notice,
                    "kind": "withdrawn",
                    "url": "",
                    "filename": "",
                    "content_type": "",
                    "size": None,
                    "page": "",
                    "excerpt": "",
                    "withdrawn": True,
                }
                redacted[row.publication.version] += 1
            kept_evidence.append(item)
        kept_comments = []
        for comment in row.residents.get("comments", []):
            if comment["id"] in comments and not comment.get("withdrawn"):
                comment = {"id": comment["id"], "text": notice, "withdrawn": True}
                redacted[row.publication.version] += 1
            kept_comments.append(comment)
        if kept_evidence != row.evidence or kept_comments != row.residents.get("comments", []):
            row.evidence = kept_evidence
            row.residents = {**row.residents, "comments": kept_comments}
            row.save(update_fields=["evidence", "residents"])
    PublishedFile.objects.filter(publication__cycle=cycle, evidence_id__in=evidence).delete()
    return [
        f"Version {number}: {count} withdrawn item{'s' if count != 1 else ''} replaced there by "
        "a notice of the withdrawal"
        for number, count in sorted(redacted.items())
    ]


def _where(key: tuple[str, int], names: dict[str, str]) -> str:
    slug, number = key
    return f"{names.get(slug, slug)}, commitment {number}"


# ---------------------------------------------------------------------------------------------
# Settings and report texts


def publication_settings_get() -> PublicationSettings:
    """The one settings row, made with the defaults (Open Government Licence) when missing."""
    settings_row = PublicationSettings.objects.order_by("pk").first()
    return settings_row or PublicationSettings.objects.create()


def publication_settings_update(
    *, licence_name: str, licence_url: str, attribution: str = ""
) -> PublicationSettings:
    errors = {}
    if not licence_name.strip():
        errors["licence_name"] = "Name the licence the data is published under."
    if not licence_url.strip():
        errors["licence_url"] = "Give the web address of the licence."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = publication_settings_get()
        new = (licence_name.strip(), licence_url.strip(), attribution.strip())
        if (row.licence_name, row.licence_url, row.attribution) != new:
            row.licence_name, row.licence_url, row.attribution = new
            row.save()
    return row


def report_text_update(*, reporting_year: str, foreword: str, next_steps: str) -> ReportText:
    with transaction.atomic():
        row = ReportText.objects.filter(reporting_year=reporting_year).first()
        if row is None:
            row = ReportText(reporting_year=reporting_year)  # stored once there is some text
        if (row.foreword, row.next_steps) != (foreword.strip(), next_steps.strip()):
            row.foreword, row.next_steps = foreword.strip(), next_steps.strip()
            row.save()
    return row


# ---------------------------------------------------------------------------------------------
# The annual report in the background


def report_build_request(*, reporting_year: str, by: Any, public: bool = False) -> ReportBuild:
    """Queue the annual report for a published year, in every format; a background task builds
    it. With `public` it is listed on the public reports page as soon as it is built."""
    from .report import ReportUnavailableError, report_publication

    try:
        report_publication(reporting_year, user=by)
    except ReportUnavailableError as error:
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        build = ReportBuild.objects.create(
            reporting_year=reporting_year,
            requested_by=by,
            is_public=public,
            made_public_at=timezone.now() if public else None,
        )
        build_id = build.pk
        transaction.on_commit(lambda: _enqueue(build_id))
    return build


def _enqueue(build_id: int) -> None:
    from .tasks import report_build_task

    report_build_task.enqueue(build_id)


def report_build_progress(*, build: ReportBuild, progress: int, step: str) -> None:
    ReportBuild.objects.filter(pk=build.pk).update(
        status=ReportStatus.RUNNING, progress=max(0, min(progress, 99)), step=step[:200]
    )


def report_build_finish(
    *,
    build: ReportBuild,
    files: dict[str, bytes] | None,
    publication: Publication | None = None,
    error: str = "",
) -> ReportBuild:
    """Store each format of a built report (or why it failed)."""
    from django.core.files.base import ContentFile

    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().get(pk=build.pk)
        build.finished_at = timezone.now()
        if files is None:
            build.status, build.error = (
                ReportStatus.FAILED,
                error or "The report could not be built.",
            )
        else:
            for fmt, content in files.items():
                stored = ReportFile(build=build, format=fmt, size=len(content))
                stored.file.save(
                    f"annual-report-{build.reporting_year}-{build.pk}.{fmt}",
                    ContentFile(content),
                    save=False,
                )
                stored.save()
            build.publication = publication
            build.status, build.progress, build.step = ReportStatus.DONE, 100, "Finished"
        build.save()
    return build


def report_make_public(*, build: ReportBuild, public: bool) -> ReportBuild:
    """List a built report on the public reports page, or take it off. The page shows it only
    while the results it was built from are public (after any embargo), and shows the newest
    public report of each year."""
    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().get(pk=build.pk)
        if public and build.status != ReportStatus.DONE:
            raise ValidationError("Only a report that has been built can be published.")
        if build.is_public != public:
            build.is_public = public
            build.made_public_at = timezone.now() if public else None
            build.save(update_fields=["is_public", "made_public_at", "updated_at"])
    return build
