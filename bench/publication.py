"""`make bench` figures for the published scorecards and the annual report, each with whether
it meets its goal (`passed`, and PASS or FAIL at the start of its detail):

- The borough overview and a landlord page, served by gunicorn (2 sync workers) on 127.0.0.1
  from the demonstration (20 landlords, every past year from 2022-23 published), against the trivial
  accessibility page on the same server in the same run: throughput ratio (goal ≥ 0.5) and the
  95th percentile response time at 16 concurrent clients (goal under 100 ms).
- Queries per page (overview, a landlord, a commitment) with the demonstration and with 200 and
  400 synthetic landlords × 5 published cycles: the count must not change (first view of a
  version, and later views).
- `report build` as PDF for the demonstration (20 landlords) and the 200 and 400 landlords: the
  time per landlord at each size, which must not grow with the size (goal: linear growth).

Each database is made for the run under var/bench/ and runs in its own process
(`python -m bench.publication --phase demo|synthetic [--landlords N]`), which prints its figures
as JSON; `run()` gathers them. The load generator talks to 127.0.0.1 only and is bounded in
requests and time. PUBLICATION_BENCH_SIZES (e.g. "10,20") and PUBLICATION_BENCH_REQUESTS make a
quick run to check the code paths; its figures mean little.
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
# Where the run's databases and figures go; a quick check of the code paths can send them
# elsewhere so that it leaves a real run's files alone.
OUT = Path(os.environ.get("PUBLICATION_BENCH_OUT", ROOT / "var" / "bench"))
YEAR = "2023-24"
CLIENTS = 16
REQUESTS_PER_CLIENT = int(os.environ.get("PUBLICATION_BENCH_REQUESTS", "40"))
LOAD_SECONDS = 60  # no load run goes on longer than this
ROUNDS = 2  # each page is measured twice, interleaved with the baseline; the better run counts
SYNTHETIC_SIZES = [
    int(size) for size in os.environ.get("PUBLICATION_BENCH_SIZES", "200,400").split(",")
]
SYNTHETIC_YEARS = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
PHASE_TIMEOUT = 3600
# Goals (see the issue): throughput at least half the trivial page's, p95 under 100 ms, the same
# queries at every size, and report time per landlord not growing by more than measurement noise.
THROUGHPUT_GOAL = 0.5
P95_GOAL_MS = 100.0
LINEAR_TOLERANCE = 1.25


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
    counted = {**pages, "commitment": f"/scorecards/{YEAR}/commitments/1/"}
    figures: dict[str, Any] = {"load_seconds": load_seconds, "pages": counted, "queries": {}}
    for name, url in counted.items():
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


def publish_synthetic_borough(
    *, landlords: int, years: list[str], prefix: str = "bench", charter: Any = None
) -> None:
    """`landlords` made-up landlords (slugs `<prefix>-0`, `<prefix>-1`, …), and for each year a
    cycle taken to ready to publish through the services, with random final ratings, published in
    turn. The suite's query-count test builds its boroughs with this too."""
    from django.utils import timezone

    from residentvoice.assessment.models import STAGE_ORDER, AssessmentItem, Stage
    from residentvoice.assessment.services import cycle_open, cycle_stage_move
    from residentvoice.charter.models import RatingOption
    from residentvoice.organisations.models import Landlord, StockFigure
    from residentvoice.publication.services import cycle_publish

    created = Landlord.objects.bulk_create(
        Landlord(
            name=f"{prefix.title()} Homes {n}",
            short_name=f"{prefix.title()} {n}",
            slug=f"{prefix}-{n}",
            is_fictional=True,
        )
        for n in range(landlords)
    )
    StockFigure.objects.bulk_create(
        StockFigure(
            landlord=landlord,
            area="borough",
            tenure="social_rent",
            homes=100 + 37 * n,
            as_of="2024-03-31",
            source="synthetic",
        )
        for n, landlord in enumerate(created)
    )
    pick = random.Random(20240331)  # noqa: S311 - synthetic figures, not security
    for year in years:
        cycle = cycle_open(reporting_year=year, landlords=created, charter=charter, is_demo=True)
        options = list(RatingOption.objects.filter(scale__charter=cycle.charter).order_by("points"))
        for stage in STAGE_ORDER[1 : STAGE_ORDER.index(Stage.MODERATION) + 1]:
            cycle_stage_move(cycle=cycle, to_stage=stage)
        items = list(AssessmentItem.objects.filter(participation__cycle=cycle).only("pk"))
        now = timezone.now()
        for item in items:
            item.final_rating = pick.choice(options)
            item.final_rationale = "Synthetic result"
            item.moderated_at = now
        AssessmentItem.objects.bulk_update(
            items, ["final_rating", "final_rationale", "moderated_at"], batch_size=1000
        )
        cycle_stage_move(cycle=cycle, to_stage=Stage.READY_TO_PUBLISH)
        cycle_publish(cycle=cycle, by=None)


def _synthetic_data(landlords: int) -> None:
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
    from residentvoice.organisations.services import council_set

    council_set(name="Benchmark Borough Council", area_name="Benchmark")
    charter_load(path=DEFAULT_CHARTER_PATH)
    publish_synthetic_borough(landlords=landlords, years=SYNTHETIC_YEARS)


def phase_synthetic(landlords: int) -> dict[str, Any]:
    _setup(f"synthetic-{landlords}")
    began = time.perf_counter()
    _synthetic_data(landlords)
    setup_seconds = time.perf_counter() - began
    year = SYNTHETIC_YEARS[-1]
    pages = {
        "overview": f"/scorecards/{year}/",
        "landlord": f"/scorecards/{year}/landlords/bench-{min(7, landlords - 1)}/",
        "commitment": f"/scorecards/{year}/commitments/1/",
    }
    return {
        "setup_seconds": setup_seconds,
        "pages": pages,
        "queries": {name: _queries(url) for name, url in pages.items()},
        "report": _report_seconds(year),
        "landlords": landlords,
        "cycles": len(SYNTHETIC_YEARS),
    }


# --- gathering the figures ---------------------------------------------------------------------


def _phase(name: str, *arguments: str) -> dict[str, Any]:
    completed = subprocess.run(  # noqa: S603 - this module, in a fresh process
        [sys.executable, "-m", "bench.publication", "--phase", name, *arguments],
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


def _figure(
    name: str, value: float, unit: str, baseline: float, *, passed: bool, detail: str
) -> dict[str, Any]:
    """One row of results.json, saying whether it meets its goal."""
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "ratio": round(value / baseline, 2) if baseline else None,
        "detail": f"{'PASS' if passed else 'FAIL'}: {detail}",
        "passed": passed,
    }


def _page_figures(demo: dict[str, Any]) -> list[dict[str, Any]]:
    results = []
    trivial = _best(demo["load"]["trivial"])
    for name in ("overview", "landlord"):
        page = _best(demo["load"][name])
        url = demo["pages"][name]
        ratio = page["throughput"] / trivial["throughput"]
        results.append(
            _figure(
                f"scorecards {name}: throughput, gunicorn 2 workers, {CLIENTS} clients",
                round(page["throughput"], 1),
                "requests/s",
                round(trivial["throughput"], 1),
                passed=ratio >= THROUGHPUT_GOAL,
                detail=f"{url} against /accessibility/ on the same server, demo data "
                f"({demo['landlords']} landlords); goal ratio ≥ {THROUGHPUT_GOAL}; best of "
                f"{ROUNDS} runs of {page['requests']} requests",
            )
        )
        results.append(
            _figure(
                f"scorecards {name}: p95 response at {CLIENTS} concurrent clients",
                round(page["p95"], 1),
                "ms",
                round(trivial["p95"], 1),
                passed=page["p95"] < P95_GOAL_MS,
                detail=f"{url}; goal under {P95_GOAL_MS:.0f} ms; baseline is /accessibility/'s p95",
            )
        )
    return results


def _query_figures(demo: dict[str, Any], synthetic: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for name in ("overview", "landlord", "commitment"):
        small_first, small_later = demo["queries"][name]
        for phase in synthetic:
            large_first, large_later = phase["queries"][name]
            results.append(
                _figure(
                    f"scorecards {name}: queries, {phase['landlords']} landlords × "
                    f"{phase['cycles']} cycles",
                    large_first,
                    "queries",
                    small_first,
                    passed=(large_first, large_later) == (small_first, small_later),
                    detail=f"first view of a version (nothing cached): demo {small_first}, "
                    f"synthetic {large_first}; later views: demo {small_later}, synthetic "
                    f"{large_later}; goal: equal",
                )
            )
    return results


def _report_figures(demo: dict[str, Any], synthetic: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The PDF's time per landlord at each size. Fixed costs make it fall as the size grows;
    growth faster than linear makes it rise, so each size is held to the one before it."""
    sizes = sorted([demo, *synthetic], key=lambda phase: phase["landlords"])
    results = []
    previous: dict[str, Any] | None = None
    for phase in sizes:
        seconds, pages = phase["report"]
        per_landlord = seconds / phase["landlords"]
        where = "demo" if phase is demo else "synthetic"
        if previous is None:
            passed, against, detail = True, per_landlord, "the smallest size, the baseline"
        else:
            before = previous["report"][0] / previous["landlords"]
            passed = per_landlord <= before * LINEAR_TOLERANCE
            against = before
            detail = (
                f"against {before:.3f} s a landlord at {previous['landlords']} landlords; goal: "
                f"no more than ×{LINEAR_TOLERANCE} (linear growth)"
            )
        results.append(
            _figure(
                f"report build PDF: seconds per landlord, {phase['landlords']} landlords",
                round(per_landlord, 3),
                "s",
                round(against, 3),
                passed=passed,
                detail=f"{where}, {seconds:.1f} s in all, {pages} pages; {detail}",
            )
        )
        previous = phase
    return results


def run() -> list[dict[str, Any]]:
    demo = _phase("demo")
    synthetic = [_phase("synthetic", "--landlords", str(size)) for size in SYNTHETIC_SIZES]
    return [
        *_page_figures(demo),
        *_query_figures(demo, synthetic),
        *_report_figures(demo, synthetic),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=["demo", "synthetic"])
    parser.add_argument("--landlords", type=int, default=SYNTHETIC_SIZES[-1])
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.phase == "demo":
        print(json.dumps(phase_demo()))
    elif args.phase == "synthetic":
        print(json.dumps(phase_synthetic(args.landlords)))
    else:
        rows = run()
        (OUT / "publication.json").write_text(json.dumps(rows, indent=2) + "\n")
        for row in rows:
            print(
                f"{row['name']}: {row['value']} {row['unit']} (baseline {row['baseline']}, "
                f"ratio {row['ratio']}) - {row['detail']}"
            )
        failed = [row["name"] for row in rows if not row["passed"]]
        print(
            f"{len(rows) - len(failed)} of {len(rows)} goals met"
            + (f"; not met: {', '.join(failed)}" if failed else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
