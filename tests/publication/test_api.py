"""The published-results API: public data only, filters and pages, 422 for filters that are not
valid, 304 for an unchanged answer, a rate limit; and schemathesis against the OpenAPI document."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from residentvoice.publication import services
from residentvoice.publication.models import Publication

from .conftest import PREVIOUS_YEAR, YEAR

pytestmark = pytest.mark.django_db

API = "/api/v1/scorecards"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    cache.clear()  # the rate limit counts in the cache
    settings.RESIDENTVOICE_API_RATE = "10000/m"


def test_cycles_list_only_public_years(client, ready, people):
    services.cycle_publish(
        cycle=ready, by=None, publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    body = client.get(f"{API}/cycles").json()
    assert [c["reporting_year"] for c in body["items"]] == [PREVIOUS_YEAR]
    client.force_login(people["council_admin"])  # even a council admin gets public data only
    assert client.get(f"{API}/cycles").json()["count"] == 1
    assert client.get(f"{API}/results", {"year": YEAR}).status_code == 404


def test_results_are_filtered_and_paginated(client, published):
    body = client.get(f"{API}/results").json()
    assert body["count"] == 2 * 2 * 17  # two years, two landlords, 17 commitments
    assert len(body["items"]) == 68
    body = client.get(
        f"{API}/results", {"year": YEAR, "landlord": "riverside", "commitment": 1}
    ).json()
    (result,) = body["items"]
    assert result["rating"] == "Met"
    assert result["previous_rating"] == "Partly met"
    assert result["change"] == "up"
    assert result["residents"]["comments"] == ["The panel listened to us."]
    assert [e["title"] for e in result["evidence"]] == [
        "Panel terms of reference",
        "Annual panel report",
    ]
    assert result["evidence"][1]["address"].endswith(
        f"/scorecards/{YEAR}/evidence/{published.files.get().evidence_id}/"
    )
    unmet = client.get(f"{API}/results", {"year": YEAR, "meets_commitment": "false"}).json()
    assert {(r["landlord"], r["commitment"]) for r in unmet["items"]} == {
        ("riverside", 3),
        ("hillside", 1),
    }
    exceeded = client.get(f"{API}/results", {"year": YEAR, "rating": "exceeded"}).json()
    assert exceeded["count"] == 1


def test_landlords_charter_and_practices(client, published):
    landlords = client.get(f"{API}/landlords").json()["items"]
    riverside = next(row for row in landlords if row["slug"] == "riverside")
    assert riverside["share_met"] == 94.1
    assert riverside["change"] == 5.9
    assert riverside["most_improved"] is True
    small = client.get(f"{API}/landlords", {"size_band": "small"}).json()["items"]
    assert [row["slug"] for row in small] == ["hillside"]
    charter = client.get(f"{API}/charter", {"year": YEAR}).json()
    assert len(charter["commitments"]) == 17
    assert [r["code"] for r in charter["ratings"]] == ["not_met", "partly_met", "met", "exceeded"]
    assert client.get(f"{API}/practices").json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("results", {"year": "2024"}, "year"),
        ("results", {"commitment": "0"}, "commitment"),
        ("results", {"commitment": "first"}, "commitment"),
        ("results", {"landlord": "../etc"}, "landlord"),
        ("results", {"meets_commitment": "perhaps"}, "meets_commitment"),
        ("results", {"page": "0"}, "page"),
        ("results", {"page": "67610698255947833344"}, "page"),  # found by schemathesis
        ("results", {"page_size": "5000"}, "page_size"),
        ("landlords", {"size_band": "huge"}, "size_band"),
        ("charter", {"year": "next"}, "year"),
        ("practices", {"commitment": "-1"}, "commitment"),
    ],
)
def test_invalid_filters_are_422_with_details(client, published, path, query, field):
    response = client.get(f"{API}/{path}", query)
    assert response.status_code == 422
    assert field in {str(loc) for error in response.json()["detail"] for loc in error["loc"]}


def test_an_unknown_year_is_404(client, published):
    response = client.get(f"{API}/landlords", {"year": "2031-32"})
    assert response.status_code == 404
    assert response.json()["detail"] == "No results have been published for 2031-32"


def test_unchanged_answers_are_304(client, published, people):
    first = client.get(f"{API}/landlords")
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(f"{API}/landlords", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(f"{API}/landlords", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    other = client.get(f"{API}/landlords", {"size_band": "small"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200  # another question, another answer
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Fix",
        ratings={("riverside", 3): "met"},
    )
    changed = client.get(f"{API}/landlords", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_rate_limit(client, published, settings):
    settings.RESIDENTVOICE_API_RATE = "3/m"
    codes = [client.get(f"{API}/cycles").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_made_up_forwarded_address_does_not_reset_the_limit(client, published, settings):
    settings.RESIDENTVOICE_API_RATE = "3/m"
    codes = [
        client.get(f"{API}/cycles", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_each_client_is_counted_apart(
    client, published, settings, monkeypatch
):
    from ninja.conf import settings as ninja_settings

    settings.RESIDENTVOICE_API_RATE = "2/m"
    # NUM_PROXIES=1: the proxy's own entry, the last in X-Forwarded-For, names the client.
    monkeypatch.setattr(ninja_settings, "NUM_PROXIES", 1)

    def ask(client_address: str) -> int:
        forwarded = f"198.51.100.9, {client_address}"  # the first part is the client's to write
        return client.get(f"{API}/cycles", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [ask("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert ask("203.0.113.2") == 200


def test_nothing_published_yet(client, db):
    assert client.get(f"{API}/cycles").json() == {"items": [], "count": 0}
    assert client.get(f"{API}/charter").status_code == 404


# ---------------------------------------------------------------------------------------------
# Schemathesis: every operation, with generated valid and invalid input, never a server error,
# always an answer the OpenAPI document describes.


def test_the_api_keeps_to_its_openapi_document(published):
    """Generated requests, valid and not, to every operation: each answer must be one the
    OpenAPI document describes (never a 500). The pytest plugin's lazy fixture does not run on
    this pytest, so the operations are driven through Hypothesis directly, bounded to seconds."""
    Publication.objects.update(is_demo=True)  # cover the synthetic flag too
    # As Django's test client does: the test's open transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _fuzz()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz():
    from residentvoice.config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex="^/api/v1/scorecards/"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=20,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                case.call_and_validate()

            check()
