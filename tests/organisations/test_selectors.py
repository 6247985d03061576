"""Landlord pages read with a fixed number of queries, whatever the number of landlords."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residentvoice.organisations import selectors
from residentvoice.organisations.models import StockArea, Tenure

from ..factories import LandlordFactory, StockFigureFactory


def _borough(count: int) -> None:
    for _ in range(count):
        landlord = LandlordFactory()
        StockFigureFactory(landlord=landlord, tenure=Tenure.SOCIAL_RENT, homes=400)
        StockFigureFactory(landlord=landlord, tenure=Tenure.LEASEHOLD, homes=50)
        StockFigureFactory(landlord=landlord, area=StockArea.TOTAL, homes=9000)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name", ["organisations:landlord-list", "core:home", "organisations:landlord-detail"]
)
def test_pages_run_the_same_queries_with_20_and_400_landlords(client, council, url_name):
    _borough(20)
    first = LandlordFactory(slug="aaa-first", name="AAA First")
    StockFigureFactory(landlord=first)
    kwargs = {"slug": "aaa-first"} if url_name.endswith("detail") else {}
    with_20 = _queries(client, reverse(url_name, kwargs=kwargs))
    _borough(380)
    with_400 = _queries(client, reverse(url_name, kwargs=kwargs))
    assert with_20 == with_400


def test_landlord_list_sorts_by_homes_and_totals_only_the_borough(db):
    small = LandlordFactory(name="Small")
    StockFigureFactory(landlord=small, homes=10)
    StockFigureFactory(landlord=small, area=StockArea.TOTAL, homes=99999)
    big = LandlordFactory(name="Big")
    StockFigureFactory(landlord=big, homes=900)
    StockFigureFactory(landlord=big, tenure=Tenure.LEASEHOLD, homes=100)
    ordered = list(selectors.landlord_list(sort="homes", descending=True))
    assert [landlord.name for landlord in ordered] == ["Big", "Small"]
    assert (ordered[0].borough_homes, ordered[0].borough_social_rent) == (1000, 900)
    assert ordered[1].borough_homes == 10


def test_borough_totals_count_signatories_and_social_rent(db):
    signed = LandlordFactory(charter_status="founding_signatory")
    StockFigureFactory(landlord=signed, homes=6300)
    StockFigureFactory(landlord=signed, tenure=Tenure.LEASEHOLD, homes=1800)
    LandlordFactory(charter_status="invited")
    totals = selectors.borough_totals()
    assert (totals.landlords, totals.signatories) == (2, 1)
    assert (totals.social_rent_homes, totals.borough_homes) == (6300, 8100)
