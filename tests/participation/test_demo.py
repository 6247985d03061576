"""The participation demonstration: complete, synthetic and labelled, and safe to load twice."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from residentvoice.demo.services import demo_load
from residentvoice.participation.models import (
    Consultation,
    ConsultationStatus,
    RegisterEntry,
    Review,
    SourceKind,
)
from residentvoice.participation.selectors import participation_figures

pytestmark = pytest.mark.django_db


def _participation_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("participation").get_models()
    }


def test_two_founding_landlords_have_a_completed_consultation_and_a_review():
    demo_load()
    consultations = Consultation.objects.select_related("landlord").order_by("landlord__name")
    assert sorted(c.landlord.short_name for c in consultations) == ["PA Housing", "RHP"]
    for consultation in consultations:
        assert consultation.is_synthetic
        assert consultation.status == ConsultationStatus.COMPLETE
        assert consultation.responses.filter(submitted_at__isnull=False).count() >= 12
        assert consultation.considered
    for review in Review.objects.all():
        assert review.is_synthetic
        statuses = sorted(r.status for r in review.recommendations.all())
        assert len(statuses) == 5
        assert {"done", "rejected", "in_progress"} <= set(statuses)
        assert review.recommendations.filter(status_changes__is_challenge=True).exists()
    public = RegisterEntry.objects.filter(is_public=True)
    participation_sources = [SourceKind.CONSULTATION, SourceKind.RECOMMENDATION]
    assert public.filter(source_kind__in=participation_sources).count() == 2 * (1 + 5)
    # The published assessment cycles put their reality-check outcomes in the register too.
    assert public.filter(source_kind=SourceKind.REALITY_CHECK).exists()
    assert not RegisterEntry.objects.filter(is_synthetic=False).exists()
    rhp = Consultation.objects.get(landlord__short_name="RHP").landlord
    figures = participation_figures(landlord_ids=[rhp.pk], reporting_year="2024-25")[rhp.pk]
    assert figures["consultations_run"] == 1
    assert figures["recommendations_accepted"] == 4
    assert figures["average_days_to_answer"] == 39.0


def test_loading_twice_changes_nothing():
    demo_load()
    before = _participation_counts()
    history = RegisterEntry.history.count()
    demo_load()
    assert _participation_counts() == before
    assert RegisterEntry.history.count() == history


def test_demonstration_items_are_labelled_on_the_site(client):
    demo_load()
    review = Review.objects.first()
    assert "Made-up example" in client.get(review.get_absolute_url()).content.decode()
    register = client.get(reverse("participation:register")).content.decode()
    assert "Made-up example" in register
