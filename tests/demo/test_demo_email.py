"""Loading the demonstration emails nobody: it writes a history of things that already happened
(stage moves, scrutiny reviews, published results), which fills people's notification lists but
must not send hundreds of emails about the past. Email afterwards works as usual.

One full demonstration load (several seconds): nothing smaller shows that every path it takes
through the services is covered.
"""

from __future__ import annotations

import pytest
from django.core import mail

from residentvoice.accounts.models import User
from residentvoice.demo.services import demo_load
from residentvoice.notifications.models import EmailState, Notification
from residentvoice.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def test_loading_the_demonstration_sends_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    assert mail.outbox == []
    told = Notification.objects.all()
    assert told.count() > 100  # the notification lists are filled all the same
    assert not told.filter(email_state=EmailState.SENT).exists()
    assert told.filter(email_state=EmailState.WITHHELD).exists()

    # A real notification after the load is emailed as usual.
    person = User.objects.get(email="resident@richmond.demo.example")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(users=[person], subject="Your landlord replied", body="Read it.")
    assert [m.to for m in mail.outbox] == [["resident@richmond.demo.example"]]
