"""National benchmarks: where a landlord sits among its peers, in a fixed number of queries."""

from __future__ import annotations

import pytest

from residentvoice.tsm.selectors import tsm_benchmark, tsm_benchmark_table
from residentvoice.tsm.services import tsm_release_import

from .conftest import build_workbook


def test_benchmark_places_a_landlord_among_peers(db, tmp_path):
    tsm_release_import(path=build_workbook(tmp_path / "b.xlsx", year_start=2050))
    # TP01 for the three landlords: 70, 30, 50.
    best = tsm_benchmark(year="2050-51", code="L9001", measure="TP01")
    assert best.peers == 3
    assert best.median == pytest.approx(50.0)
    assert best.quartile == 4
    worst = tsm_benchmark(year="2050-51", code="4321", measure="TP01")
    assert worst.quartile == 1
    assert worst.percentile == pytest.approx(100 / 6)


def test_size_band_filter_keeps_only_peers(db, tmp_path):
    tsm_release_import(path=build_workbook(tmp_path / "c.xlsx", year_start=2051))
    assert (
        tsm_benchmark(year="2051-52", code="L9001", measure="BS01", size_band="<5,000").peers == 3
    )
    assert (
        tsm_benchmark(year="2051-52", code="L9001", measure="BS01", size_band=">40000").peers == 0
    )


def test_query_count_does_not_grow_with_landlords(real_release, db, django_assert_num_queries):
    with django_assert_num_queries(2):
        benchmark = tsm_benchmark(year="2023-24", code="L4279", measure="TP06")
    assert benchmark.peers > 300
    with django_assert_num_queries(2):
        table = tsm_benchmark_table(year="2023-24", code="L4279")
    assert any(b.measure == "CH01_1" and b.value == pytest.approx(105.24, abs=0.01) for b in table)
