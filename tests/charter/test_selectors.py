"""Charter reads: which charter is current, and page query counts that do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residentvoice.charter import selectors
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
from residentvoice.organisations.models import CharterStatus
from tests.factories import LandlordFactory

pytestmark = pytest.mark.django_db


def test_no_charter_means_none():
    assert selectors.charter_current() is None


def test_the_councils_own_charter_wins_even_if_the_default_is_loaded_later(write_charter):
    own = charter_load(path=write_charter(slug="testshire")).charter
    charter_load(path=DEFAULT_CHARTER_PATH)

    assert selectors.charter_current() == own


def test_reloading_an_older_version_does_not_make_it_current(write_charter):
    newer = charter_load(path=write_charter(version=2)).charter
    charter_load(path=write_charter(version=1, title_prefix="Old", name="old.yaml"))

    assert selectors.charter_current() == newer


def test_commitment_detail_groups_standards_in_framework_order(default_charter):
    detail = selectors.commitment_detail(default_charter, 12)

    assert [group.framework.code for group in detail.standard_groups] == [
        "shwp-2020",
        "tia-2024",
        "twt",
        "tpas-accreditation",
    ]
    assert [item.code for item in detail.standard_groups[0].items] == ["SHWP-2", "SHWP-7"]
    assert (detail.previous_number, detail.next_number, detail.total) == (11, 13, 18)


PAGES = [
    ("charter:overview", {}),
    ("charter:commitment", {"number": 1}),
    ("charter:standards", {}),
]


def queries_per_page(client) -> dict[str, int]:
    counts = {}
    for name, kwargs in PAGES:
        url = reverse(name, kwargs=kwargs or None)
        client.get(url)  # warm any one-off caches so that only the page's own reads are counted
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured.captured_queries)
    return counts


def test_page_queries_do_not_grow_with_commitments_standards_or_landlords(client, write_charter):
    charter_load(path=write_charter(commitments=2, slug="small"))
    LandlordFactory(charter_status=CharterStatus.SIGNED)
    small = queries_per_page(client)

    charter_load(path=write_charter(commitments=60, extra_items=30, slug="large", name="l.yaml"))
    LandlordFactory.create_batch(25, charter_status=CharterStatus.SIGNED)
    large = queries_per_page(client)

    assert selectors.charter_current().commitments.count() == 60  # the large one is on show
    assert large == small, (small, large)
