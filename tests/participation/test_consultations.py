"""Consultations: answering, saving and coming back, closing, anonymity, paper responses,
moderation, results and the outcome that makes a consultation complete."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from residentvoice.accounts.models import Role
from residentvoice.notifications.models import Notification
from residentvoice.participation import services
from residentvoice.participation.models import (
    Answer,
    Audience,
    ConsultationStatus,
    FormatRequest,
    Moderation,
    RegisterEntry,
    Response,
)
from residentvoice.participation.selectors.consultations import consultation_results

from ..factories import user_with_role
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(landlord, people):
    return builders.consultation_open(landlord=landlord, staff=people["landlord_officer"])


def test_a_resident_saves_comes_back_changes_and_submits(consultation, people):
    resident = people["resident"]
    rating = consultation.questions.get(kind="rating")
    draft = services.response_save(
        consultation=consultation, user=resident, answers={rating.pk: 2}, submit=False
    )
    assert draft.submitted_at is None
    assert services.response_of(consultation, resident).pk == draft.pk
    final = services.response_save(
        consultation=consultation,
        user=resident,
        answers=builders.answers_for(consultation, rating=5),
        submit=True,
    )
    assert final.pk == draft.pk
    assert final.submitted_at is not None
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert Answer.objects.get(response=final, question=rating).value == 5
    # Changing after submitting keeps one response and the new answer.
    services.response_save(
        consultation=consultation,
        user=resident,
        answers=builders.answers_for(consultation, rating=1),
        submit=True,
    )
    assert Answer.objects.get(response=final, question=rating).value == 1
    assert Answer.objects.filter(response=final).count() == 5


def test_submitting_needs_the_required_questions_and_saves_nothing_otherwise(consultation, people):
    choice = consultation.questions.get(kind="single_choice")
    with pytest.raises(ValidationError) as error:
        services.response_save(
            consultation=consultation,
            user=people["resident"],
            answers={choice.pk: "Weekdays"},
            submit=True,
        )
    rating = consultation.questions.get(kind="rating")
    assert f"q_{rating.pk}" in error.value.error_dict
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("rating", 9),
        ("rating", "lots"),
        ("single_choice", "Sundays"),
        ("multiple_choice", ["Email", "Pigeon"]),
        ("ranking", ["Speed", "Speed", "Quality"]),
        ("ranking", ["Speed"]),
        ("free_text", "x" * 5001),
    ],
)
def test_bad_answers_are_refused_with_the_question_named(consultation, people, kind, value):
    question = consultation.questions.get(kind=kind)
    with pytest.raises(ValidationError) as error:
        services.response_save(
            consultation=consultation,
            user=people["resident"],
            answers=builders.answers_for(consultation, **{kind: value}),
            submit=True,
        )
    assert f"q_{question.pk}" in error.value.error_dict
    assert not Response.objects.exists()


def test_free_text_is_stored_exactly_as_typed(consultation, people):
    typed = "  <script>alert('hi')</script>\n  & line two  "
    services.response_save(
        consultation=consultation,
        user=people["resident"],
        answers=builders.answers_for(consultation, free_text=typed),
        submit=True,
    )
    answer = Answer.objects.get(question__kind="free_text")
    assert answer.value == typed
    assert answer.moderation == Moderation.WAITING


def test_answering_after_close_is_refused_and_nothing_recorded(consultation, people):
    builders.close(consultation)
    with pytest.raises(ValidationError, match="closed"):
        services.response_save(
            consultation=consultation,
            user=people["resident"],
            answers=builders.answers_for(consultation),
            submit=True,
        )
    assert not Response.objects.exists()


@pytest.mark.parametrize("role", ["other_resident", "landlord_officer", "signed_in"])
def test_a_landlords_residents_only_consultation_refuses_everyone_else(consultation, people, role):
    with pytest.raises(ValidationError, match="not open to you"):
        services.response_save(
            consultation=consultation,
            user=people[role],
            answers=builders.answers_for(consultation),
            submit=True,
        )
    assert not Response.objects.exists()


def test_borough_and_public_audiences(landlord, people):
    borough = builders.consultation_open(landlord=landlord, audience=Audience.BOROUGH)
    services.response_save(
        consultation=borough,
        user=people["other_resident"],
        answers=builders.answers_for(borough),
        submit=True,
    )
    with pytest.raises(ValidationError):
        services.response_save(
            consultation=borough,
            user=people["signed_in"],
            answers=builders.answers_for(borough),
            submit=True,
        )
    public = builders.consultation_open(landlord=None, audience=Audience.PUBLIC)
    services.response_save(
        consultation=public,
        user=people["signed_in"],
        answers=builders.answers_for(public),
        submit=True,
    )
    assert Response.objects.filter(submitted_at__isnull=False).count() == 2


def test_anonymous_responses_keep_no_link_and_lose_even_the_key_when_results_publish(
    landlord, people
):
    consultation = builders.consultation_open(landlord=landlord, anonymous=True)
    resident = people["resident"]
    services.response_save(
        consultation=consultation,
        user=resident,
        answers=builders.answers_for(consultation),
        submit=True,
        follow=True,
    )
    response = Response.objects.get()
    assert response.respondent is None
    assert len(response.anonymous_key) == 64  # a keyed hash, not the account
    # The person can come back to it while it is open...
    assert services.response_of(consultation, resident) == response
    # ...and answering again changes the same response.
    services.response_save(
        consultation=consultation,
        user=resident,
        answers=builders.answers_for(consultation, rating=1),
        submit=True,
    )
    assert Response.objects.count() == 1
    builders.close(consultation)
    services.consultation_results_publish(consultation=consultation)
    response.refresh_from_db()
    consultation.refresh_from_db()
    assert response.anonymous_key == ""
    assert consultation.anonymity_salt == ""
    assert services.response_of(consultation, resident) is None
    # Followers are told, though nothing ties the follow to the response.
    assert Notification.objects.filter(user=resident, subject__startswith="Results").exists()


def test_staff_enter_a_paper_response_for_a_resident(consultation, people):
    response = services.response_enter(
        consultation=consultation,
        entered_by=people["landlord_officer"],
        channel="paper",
        respondent=people["resident"],
        reference="P-17",
        answers=builders.answers_for(consultation),
    )
    assert response.channel == "paper"
    assert response.entered_by == people["landlord_officer"]
    assert response.respondent == people["resident"]
    with pytest.raises(ValidationError):
        services.response_enter(
            consultation=consultation,
            entered_by=people["landlord_officer"],
            channel="phone",
            respondent=people["resident"],
            answers=builders.answers_for(consultation),
        )
    with pytest.raises(ValidationError):
        services.response_enter(
            consultation=consultation,
            entered_by=people["other_landlord_admin"],
            channel="phone",
            answers=builders.answers_for(consultation),
        )
    assert Response.objects.count() == 1


def test_another_format_request_reaches_the_landlords_staff(consultation, people):
    services.format_request_create(
        consultation=consultation,
        user=people["resident"],
        format="translation",
        details="Polish",
    )
    assert FormatRequest.objects.get().details == "Polish"
    told = set(Notification.objects.values_list("user__email", flat=True))
    assert told == {"officer@example.org", "ll-admin@example.org"}
    with pytest.raises(ValidationError):
        services.format_request_create(
            consultation=consultation, user=people["resident"], format="translation"
        )


def test_results_count_every_kind_and_show_only_approved_free_text(landlord, people):
    second = user_with_role(Role.RESIDENT, landlord, email="second@example.org")
    consultation = builders.consultation_open(landlord=landlord)
    services.response_save(
        consultation=consultation,
        user=people["resident"],
        answers=builders.answers_for(consultation, free_text="Kind words"),
        submit=True,
    )
    services.response_save(
        consultation=consultation,
        user=second,
        answers=builders.answers_for(
            consultation,
            rating=2,
            single_choice="Saturdays",
            multiple_choice=["Phone"],
            ranking=["Speed", "Quality", "Politeness"],
            free_text="Names a neighbour",
        ),
        submit=True,
    )
    # A draft never counts.
    services.response_save(
        consultation=consultation,
        user=user_with_role(Role.RESIDENT, landlord, email="third@example.org"),
        answers={consultation.questions.get(kind="rating").pk: 1},
        submit=False,
    )
    builders.close(consultation)
    kind_words, neighbour = Answer.objects.filter(question__kind="free_text").order_by("pk")
    services.answer_moderate(
        answer=kind_words, moderated_by=people["landlord_officer"], approve=True
    )
    services.answer_moderate(
        answer=neighbour, moderated_by=people["landlord_officer"], approve=False
    )
    with CaptureQueriesContext(connection) as queries:
        results = consultation_results(consultation)
    assert len(queries) == 3
    by_kind = {result.question.kind: result for result in results.questions}
    assert results.responses == 2
    assert by_kind["rating"].average == 3.0
    assert {label: count for label, count, _ in by_kind["rating"].rows}["2"] == 1
    assert [row[:2] for row in by_kind["single_choice"].rows] == [("Weekdays", 1), ("Saturdays", 1)]
    assert {label: count for label, count, _ in by_kind["multiple_choice"].rows} == {
        "Email": 1,
        "Phone": 1,
        "Letter": 1,
    }
    ranking = {label: place for label, place, _ in by_kind["ranking"].ranking}
    assert ranking == {"Quality": 1.5, "Speed": 1.5, "Politeness": 3.0}
    assert [answer.value for answer in by_kind["free_text"].texts] == ["Kind words"]


def test_moderation_waits_for_the_close(consultation, people):
    services.response_save(
        consultation=consultation,
        user=people["resident"],
        answers=builders.answers_for(consultation),
        submit=True,
    )
    with pytest.raises(ValidationError):
        services.answer_moderate(
            answer=Answer.objects.get(question__kind="free_text"),
            moderated_by=people["landlord_officer"],
            approve=True,
        )


def test_complete_only_once_views_considered_and_it_enters_the_register(landlord, people):
    consultation = builders.consultation_with_results(
        landlord=landlord, respondents=[people["resident"]]
    )
    assert consultation.status == ConsultationStatus.RESULTS
    with pytest.raises(ValidationError) as error:
        services.consultation_outcome_publish(
            consultation=consultation, said_summary="", considered="", actions="", status="done"
        )
    assert {"said_summary", "considered"} <= set(error.value.error_dict)
    services.consultation_outcome_publish(
        consultation=consultation,
        said_summary="You want evening appointments.",
        considered="We will offer them from April.",
        actions="Evening slots added.",
        status="in_progress",
    )
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.COMPLETE
    entry = RegisterEntry.objects.get(source_kind="consultation", source_id=str(consultation.pk))
    assert entry.is_public
    assert entry.residents_said == "You want evening appointments."
    assert entry.status == "in_progress"
    told = Notification.objects.filter(user=people["resident"], subject__contains="considered")
    assert told.count() == 1
    # Publishing again with a new status updates the same entry and tells people once more.
    services.consultation_outcome_publish(
        consultation=consultation,
        said_summary="You want evening appointments.",
        considered="We will offer them from April.",
        actions="Evening slots running.",
        status="done",
    )
    assert RegisterEntry.objects.count() == 1
    assert RegisterEntry.objects.get().status == "done"
    assert (
        Notification.objects.filter(user=people["resident"], subject__startswith="Update").count()
        == 1
    )


def test_the_participation_strategy_template(landlord, people):
    consultation = services.consultation_create_from_template(
        created_by=people["landlord_admin"],
        landlord=landlord,
        template="participation_strategy",
        opens_at=builders.timezone.now(),
        closes_at=builders.timezone.now() + 30 * builders.DAY,
    )
    assert consultation.title == "Help design our resident participation strategy"
    kinds = set(consultation.questions.values_list("kind", flat=True))
    assert kinds == {"rating", "multiple_choice", "ranking", "single_choice", "free_text"}
    assert consultation.published_at is None
    with pytest.raises(ValidationError):
        services.consultation_create_from_template(
            created_by=people["landlord_admin"],
            landlord=landlord,
            template="../../etc/passwd",
            opens_at=builders.timezone.now(),
            closes_at=builders.timezone.now() + builders.DAY,
        )


def test_questions_are_fixed_once_published(consultation):
    with pytest.raises(ValidationError):
        services.question_add(consultation=consultation, kind="free_text", text="Late question")
    with pytest.raises(ValidationError):
        services.consultation_update(consultation=consultation, audience="public")
    services.consultation_update(consultation=consultation, title="A clearer title")


def test_staff_of_another_landlord_cannot_create_for_this_one(landlord, people):
    with pytest.raises(ValidationError):
        services.consultation_create(
            created_by=people["other_landlord_admin"],
            landlord=landlord,
            title="Not mine",
            summary="",
            background="",
            audience="public",
            is_anonymous=False,
            opens_at=builders.timezone.now(),
            closes_at=builders.timezone.now() + builders.DAY,
        )
