"""The public scorecard pages make the same number of queries however many landlords and years
there are: a borough of 3 landlords and one of 30, each with two published years, both on the
first view of a version (nothing cached) and on later views. `make bench` measures the same at
20 and 400 landlords; this keeps the promise in the suite."""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from residentvoice.assessment.models import STAGE_ORDER, AssessmentItem, Stage
from residentvoice.assessment.services import cycle_open, cycle_stage_move
from residentvoice.charter.models import RatingOption
from residentvoice.organisations.models import Landlord, StockFigure
from residentvoice.publication.services import cycle_publish

pytestmark = pytest.mark.django_db


def _borough(charter, name: str, landlords: int, years: list[str]) -> list[str]:
    """`landlords` new landlords, each year's cycle moderated at random and published; returns
    the pages of the newest year to measure."""
    created = Landlord.objects.bulk_create(
        Landlord(name=f"{name} Homes {n}", short_name=f"{name} {n}", slug=f"{name}-{n}")
        for n in range(landlords)
    )
    StockFigure.objects.bulk_create(
        StockFigure(
            landlord=landlord,
            area="borough",
            tenure="social_rent",
            homes=200 + 300 * n,
            as_of="2024-03-31",
            source="test",
        )
        for n, landlord in enumerate(created)
    )
    options = list(RatingOption.objects.filter(scale__charter=charter))
    pick = random.Random(len(created))  # the same test figures every run
    for year in years:
        cycle = cycle_open(reporting_year=year, landlords=created, charter=charter)
        for stage in STAGE_ORDER[1 : STAGE_ORDER.index(Stage.MODERATION) + 1]:
            cycle_stage_move(cycle=cycle, to_stage=stage)
        items = list(AssessmentItem.objects.filter(participation__cycle=cycle))
        for item in items:
            item.final_rating = pick.choice(options)
            item.final_rationale = "Rated for the test"
            item.moderated_at = timezone.now()
        AssessmentItem.objects.bulk_update(
            items, ["final_rating", "final_rationale", "moderated_at"]
        )
        cycle_stage_move(cycle=cycle, to_stage=Stage.READY_TO_PUBLISH)
        cycle_publish(cycle=cycle, by=None)
    year = years[-1]
    return [
        f"/scorecards/{year}/",
        f"/scorecards/{year}/landlords/{name}-1/",
        f"/scorecards/{year}/commitments/1/",
    ]


def _queries(client, url: str) -> tuple[int, int]:
    """Queries for the first view of a page (nothing cached), then for a later view."""
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as later:
        assert client.get(url).status_code == 200, url
    return len(first), len(later)


def test_scorecard_pages_make_the_same_queries_at_3_and_30_landlords(client, charter):
    small = _borough(charter, "small", 3, ["2020-21", "2021-22"])
    small_counts = [_queries(client, url) for url in small]
    large = _borough(charter, "large", 30, ["2022-23", "2023-24"])
    large_counts = [_queries(client, url) for url in large]
    assert large_counts == small_counts, (small_counts, large_counts)
    # The cache does its work: a later view makes fewer queries than the first.
    assert all(later < first for first, later in small_counts)
