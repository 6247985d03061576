"""The public results page says each thing once and plainly: every commitment in one grid of
short coloured ratings with a key, each landlord's size as a number of homes, numbers with
thousands separated (the downloads keep plain numbers), and why landlords that had not signed
the charter are there."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from residentvoice.organisations.models import CharterStatus
from residentvoice.publication.services import cycle_publish

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _overview(client) -> str:
    return client.get(reverse("publication:overview", args=[YEAR])).content.decode()


def test_the_grid_shows_every_commitment_as_a_short_rating_with_a_key(client, published):
    page = _overview(client)
    grid = page[page.index('id="matrix-caption"') : page.index("</table>", page.index("matrix"))]
    numbers = [c["number"] for c in published.commitments]
    assert len(numbers) == 17
    for number in numbers:
        assert f'<span aria-hidden="true">{number}</span>' in grid
    # Short form and colour on screen, the words for screen readers and in the key.
    assert (
        '<strong class="govuk-tag govuk-tag--red rv-rating-short"><span aria-hidden="true">NM'
        '</span><span class="govuk-visually-hidden">Not met</span></strong>'
    ) in grid
    key = page[page.index('id="matrix-key"') :]
    assert '<strong class="govuk-tag govuk-tag--blue rv-rating-short">E</strong> Exceeded' in key
    assert "Partly met" in key[: key.index("</p>")]


def test_the_size_is_a_number_of_homes_and_the_download_keeps_the_number(client, published):
    page = _overview(client)
    table = page[page.index('id="shares-table-caption"') :]
    assert '<th scope="col" class="govuk-table__header">Homes in the borough</th>' in table
    assert '<td class="govuk-table__cell">6,300</td>' in table
    assert "homes in the borough</td>" not in table  # no size band written out in each row
    response = client.get(reverse("publication:overview-download", args=[YEAR, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Share met"].iter_rows(values_only=True))
    header = next(row for row in rows if "Homes in the borough" in row)
    riverside = next(row for row in rows if row[0] == "Riverside Homes")
    assert riverside[header.index("Homes in the borough")] == 6300


def test_headline_numbers_have_thousands_separated(client, published):
    published.headline = {**published.headline, "assessed": 12345, "landlords": 1200}
    published.save(update_fields=["headline"])
    page = _overview(client)
    assert '<span class="rv-headline__figure">1,200</span>' in page
    assert "of all 12,345 ratings were met or exceeded" in page


def test_the_page_says_why_landlords_that_had_not_signed_are_assessed(
    client, ready, people, other_landlord
):
    other_landlord.charter_status = CharterStatus.INVITED
    other_landlord.save()
    publication = cycle_publish(cycle=ready, by=people["council_admin"])
    signed = dict(publication.landlords.values_list("landlord_slug", "signed_charter"))
    assert signed == {"riverside": True, "hillside": False}
    page = _overview(client)
    assert "1 of the 2 landlords assessed had not signed the charter when these results" in page
    assert "They agreed to be assessed against it all the same" in page
    assert "<li>Hillside Housing</li>" in page
    # Signing later does not change what was true when the results were published.
    other_landlord.charter_status = CharterStatus.SIGNED
    other_landlord.save()
    cache.clear()
    assert "<li>Hillside Housing</li>" in _overview(client)


def test_no_word_about_signing_when_every_landlord_had_signed(client, published):
    assert "had not signed the charter" not in _overview(client)
