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


def test_landlord_page_with_charter_figures_and_ratings_keeps_its_query_count(
    client, council, tmp_path
):
    """With the charter loaded, the regulator's figures imported and charter results published,
    the landlord page (its "Do tenants feel listened to?" block included) still runs the same
    queries with 20 and with 400 landlords in the borough."""
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
    from residentvoice.tsm.services import tsm_release_import

    from ..tsm.conftest import build_workbook
    from ..tsm.test_participation import _publish_ratings

    charter_load(path=DEFAULT_CHARTER_PATH)
    first = LandlordFactory(slug="aaa-first", name="AAA First", regulator_code="L9001")
    other = LandlordFactory(slug="aaa-other", name="AAA Other", regulator_code="L9003")
    StockFigureFactory(landlord=first)
    tsm_release_import(path=build_workbook(tmp_path / "tsm.xlsx", year_start=2050))
    _publish_ratings(first, other, {2: "exceeded"})
    url = reverse("organisations:landlord-detail", kwargs={"slug": "aaa-first"})
    _borough(20)
    with_20 = _queries(client, url)
    _borough(380)
    with_400 = _queries(client, url)
    assert with_20 == with_400
    page = client.get(url).content.decode()
    assert "Exceeded" in page  # the block was really there, ratings and all
    assert "(TP06)" in page
