"""The demonstration's real 2023-24 Tenant Satisfaction Measures: the four founding landlords'
figures from the shipped extract, with national benchmarks, attributed, and safe to load twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse
from python_calamine import CalamineWorkbook

from residentvoice.demo.services import demo_load
from residentvoice.demo.tsm import TSM_EXTRACT, demo_tsm_load, extract_write
from residentvoice.organisations.models import Landlord
from residentvoice.tsm.models import TsmRelease
from residentvoice.tsm.selectors import (
    participation_measures,
    tsm_benchmark_table,
    tsm_landlord_year,
)

REAL_FILE = Path("/work/shared/data/tsm/rsh_tsm_2023-24_full_data_v1.1.xlsx")
for parent in Path(__file__).resolve().parents:
    if (parent / "shared/data/tsm").is_dir():
        REAL_FILE = parent / "shared/data/tsm/rsh_tsm_2023-24_full_data_v1.1.xlsx"
        break


def _tp01(code: str) -> float | None:
    data = tsm_landlord_year(year="2023-24", code=code)
    assert data is not None
    return next(
        m["value"] for m in data["measures"] if m["code"] == "TP01" and m["population"] == "LCRA"
    )


def test_the_founding_landlords_have_their_real_figures(demo):
    assert _tp01("L4279") == 59.0
    assert _tp01("4849") == 61.7
    assert _tp01("L4517") == 53.3
    assert _tp01("L0514") == 68.3
    rhp = tsm_landlord_year(year="2023-24", code="L4279")
    assert rhp is not None
    assert rhp["survey"]["sample_size"] == 782
    assert rhp["survey"]["margin_of_error"] == 3.3
    measures = {(m["code"], m["population"]): m for m in rhp["measures"]}
    assert measures[("CH01(1)", "LCRA")]["value"] == 105.2
    assert measures[("CH02(1)", "LCRA")]["value"] == 74.8


def test_benchmarks_are_national(demo):
    table = {b.measure: b for b in tsm_benchmark_table(year="2023-24", code="L4279")}
    assert table["TP01"].peers > 300
    assert table["TP01"].percentile is not None


def test_mtvh_is_found_under_its_earlier_code(demo, client):
    mtvh = Landlord.objects.get(regulator_code="L0726")
    figures = participation_measures(mtvh)
    assert figures is not None
    assert figures.code == "L0514"
    page = client.get(reverse("organisations:landlord-detail", args=[mtvh.slug])).content.decode()
    assert "Do tenants feel listened to?" in page
    year = client.get(reverse("tsm:year", args=["2023-24"])).content.decode()
    assert mtvh.name in year  # the year page lists it beside the other founding landlords


def test_landlord_pages_show_the_figures_with_attribution(demo, client):
    rhp = Landlord.objects.get(regulator_code="L4279")
    page = client.get(reverse("organisations:landlord-detail", args=[rhp.slug])).content.decode()
    assert "Do tenants feel listened to?" in page
    assert "47.0%" in page  # RHP TP06, LCRA
    assert "Open Government Licence v3.0" in page
    assert "Regulator of Social Housing" in page


def test_the_extract_carries_its_attribution():
    workbook = CalamineWorkbook.from_path(str(TSM_EXTRACT))
    intro = " ".join(
        str(c) for row in workbook.get_sheet_by_name("Introduction").to_python() for c in row
    )
    assert "Open Government Licence v3.0" in intro
    assert "Regulator of Social Housing" in intro
    assert TSM_EXTRACT.stat().st_size < 250_000


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_loading_twice_changes_nothing(demo):
    before = _row_counts()
    again = demo_tsm_load()
    assert again.created == []
    assert _row_counts() == before
    assert TsmRelease.objects.count() == 1


def test_an_imported_full_release_is_kept(demo):
    if not REAL_FILE.exists():
        pytest.skip(f"the regulator's 2023-24 workbook is not at {REAL_FILE}")
    from residentvoice.tsm.services import tsm_release_import

    full = tsm_release_import(path=REAL_FILE).release
    demo_load()  # loading again after a full import
    assert TsmRelease.objects.get(reporting_year="2023-24", replaced_at__isnull=True) == full


def test_the_extract_agrees_with_the_full_release(db, tmp_path):
    """Made again from the regulator's file, the extract gives the same figures (to four
    decimal places), and the shipped file is exactly what it makes."""
    if not REAL_FILE.exists():
        pytest.skip(f"the regulator's 2023-24 workbook is not at {REAL_FILE}")
    from residentvoice.tsm.workbook import read_release

    rebuilt = extract_write(source=REAL_FILE, target=tmp_path / "extract.xlsx")
    full = read_release(REAL_FILE)
    small = read_release(rebuilt)
    shipped = read_release(TSM_EXTRACT)
    full_values = {(v.code, v.population, v.measure): v.value for v in full.values}
    small_values = {(v.code, v.population, v.measure): v.value for v in small.values}
    assert set(full_values) == set(small_values)
    for key, value in full_values.items():
        if value is None:
            assert small_values[key] is None
        else:
            assert float(small_values[key] or 0) == pytest.approx(float(value), abs=5.1e-5)
    assert {(v.code, v.population, v.measure): v.value for v in shipped.values} == small_values
