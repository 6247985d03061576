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
