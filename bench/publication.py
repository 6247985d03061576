"""`make bench` figures for the published scorecards and the annual report.

- The borough overview and a landlord page, served by gunicorn (2 sync workers) on 127.0.0.1
  from the demonstration (20 landlords, 2022-23 and 2023-24 published), against the trivial
  accessibility page on the same server in the same run: throughput ratio (goal ≥ 0.5) and the
  95th percentile response time at 16 concurrent clients (goal under 100 ms).
- Queries per page with the demonstration and with 400 synthetic landlords × 5 published
  cycles: the count must not change (first view of a version, and later views).
- `report build` as PDF for the demonstration and for the 400 landlords: both times, and the
  time per landlord, which stays level when growth is linear.

Each database is made for the run under var/bench/ and runs in its own process
(`python -m bench.publication --phase demo|synthetic`), which prints its figures as JSON; `run()`
gathers them. The load generator talks to 127.0.0.1 only and is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
YEAR = "2023-24"
CLIENTS = 16
REQUESTS_PER_CLIENT = int(os.environ.get("PUBLICATION_BENCH_REQUESTS", "40"))
LOAD_SECONDS = 60  # no load run goes on longer than this
ROUNDS = 2  # each page is measured twice, interleaved with the baseline; the better run counts
SYNTHETIC_LANDLORDS = int(os.environ.get("PUBLICATION_BENCH_LANDLORDS", "400"))
SYNTHETIC_YEARS = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
PHASE_TIMEOUT = 3600


# --- in the measuring process ------------------------------------------------------------------


def _setup(name: str) -> Path:
    database = OUT / f"publication-{name}.sqlite3"
    database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["MEDIA_ROOT"] = str(OUT / f"publication-{name}-media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residentvoice.config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed
    call_command("migrate", "--no-input", verbosity=0)
    return database


def _queries(url: str) -> tuple[int, int]:
    """Queries for one anonymous view of `url`: the first view of a version (nothing cached),
    then a later one."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as later:
        assert client.get(url).status_code == 200, url
    return len(first), len(later)


def _report_seconds(year: str) -> tuple[float, int]:
    from pypdf import PdfReader

    from residentvoice.publication.report import report_build

    began = time.perf_counter()
    content = report_build(year, "pdf")
    seconds = time.perf_counter() - began
    import io

    return seconds, len(PdfReader(io.BytesIO(content)).pages)


# Load against gunicorn


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str) -> float:
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
    finally:
        connection.close()
    return (time.perf_counter() - began) * 1000


def _load(port: int, path: str) -> dict[str, float]:
    """CLIENTS threads, each asking REQUESTS_PER_CLIENT times: requests a second and p95."""
    samples: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def client() -> None:
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                break
            mine.append(_get(port, path))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    samples.sort()
    return {
        "throughput": len(samples) / wall,
        "p95": samples[int(0.95 * (len(samples) - 1))],
        "median": statistics.median(samples),
        "requests": len(samples),
    }


def _serve(database: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "residentvoice.config.settings",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "RESIDENTVOICE_DEMO": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, bound to 127.0.0.1
        [
            sys.executable,
            "-m",
            "gunicorn",
            "residentvoice.config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(300):
        try:
            _get(port, "/accessibility/")
            return server, port
        except (OSError, RuntimeError):
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def phase_demo() -> dict[str, Any]:
    database = _setup("demo")
    from residentvoice.demo.services import demo_load
    from residentvoice.publication.models import LandlordResult

    began = time.perf_counter()
    demo_load()
    load_seconds = time.perf_counter() - began
    slug = (
        LandlordResult.objects.filter(publication__reporting_year=YEAR)
        .order_by("order")
        .values_list("landlord_slug", flat=True)
        .first()
    )
    pages = {
        "trivial": "/accessibility/",
        "overview": f"/scorecards/{YEAR}/",
        "landlord": f"/scorecards/{YEAR}/landlords/{slug}/",
    }
    figures: dict[str, Any] = {"load_seconds": load_seconds, "pages": pages, "queries": {}}
    for name, url in pages.items():
        figures["queries"][name] = _queries(url)
    from django.db import connection

    connection.close()  # the server reads the same file
    server, port = _serve(database)
    try:
        for url in pages.values():  # warm both workers' caches and templates
            for _ in range(10):
                _get(port, url)
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in pages}
        for _ in range(ROUNDS):
            for name, url in pages.items():
                runs[name].append(_load(port, url))
        figures["load"] = runs
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["report"] = _report_seconds(YEAR)
    figures["landlords"] = LandlordResult.objects.filter(publication__reporting_year=YEAR).count()
    return figures


def _synthetic_data() -> None:
    """400 landlords, five cycles taken to ready to publish through the services, each with
    random final ratings, and published in turn."""
    from django.utils import timezone

    from residentvoice.assessment.models import STAGE_ORDER, AssessmentItem, Stage
    from residentvoice.assessment.services import cycle_open, cycle_stage_move
    from residentvoice.charter.models import RatingOption
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
    from residentvoice.organisations.models import Landlord, StockFigure
    from residentvoice.organisations.services import council_set
    from residentvoice.publication.services import cycle_publish

    council_set(name="Benchmark Borough Council", area_name="Benchmark")
    charter_load(path=DEFAULT_CHARTER_PATH)
    landlords = Landlord.objects.bulk_create(
        Landlord(
            name=f"Benchmark Homes {n}",
            short_name=f"Bench {n}",
            slug=f"bench-{n}",
            is_fictional=True,
        )
        for n in range(SYNTHETIC_LANDLORDS)
    )
    StockFigure.objects.bulk_create(
        StockFigure(
            landlord=landlord,
            area="borough",
            tenure="social_rent",
            homes=100 + 37 * n,
            as_of="2024-03-31",
            source="bench",
        )
        for n, landlord in enumerate(landlords)
    )
    options = list(RatingOption.objects.order_by("points"))
    pick = random.Random(20240331)  # noqa: S311 - synthetic figures, not security
    for year in SYNTHETIC_YEARS:
        cycle = cycle_open(reporting_year=year, landlords=landlords, is_demo=True)
        for stage in STAGE_ORDER[1 : STAGE_ORDER.index(Stage.MODERATION) + 1]:
            cycle_stage_move(cycle=cycle, to_stage=stage)
        items = list(AssessmentItem.objects.filter(participation__cycle=cycle).only("pk"))
        now = timezone.now()
        for item in items:
            item.final_rating = pick.choice(options)
            item.final_rationale = "Synthetic result for the benchmark"
            item.moderated_at = now
        AssessmentItem.objects.bulk_update(
            items, ["final_rating", "final_rationale", "moderated_at"], batch_size=1000
        )
        cycle_stage_move(cycle=cycle, to_stage=Stage.READY_TO_PUBLISH)
        cycle_publish(cycle=cycle, by=None)


def phase_synthetic() -> dict[str, Any]:
    _setup("synthetic")
    began = time.perf_counter()
    _synthetic_data()
    setup_seconds = time.perf_counter() - began
    year = SYNTHETIC_YEARS[-1]
    pages = {
        "overview": f"/scorecards/{year}/",
        "landlord": f"/scorecards/{year}/landlords/bench-7/",
    }
    return {
        "setup_seconds": setup_seconds,
        "pages": pages,
        "queries": {name: _queries(url) for name, url in pages.items()},
        "report": _report_seconds(year),
        "landlords": SYNTHETIC_LANDLORDS,
        "cycles": len(SYNTHETIC_YEARS),
    }


# --- gathering the figures ---------------------------------------------------------------------


def _phase(name: str) -> dict[str, Any]:
    completed = subprocess.run(  # noqa: S603 - this module, in a fresh process
        [sys.executable, "-m", "bench.publication", "--phase", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=PHASE_TIMEOUT,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.publication {name} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    return max(runs, key=lambda run: run["throughput"])


def run() -> list[dict[str, Any]]:
    demo = _phase("demo")
    synthetic = _phase("synthetic")
    results: list[dict[str, Any]] = []
    trivial = _best(demo["load"]["trivial"])
    for name in ("overview", "landlord"):
        page = _best(demo["load"][name])
        url = demo["pages"][name]
        results.append(
            {
                "name": f"scorecards {name}: throughput, gunicorn 2 workers, {CLIENTS} clients",
                "value": round(page["throughput"], 1),
                "unit": "requests/s",
                "baseline": round(trivial["throughput"], 1),
                "ratio": round(page["throughput"] / trivial["throughput"], 2),
                "detail": f"{url} against /accessibility/ on the same server, demo data "
                f"({demo['landlords']} landlords); goal ratio ≥ 0.5; best of {ROUNDS} runs of "
                f"{page['requests']} requests",
            }
        )
        results.append(
            {
                "name": f"scorecards {name}: p95 response at {CLIENTS} concurrent clients",
                "value": round(page["p95"], 1),
                "unit": "ms",
                "baseline": round(trivial["p95"], 1),
                "ratio": round(page["p95"] / trivial["p95"], 2),
                "detail": f"{url}; goal under 100 ms; baseline is /accessibility/'s p95",
            }
        )
    for name in ("overview", "landlord"):
        small_first, small_later = demo["queries"][name]
        large_first, large_later = synthetic["queries"][name]
        results.append(
            {
                "name": f"scorecards {name}: queries, {synthetic['landlords']} landlords × "
                f"{synthetic['cycles']} cycles",
                "value": large_first,
                "unit": "queries",
                "baseline": small_first,
                "ratio": round(large_first / small_first, 2),
                "detail": f"first view of a version (nothing cached): demo {small_first}, "
                f"synthetic {large_first}; later views: demo {small_later}, synthetic "
                f"{large_later}; goal: equal",
            }
        )
    small_seconds, small_pages = demo["report"]
    large_seconds, large_pages = synthetic["report"]
    per_small = small_seconds / demo["landlords"]
    per_large = large_seconds / synthetic["landlords"]
    results.append(
        {
            "name": f"report build PDF: {synthetic['landlords']} synthetic landlords",
            "value": round(large_seconds, 1),
            "unit": "s",
            "baseline": round(small_seconds, 1),
            "ratio": round(large_seconds / small_seconds, 2),
            "detail": f"baseline: the demo ({demo['landlords']} landlords, {small_pages} pages); "
            f"{large_pages} pages at {synthetic['landlords']}; landlords ×"
            f"{synthetic['landlords'] / demo['landlords']:.0f}",
        }
    )
    results.append(
        {
            "name": "report build PDF: seconds per landlord",
            "value": round(per_large, 3),
            "unit": "s",
            "baseline": round(per_small, 3),
            "ratio": round(per_large / per_small, 2),
            "detail": f"{synthetic['landlords']} landlords against {demo['landlords']}; a "
            "ratio near 1 or below means the time grows linearly with the landlords",
        }
    )
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=["demo", "synthetic"])
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.phase == "demo":
        print(json.dumps(phase_demo()))
    elif args.phase == "synthetic":
        print(json.dumps(phase_synthetic()))
    else:
        rows = run()
        (OUT / "publication.json").write_text(json.dumps(rows, indent=2) + "\n")
        for row in rows:
            print(
                f"{row['name']}: {row['value']} {row['unit']} (baseline {row['baseline']}, "
                f"ratio {row['ratio']}) - {row['detail']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
