"""The public landlord pages and the council's management of landlords."""

from __future__ import annotations

import datetime

from django.urls import reverse

from residentvoice.organisations.models import Landlord, StockFigure

from ..factories import LandlordFactory, StockFigureFactory


def test_landlord_list_is_a_sortable_table(client, council):
    LandlordFactory(name="Zebra Homes", slug="zebra")
    LandlordFactory(name="Apple Homes", slug="apple")
    page = client.get(reverse("organisations:landlord-list")).content.decode()
    assert page.index("Apple Homes") < page.index("Zebra Homes")
    assert 'aria-sort="ascending"' in page
    page = client.get(reverse("organisations:landlord-list") + "?sort=name&order=desc")
    text = page.content.decode()
    assert text.index("Zebra Homes") < text.index("Apple Homes")
    assert 'aria-sort="descending"' in text


def test_unknown_sort_and_landlord_are_handled(client, council):
    assert client.get(reverse("organisations:landlord-list") + "?sort=drop").status_code == 200
    # A control character is refused before the page is asked (docs/SECURITY.md).
    assert client.get(reverse("organisations:landlord-list") + "?sort=%00drop").status_code == 400
    assert client.get("/landlords/no-such-landlord/").status_code == 404
    assert client.get("/landlords/%E2%98%83/").status_code == 404


def test_landlord_page_shows_stock_with_date_and_source(client, council):
    landlord = LandlordFactory(name="Riverside", slug="riverside", is_fictional=True)
    StockFigureFactory(landlord=landlord, homes=6300, source="Council press release")
    page = client.get(landlord.get_absolute_url()).content.decode()
    assert "6,300" in page
    assert "Council press release" in page
    assert "fictional organisation" in page


def test_council_admin_adds_a_landlord_and_its_homes(client, people):
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("organisations:landlord-add"),
        {
            "name": "New Homes Trust",
            "short_name": "New Homes",
            "regulator_code": "L9999",
            "landlord_type": "housing_association",
            "charter_status": "invited",
            "charter_status_date": "2025-01-10",
        },
    )
    landlord = Landlord.objects.get(name="New Homes Trust")
    assert response["Location"] == reverse("organisations:landlord-stock", args=[landlord.slug])
    response = client.post(
        reverse("organisations:landlord-stock", args=[landlord.slug]),
        {"borough__social_rent": "120", "as_of": "2024-03-31", "source": "Annual return 2024"},
    )
    assert response.status_code == 302
    figure = StockFigure.objects.get(landlord=landlord)
    assert (figure.homes, figure.as_of) == (120, datetime.date(2024, 3, 31))


def test_bad_landlord_form_keeps_what_was_typed(client, people, landlord):
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("organisations:landlord-add"),
        {"name": landlord.name, "short_name": "Typed short name", "charter_status": "nonsense"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="Typed short name"' in page
    assert Landlord.objects.count() == 2  # the fixture's two, nothing more


def test_negative_homes_are_refused(client, people, landlord):
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("organisations:landlord-stock", args=[landlord.slug]),
        {"borough__social_rent": "-5", "as_of": "2024-03-31", "source": "x"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not StockFigure.objects.filter(landlord=landlord).exists()


def test_history_shows_who_changed_a_landlord(client, people, landlord):
    client.force_login(people["council_admin"])
    client.post(
        reverse("organisations:landlord-edit", args=[landlord.slug]),
        {
            "name": landlord.name,
            "short_name": landlord.short_name,
            "regulator_code": landlord.regulator_code,
            "landlord_type": "housing_association",
            "charter_status": "founding_signatory",
            "charter_status_date": "2021-11-23",
        },
    )
    page = client.get(reverse("core:history") + "?kind=organisations").content.decode()
    assert "c-admin@example.org" in page
    assert "charter_status" in page


def test_stock_form_opens_on_the_stored_figures_with_their_date_and_source(client, people):
    landlord = StockFigureFactory(homes=640, as_of=datetime.date(2023, 3, 31)).landlord
    client.force_login(people["council_admin"])
    page = client.get(reverse("organisations:landlord-stock", args=[landlord.slug]))
    form = page.context["form"]
    assert form["borough__social_rent"].value() == 640
    assert form["as_of"].value() == datetime.date(2023, 3, 31)
    assert form["source"].value() == "Test figures"
    assert 'type="date" name="as_of" value="2023-03-31"' in page.content.decode()
