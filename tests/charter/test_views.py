"""The public charter pages: what a resident sees, and what happens with no charter loaded."""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import reverse

from residentvoice.charter.services import charter_load
from residentvoice.organisations.models import CharterStatus
from tests.factories import LandlordFactory

pytestmark = pytest.mark.django_db


def page(client, name: str, **kwargs: object) -> str:
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


def commitment_links(html: str) -> list[str]:
    return re.findall(r'href="/charter/commitments/(\d+)/"', html)


def test_overview_lists_all_eighteen_commitments_with_who_commits(client, default_charter):
    html = page(client, "charter:overview")

    assert commitment_links(html) == [str(n) for n in range(1, 19)]
    assert "Residents help design the participation strategy" in html
    assert "The council and every landlord" in html
    assert "<caption" in html
    assert 'scope="col"' in html


def test_overview_says_plainly_that_this_is_the_default_text(client, default_charter):
    html = page(client, "charter:overview")

    assert "It is not the approved charter of any council" in html
    assert "Replace it with your council" in html
    assert "Not approved by the council" in html


def test_overview_shows_the_rating_scale_in_words_not_colour(client, default_charter):
    html = page(client, "charter:overview")

    for label in ("Not met", "Partly met", "Met", "Exceeded"):
        assert f'<th scope="row" class="govuk-table__header">{label}</th>' in html
    assert "Commitment kept?" in html


def test_overview_names_the_landlords_who_have_signed(client, default_charter):
    LandlordFactory(name="Riverside Homes", charter_status=CharterStatus.SIGNED)
    LandlordFactory(name="Hillside Housing", charter_status=CharterStatus.NOT_YET)

    html = page(client, "charter:overview")

    assert "Riverside Homes" in html
    assert "Hillside Housing" not in html


def test_commitment_page_shows_text_criteria_and_standards_by_framework(client, default_charter):
    html = page(client, "charter:commitment", number=3)

    assert "<title>Commitment 3: Residents scrutinise housing services" in html
    assert "held to account through resident participation in the scrutiny" in html
    assert "answers each recommendation as accepted, partly accepted or rejected" in html
    assert "Every landlord" in html
    framework_headings = re.findall(r'<h3 class="govuk-heading-m">([^<]+)</h3>', html)
    assert framework_headings == [
        "Transparency, Influence and Accountability Standard",
        "Together with Tenants",
        "Tenant participation accreditation",
    ]
    assert "Unverified list" in html  # TPA-4 comes from the unverified accreditation list
    assert 'href="/charter/commitments/2/"' in html
    assert 'href="/charter/commitments/4/"' in html


def test_commitment_headings_go_in_order(client, default_charter):
    html = page(client, "charter:commitment", number=2)
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]
    main = levels[levels.index(1) :]

    assert main.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(main))


@pytest.mark.parametrize("number", [0, 19, 999])
def test_unknown_commitment_numbers_are_not_found(client, default_charter, number):
    assert client.get(f"/charter/commitments/{number}/").status_code == 404


def test_a_non_number_is_not_found(client, default_charter):
    assert client.get("/charter/commitments/two/").status_code == 404


def test_standards_page_shows_which_commitments_meet_each_standard(client, default_charter):
    html = page(client, "charter:standards")

    assert "Charter for social housing residents (Social Housing White Paper)" in html
    row = re.search(
        r"<th scope=\"row\" class=\"govuk-table__header\">Performance information.*?</tr>",
        html,
        re.S,
    )
    assert row is not None
    assert "3. Residents scrutinise housing services" in row.group(0)
    assert "6. Tenant Satisfaction Measures published" in row.group(0)


@pytest.mark.parametrize("name", ["charter:overview", "charter:standards"])
def test_pages_say_so_plainly_when_no_charter_is_loaded(client, db, name):
    html = page(client, name)
    assert "No charter has been published on this site yet" in html


def test_a_commitment_page_without_a_charter_says_so(client, db):
    html = page(client, "charter:commitment", number=1)
    assert "No charter has been published on this site yet" in html


def test_the_councils_own_charter_replaces_the_default(client, default_charter, write_charter):
    charter_load(path=write_charter(commitments=2, slug="testshire"))

    html = page(client, "charter:overview")

    assert "Test charter testshire" in html
    assert commitment_links(html) == ["1", "2"]
    assert "This is the default charter text" not in html
    assert client.get("/charter/commitments/3/").status_code == 404


def test_the_newest_version_is_shown(client, write_charter):
    charter_load(path=write_charter(commitments=2, slug="testshire", version=2))
    charter_load(path=write_charter(commitments=5, slug="testshire", version=1, name="v1.yaml"))

    html = page(client, "charter:overview")

    assert commitment_links(html) == ["1", "2"]
    assert '<dd class="govuk-summary-list__value">2</dd>' in html
