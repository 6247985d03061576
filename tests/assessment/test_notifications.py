"""Who hears what in the yearly assessment: stage openings, evidence requests, replies and the
reminders 7 and 2 days before a stage closes, each on the person's list and by email as they
prefer (straight away or in a digest)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from residentvoice.assessment import notifications, services
from residentvoice.assessment.models import Stage
from residentvoice.notifications.models import EmailState, Frequency, Notification
from residentvoice.notifications.services import notification_preference_set

from .conftest import item_of, move_to, rating

pytestmark = pytest.mark.django_db(transaction=True)


def told(user, text):
    return Notification.objects.filter(user=user, subject__contains=text)


def test_opening_self_assessment_tells_landlord_staff_not_residents(cycle, people):
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.SELF_ASSESSMENT)
    for role in ("landlord_officer", "landlord_admin", "other_landlord_admin"):
        assert told(people[role], "Landlord self-assessment has started").count() == 1
    for role in ("resident", "council_officer", "council_admin"):
        assert not told(people[role], "has started").exists()
    assert any("Landlord self-assessment has started" in m.subject for m in mail.outbox)


def test_a_digest_reader_is_not_emailed_straight_away(cycle, people):
    notification_preference_set(user=people["landlord_admin"], frequency=Frequency.DAILY)
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.SELF_ASSESSMENT)
    waiting = told(people["landlord_admin"], "has started").get()
    assert waiting.email_state == EmailState.WAITING
    assert all(people["landlord_admin"].email not in m.to for m in mail.outbox)


def test_an_evidence_request_tells_the_landlords_staff(cycle, landlord, people):
    move_to(cycle, Stage.COUNCIL_REVIEW)
    services.evidence_request_create(
        item=item_of(cycle, landlord, 4),
        by=people["council_officer"],
        message="Send the panel's minutes",
        due_on=datetime.date.today(),
    )
    notice = told(people["landlord_officer"], "More evidence asked for: commitment 4").get()
    assert "Send the panel's minutes" in notice.body
    assert not told(people["other_landlord_admin"], "More evidence").exists()


def test_a_reply_tells_the_assigned_reviewer(cycle, landlord, people):
    services.participation_reviewer_assign(
        participation=cycle.participations.get(landlord=landlord),
        reviewer=people["council_officer"],
    )
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = item_of(cycle, landlord, 2)
    item = services.item_review(
        item=item, by=people["council_officer"], version=item.version, rating=rating("not_met")
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    services.item_reply(
        item=item,
        by=people["landlord_admin"],
        version=item.version,
        position="disagree",
        reason="The panel met monthly",
        evidence=services.EvidenceGiven(title="Minutes", url="https://example.org/minutes"),
    )
    notice = told(people["council_officer"], "replied on commitment 2").get()
    assert "The panel met monthly" in notice.body


def test_deadline_reminders_come_7_and_2_days_before_and_only_once(cycle, people):
    closes = datetime.date(2024, 6, 30)
    services.cycle_stage_dates_set(cycle=cycle, stage_dates={"self_assessment": (None, closes)})
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.SELF_ASSESSMENT)
    officer = people["landlord_officer"]
    assert notifications.deadline_reminders_send(today=closes - datetime.timedelta(days=6)) == 0
    assert notifications.deadline_reminders_send(today=closes - datetime.timedelta(days=7)) == 1
    notifications.deadline_reminders_send(today=closes - datetime.timedelta(days=7))
    assert told(officer, "closes in 7 days").count() == 1
    notifications.deadline_reminders_send(today=closes - datetime.timedelta(days=2))
    assert told(officer, "closes in 2 days").count() == 1


def test_evidence_requests_are_reminded_7_and_2_days_before_due_once_each(cycle, landlord, people):
    move_to(cycle, Stage.COUNCIL_REVIEW)
    due = datetime.date.today() + datetime.timedelta(days=9)
    request = services.evidence_request_create(
        item=item_of(cycle, landlord, 4),
        by=people["council_officer"],
        message="Send the panel's minutes",
        due_on=due,
    )
    officer, outsider = people["landlord_officer"], people["other_landlord_admin"]

    def remind(days_before_due: int) -> int:
        return notifications.evidence_request_reminders_send(
            today=due - datetime.timedelta(days=days_before_due)
        )

    assert remind(8) == 0
    assert remind(7) == 1
    remind(7)  # run twice on the same day: nobody is told twice
    seven = told(officer, "More evidence is due in 7 days: commitment 4").get()
    assert "Send the panel's minutes" in seven.body
    assert seven.url.endswith("/landlords/riverside/4/")
    assert remind(2) == 1
    assert told(officer, "due in 2 days").count() == 1
    assert told(people["landlord_admin"], "due in 2 days").count() == 1
    assert not told(outsider, "More evidence is due").exists()
    assert not told(people["council_officer"], "More evidence is due").exists()
    # An answered request, or one in a cycle that has moved on, is not reminded.
    request.answered_at = request.created_at
    request.save()
    assert remind(2) == 0


def test_evidence_requests_are_not_reminded_once_the_cycle_moves_on(cycle, landlord, people):
    move_to(cycle, Stage.COUNCIL_REVIEW)
    due = datetime.date.today() + datetime.timedelta(days=7)
    services.evidence_request_create(
        item=item_of(cycle, landlord, 4), by=people["council_officer"], message="More", due_on=due
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    assert notifications.evidence_request_reminders_send(today=datetime.date.today()) == 0
    assert not told(people["landlord_officer"], "More evidence is due").exists()
