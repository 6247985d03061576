"""What stays locked: a signed-off self-assessment (its evidence and actions too), the reply's
evidence only during the right of reply, and everything once the cycle is ready to publish."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from residentvoice.assessment import services
from residentvoice.assessment.models import Evidence, ImprovementAction, Stage

from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db

TARGET = datetime.date(2025, 12, 1)


def url(name, landlord, number=1, **extra):
    return reverse(
        f"assessment:{name}",
        kwargs={"year": YEAR, "slug": landlord.slug, "number": number, **extra},
    )


def link(item, by, title="Minutes", for_reply=False):
    return services.evidence_add(
        item=item, by=by, title=title, url="https://example.org/minutes", for_reply=for_reply
    )


@pytest.fixture
def signed_off(cycle, landlord, people):
    """Riverside's self-assessment with evidence and an action, signed off in self-assessment."""
    move_to(cycle, Stage.SELF_ASSESSMENT)
    participation = cycle.participations.get(landlord=landlord)
    for item in participation.items.all():
        services.item_self_assess(item=item, version=item.version, rating=rating("met"))
    item = item_of(cycle, landlord, 1)
    evidence = link(item, people["landlord_officer"])
    action = services.action_add(
        item=item, description="Train staff", owner="Housing team", target_date=TARGET
    )
    services.participation_submit(participation=participation, by=people["landlord_admin"])
    return {"item": item_of(cycle, landlord, 1), "evidence": evidence, "action": action}


def test_after_sign_off_evidence_cannot_be_removed(signed_off):
    with pytest.raises(services.StageError, match="signed off and submitted"):
        services.evidence_remove(evidence=signed_off["evidence"])
    assert Evidence.objects.get(pk=signed_off["evidence"].pk).removed_at is None


def test_after_sign_off_no_action_can_be_added(signed_off):
    with pytest.raises(services.StageError, match="signed off and submitted"):
        services.action_add(
            item=signed_off["item"], description="More", owner="Team", target_date=TARGET
        )
    assert ImprovementAction.objects.count() == 1


def test_after_sign_off_action_progress_can_still_be_updated(signed_off):
    """The guide: progress can be updated until moderation ends."""
    services.action_update(action=signed_off["action"], status="in_progress")
    assert ImprovementAction.objects.get().status == "in_progress"


def test_a_commitment_reopened_for_self_assessment_takes_evidence_and_actions_again(
    signed_off, cycle
):
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = services.item_reopen(
        item=signed_off["item"], stage=Stage.SELF_ASSESSMENT, reason="Wrong file attached"
    )
    services.evidence_remove(evidence=Evidence.objects.get(pk=signed_off["evidence"].pk))
    services.action_add(item=item, description="More", owner="Team", target_date=TARGET)
    assert Evidence.objects.get(pk=signed_off["evidence"].pk).removed_at is not None


def test_the_page_offers_neither_removal_nor_new_actions_after_sign_off(
    client, signed_off, landlord, people
):
    client.force_login(people["landlord_officer"])
    body = client.get(url("item", landlord)).content.decode()
    assert "Minutes" in body
    assert "Remove<span" not in body
    assert "Add an improvement action" not in body
    assert 'Save<span class="govuk-visually-hidden"> progress' in body  # progress still open
    response = client.post(url("evidence-remove", landlord, pk=signed_off["evidence"].pk))
    assert response.status_code == 302
    assert Evidence.objects.get(pk=signed_off["evidence"].pk).removed_at is None
    response = client.post(
        url("action-add", landlord),
        {"action-description": "x", "action-owner": "y", "action-target_date": "2025-12-01"},
    )
    assert "signed off and submitted" in response.content.decode()
    assert ImprovementAction.objects.count() == 1


def test_in_the_right_of_reply_only_the_replys_own_evidence_can_be_removed(
    client, cycle, landlord, people
):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    claimed = link(item, people["landlord_officer"], title="Self-assessment minutes")
    move_to(cycle, Stage.COUNCIL_REVIEW)
    services.item_review(
        item=item, by=people["council_admin"], version=None, rating=rating("partly_met")
    )
    move_to(cycle, Stage.RIGHT_OF_REPLY)
    replied = link(item, people["landlord_officer"], title="Reply minutes", for_reply=True)
    with pytest.raises(services.StageError):
        services.evidence_remove(evidence=claimed)
    client.force_login(people["landlord_admin"])
    body = client.get(url("item", landlord)).content.decode()
    assert 'Remove<span class="govuk-visually-hidden"> Reply minutes' in body
    assert 'Remove<span class="govuk-visually-hidden"> Self-assessment minutes' not in body
    services.evidence_remove(evidence=replied)
    assert Evidence.objects.get(pk=replied.pk).removed_at is not None
    assert Evidence.objects.get(pk=claimed.pk).removed_at is None
    move_to(cycle, Stage.MODERATION)
    other = item_of(cycle, landlord, 1)
    late = Evidence.objects.create(item=other, kind="link", title="Late", for_reply=True)
    with pytest.raises(services.StageError):
        services.evidence_remove(evidence=late)


def test_ready_to_publish_refuses_reopening_and_hides_the_form(client, cycle, landlord, people):
    move_to(cycle, Stage.READY_TO_PUBLISH)
    item = item_of(cycle, landlord, 1)
    with pytest.raises(ValidationError, match="move the cycle back to moderation first"):
        services.item_reopen(item=item, stage=Stage.MODERATION, reason="A typo")
    client.force_login(people["council_admin"])
    body = client.get(url("item", landlord)).content.decode()
    assert "Reopen this commitment" not in body
    response = client.post(
        url("item-reopen", landlord), {"reopen-stage": "moderation", "reopen-reason": "A typo"}
    )
    assert response.status_code == 200
    assert item_of(cycle, landlord, 1).reopened_for == ""


def test_an_item_reopened_before_ready_to_publish_is_frozen_with_the_rest(cycle, landlord, people):
    move_to(cycle, Stage.MODERATION)
    item = services.item_reopen(
        item=item_of(cycle, landlord, 1), stage=Stage.MODERATION, reason="Check"
    )
    move_to(cycle, Stage.READY_TO_PUBLISH)
    with pytest.raises(services.StageError, match="frozen"):
        services.item_moderate(
            item=item, by=people["council_admin"], version=None, rating=rating("met"), rationale="x"
        )
    services.cycle_stage_move(cycle=cycle, to_stage=Stage.MODERATION, note="One more look")
    services.item_moderate(
        item=item, by=people["council_admin"], version=None, rating=rating("met"), rationale="x"
    )
