"""The read-only TSM API: values, benchmarks with peer filters, trends; paging and 422s."""

from __future__ import annotations

import pytest

from residentvoice.tsm.services import regulator_code_link, tsm_release_import

from ..factories import LandlordFactory
from .conftest import build_workbook

YEAR = "2050-51"


@pytest.fixture
def release(db, tmp_path):
    LandlordFactory(regulator_code="L9001")
    return tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050)).release


def test_values_are_paginated_and_filtered(client, release):
    response = client.get("/api/v1/tsm/values", {"year": YEAR, "landlord": "l9001"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 30
    assert len(body["items"]) == min(100, body["count"])
    tp01 = client.get(
        "/api/v1/tsm/values",
        {"year": YEAR, "landlord": "L9001", "measure": "TP01", "population": "LCRA"},
    ).json()
    assert tp01["count"] == 1
    (item,) = tp01["items"]
    assert item["value"] == pytest.approx(70.0)
    assert item["landlord_name"] == "First Test Homes"
    assert item["measure_label"] == "TP01"
    second_page = client.get("/api/v1/tsm/values", {"year": YEAR, "page": 2}).json()
    first_page = client.get("/api/v1/tsm/values", {"year": YEAR, "page": 1}).json()
    assert second_page["items"][0] != first_page["items"][0]


@pytest.mark.parametrize(
    "query",
    [
        {"year": "2050"},
        {"year": YEAR, "measure": "TP13"},
        {"year": YEAR, "population": "RENTERS"},
        {"year": YEAR, "page": 0},
        {"year": YEAR, "page": "first"},
        {},
    ],
)
def test_invalid_filters_are_422(client, release, query):
    assert client.get("/api/v1/tsm/values", query).status_code == 422


def test_unknown_year_is_404(client, release):
    assert client.get("/api/v1/tsm/values", {"year": "2040-41"}).status_code == 404


def test_benchmarks_rank_every_peer(client, release):
    body = client.get("/api/v1/tsm/benchmarks", {"year": YEAR, "measure": "TP01"}).json()
    assert [row["landlord_code"] for row in body["items"]] == ["L9001", "L9003", "4321"]
    top = body["items"][0]
    assert top["quartile"] == 4
    assert top["in_borough"] is True
    assert top["percentile"] == pytest.approx(100 * 2.5 / 3)
    summary = client.get("/api/v1/tsm/benchmarks/summary", {"year": YEAR, "measure": "TP01"}).json()
    assert summary["peers"] == 3
    assert summary["median"] == pytest.approx(50.0)


def test_peer_filters_must_exist_in_the_release(client, release):
    ok = client.get(
        "/api/v1/tsm/benchmarks/summary",
        {"year": YEAR, "measure": "BS01", "population": "ALL", "size_band": "<5,000"},
    )
    assert ok.status_code == 200
    assert ok.json()["peers"] == 3
    wrong = client.get(
        "/api/v1/tsm/benchmarks", {"year": YEAR, "measure": "TP01", "region": "Atlantis"}
    )
    assert wrong.status_code == 422
    assert "Atlantis" in wrong.json()["detail"][0]["msg"]


def test_trend_follows_linked_codes(client, db, tmp_path):
    tsm_release_import(path=build_workbook(tmp_path / "a.xlsx", year_start=2050))
    later = [("L9999", "First Test Homes renamed", [10, 10, 10, 10, 10])]
    tsm_release_import(path=build_workbook(tmp_path / "b.xlsx", year_start=2051, landlords=later))
    regulator_code_link(earlier_code="L9001", later_code="L9999", from_year="2051-52")
    body = client.get(
        "/api/v1/tsm/trend", {"landlord": "L9999", "measure": "TP01", "population": "LCRA"}
    ).json()
    assert [(p["reporting_year"], p["landlord_code"]) for p in body["items"]] == [
        ("2050-51", "L9001"),
        ("2051-52", "L9999"),
    ]
    assert body["items"][0]["value"] == pytest.approx(70.0)
    assert body["items"][1]["value"] == pytest.approx(40.0)


def test_openapi_describes_the_tsm_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/tsm/values" in schema["paths"]
    assert "/api/v1/tsm/benchmarks" in schema["paths"]


def test_peer_options_come_from_the_release_in_a_sensible_order(db, tmp_path):
    from residentvoice.tsm.models import LandlordReturn
    from residentvoice.tsm.selectors import tsm_peer_options

    release = tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050)).release
    bands = ["5,000-40,000", ">40000", "<5,000"]
    for landlord_return, band in zip(
        LandlordReturn.objects.filter(release=release), bands, strict=True
    ):
        landlord_return.size_band = band
        landlord_return.region = "North"
        landlord_return.save()
    options = tsm_peer_options(release=release)
    assert options.size_bands == ["<5,000", "5,000-40,000", ">40000"]
    assert options.regions == ["North"]
    assert options.landlord_types == ["PRP"]


def test_a_page_past_any_real_page_is_refused_not_a_crash(client, db):
    response = client.get("/api/v1/tsm/releases", {"page": 10**12})
    assert response.status_code == 422
