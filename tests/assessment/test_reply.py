"""The right of reply: disagreeing needs a reason and evidence; the page lets the landlord add
evidence before saving the reply, keeping what it typed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from residentvoice.assessment import services
from residentvoice.assessment.models import Evidence, Stage

from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def replying(client, cycle, landlord, people):
    """Commitment 1 rated by the council, the cycle in the right of reply, a landlord admin
    signed in."""
    move_to(cycle, Stage.COUNCIL_REVIEW)
    services.item_review(
        item=item_of(cycle, landlord, 1),
        by=people["council_admin"],
        version=None,
        rating=rating("partly_met"),
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    client.force_login(people["landlord_admin"])
    return item_of(cycle, landlord, 1)


def page(landlord, suffix=""):
    return reverse(
        f"assessment:item{suffix}", kwargs={"year": YEAR, "slug": landlord.slug, "number": 1}
    )


def post(client, landlord, item, action="save", **fields):
    data = {
        "reply-version": item.version,
        "reply-position": "disagree",
        "reply-reason": "Our panel met six times: see the minutes",
        "reply-action": action,
    }
    data.update({f"reply-evidence-{name}": value for name, value in fields.items()})
    return client.post(page(landlord, "-reply"), data)


def test_disagreeing_without_evidence_is_refused_keeping_the_reason(client, landlord, replying):
    response = post(client, landlord, replying)
    assert response.status_code == 200
    body = response.content.decode()
    assert "give evidence with your reply" in body
    assert "Our panel met six times: see the minutes" in body
    assert item_of(replying.participation.cycle, landlord, 1).reply_position == ""


def test_evidence_added_first_then_the_reply_saved_with_the_reason_kept(client, landlord, replying):
    response = post(
        client,
        landlord,
        replying,
        action="evidence",
        title="Panel minutes 2024",
        url="https://example.org/minutes",
        is_public="on",
    )
    assert response.status_code == 302
    saved = Evidence.objects.get(item=replying)
    assert (saved.title, saved.for_reply, saved.is_public) == ("Panel minutes 2024", True, True)
    assert item_of(replying.participation.cycle, landlord, 1).reply_position == ""  # not yet
    body = client.get(page(landlord)).content.decode()
    assert "is added to your reply" in body
    assert "Our panel met six times: see the minutes" in body  # the typed reason, kept
    assert re.search(r'name="reply-position" value="disagree"[^>]*checked', body)
    assert "Panel minutes 2024" in body
    response = post(client, landlord, item_of(replying.participation.cycle, landlord, 1))
    assert response.status_code == 302
    item = item_of(replying.participation.cycle, landlord, 1)
    assert (item.reply_position, item.reply_reason) == (
        "disagree",
        "Our panel met six times: see the minutes",
    )
    body = client.get(page(landlord)).content.decode()
    assert "is added to your reply" not in body


def test_evidence_given_with_the_save_is_added_with_the_reply(client, landlord, replying):
    response = client.post(
        page(landlord, "-reply"),
        {
            "reply-version": replying.version,
            "reply-position": "disagree",
            "reply-reason": "The minutes show it",
            "reply-action": "save",
            "reply-evidence-title": "Minutes",
            "reply-evidence-file": SimpleUploadedFile("minutes.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get(item=replying, for_reply=True).content_type == "application/pdf"
    assert item_of(replying.participation.cycle, landlord, 1).reply_position == "disagree"


def test_a_refused_reply_adds_no_evidence(client, landlord, replying):
    response = client.post(
        page(landlord, "-reply"),
        {
            "reply-version": replying.version,
            "reply-position": "disagree",
            "reply-reason": "",
            "reply-action": "save",
            "reply-evidence-title": "Minutes",
            "reply-evidence-url": "https://example.org/minutes",
        },
    )
    assert response.status_code == 200
    assert "Say why you disagree" in response.content.decode()
    assert not Evidence.objects.filter(item=replying).exists()


def test_adding_nothing_as_evidence_says_what_is_needed(client, landlord, replying):
    response = post(client, landlord, replying, action="evidence")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the evidence a title, and upload a file or give a web address" in body
    assert "Our panel met six times: see the minutes" in body


def test_agreeing_needs_no_evidence(client, landlord, replying):
    response = client.post(
        page(landlord, "-reply"),
        {"reply-version": replying.version, "reply-position": "agree", "reply-action": "save"},
    )
    assert response.status_code == 302
    assert item_of(replying.participation.cycle, landlord, 1).reply_position == "agree"
