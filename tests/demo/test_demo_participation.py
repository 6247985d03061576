"""The participation demonstration: RHP and PA Housing each with a scrutiny panel, reviews and
consultations dated inside the reporting years they belong to (2023-24 and 2024-25), one
consultation open today for the demonstration's resident to answer, all synthetic and labelled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import User
from residentvoice.core.reporting_years import reporting_year_bounds, reporting_year_of
from residentvoice.participation.models import (
    Consultation,
    ConsultationStatus,
    Recommendation,
    RegisterEntry,
    Response,
    Review,
    SourceKind,
)
from residentvoice.participation.selectors import participation_figures

pytestmark = pytest.mark.django_db

YEARS = ("2023-24", "2024-25")


def test_two_founding_landlords_have_consultations_and_reviews_in_each_year(demo):
    finished = Consultation.objects.filter(closes_at__lt=timezone.now()).select_related("landlord")
    by_year = {
        (c.landlord.short_name, reporting_year_of(timezone.localdate(c.closes_at)))
        for c in finished
    }
    assert by_year == {(name, year) for name in ("RHP", "PA Housing") for year in YEARS}
    for consultation in finished:
        assert consultation.is_synthetic
        assert consultation.status == ConsultationStatus.COMPLETE
        assert consultation.responses.filter(submitted_at__isnull=False).count() >= 12
        assert consultation.considered
    for review in Review.objects.all():
        assert review.is_synthetic
        assert review.recommendations.count() >= 3
    complaints = Review.objects.filter(title="How complaints are handled")
    for review in complaints:
        statuses = sorted(r.status for r in review.recommendations.all())
        assert len(statuses) == 5
        assert {"done", "rejected", "in_progress"} <= set(statuses)
        assert review.recommendations.filter(status_changes__is_challenge=True).exists()
    # RHP's first review is finished and reported back to every resident.
    repairs = Review.objects.get(landlord__short_name="RHP", title="Repairs appointments")
    assert repairs.stage == "reported_back"
    public = RegisterEntry.objects.filter(is_public=True)
    participation_sources = [SourceKind.CONSULTATION, SourceKind.RECOMMENDATION]
    assert public.filter(source_kind__in=participation_sources).count() == (
        Consultation.objects.filter(outcome_published_at__isnull=False).count()
        + Recommendation.objects.count()
    )
    # The published assessment cycles put their reality-check outcomes in the register too.
    assert public.filter(source_kind=SourceKind.REALITY_CHECK).exists()
    assert not RegisterEntry.objects.filter(is_synthetic=False).exists()


def test_every_record_is_dated_inside_its_reporting_year(demo):
    """2023-24 has its own consultations, reviews and register entries, dated in 2023-24, so the
    participation figures frozen with its results mean something."""
    start, end = reporting_year_bounds("2023-24")
    for name in ("RHP", "PA Housing"):
        entries = RegisterEntry.objects.filter(
            landlord__short_name=name,
            source_kind__in=[SourceKind.CONSULTATION, SourceKind.RECOMMENDATION],
        )
        assert entries.filter(date__gte=start, date__lte=end).exists()
        answered = Recommendation.objects.filter(
            review__landlord__short_name=name,
            answered_at__date__gte=start,
            answered_at__date__lte=end,
        )
        assert answered.count() >= 3
    rhp = Consultation.objects.filter(landlord__short_name="RHP").first().landlord
    pa = Consultation.objects.filter(landlord__short_name="PA Housing").first().landlord
    earlier = participation_figures(landlord_ids=[rhp.pk, pa.pk], reporting_year="2023-24")
    for figures in earlier.values():
        assert figures["consultations_run"] == 1
        assert figures["residents_taking_part"] >= 12
        assert figures["recommendations_accepted"] >= 3
        assert figures["average_days_to_answer"] is not None
    assert earlier[rhp.pk]["recommendations_completed"] == 3
    later = participation_figures(landlord_ids=[rhp.pk], reporting_year="2024-25")[rhp.pk]
    assert later["consultations_run"] == 1
    assert later["recommendations_accepted"] == 4
    assert later["average_days_to_answer"] == 39.0
    # Nothing of these years is dated today.
    today = timezone.localdate()
    assert not Recommendation.objects.filter(answered_at__date=today).exists()
    assert not RegisterEntry.objects.filter(
        source_kind__in=[SourceKind.CONSULTATION, SourceKind.RECOMMENDATION], date=today
    ).exists()


def test_the_demonstration_resident_can_answer_the_open_consultation(demo, client, settings):
    settings.DEMO_MODE = True
    (consultation,) = Consultation.objects.filter(
        opens_at__lte=timezone.now(), closes_at__gt=timezone.now()
    )
    assert consultation.status == ConsultationStatus.OPEN
    assert consultation.is_synthetic
    assert consultation.responses.filter(submitted_at__isnull=False).count() == 8
    resident = User.objects.get(email="resident@richmond.demo.example")
    assert not Response.objects.filter(consultation=consultation, respondent=resident).exists()
    client.force_login(resident)
    listing = client.get(reverse("participation:consultation-list")).content.decode()
    assert consultation.title in listing
    page = client.get(reverse("participation:consultation-answer", args=[consultation.pk]))
    assert page.status_code == 200
    assert "<form" in page.content.decode()


def test_demonstration_items_are_labelled_on_the_site(demo, client):
    review = Review.objects.first()
    assert "Made-up example" in client.get(review.get_absolute_url()).content.decode()
    register = client.get(reverse("participation:register")).content.decode()
    assert "Made-up example" in register
