"""Participation pages as people use them: answering through the form, refusals that record
nothing, escaped text, private documents, voting, results, and a resident's own data."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from residentvoice.accounts.models import Role
from residentvoice.participation import services
from residentvoice.participation.models import (
    Answer,
    Consultation,
    ContentReport,
    Question,
    Response,
    TopicProposal,
    TopicVote,
)

from ..factories import user_with_role
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(landlord, people):
    return builders.consultation_open(landlord=landlord, staff=people["landlord_officer"])


def _form_data(consultation: Consultation, action: str, **values) -> dict[str, object]:
    data: dict[str, object] = {"action": action, "follow": "on"}
    for question in consultation.questions.all():
        name = f"q_{question.pk}"
        if question.kind == "rating":
            data[name] = values.get("rating", "4")
        elif question.kind == "single_choice":
            data[name] = "Saturdays"
        elif question.kind == "multiple_choice":
            data[name] = ["Email", "Phone"]
        elif question.kind == "ranking":
            # Speed 2nd, Quality 1st, Politeness 3rd
            for index, place in enumerate(values.get("ranking", ["2", "1", "3"])):
                data[f"{name}_{index}"] = place
        else:
            data[name] = values.get("free_text", "Evening visits")
    return data


def test_a_resident_answers_through_the_form_and_can_change_it(client, consultation, people):
    client.force_login(people["resident"])
    url = reverse("participation:consultation-answer", args=[consultation.pk])
    page = client.get(url).content.decode()
    assert "Put these in order" in page
    assert "Save and come back later" in page
    response = client.post(url, _form_data(consultation, "save"))
    assert response.status_code == 302
    saved = Response.objects.get()
    assert saved.submitted_at is None
    ranking = Answer.objects.get(question__kind="ranking")
    assert ranking.value == ["Quality", "Speed", "Politeness"]
    # Coming back shows what was saved.
    again = client.get(url).content.decode()
    assert "Evening visits" in again
    client.post(url, _form_data(consultation, "submit", rating="2"))
    saved.refresh_from_db()
    assert saved.submitted_at is not None
    assert Answer.objects.get(question__kind="rating").value == 2


def test_form_errors_keep_what_was_typed(client, consultation, people):
    client.force_login(people["resident"])
    url = reverse("participation:consultation-answer", args=[consultation.pk])
    data = _form_data(consultation, "submit", rating="", ranking=["1", "1", "3"])
    page = client.post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html
    assert "Give each option a different place" in html
    assert "Evening visits" in html
    assert not Response.objects.exists()


def test_answering_after_close_is_refused_and_records_nothing(client, consultation, people):
    builders.close(consultation)
    client.force_login(people["resident"])
    url = reverse("participation:consultation-answer", args=[consultation.pk])
    response = client.post(url, _form_data(consultation, "submit"))
    assert response.status_code == 403
    assert "has closed" in response.content.decode()
    assert not Response.objects.exists()


def test_another_landlords_resident_is_refused_and_nothing_is_recorded(
    client, consultation, people
):
    client.force_login(people["other_resident"])
    url = reverse("participation:consultation-answer", args=[consultation.pk])
    assert client.post(url, _form_data(consultation, "submit")).status_code == 403
    assert not Response.objects.exists()
    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert "not open to you" in detail


def test_drafts_are_hidden_from_everyone_but_their_staff(client, landlord, people):
    draft = services.consultation_create(
        created_by=people["landlord_officer"],
        landlord=landlord,
        title="Secret plan",
        summary="",
        background="",
        audience="public",
        is_anonymous=False,
        opens_at=builders.timezone.now(),
        closes_at=builders.timezone.now() + builders.DAY,
    )
    assert client.get(draft.get_absolute_url()).status_code == 302  # sign in first
    client.force_login(people["resident"])
    assert client.get(draft.get_absolute_url()).status_code == 403
    client.force_login(people["landlord_officer"])
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_free_text_is_escaped_and_only_shown_once_approved(client, landlord, people):
    consultation = builders.consultation_open(landlord=landlord)
    services.response_save(
        consultation=consultation,
        user=people["resident"],
        answers=builders.answers_for(consultation, free_text="<script>alert(1)</script> & more"),
        submit=True,
    )
    builders.close(consultation)
    services.consultation_results_publish(consultation=consultation)
    url = reverse("participation:consultation-results", args=[consultation.pk])
    page = client.get(url).content.decode()
    assert "alert(1)" not in page
    answer = Answer.objects.get(question__kind="free_text")
    services.answer_moderate(answer=answer, moderated_by=people["landlord_officer"], approve=True)
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "<script>alert(1)" not in page
    assert 'src="data:image/svg+xml;base64,' in page  # charts...
    assert "<table" in page  # ...always with their tables
    assert people["resident"].full_name not in page  # respondents are never named
    report = reverse("participation:report-content", args=["answer", answer.pk])
    assert report in page
    client.post(report, {"reason": "It names my neighbour"})
    assert ContentReport.objects.get().landlord_id_reported == landlord.pk


def test_staff_publish_results_and_the_outcome_through_the_pages(client, landlord, people):
    consultation = builders.consultation_open(landlord=landlord)
    services.response_save(
        consultation=consultation,
        user=people["resident"],
        answers=builders.answers_for(consultation),
        submit=True,
    )
    builders.close(consultation)
    client.force_login(people["landlord_officer"])
    client.post(reverse("participation:consultation-results-publish", args=[consultation.pk]))
    outcome = reverse("participation:consultation-outcome", args=[consultation.pk])
    bad = client.post(outcome, {"said_summary": "Typed summary", "outcome_status": "done"})
    assert bad.status_code == 200
    assert "Typed summary" in bad.content.decode()
    client.post(
        outcome,
        {
            "said_summary": "You want evening visits.",
            "considered": "We agree.",
            "actions": "",
            "outcome_status": "done",
        },
    )
    consultation.refresh_from_db()
    assert consultation.status == "complete"
    assert (
        "You want evening visits." in client.get(consultation.get_absolute_url()).content.decode()
    )


def test_staff_build_a_consultation_from_the_template(client, people):
    client.force_login(people["landlord_admin"])
    response = client.post(
        reverse("participation:consultation-from-template"),
        {
            "audience": "landlord_residents",
            "opens_on": "2030-01-01",
            "closes_on": "2030-02-01",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.questions.count() == 6
    question = consultation.questions.first()
    edit = client.post(
        reverse("participation:question-edit", args=[question.pk]),
        {"kind": "single_choice", "text": "Pick one", "options": "Only one", "rating_max": "5"},
    )
    assert edit.status_code == 200
    assert "at least two options" in edit.content.decode()
    client.post(reverse("participation:consultation-publish", args=[consultation.pk]))
    consultation.refresh_from_db()
    assert consultation.published_at is not None
    assert Question.objects.get(pk=question.pk).text != "Pick one"


def test_council_consultations_cannot_be_for_one_landlords_residents(client, people):
    client.force_login(people["council_officer"])
    page = client.get(reverse("participation:consultation-create")).content.decode()
    assert "Verified residents of one landlord" not in page


def test_panel_documents_are_refused_to_residents_not_on_the_panel(
    client, landlord, people, other_landlord
):
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    document = builders.panel_notes(panel, people["landlord_officer"])
    url = reverse("participation:document-download", args=[document.pk])
    neighbour = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    client.force_login(neighbour)
    response = client.get(url)
    assert response.status_code == 403
    assert "bin store" not in response.content.decode()
    client.force_login(people["council_admin"])
    assert client.get(url).status_code == 403
    client.force_login(people["resident"])
    assert "bin store" in client.get(url).content.decode()


def test_voting_twice_through_the_page_counts_once(client, landlord, people):
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    topic_round = builders.topic_round(panel)
    first = services.topic_propose(
        round=topic_round, user=people["resident"], title="Repairs", description="Slow"
    )
    second = services.topic_propose(
        round=topic_round, user=people["resident"], title="Noise", description="Loud"
    )
    neighbour = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    client.force_login(neighbour)
    client.post(reverse("participation:topic-vote", args=[first.pk]))
    page = client.post(reverse("participation:topic-vote", args=[second.pk]), follow=True)
    assert "already voted" in page.content.decode()
    assert TopicVote.objects.count() == 1
    client.force_login(people["other_resident"])
    assert client.post(reverse("participation:topic-vote", args=[second.pk])).status_code == 403
    assert TopicVote.objects.count() == 1
    round_page = client.get(reverse("participation:round-detail", args=[topic_round.pk]))
    assert round_page.status_code == 403
    client.force_login(neighbour)
    shown = client.get(
        reverse("participation:round-detail", args=[topic_round.pk])
    ).content.decode()
    assert people["resident"].full_name not in shown  # proposers are not named


def test_a_review_page_shows_recommendations_only_once_public(client, landlord, people):
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    review = builders.review_with_recommendations(
        panel=panel, by=people["resident"], stage="report"
    )
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Recommendation text 1" not in page
    client.force_login(people["resident"])
    assert "Recommendation text 1" in client.get(review.get_absolute_url()).content.decode()
    client.logout()
    review.report_summary = "What we found."
    review.save()
    services.review_stage_move(review=review, stage="answering", moved_by=people["resident"])
    public = client.get(review.get_absolute_url()).content.decode()
    assert "Recommendation text 1" in public
    assert "Waiting for the landlord" in public


def test_my_contributions_download_and_account_deletion(client, landlord, people):
    resident = people["resident"]
    consultation = builders.consultation_open(landlord=landlord)
    services.response_save(
        consultation=consultation,
        user=resident,
        answers=builders.answers_for(consultation, free_text="My own words"),
        submit=True,
    )
    panel = builders.panel_with_chair(landlord=landlord, chair=resident)
    topic_round = builders.topic_round(panel)
    proposal = services.topic_propose(
        round=topic_round, user=resident, title="Lifts", description="Always broken"
    )
    services.topic_vote(proposal=proposal, user=resident)
    client.force_login(resident)
    data = json.loads(
        client.get(reverse("participation:my-contributions-download", args=["json"])).content
    )
    assert data["account"]["email"] == "resident@example.org"
    answers = [a["answer"] for a in data["consultation_responses"][0]["answers"]]
    assert "My own words" in answers
    assert data["scrutiny_votes"][0]["voted_for"] == "Lifts"
    csv_text = client.get(
        reverse("participation:my-contributions-download", args=["csv"])
    ).content.decode()
    assert "My own words" in csv_text
    assert (
        client.get(reverse("participation:my-contributions-download", args=["xml"])).status_code
        == 404
    )
    # Deleting the account keeps what was published, with no link to anyone.
    refused = client.post(reverse("participation:account-delete"), {})
    assert refused.status_code == 200
    assert get_user_model().objects.filter(pk=resident.pk).exists()
    client.post(reverse("participation:account-delete"), {"confirm": "on"})
    assert not get_user_model().objects.filter(email="resident@example.org").exists()
    response = Response.objects.get()
    assert response.respondent is None
    assert Answer.objects.filter(response=response, value="My own words").exists()
    assert TopicProposal.objects.get().proposed_by is None
    assert TopicVote.objects.get().voter is None
    assert client.get(reverse("participation:my-contributions")).status_code == 302


def test_staff_cannot_delete_themselves_here(client, people):
    client.force_login(people["landlord_officer"])
    page = client.post(reverse("participation:account-delete"), {"confirm": "on"})
    assert "closed by an administrator" in page.content.decode()
    assert get_user_model().objects.filter(pk=people["landlord_officer"].pk).exists()


def test_overdue_page_is_narrowed_to_the_viewers_landlord(client, landlord, other_landlord, people):
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    review = builders.review_with_recommendations(panel=panel, by=people["resident"])
    review.answer_due_on = builders.timezone.localdate() - builders.DAY
    review.save()
    client.force_login(people["landlord_admin"])
    assert (
        "Answer to recommendation 1"
        in client.get(reverse("participation:overdue")).content.decode()
    )
    client.force_login(people["other_landlord_admin"])
    assert (
        "Answer to recommendation 1"
        not in client.get(reverse("participation:overdue")).content.decode()
    )
    client.force_login(people["council_officer"])
    assert (
        "Answer to recommendation 1"
        in client.get(reverse("participation:overdue")).content.decode()
    )


def test_a_published_consultation_keeps_its_audience_and_anonymity(client, consultation, people):
    client.force_login(people["landlord_officer"])
    url = reverse("participation:consultation-edit", args=[consultation.pk])
    closes = builders.timezone.localdate(consultation.closes_at) + builders.DAY
    response = client.post(
        url,
        {
            "title": "A clearer title",
            "summary": consultation.summary,
            "background": consultation.background,
            "audience": "public",
            "is_anonymous": "on",
            "opens_on": "2020-01-01",
            "closes_on": closes.isoformat(),
        },
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "A clearer title"
    assert consultation.audience == "landlord_residents"
    assert not consultation.is_anonymous
    assert builders.timezone.localdate(consultation.closes_at) == closes
