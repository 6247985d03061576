"""A control character in a web address (its path or its query string) is refused with 400.

A NUL in a filter (`values.csv?landlord=%00`) reached the database, where PostgreSQL refuses it:
a server error for anyone (SQLite stored or matched it). Every TSM page and every API endpoint of
the matrix is asked with such filters, as a role that may open it, with a release imported, on
whichever database the suite runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from ..matrix import DENIED, LOGIN
from ..tsm.authorization import with_figures
from .test_authorization import MATRIX

FILTERS = {
    "year": "2050-51",
    "landlord": "\x00",
    "measure": "TP01",
    "population": "LCRA",
    "landlord_type": "\x00",
    "size_band": "x\x1fy",
    "region": "\x00",
    "q": "repairs\x00",
}

PAGES = sorted(
    name
    for name, (_, method, _) in MATRIX.items()
    if method == "get" and name.split(":")[0] in ("tsm", "api")
)


def _role_that_may_open(expected: dict[str, Any]) -> str:
    return next(role for role, result in expected.items() if result not in (LOGIN, DENIED))


def _is_refusal(response: Any, *, api: bool) -> bool:
    if response.status_code != 400:
        return False
    if api:
        return "control character (U+" in response.json()["detail"]
    page = response.content.decode()
    return '<h1 class="govuk-heading-xl">This web address cannot be used</h1>' in page and (
        "control character (U+" in page
    )


@pytest.fixture
def ctx(people, landlord, other_landlord):
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

    charter_load(path=DEFAULT_CHARTER_PATH)
    return {"people": people, "landlord": landlord, "other_landlord": other_landlord}


def test_a_control_character_in_a_filter_is_refused(client, ctx):
    wrong = []
    for name in PAGES:
        builder, _, expected = MATRIX[name]
        with transaction.atomic():  # each page's objects rolled back, as builders may collide
            if builder is None:
                with_figures(ctx)  # so that the filters reach the figures
            url = reverse(name, kwargs=builder(ctx) if builder else {})
            role = _role_that_may_open(expected)
            client.logout()
            if ctx["people"][role] is not None:
                client.force_login(ctx["people"][role])
            response = client.get(url, FILTERS)
            if not _is_refusal(response, api=name.startswith("api:")):
                wrong.append(f"{name}: {response.status_code} {response.content[:200]!r}")
            transaction.set_rollback(True)
    assert len(PAGES) > 25
    assert not wrong, "\n".join(wrong)


def test_a_control_character_in_the_path_is_refused(client, ctx):
    with_figures(ctx)
    for path in ("/tsm/2050-51/landlords/L9001%00/", "/tsm/landlords/%0D%0A/trend/"):
        assert _is_refusal(client.get(path), api=False), path
    assert client.get("/tsm/2050-51/landlords/L9001/").status_code == 200


def test_ordinary_addresses_pass(client, ctx):
    response = client.get(reverse("tsm:overview"), {"q": "Café “Homes” – Ltd ✓"})
    assert response.status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


def test_the_api_document_describes_the_refusal(client, db):
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    operations = [operation for path in paths.values() for operation in path.values()]
    assert len(operations) > 5
    assert all("400" in operation["responses"] for operation in operations)
