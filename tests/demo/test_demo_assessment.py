"""The demonstration's charter assessments: two past cycles ready to publish, the current one in
council review, every landlord taking part, all synthetic, the same every time, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.apps import apps
from django.db.models import ProtectedError
from django.urls import reverse

from residentvoice.accounts.models import User
from residentvoice.assessment.models import (
    AssessmentCycle,
    AssessmentItem,
    Evidence,
    ImprovementAction,
    RealityCheck,
    RealityCheckSession,
    ReplyPosition,
    Stage,
    StageMove,
)
from residentvoice.assessment.selectors import cycle_list
from residentvoice.demo.assessment import assessment_demo_load
from residentvoice.demo.services import demo_load
from residentvoice.organisations.models import Landlord

pytestmark = pytest.mark.django_db

LANDLORD_COMMITMENTS = 17  # the default charter's 18 less the one the council alone makes


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _items(year: str):
    return AssessmentItem.objects.filter(participation__cycle__reporting_year=year)


def _snapshot() -> list[tuple]:
    """What a reader of the demonstration sees, in a fixed order, without database ids."""
    return list(
        AssessmentItem.objects.order_by(
            "participation__cycle__reporting_year", "landlord__name", "commitment__number"
        ).values_list(
            "participation__cycle__reporting_year",
            "landlord__slug",
            "commitment__number",
            "self_rating__code",
            "self_not_applicable",
            "what_we_do",
            "council_rating__code",
            "council_feedback",
            "reply_position",
            "reply_reason",
            "final_rating__code",
            "final_rationale",
            "version",
        )
    )


def test_past_cycles_are_moderated_and_the_current_one_is_in_review(client, settings):
    result = demo_load()
    assert {"assessment cycle 2022-23", "assessment cycle 2024-25"} <= set(result.created)
    stages = {cycle.reporting_year: cycle.stage for cycle in cycle_list()}
    assert stages["2024-25"] == Stage.COUNCIL_REVIEW
    # 2023-24 waits at "ready to publish" for the publication step, which may then publish it.
    assert stages["2022-23"] in (Stage.READY_TO_PUBLISH, Stage.PUBLISHED)
    assert stages["2023-24"] in (Stage.READY_TO_PUBLISH, Stage.PUBLISHED)
    assert set(AssessmentCycle.objects.values_list("is_demo", flat=True)) == {True}
    landlords = Landlord.objects.count()
    assert landlords == 20
    for year in ("2022-23", "2023-24", "2024-25"):
        assert _items(year).count() == 20 * LANDLORD_COMMITMENTS
        # Every move was made through the services and recorded, one stage at a time.
        moves = list(
            StageMove.objects.filter(cycle__reporting_year=year)
            .order_by("moved_at", "pk")
            .values_list("stage", flat=True)
        )
        assert moves[:4] == ["preparation", "self_assessment", "council_review", *moves[3:4]]
    for year in ("2022-23", "2023-24"):
        past = _items(year)
        assert all(item.is_moderated for item in past)
        disagreed = past.filter(reply_position=ReplyPosition.DISAGREE)
        assert 1 <= disagreed.count() <= 30  # a few disagreements, each with a reason
        assert not disagreed.filter(reply_reason="").exists()
        assert Evidence.objects.filter(item__in=disagreed, for_reply=True).count() == (
            disagreed.count()
        )
        # The final results were set through the moderation service: each has its history row.
        moderated = AssessmentItem.history.filter(
            participation__cycle__reporting_year=year, moderated_at__isnull=False
        ).values("id")
        assert moderated.distinct().count() == past.count()
        assert not past.filter(council_rating__isnull=True, self_not_applicable=False).exists()
        assert past.filter(self_not_applicable=True, final_not_applicable=True).count() == 2
    current = _items("2024-25")
    reviewed = current.filter(reviewed_at__isnull=False).count()
    assert 0 < reviewed < current.count()  # some of the council's ratings are in
    assert not current.filter(final_rating__isnull=False).exists()
    assert current.filter(evidence_requests__answered_at__isnull=True).exists()
    unsubmitted = set(
        AssessmentCycle.objects.get(reporting_year="2024-25")
        .participations.filter(submitted_at__isnull=True)
        .values_list("landlord__short_name", flat=True)
    )
    assert unsubmitted == {"Whitton Road", "Old Deer Park"}
    # Improvement actions, evidence links on example.org only, reality checks and sessions.
    assert ImprovementAction.objects.filter(item__in=current).exists()
    assert not Evidence.objects.exclude(url__startswith="https://example.org/").exists()
    resident = User.objects.get(email="resident@richmond.demo.example")
    checks = RealityCheck.objects.filter(resident=resident)
    assert Counter(checks.values_list("item__participation__cycle__reporting_year", flat=True)) == {
        "2022-23": 3,
        "2023-24": 3,
        "2024-25": 3,
    }
    assert set(checks.values_list("item__landlord__short_name", flat=True)) == {"RHP"}
    assert RealityCheckSession.objects.count() == 5
    # The demonstration people are named as the authors of the changes.
    officer = User.objects.get(email="rhp.officer@richmond.demo.example")
    assert AssessmentItem.history.filter(history_user=officer).exists()
    # The cycle's pages say the data is synthetic.
    client.force_login(User.objects.get(email="council.admin@richmond.demo.example"))
    settings.DEMO_MODE = True
    page = client.get(reverse("assessment:cycle", kwargs={"year": "2024-25"}))
    assert "synthetic demonstration data" in page.content.decode()


def test_loading_twice_changes_nothing():
    demo_load()
    before = _row_counts()
    history = AssessmentItem.history.count()
    again = demo_load()
    assert [label for label in again.created if label.startswith("assessment")] == []
    assert AssessmentItem.history.count() == history
    assert _row_counts() == before  # every table, history tables included


def test_the_same_demonstration_is_built_every_time():
    demo_load()
    first = _snapshot()
    assert len(first) == 3 * 20 * LANDLORD_COMMITMENTS
    # Build the assessments again from nothing (the rest of the demonstration stays), clearing
    # first whatever later steps made from them, such as published copies.
    while True:
        try:
            AssessmentCycle.objects.all().delete()
            break
        except ProtectedError as error:
            for dependent in error.protected_objects:
                dependent.delete()
    landlords = list(Landlord.objects.order_by("name"))
    assert len(assessment_demo_load(landlords=landlords)) == 3
    assert _snapshot() == first
