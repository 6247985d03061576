"""The moderation panel: who can be named, what members read (never private notes, private
evidence, comments not yet approved or who answered), their views (append-only, the latest
counts) and the moderator seeing those views beside the rest."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from residentvoice.accounts.models import Role
from residentvoice.assessment import selectors, services
from residentvoice.assessment.models import ModerationPanelView, Stage
from residentvoice.notifications.models import Notification

from ..factories import user_with_role
from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def name(cycle, people, *roles):
    return [
        services.panel_member_add(cycle=cycle, email=people[role].email, by=people["council_admin"])
        for role in roles
    ]


def url(view, landlord=None, number=1, **extra):
    kwargs = {"year": YEAR, **extra}
    if landlord is not None:
        kwargs.update(slug=landlord.slug, number=number)
    return reverse(f"assessment:{view}", kwargs=kwargs)


@pytest.fixture
def papers(cycle, landlord, people):
    """Riverside's commitment 1 taken to moderation with public and private evidence, private
    notes, an approved and a waiting residents' comment and a disagreeing reply; the panel holds
    the council officer (Riverside's reviewer) and Hillside's resident."""
    services.participation_reviewer_assign(
        participation=cycle.participations.get(landlord=landlord),
        reviewer=people["council_officer"],
    )
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = services.item_self_assess(
        item=item_of(cycle, landlord, 1),
        version=None,
        rating=rating("exceeded"),
        what_we_do="A residents' forum meets monthly",
    )
    staff = people["landlord_officer"]
    services.evidence_add(
        item=item,
        by=staff,
        title="PUBLIC-MINUTES",
        file=SimpleUploadedFile("m.pdf", PDF),
        is_public=True,
    )
    hidden = services.evidence_add(
        item=item, by=staff, title="PRIVATE-DRAFT", file=SimpleUploadedFile("d.pdf", PDF)
    )
    approved = services.reality_check_answer(
        item=item, resident=people["resident"], answer="partly", comment="APPROVED-COMMENT"
    )
    services.reality_comment_moderate(check=approved, by=people["council_admin"], approve=True)
    neighbour = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    services.reality_check_answer(
        item=item, resident=neighbour, answer="no", comment="WAITING-COMMENT"
    )
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = services.item_review(
        item=item,
        by=people["council_officer"],
        version=None,
        rating=rating("met"),
        feedback="PUBLIC-FEEDBACK",
        private_notes="SECRET-NOTE",
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    services.item_reply(
        item=item,
        by=people["landlord_admin"],
        version=None,
        position="disagree",
        reason="REPLY-REASON",
        evidence=services.EvidenceGiven(
            title="REPLY-EVIDENCE", url="https://example.org/r", is_public=True
        ),
    )
    name(cycle, people, "council_officer", "other_resident")
    move_to(cycle, Stage.MODERATION)
    return {"item": item_of(cycle, landlord, 1), "hidden": hidden, "neighbour": neighbour}


# Naming the panel ----------------------------------------------------------------------------


def test_council_staff_and_verified_residents_can_be_named_and_are_told(
    cycle, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        members = name(cycle, people, "council_officer", "resident")
    assert [m.person for m in members] == [people["council_officer"], people["resident"]]
    told = Notification.objects.get(user=people["resident"])
    assert "moderation panel for the 2024-25" in told.subject
    assert "You will not see your own landlord's commitments" in told.body
    assert told.url == url("panel-papers")


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("landlord_officer", "Landlord staff cannot sit on the moderation panel"),
        ("signed_in", "Nobody with that email address is council staff or a verified resident"),
    ],
)
def test_landlord_staff_and_unverified_people_cannot_be_named(cycle, people, role, message):
    with pytest.raises(ValidationError, match=message):
        name(cycle, people, role)


def test_a_person_is_named_once_and_the_frozen_panel_does_not_change(cycle, people):
    (member,) = name(cycle, people, "council_officer")
    with pytest.raises(ValidationError, match="already on the panel"):
        name(cycle, people, "council_officer")
    services.panel_member_remove(member=member, by=people["council_admin"])
    name(cycle, people, "council_officer")  # named again after being removed
    move_to(cycle, Stage.READY_TO_PUBLISH)
    with pytest.raises(services.StageError, match="frozen"):
        name(cycle, people, "council_admin")


def test_the_council_admin_names_and_removes_members_on_the_panel_page(client, cycle, people):
    client.force_login(people["council_admin"])
    response = client.post(url("panel"), {"email": people["other_resident"].email.upper()})
    assert response.status_code == 302
    body = client.get(url("panel")).content.decode()
    assert "Resident of Hillside Housing" in body
    response = client.post(url("panel"), {"email": people["landlord_admin"].email})
    assert response.status_code == 200
    assert "Landlord staff cannot sit on the moderation panel" in response.content.decode()
    member = cycle.panel_members.get()
    assert client.post(url("panel-member-remove", pk=member.pk)).status_code == 302
    body = client.get(url("panel")).content.decode()
    assert "No longer on the panel" in body


# What members read ---------------------------------------------------------------------------


def test_a_resident_reads_other_landlords_papers_but_nothing_private(
    client, papers, landlord, other_landlord, people
):
    client.force_login(people["other_resident"])
    listing = client.get(url("panel-papers")).content.decode()
    assert "Riverside Homes" in listing
    assert "Hillside Housing" not in listing  # their own landlord
    body = client.get(url("panel-item", landlord)).content.decode()
    for shown in ("A residents&#x27; forum meets monthly", "PUBLIC-MINUTES", "PUBLIC-FEEDBACK"):
        assert shown in body
    for shown in ("REPLY-REASON", "REPLY-EVIDENCE", "APPROVED-COMMENT"):
        assert shown in body
    for hidden in ("SECRET-NOTE", "PRIVATE-DRAFT", "WAITING-COMMENT", "neighbour@example.org"):
        assert hidden not in body
    for person in (people["resident"], papers["neighbour"]):
        assert person.full_name not in body  # never who answered
    assert client.get(url("panel-item", other_landlord)).status_code == 403
    evidence = papers["item"].evidence.get(title="PUBLIC-MINUTES")
    assert client.get(url("evidence-file", landlord, pk=evidence.pk)).status_code == 200
    assert client.get(url("evidence-file", landlord, pk=papers["hidden"].pk)).status_code == 404


def test_the_panel_reads_only_during_moderation(client, papers, cycle, landlord, people):
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.RIGHT_OF_REPLY, note="One more reply")
    client.force_login(people["other_resident"])
    assert client.get(url("panel-item", landlord)).status_code == 403
    evidence = papers["item"].evidence.get(title="PUBLIC-MINUTES")
    assert client.get(url("evidence-file", landlord, pk=evidence.pk)).status_code == 403
    body = client.get(url("panel-papers")).content.decode()
    assert "Come back when moderation starts" in body


def test_a_removed_member_reads_nothing(client, papers, cycle, landlord, people):
    member = cycle.panel_members.get(person=people["other_resident"])
    services.panel_member_remove(member=member, by=people["council_admin"])
    client.force_login(people["other_resident"])
    assert client.get(url("panel-papers")).status_code == 403
    assert client.get(url("panel-item", landlord)).status_code == 403


# Views ---------------------------------------------------------------------------------------


def test_views_are_append_only_and_the_latest_counts(client, papers, landlord, people):
    client.force_login(people["other_resident"])
    form = {"panel-rating": rating("met").pk, "panel-comment": "The minutes back it up"}
    assert client.post(url("panel-item", landlord), form).status_code == 302
    form = {"panel-rating": rating("exceeded").pk, "panel-comment": "On reflection, more"}
    assert client.post(url("panel-item", landlord), form).status_code == 302
    assert ModerationPanelView.objects.count() == 2
    opinions = selectors.panel_opinions(papers["item"])
    (opinion,) = opinions["opinions"]
    assert opinion.latest.comment == "On reflection, more"
    assert [view.comment for view in opinion.earlier] == ["The minutes back it up"]
    assert opinions["counts"] == [("Exceeded", 1)]
    body = client.get(url("panel-item", landlord)).content.decode()
    assert "(your view now)" in body
    assert "The minutes back it up" in body


def test_a_view_needs_a_rating_and_a_reason(client, papers, landlord, people):
    client.force_login(people["other_resident"])
    response = client.post(url("panel-item", landlord), {"panel-comment": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose the rating you would give" in body
    assert "Say why you would give this rating" in body
    assert not ModerationPanelView.objects.exists()


def test_conflicts_refuse_a_view(papers, cycle, landlord, other_landlord, people):
    # Riverside's own resident, named to the panel, never judges Riverside.
    name(cycle, people, "resident")
    with pytest.raises(ValidationError, match="their own landlord"):
        services.panel_view_record(
            item=papers["item"], person=people["resident"], rating=rating("met"), comment="x"
        )
    # The council officer reviewed Riverside: their rating is already the council's.
    with pytest.raises(ValidationError, match="You reviewed this landlord"):
        services.panel_view_record(
            item=papers["item"], person=people["council_officer"], rating=rating("met"), comment="x"
        )
    services.panel_view_record(
        item=item_of(cycle, other_landlord, 1),
        person=people["council_officer"],
        rating=rating("met"),
        comment="Hillside is not theirs to review",
    )
    with pytest.raises(ValidationError, match="Only members"):
        services.panel_view_record(
            item=papers["item"], person=people["council_admin"], rating=rating("met"), comment="x"
        )


def test_the_reviewer_reads_but_is_not_offered_the_form(client, papers, landlord, people):
    client.force_login(people["council_officer"])
    body = client.get(url("panel-item", landlord)).content.decode()
    assert "you do not give a panel view" in body
    assert "Record your view" not in body
    response = client.post(
        url("panel-item", landlord),
        {"panel-rating": rating("met").pk, "panel-comment": "Mine"},
    )
    assert response.status_code == 302
    assert not ModerationPanelView.objects.exists()


def test_views_are_given_only_in_moderation(papers, cycle, people):
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.RIGHT_OF_REPLY, note="Back")
    with pytest.raises(services.StageError):
        services.panel_view_record(
            item=papers["item"],
            person=people["other_resident"],
            rating=rating("met"),
            comment="Too early",
        )


def test_the_moderator_sees_the_panels_views_and_the_landlord_does_not(
    client, papers, landlord, people
):
    services.panel_view_record(
        item=papers["item"],
        person=people["other_resident"],
        rating=rating("partly_met"),
        comment="PANEL-REASON",
    )
    client.force_login(people["council_admin"])
    body = client.get(url("item", landlord)).content.decode()
    assert "The moderation panel's views" in body
    assert "PANEL-REASON" in body
    assert "Partly met: 1" in body
    assert people["other_resident"].full_name in body
    timeline = client.get(url("item-timeline", landlord)).content.decode()
    assert "Panel view given: Partly met" in timeline
    client.force_login(people["landlord_admin"])
    for page in ("item", "item-timeline"):
        body = client.get(url(page, landlord)).content.decode()
        assert "PANEL-REASON" not in body
        assert people["other_resident"].full_name not in body
