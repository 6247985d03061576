"""The public scorecard pages make the same number of queries however many landlords and years
there are: a borough of 3 landlords and one of 30, each with two published years, both on the
first view of a version (nothing cached) and on later views. `make bench` measures the same at
20 and 400 landlords; this keeps the promise in the suite."""

from __future__ import annotations

import pytest
from bench.publication import publish_synthetic_borough
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _borough(charter, name: str, landlords: int, years: list[str]) -> list[str]:
    """`landlords` new landlords, each year published with random ratings; returns the pages of
    the newest year to measure."""
    publish_synthetic_borough(landlords=landlords, years=years, prefix=name, charter=charter)
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
