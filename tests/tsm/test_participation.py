"""TP06, TP07 and TP08 on the borough's landlord pages, beside the charter's commitments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residentvoice.tsm.selectors import participation_measures
from residentvoice.tsm.services import regulator_code_link, tsm_release_import

from ..factories import LandlordFactory
from .conftest import build_workbook, needs_real_file


def test_landlord_page_shows_listened_to_informed_and_respect(client, db, tmp_path):
    landlord = LandlordFactory(name="Borough First Homes", slug="first", regulator_code="L9001")
    tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050))
    page = client.get(reverse("organisations:landlord-detail", args=["first"])).content.decode()
    assert "Do tenants feel listened to?" in page
    for code in ("TP06", "TP07", "TP08"):
        assert f"({code})" in page
    # First Test Homes: 70% satisfied; the three landlords give 70, 30, 50: median 50.
    assert "70.0%" in page
    assert "50.0%" in page
    assert "Highest quarter of 3" in page
    assert "Open Government Licence v3.0" in page
    figures = participation_measures(landlord)
    assert figures is not None
    assert {f.measure for f in figures.figures} == {"TP06", "TP07", "TP08"}
    assert {f.population for f in figures.figures} == {"LCRA", "LCHO"}


def test_no_block_without_figures(client, db):
    LandlordFactory(slug="small", regulator_code="")
    page = client.get(reverse("organisations:landlord-detail", args=["small"])).content.decode()
    assert "Do tenants feel listened to?" not in page


def test_figures_follow_a_linked_code(db, tmp_path):
    """A landlord recorded under its new code still shows the year it reported under the old one."""
    landlord = LandlordFactory(regulator_code="L9999")
    tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050))
    assert participation_measures(landlord) is None
    regulator_code_link(earlier_code="L9003", later_code="L9999", from_year="2051-52")
    figures = participation_measures(landlord)
    assert figures is not None
    assert figures.code == "L9003"
    assert figures.year == "2050-51"


@needs_real_file
def test_real_rhp_participation(real_release, db):
    landlord = LandlordFactory(regulator_code="L4279")
    figures = participation_measures(landlord)
    assert figures is not None
    lcra = {f.measure: f for f in figures.figures if f.population == "LCRA"}
    assert lcra["TP06"].value == pytest.approx(47.0)
    assert lcra["TP07"].value == pytest.approx(64.7)
    assert lcra["TP08"].value == pytest.approx(66.3)
    benchmark = lcra["TP06"].benchmark
    assert benchmark is not None
    assert benchmark.peers > 300
