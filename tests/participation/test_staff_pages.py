"""Staff and panel pages not covered elsewhere: moving questions, dealing with requests for other
formats, meetings' agenda, minutes and attendance, asking for and answering information; and
forged posts (places, ids) that must get a form error or a 404, never a server error."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import Role
from residentvoice.notifications.models import Notification
from residentvoice.participation import services
from residentvoice.participation.models import (
    Answer,
    Attendance,
    Consultation,
    DataRequest,
    FormatRequest,
    PanelRole,
    QuestionKind,
    Response,
)

from ..factories import user_with_role
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(landlord, people):
    consultation = services.consultation_create(
        created_by=people["landlord_officer"],
        landlord=landlord,
        title="Draft",
        summary="Draft",
        background="Draft",
        audience="landlord_residents",
        is_anonymous=False,
        opens_at=timezone.now(),
        closes_at=timezone.now() + builders.DAY,
    )
    for text in ("First", "Second", "Third"):
        services.question_add(consultation=consultation, kind=QuestionKind.FREE_TEXT, text=text)
    return consultation


def _order(consultation: Consultation) -> list[str]:
    return list(consultation.questions.order_by("position").values_list("text", flat=True))


def test_questions_move_up_and_down_through_the_page(client, draft, people):
    client.force_login(people["landlord_officer"])
    third = draft.questions.get(text="Third")
    first = draft.questions.get(text="First")

    def move(question, direction):
        url = reverse("participation:question-move", args=[question.pk])
        return client.post(url, {"direction": direction})

    assert move(third, "up").status_code == 302
    assert _order(draft) == ["First", "Third", "Second"]
    move(first, "down")
    assert _order(draft) == ["Third", "First", "Second"]
    move(draft.questions.get(text="Third"), "up")  # already first: nothing changes
    move(draft.questions.get(text="Second"), "down")  # already last
    assert _order(draft) == ["Third", "First", "Second"]


def test_questions_cannot_move_once_published(client, draft, people):
    services.consultation_publish(consultation=draft)
    client.force_login(people["landlord_officer"])
    question = draft.questions.get(text="Third")
    moved = client.post(
        reverse("participation:question-move", args=[question.pk]), {"direction": "up"}, follow=True
    )
    assert "Questions cannot change once the consultation is published" in moved.content.decode()
    assert _order(draft) == ["First", "Second", "Third"]
    with pytest.raises(ValidationError):
        services.question_move(question=question, up=True)


@pytest.fixture
def consultation(landlord, people):
    return builders.consultation_open(landlord=landlord, staff=people["landlord_officer"])


def test_staff_mark_a_format_request_dealt_with(client, consultation, people):
    request = services.format_request_create(
        consultation=consultation, user=people["resident"], format="large_print", details="18pt"
    )
    client.force_login(people["landlord_officer"])
    url = reverse("participation:consultation-formats", args=[consultation.pk])
    page = client.get(url).content.decode()
    assert "18pt" in page
    assert client.post(url, {"request": str(request.pk)}).status_code == 302
    request.refresh_from_db()
    assert request.handled_by == people["landlord_officer"]
    first_handled = request.handled_at
    # Handling again changes nothing; another member of staff is not recorded over the first.
    services.format_request_handle(request=request, handled_by=people["landlord_admin"])
    request.refresh_from_db()
    assert (request.handled_at, request.handled_by) == (first_handled, people["landlord_officer"])
    # Asking again for the same format opens it again.
    services.format_request_create(
        consultation=consultation, user=people["resident"], format="large_print", details="20pt"
    )
    request.refresh_from_db()
    assert request.handled_at is None
    assert request.details == "20pt"


@pytest.mark.parametrize("forged", ["abc", "1.5", "-1", "", "١", "9" * 40])
def test_forged_ids_on_staff_buttons_are_not_found(client, consultation, people, forged):
    services.format_request_create(
        consultation=consultation, user=people["resident"], format="braille"
    )
    client.force_login(people["landlord_officer"])
    formats = reverse("participation:consultation-formats", args=[consultation.pk])
    assert client.post(formats, {"request": forged}).status_code == 404
    builders.close(consultation)
    moderate = reverse("participation:consultation-moderate", args=[consultation.pk])
    assert client.post(moderate, {"answer": forged, "decision": "approve"}).status_code == 404
    assert FormatRequest.objects.get().handled_at is None


def test_another_consultations_ids_are_not_found_either(client, consultation, landlord, people):
    other = builders.consultation_open(landlord=landlord, title="Another one")
    services.response_save(
        consultation=other,
        user=people["resident"],
        answers=builders.answers_for(other),
        submit=True,
    )
    builders.close(consultation)
    builders.close(other)
    answer = Answer.objects.get(question__consultation=other, question__kind="free_text")
    client.force_login(people["landlord_officer"])
    moderate = reverse("participation:consultation-moderate", args=[consultation.pk])
    assert client.post(moderate, {"answer": answer.pk, "decision": "approve"}).status_code == 404
    answer.refresh_from_db()
    assert answer.moderation == "waiting"


@pytest.mark.parametrize(
    "places",
    [["x", "1", "2"], ["0", "1", "2"], ["1", "2", "9"], ["1", "1", "2"], ["1", "2", "-3"]],
)
def test_forged_ranking_places_are_a_form_error(client, consultation, people, places):
    client.force_login(people["resident"])
    url = reverse("participation:consultation-answer", args=[consultation.pk])
    data: dict[str, object] = {"action": "submit"}
    for question in consultation.questions.all():
        name = f"q_{question.pk}"
        if question.kind == "rating":
            data[name] = "4"
        elif question.kind == "ranking":
            for index, place in enumerate(places):
                data[f"{name}_{index}"] = place
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Give each option a different place" in page.content.decode()
    assert not Response.objects.exists()


# Meetings -----------------------------------------------------------------------------------------


@pytest.fixture
def panel(landlord, people):
    return builders.panel_with_chair(landlord=landlord, chair=people["resident"])


def test_the_record_of_a_meeting_agenda_minutes_and_attendance(client, panel, landlord, people):
    second = user_with_role(Role.RESIDENT, landlord, email="second@example.org")
    services.panel_member_add(panel=panel, user=second, role=PanelRole.MEMBER)
    held = timezone.now() - datetime.timedelta(hours=2)
    meeting = services.meeting_create(panel=panel, title="June meeting", held_at=held)
    chair, member = panel.members.order_by("pk")
    client.force_login(people["resident"])
    url = reverse("participation:meeting-edit", args=[meeting.pk])
    local = timezone.localtime(held)
    data = {
        "title": "June meeting",
        "held_on": local.date().isoformat(),
        "held_time": local.strftime("%H:%M"),
        "place": "Community room",
        "agenda": "1. Repairs <b>figures</b>",
        "minutes": "We agreed to ask for the repairs figures.",
        f"attendance_{chair.pk}": "present",
        f"attendance_{member.pk}": "apologies",
    }
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Community room"
    assert meeting.minutes == "We agreed to ask for the repairs figures."
    assert dict(Attendance.objects.values_list("member_id", "status")) == {
        chair.pk: "present",
        member.pk: "apologies",
    }
    page = client.get(reverse("participation:meeting-detail", args=[meeting.pk])).content.decode()
    assert "1. Repairs &lt;b&gt;figures&lt;/b&gt;" in page  # stored as typed, shown escaped
    assert "Sent apologies" in page or "apologies" in page.lower()
    # Clearing a choice removes the record; a forged status is a form error.
    data[f"attendance_{member.pk}"] = ""
    client.post(url, data)
    assert list(Attendance.objects.values_list("member_id", flat=True)) == [chair.pk]
    data[f"attendance_{member.pk}"] = "asleep"
    assert client.post(url, data).status_code == 200
    assert Attendance.objects.count() == 1


def test_attendance_only_for_the_panels_members(panel, other_landlord, people):
    meeting = services.meeting_create(panel=panel, title="Meeting", held_at=timezone.now())
    other_panel = builders.panel_with_chair(
        landlord=other_landlord,
        chair=user_with_role(Role.RESIDENT, other_landlord, email="o@example.org"),
    )
    stranger = other_panel.members.get()
    fields = {"title": "Meeting", "held_at": meeting.held_at, "place": "", "agenda": ""}
    with pytest.raises(ValidationError, match="panel's members"):
        services.meeting_update(
            meeting=meeting, minutes="", attendance={stranger.pk: "present"}, **fields
        )
    with pytest.raises(ValidationError, match="present, apologies or absent"):
        services.meeting_update(
            meeting=meeting,
            minutes="",
            attendance={panel.members.get().pk: "asleep"},
            **fields,
        )
    assert not Attendance.objects.exists()


# Information requests ---------------------------------------------------------------------------


def test_the_panel_asks_for_information_and_the_landlord_answers(client, panel, people):
    review = builders.review_with_recommendations(
        panel=panel, by=people["resident"], stage="evidence"
    )
    due = timezone.localdate() + datetime.timedelta(days=14)
    client.force_login(people["resident"])
    asked = client.post(
        reverse("participation:data-request-create", args=[review.pk]),
        {"question": "How many complaints went past 20 days?", "due_on": due.isoformat()},
    )
    assert asked.status_code == 302
    request = DataRequest.objects.get()
    assert (request.asked_by, request.due_on) == (people["resident"], due)
    told = Notification.objects.filter(user=people["landlord_officer"], topic="scrutiny")
    assert told.filter(subject__contains="asks for information").exists()
    # A date in the past is refused, and nothing is recorded.
    past = client.post(
        reverse("participation:data-request-create", args=[review.pk]),
        {"question": "Old figures", "due_on": "2020-01-01"},
    )
    assert past.status_code == 200
    assert DataRequest.objects.count() == 1
    # Residents cannot answer; the landlord's staff do.
    answer_url = reverse("participation:data-request-answer", args=[request.pk])
    assert client.get(answer_url).status_code == 403
    client.force_login(people["landlord_officer"])
    assert client.post(answer_url, {"answer": "31 of 240."}).status_code == 302
    request.refresh_from_db()
    assert request.answer == "31 of 240."
    assert request.answered_by == people["landlord_officer"]
    assert Notification.objects.filter(
        user=people["resident"], subject__contains="Information answered"
    ).exists()
    assert "31 of 240." in client.get(review.get_absolute_url()).content.decode()


def test_information_is_asked_for_only_while_gathering_evidence(panel, people):
    review = builders.review_with_recommendations(panel=panel, by=people["resident"])
    with pytest.raises(ValidationError, match="gathering evidence"):
        services.data_request_create(
            review=review,
            question="Anything",
            due_on=timezone.localdate(),
            asked_by=people["resident"],
        )
