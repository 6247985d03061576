"""The Richmond demonstration: complete, labelled, and safe to load twice."""

from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from residentvoice.accounts.models import Membership, Role, User
from residentvoice.demo.services import demo_load
from residentvoice.organisations.models import Landlord
from residentvoice.organisations.selectors import borough_totals


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_demo_has_the_borough_the_sources_describe(demo):
    totals = borough_totals()
    assert totals.landlords == 20
    assert 9_500 <= totals.social_rent_homes <= 10_500  # "about 10,000 social rent homes"
    rhp = Landlord.objects.get(regulator_code="L4279")
    assert rhp.short_name == "RHP"
    assert {f.tenure: f.homes for f in rhp.stock_figures.all()} == {
        "social_rent": 6300,
        "leasehold": 1800,
    }
    founders = Landlord.objects.filter(charter_status="founding_signatory")
    assert sorted(founders.values_list("regulator_code", flat=True)) == [
        "4849",
        "L0726",
        "L4279",
        "L4517",
    ]
    assert Landlord.objects.filter(is_fictional=True).count() == 16
    assert all(
        "(fictional)" in name
        for name in Landlord.objects.filter(is_fictional=True).values_list("name", flat=True)
    )


def test_demo_has_a_person_for_every_role(demo):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert not User.objects.filter(is_demo=False).exists()


def test_loading_twice_changes_nothing(demo):
    before = _row_counts()
    result = demo_load()
    assert result.created == []
    assert _row_counts() == before  # includes every history table


def test_demo_command_reports(capsys, demo):
    call_command("demo", "load")
    out = capsys.readouterr().out
    assert "20 landlords" in out
    assert "nothing changed" in out


def test_banner_shows_only_in_demo_mode(client, demo, settings):
    settings.DEMO_MODE = True
    assert "Demonstration site" in client.get(reverse("core:home")).content.decode()
    settings.DEMO_MODE = False
    assert "Demonstration site" not in client.get(reverse("core:home")).content.decode()


def test_demo_people_sign_in_only_in_demo_mode(client, demo, settings):
    credentials = {"username": "rhp.admin@richmond.demo.example", "password": "demo-resident-voice"}
    settings.DEMO_MODE = False
    assert not client.login(**credentials)
    settings.DEMO_MODE = True
    assert client.login(**credentials)
