"""Reads for the "you said, we did" register, and the figures and evidence other apps ask for.

`participation_figures` (the council's dashboard and annual report) and `evidence_candidates`
(the assessment's evidence form) are contracts other apps rely on.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from residentvoice.core.reporting_years import reporting_year_bounds as reporting_year_dates
from residentvoice.core.reporting_years import reporting_year_of

from ..models import (
    Consultation,
    LandlordAnswer,
    PanelMember,
    Recommendation,
    RecommendationStatus,
    RegisterEntry,
    Response,
    Review,
    TopicProposal,
    TopicVote,
)
from ..models.scrutiny import PUBLIC_FROM_STAGE, REVIEW_STAGE_ORDER


def _moment_bounds(year: str) -> tuple[datetime.datetime, datetime.datetime]:
    first, last = reporting_year_dates(year)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


@dataclass(frozen=True)
class RegisterFilters:
    landlord_id: int | None = None
    council_only: bool = False
    source_kind: str = ""
    status: str = ""
    year: str = ""
    text: str = ""


def register_entries(filters: RegisterFilters) -> QuerySet[RegisterEntry]:
    """Public entries only (not hidden, not waiting for an embargo), newest first, narrowed by the
    filters."""
    entries = RegisterEntry.objects.public().select_related("landlord")
    if filters.council_only:
        entries = entries.filter(landlord__isnull=True)
    elif filters.landlord_id is not None:
        entries = entries.filter(landlord_id=filters.landlord_id)
    if filters.source_kind:
        entries = entries.filter(source_kind=filters.source_kind)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.year:
        try:
            first, last = reporting_year_dates(filters.year)
        except ValueError:
            return entries.none()
        entries = entries.filter(date__gte=first, date__lte=last)
    if filters.text:
        entries = entries.filter(
            Q(title__icontains=filters.text)
            | Q(residents_said__icontains=filters.text)
            | Q(decision__icontains=filters.text)
            | Q(action_taken__icontains=filters.text)
        )
    return entries.order_by("-date", "-pk")


def register_years() -> list[str]:
    dates = RegisterEntry.objects.public().values_list("date", flat=True)
    return sorted({reporting_year_of(day) for day in dates}, reverse=True)


def register_entry_public(pk: int) -> RegisterEntry | None:
    """One entry, if the public may see it now."""
    return RegisterEntry.objects.public().select_related("landlord").filter(pk=pk).first()


def register_landlords() -> list[tuple[int, str]]:
    """Landlords with at least one public entry, for the filter."""
    return list(
        RegisterEntry.objects.public()
        .filter(landlord__isnull=False)
        .values_list("landlord_id", "landlord__name")
        .distinct()
        .order_by("landlord__name")
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def evidence_candidates(*, landlord: Any) -> list[dict[str, Any]]:
    """The landlord's completed consultations, public scrutiny reviews and public register
    entries, for linking as assessment evidence. Three queries."""
    landlord_id = getattr(landlord, "pk", landlord)
    public_stages = REVIEW_STAGE_ORDER[REVIEW_STAGE_ORDER.index(PUBLIC_FROM_STAGE) :]
    found: list[dict[str, Any]] = [
        {
            "kind": "consultation",
            "id": consultation.pk,
            "title": f"Consultation: {consultation.title}",
            "url": _absolute(consultation.get_absolute_url()),
        }
        for consultation in Consultation.objects.filter(
            landlord_id=landlord_id, outcome_published_at__isnull=False
        ).order_by("-closes_at")
    ]
    found += [
        {
            "kind": "review",
            "id": review.pk,
            "title": f"Scrutiny review: {review.title}",
            "url": _absolute(review.get_absolute_url()),
        }
        for review in Review.objects.filter(
            landlord_id=landlord_id, current_stage__stage__in=public_stages
        ).order_by("-created_at")
    ]
    found += [
        {
            "kind": "register_entry",
            "id": entry.pk,
            "title": f"You said, we did: {entry.title}",
            "url": _absolute(entry.get_absolute_url()),
        }
        for entry in RegisterEntry.objects.public()
        .filter(landlord_id=landlord_id)
        .order_by("-date", "-pk")
    ]
    return found


def participation_figures(
    *, landlord_ids: list[int], reporting_year: str
) -> dict[int, dict[str, Any]]:
    """Per landlord, for one reporting year, in seven queries whatever the number of landlords:

    - consultations_run: published consultations that closed in the year;
    - residents_taking_part: different residents who answered one of those consultations,
      proposed or voted on a scrutiny topic in a round closing in the year, or sat on a panel
      during the year; responses not linked to an account (anonymous, or on paper for someone
      without one) each count as one person;
    - recommendations_accepted: recommendations accepted or partly accepted in the year;
    - recommendations_completed: recommendations marked done in the year and still done;
    - average_days_to_answer: mean days from the report reaching the landlord to its answer, for
      answers given in the year (None when there were none).
    """
    ids = list(landlord_ids)
    start, end = _moment_bounds(reporting_year)
    first, last = reporting_year_dates(reporting_year)
    figures: dict[int, dict[str, Any]] = {
        landlord_id: {
            "consultations_run": 0,
            "residents_taking_part": 0,
            "recommendations_accepted": 0,
            "recommendations_completed": 0,
            "average_days_to_answer": None,
        }
        for landlord_id in ids
    }
    for landlord_id, count in (
        Consultation.objects.filter(
            landlord_id__in=ids,
            published_at__isnull=False,
            closes_at__gte=start,
            closes_at__lt=end,
        )
        .values_list("landlord_id")
        .annotate(n=Count("pk"))
        .values_list("landlord_id", "n")
    ):
        figures[landlord_id]["consultations_run"] = count
    people: dict[int, set[int]] = defaultdict(set)
    unlinked: dict[int, int] = defaultdict(int)
    for landlord_id, person in Response.objects.filter(
        consultation__landlord_id__in=ids,
        consultation__closes_at__gte=start,
        consultation__closes_at__lt=end,
        submitted_at__isnull=False,
    ).values_list("consultation__landlord_id", "respondent_id"):
        if person is None:
            unlinked[landlord_id] += 1
        else:
            people[landlord_id].add(person)
    for landlord_id, person in TopicVote.objects.filter(
        round__panel__landlord_id__in=ids,
        round__closes_at__gte=start,
        round__closes_at__lt=end,
        voter__isnull=False,
    ).values_list("round__panel__landlord_id", "voter_id"):
        people[landlord_id].add(person)
    for landlord_id, person in TopicProposal.objects.filter(
        round__panel__landlord_id__in=ids,
        round__closes_at__gte=start,
        round__closes_at__lt=end,
        proposed_by__isnull=False,
    ).values_list("round__panel__landlord_id", "proposed_by_id"):
        people[landlord_id].add(person)
    for landlord_id, person in (
        PanelMember.objects.filter(
            panel__landlord_id__in=ids, user__isnull=False, joined_on__lte=last
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .values_list("panel__landlord_id", "user_id")
    ):
        people[landlord_id].add(person)
    for landlord_id in ids:
        figures[landlord_id]["residents_taking_part"] = (
            len(people[landlord_id]) + unlinked[landlord_id]
        )
    days: dict[int, list[int]] = defaultdict(list)
    for landlord_id, answer, answered_at, made_on in Recommendation.objects.filter(
        review__landlord_id__in=ids, answered_at__gte=start, answered_at__lt=end
    ).values_list("review__landlord_id", "answer", "answered_at", "made_on"):
        if answer in (LandlordAnswer.ACCEPTED, LandlordAnswer.PARTLY):
            figures[landlord_id]["recommendations_accepted"] += 1
        if made_on is not None:
            days[landlord_id].append((timezone.localdate(answered_at) - made_on).days)
    for landlord_id, count in (
        Recommendation.objects.filter(
            review__landlord_id__in=ids,
            current_status__status=RecommendationStatus.DONE,
            current_status__changed_at__gte=start,
            current_status__changed_at__lt=end,
        )
        .values_list("review__landlord_id")
        .annotate(n=Count("pk"))
        .values_list("review__landlord_id", "n")
    ):
        figures[landlord_id]["recommendations_completed"] = count
    for landlord_id, found in days.items():
        figures[landlord_id]["average_days_to_answer"] = round(sum(found) / len(found), 1)
    return figures
