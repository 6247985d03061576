"""`make bench`: page timings and query counts, as ratios against a baseline from the same run.

Machines are noisy, so every figure is set beside a baseline measured in the same process a moment
before: the trivial accessibility page for page timings, the 20-landlord borough for scaling.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
OUT.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residentvoice.config.test_settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEATS = 40


def _reset_database() -> None:
    if connection.vendor == "sqlite":
        connection.close()
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)


def _add_landlords(count: int, start: int) -> None:
    from residentvoice.organisations.models import Landlord, StockFigure

    landlords = Landlord.objects.bulk_create(
        Landlord(
            name=f"Benchmark Homes {n}",
            short_name=f"Bench {n}",
            slug=f"bench-{n}",
            regulator_code=f"B{n:05d}",
            is_fictional=True,
        )
        for n in range(start, start + count)
    )
    StockFigure.objects.bulk_create(
        StockFigure(
            landlord=landlord,
            area="borough",
            tenure=tenure,
            homes=100,
            as_of="2024-03-31",
            source="bench",
        )
        for landlord in landlords
        for tenure in ("social_rent", "leasehold")
    )


def _time_page(client: Client, url: str) -> tuple[float, int]:
    """Median milliseconds over REPEATS requests, and the queries one request makes."""
    client.get(url)  # warm caches and templates
    samples = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), len(queries)


def main() -> int:
    setup_test_environment()
    _reset_database()
    from residentvoice.demo.services import demo_load

    demo_load()
    client = Client()
    pages = {
        "landlord list": "/landlords/",
        "landlord page": "/landlords/rhp/",
        "charter": "/charter/",
        "commitment": "/charter/commitments/1/",
        "home": "/",
    }
    results = []
    baseline_ms, _ = _time_page(client, "/accessibility/")
    timings_20 = {}
    for name, url in pages.items():
        ms, queries = _time_page(client, url)
        timings_20[name] = (ms, queries)
        results.append(
            {
                "name": f"{name}: median response, demo (20 landlords)",
                "value": round(ms, 2),
                "unit": "ms",
                "baseline": round(baseline_ms, 2),
                "ratio": round(ms / baseline_ms, 2),
                "detail": f"{url}; baseline is the static accessibility page; {queries} queries",
            }
        )
    _add_landlords(380, start=1000)
    for name, url in pages.items():
        ms, queries = _time_page(client, url)
        ms_20, queries_20 = timings_20[name]
        results.append(
            {
                "name": f"{name}: median response, 400 landlords",
                "value": round(ms, 2),
                "unit": "ms",
                "baseline": round(ms_20, 2),
                "ratio": round(ms / ms_20, 2),
                "detail": f"{url}; baseline is the same page with 20 landlords; "
                f"queries {queries_20} -> {queries}",
            }
        )
    from bench import participation as participation_bench

    results += participation_bench.run()  # 200 residents at once, on PostgreSQL behind gunicorn
    from bench import assessment as assessment_bench

    results += assessment_bench.run()  # the council dashboard at 20 and 400 landlords
    from bench import tsm as tsm_bench

    results += tsm_bench.run()  # Tenant Satisfaction Measures, in their own processes
    from bench import publication as publication_bench

    results += publication_bench.run()  # scorecards under gunicorn, 400 × 5 cycles, the report
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(r["name"]) for r in results)
    print(f"{'figure':<{width}}  {'value':>9}  {'baseline':>9}  {'ratio':>6}")
    for r in results:
        value, baseline = f"{r['value']} {r['unit']}", f"{r['baseline']} {r['unit']}"
        print(f"{r['name']:<{width}}  {value:>9}  {baseline:>9}  {r['ratio']:>6}")
    print(f"\nWritten to {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
