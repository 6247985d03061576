"""Reads about consultations: who may answer, the lists each person sees, and the results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES, Role
from residentvoice.accounts.selectors import membership_of

from ..models import (
    Answer,
    Audience,
    Consultation,
    FormatRequest,
    Moderation,
    Question,
    QuestionKind,
    Response,
)


def audience_includes(consultation: Consultation, user: Any) -> bool:
    """May this person answer? Public: anyone signed in; borough: any verified resident;
    one landlord's residents: verified residents of that landlord only."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if consultation.audience == Audience.PUBLIC:
        return True
    membership = membership_of(user)
    if membership is None or membership.role != Role.RESIDENT:
        return False
    if consultation.audience == Audience.BOROUGH:
        return True
    return membership.landlord_id == consultation.landlord_id


def is_following(consultation: Consultation, user: Any) -> bool:
    """Will this person hear about the results and the outcome? (In an open anonymous
    consultation, a respondent's wish is kept on their own response.)"""
    if user is None or not user.is_authenticated:
        return False
    if consultation.followers.filter(user=user).exists():
        return True
    if not consultation.is_anonymous:
        return False
    from ..services.consultations import response_of

    response = response_of(consultation, user)
    return response is not None and response.wants_outcome


def _published() -> QuerySet[Consultation]:
    return Consultation.objects.filter(published_at__isnull=False).select_related("landlord")


def consultations_open_for(user: Any) -> list[Consultation]:
    """Open consultations, those the person can answer first."""
    now = timezone.now()
    found = list(_published().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at"))
    return sorted(found, key=lambda c: not audience_includes(c, user))


def consultations_upcoming() -> QuerySet[Consultation]:
    return _published().filter(opens_at__gt=timezone.now()).order_by("opens_at")


def consultations_closed() -> QuerySet[Consultation]:
    return _published().filter(closes_at__lte=timezone.now()).order_by("-closes_at")


def consultations_managed_by(user: Any) -> QuerySet[Consultation]:
    """What a member of staff may manage: their landlord's, or the council's own."""
    membership = membership_of(user)
    if membership is None:
        return Consultation.objects.none()
    base = Consultation.objects.select_related("landlord").annotate(
        submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False)),
        formats_waiting=Count(
            "format_requests", filter=Q(format_requests__handled_at__isnull=True), distinct=True
        ),
    )
    if membership.role in COUNCIL_ROLES:
        return base.filter(landlord__isnull=True)
    if membership.role in LANDLORD_STAFF_ROLES and membership.landlord_id is not None:
        return base.filter(landlord_id=membership.landlord_id)
    return Consultation.objects.none()


def consultation_questions(consultation: Consultation) -> list[Question]:
    return list(consultation.questions.all())


def response_answers(response: Response | None) -> dict[int, Any]:
    if response is None:
        return {}
    return dict(response.answers.values_list("question_id", "value"))


def format_requests_for(consultation: Consultation) -> QuerySet[FormatRequest]:
    return consultation.format_requests.select_related("requested_by", "handled_by")


def free_text_for_moderation(consultation: Consultation) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(
            question__consultation=consultation,
            question__kind=QuestionKind.FREE_TEXT,
            response__submitted_at__isnull=False,
        )
        .select_related("question")
        .order_by("moderation", "question__position", "pk")
    )


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[tuple[str, int, float]] = field(default_factory=list)  # label, count, percent
    average: float | None = None  # ratings: the mean; ranking: not used
    ranking: list[tuple[str, float, int]] = field(default_factory=list)  # label, mean place, firsts
    texts: list[Answer] = field(default_factory=list)
    waiting: int = 0  # free text not yet moderated

    @property
    def chart_rows(self) -> list[tuple[str, float]]:
        if self.question.kind == QuestionKind.RANKING:
            return [(label, place) for label, place, _ in self.ranking]
        return [(label, count) for label, count, _ in self.rows]


@dataclass
class ConsultationResults:
    consultation: Consultation
    responses: int
    by_channel: dict[str, int]
    questions: list[QuestionResult]


def consultation_results(
    consultation: Consultation, *, include_unmoderated: bool = False
) -> ConsultationResults:
    """Counts for every question from submitted responses, in three queries.

    Free text is only listed once approved, unless `include_unmoderated` (staff preparing the
    results); hidden answers are never listed.
    """
    questions = list(consultation.questions.all())
    channels = dict(
        Response.objects.filter(consultation=consultation, submitted_at__isnull=False)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    answers_by_question: dict[int, list[Answer]] = {question.pk: [] for question in questions}
    for answer in Answer.objects.filter(
        question__consultation=consultation, response__submitted_at__isnull=False
    ).order_by("pk"):
        answers_by_question.setdefault(answer.question_id, []).append(answer)
    results = []
    for question in questions:
        answers = answers_by_question.get(question.pk, [])
        result = QuestionResult(question=question, answered=len(answers))
        kind = question.kind
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            counts: Counter[str] = Counter()
            for answer in answers:
                counts.update([answer.value] if isinstance(answer.value, str) else answer.value)
            result.rows = [
                (option, counts[option], _percent(counts[option], len(answers)))
                for option in question.options
            ]
        elif kind == QuestionKind.RATING:
            counts = Counter(str(answer.value) for answer in answers)
            result.rows = [
                (str(n), counts[str(n)], _percent(counts[str(n)], len(answers)))
                for n in range(1, question.rating_max + 1)
            ]
            if answers:
                result.average = round(sum(int(a.value) for a in answers) / len(answers), 2)
        elif kind == QuestionKind.RANKING:
            places: dict[str, list[int]] = {option: [] for option in question.options}
            firsts: Counter[str] = Counter()
            for answer in answers:
                for place, option in enumerate(answer.value, start=1):
                    if option in places:
                        places[option].append(place)
                if answer.value:
                    firsts[answer.value[0]] += 1
            result.ranking = sorted(
                (
                    (option, round(sum(found) / len(found), 2) if found else 0.0, firsts[option])
                    for option, found in places.items()
                ),
                key=lambda row: (row[1] == 0, row[1]),
            )
        else:
            shown = {Moderation.APPROVED} | (
                {Moderation.WAITING, Moderation.NOT_NEEDED} if include_unmoderated else set()
            )
            result.texts = [answer for answer in answers if answer.moderation in shown]
            result.waiting = sum(1 for answer in answers if answer.moderation == Moderation.WAITING)
        results.append(result)
    return ConsultationResults(
        consultation=consultation,
        responses=sum(channels.values()),
        by_channel=channels,
        questions=results,
    )


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
