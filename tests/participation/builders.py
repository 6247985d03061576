"""Small builders for participation tests: consultations in each state, a panel with a review,
register entries. Everything goes through the services, as the site would do it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from residentvoice.participation import services
from residentvoice.participation.models import (
    Audience,
    Consultation,
    ConsultationDocument,
    DocumentKind,
    Panel,
    PanelRole,
    QuestionKind,
    Review,
    ReviewStage,
    TopicRound,
)

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def consultation_open(
    *,
    landlord: Any,
    staff: Any = None,
    audience: str = Audience.LANDLORD_RESIDENTS,
    anonymous: bool = False,
    title: str = "How should we run repairs?",
) -> Consultation:
    """A published consultation, open now, with one question of each kind."""
    now = timezone.now()
    consultation = services.consultation_create(
        created_by=staff,
        landlord=landlord,
        title=title,
        summary="Tell us about repairs.",
        background="We are changing how repairs work.\n\nYour views decide what changes.",
        audience=audience,
        is_anonymous=anonymous,
        opens_at=now - DAY,
        closes_at=now + 7 * DAY,
    )
    services.question_add(
        consultation=consultation,
        kind=QuestionKind.RATING,
        text="How good is the repairs service?",
        required=True,
    )
    services.question_add(
        consultation=consultation,
        kind=QuestionKind.SINGLE_CHOICE,
        text="Which day suits you for repairs?",
        options=["Weekdays", "Saturdays"],
    )
    services.question_add(
        consultation=consultation,
        kind=QuestionKind.MULTIPLE_CHOICE,
        text="How should we contact you?",
        options=["Email", "Phone", "Letter"],
    )
    services.question_add(
        consultation=consultation,
        kind=QuestionKind.RANKING,
        text="Put these in order",
        options=["Speed", "Quality", "Politeness"],
    )
    services.question_add(
        consultation=consultation, kind=QuestionKind.FREE_TEXT, text="Anything else?"
    )
    services.consultation_publish(consultation=consultation)
    return consultation


def answers_for(consultation: Consultation, **overrides: Any) -> dict[int, Any]:
    """A full, valid set of answers keyed by question id; override by question kind."""
    values = {
        QuestionKind.RATING: 4,
        QuestionKind.SINGLE_CHOICE: "Weekdays",
        QuestionKind.MULTIPLE_CHOICE: ["Email", "Letter"],
        QuestionKind.RANKING: ["Quality", "Speed", "Politeness"],
        QuestionKind.FREE_TEXT: "More evening appointments, please.",
    }
    values.update(overrides)
    return {question.pk: values[question.kind] for question in consultation.questions.all()}


def close(consultation: Consultation) -> Consultation:
    """Move the dates so the consultation closed yesterday (as time passing would)."""
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - 10 * DAY, closes_at=now - DAY
    )
    consultation.refresh_from_db()
    return consultation


def consultation_with_results(*, landlord: Any, respondents: list[Any]) -> Consultation:
    """Answered by each respondent, closed, free text approved, results published."""
    consultation = consultation_open(landlord=landlord)
    for person in respondents:
        services.response_save(
            consultation=consultation,
            user=person,
            answers=answers_for(consultation),
            submit=True,
        )
    close(consultation)
    for answer in consultation.responses.first().answers.filter(question__kind="free_text"):  # type: ignore[union-attr]
        services.answer_moderate(answer=answer, moderated_by=None, approve=True)
    services.consultation_results_publish(consultation=consultation)
    return consultation


def consultation_document(consultation: Consultation) -> ConsultationDocument:
    return services.consultation_document_add(
        consultation=consultation, title="Draft plan", file=ContentFile(PDF, name="plan.pdf")
    )


def panel_with_chair(*, landlord: Any, chair: Any) -> Panel:
    panel = services.panel_create(
        landlord=landlord,
        name="Residents' Scrutiny Panel",
        terms_of_reference="We review one service at a time.",
    )
    services.panel_member_add(panel=panel, user=chair, role=PanelRole.CHAIR)
    return panel


def review_with_recommendations(
    *, panel: Panel, by: Any, count: int = 2, stage: str = ReviewStage.ANSWERING
) -> Review:
    """A review taken to `stage` (up to answering), with `count` recommendations."""
    review = services.review_create(
        panel=panel,
        title="Complaints handling",
        review_type="in_depth",
        scope="How complaints are handled.",
        started_by=by,
    )
    order = [ReviewStage.EVIDENCE, ReviewStage.REPORT, ReviewStage.ANSWERING]
    for next_stage in order:
        if review.stage == stage:
            break
        if next_stage == ReviewStage.ANSWERING:
            review.report_summary = "Complaints take too long."
            review.save()
        services.review_stage_move(review=review, stage=next_stage, moved_by=by)
        review.refresh_from_db()
        if next_stage == ReviewStage.REPORT:
            for number in range(1, count + 1):
                services.recommendation_add(review=review, text=f"Recommendation text {number}")
    return review


def topic_round(panel: Panel) -> TopicRound:
    return services.topic_round_open(
        panel=panel, title="Choose our next review", closes_at=timezone.now() + 7 * DAY
    )


def panel_notes(panel: Panel, by: Any) -> Any:
    return services.panel_document_add(
        panel=panel,
        uploaded_by=by,
        kind=DocumentKind.INSPECTION,
        title="Estate inspection",
        notes="The bin store door is broken.",
    )
