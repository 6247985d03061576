"""The demonstration's publication step: demo cycles ready to publish are published, oldest
first, labelled synthetic; other cycles are left alone and loading twice changes nothing."""

from __future__ import annotations

import pytest

from residentvoice.assessment.models import AssessmentCycle, Stage
from residentvoice.assessment.services import cycle_stage
from residentvoice.demo.publication import demo_publication_load
from residentvoice.publication.models import Publication

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_nothing_ready_means_nothing_published(db):
    assert demo_publication_load() == []
    assert not Publication.objects.exists()


def test_a_real_cycle_is_never_published_by_the_demo(ready):
    assert demo_publication_load() == []
    assert cycle_stage(ready) == Stage.READY_TO_PUBLISH


def test_a_ready_demo_cycle_is_published_once_and_says_it_is_synthetic(ready, people):
    people["council_admin"].is_demo = True
    people["council_admin"].save()
    AssessmentCycle.objects.filter(pk=ready.pk).update(is_demo=True)
    assert demo_publication_load() == [f"published results {YEAR}"]
    publication = Publication.objects.get(reporting_year=YEAR)
    assert publication.is_demo
    assert publication.published_by == people["council_admin"]
    assert cycle_stage(ready) == Stage.PUBLISHED
    assert demo_publication_load() == []
    assert Publication.objects.filter(reporting_year=YEAR).count() == 1


# ---------------------------------------------------------------------------------------------
# The demonstration's practices


def _founders() -> dict:
    from ..factories import LandlordFactory

    return {
        short: LandlordFactory(name=f"{short} Homes", short_name=short)
        for short in ("RHP", "PA Housing", "L&Q", "MTVH")
    }


def test_demo_practices_are_synthetic_approved_and_load_once(charter, people):
    from residentvoice.demo.practices import demo_practices_load
    from residentvoice.practices.models import Practice

    people["council_admin"].is_demo = True
    people["council_admin"].save()
    landlords = _founders()
    created = demo_practices_load(landlords=landlords)
    assert 6 <= len(created) <= 10
    practices = list(Practice.objects.prefetch_related("landlords", "commitments"))
    assert len(practices) == len(created)
    assert all(p.is_demo and p.is_public for p in practices)
    assert all(p.approved_by == people["council_admin"] for p in practices)
    assert {landlord.short_name for p in practices for landlord in p.landlords.all()} == set(
        landlords
    )
    numbers = {c.number for p in practices for c in p.commitments.all()}
    assert len(numbers) >= 12  # spread across the charter
    assert all(c.charter_id == charter.pk for p in practices for c in p.commitments.all())
    history = Practice.history.count()
    assert demo_practices_load(landlords=landlords) == []
    assert Practice.objects.count() == len(created)
    assert Practice.history.count() == history  # nothing rewritten
