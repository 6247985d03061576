"""`make bench` figures for the yearly assessment: the council dashboard (every landlord against
every commitment) rendered for 20 and for 400 landlords, 18 commitments each, in council review.

Measured in-process with Django's test client, signed in as a council admin: the 95th percentile
of the render time over a bounded number of requests, and the queries one request makes, which
must be the same for both sizes. Both p95s are set against the static accessibility page's p95
measured in the same run (as the rest of `make bench`), and the 400-landlord p95 against the
20-landlord one too, to show how the page grows.

The measuring runs in its own process on its own SQLite database under var/bench/
(`python -m bench.assessment --database-url URL` prints its figures as JSON); `run()` starts it.
The cycles are written straight to the tables (no services, no history): only the page is timed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
SIZES = (20, 400)
COMMITMENTS = 18
REPEATS = 40  # requests per page at most...
TIME_BUDGET = 60.0  # ...and at most this many seconds of requests per page (at least MIN_REPEATS)
MIN_REPEATS = 8
SUBPROCESS_TIMEOUT = 900
GOAL_MS = 150  # the dashboard's p95 at 400 landlords


# --- in the measuring process ------------------------------------------------------------------


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residentvoice.config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", "--no-input", verbosity=0)


def _charter(folder: Path) -> Any:
    """The default charter with every one of its 18 commitments binding the landlords."""
    import yaml

    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

    data = yaml.safe_load(DEFAULT_CHARTER_PATH.read_text(encoding="utf-8"))
    data["charter"]["slug"] = "bench-charter"
    data["charter"]["name"] = "Benchmark charter"
    for commitment in data["commitments"]:
        commitment["commits"] = sorted({*commitment.get("commits", []), "landlords"})
    path = folder / "bench-charter.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    charter = charter_load(path=path).charter
    assert charter.commitments.filter(commits_landlords=True).count() == COMMITMENTS
    return charter


def _seed(folder: Path) -> tuple[Any, dict[int, str]]:
    """A council admin, 400 landlords and a cycle in council review for each size, with items in
    every state the dashboard shows. Returns the admin and the reporting year per size."""
    import datetime

    from django.utils import timezone

    from residentvoice.accounts.models import Membership, Role, User
    from residentvoice.assessment.models import (
        AssessmentCycle,
        AssessmentItem,
        Participation,
        ReplyPosition,
        Stage,
        StageDates,
        StageMove,
    )
    from residentvoice.charter.models import RatingOption
    from residentvoice.organisations.models import Landlord

    charter = _charter(folder)
    admin = User.objects.create_user(email="bench-admin@example.org", full_name="Bench Admin")
    Membership.objects.create(user=admin, role=Role.COUNCIL_ADMIN)
    officer = User.objects.create_user(email="bench-officer@example.org", full_name="Bench Officer")
    Membership.objects.create(user=officer, role=Role.COUNCIL_OFFICER)
    landlords = Landlord.objects.bulk_create(
        Landlord(
            name=f"Benchmark Homes {n:03d}",
            short_name=f"Bench {n:03d}",
            slug=f"bench-{n:03d}",
            regulator_code=f"B{n:05d}",
            is_fictional=True,
        )
        for n in range(max(SIZES))
    )
    commitments = list(charter.commitments.filter(commits_landlords=True).order_by("number"))
    ratings = list(RatingOption.objects.filter(scale__charter=charter).order_by("order"))
    now = timezone.now()
    years = {}
    for offset, size in enumerate(SIZES):
        year = f"{2090 + offset}-{(91 + offset) % 100:02d}"
        years[size] = year
        cycle = AssessmentCycle.objects.create(reporting_year=year, charter=charter)
        StageMove.objects.bulk_create(
            StageMove(cycle=cycle, stage=stage, moved_by=admin, moved_at=now)
            for stage in (Stage.PREPARATION, Stage.SELF_ASSESSMENT, Stage.COUNCIL_REVIEW)
        )
        StageDates.objects.create(
            cycle=cycle,
            stage=Stage.COUNCIL_REVIEW,
            closes_on=datetime.date(2090 + offset + 1, 8, 31),
        )
        participations = Participation.objects.bulk_create(
            Participation(
                cycle=cycle,
                landlord=landlord,
                reviewer=(admin, officer, None)[n % 3],
                submitted_at=now if n % 10 else None,
            )
            for n, landlord in enumerate(landlords[:size])
        )
        items = []
        for n, participation in enumerate(participations):
            for m, commitment in enumerate(commitments):
                state = (n + m) % 6  # 0 blank, 1 drafted, 2-3 self-assessed, 4 reviewed, 5 replied
                item = AssessmentItem(
                    participation=participation,
                    landlord_id=participation.landlord_id,
                    commitment=commitment,
                )
                if state >= 1:
                    item.what_we_do = "Residents choose the topics the panel looks at."
                if state >= 2:
                    item.self_rating = ratings[(n + m) % len(ratings)]
                if state >= 4:
                    item.council_rating = ratings[(n * m) % len(ratings)]
                    item.council_feedback = "The evidence supports the rating."
                    item.reviewed_by, item.reviewed_at = admin, now
                if state == 5:
                    item.reply_position = ReplyPosition.AGREE
                    item.replied_at = now
                if (n + 2 * m) % 41 == 0:
                    item.reopened_for = Stage.SELF_ASSESSMENT
                    item.reopened_reason = "More evidence to come"
                items.append(item)
        AssessmentItem.objects.bulk_create(items, batch_size=1000)
    return admin, years


def _p95(samples: list[float]) -> float:
    """The 95th percentile by the nearest-rank method (no interpolation on few samples)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _time_page(client: Any, url: str) -> tuple[float, int, int]:
    """p95 milliseconds, the number of requests timed, and the queries one request makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm templates and caches
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples: list[float] = []
    began = time.perf_counter()
    while len(samples) < REPEATS and (
        len(samples) < MIN_REPEATS or time.perf_counter() - began < TIME_BUDGET
    ):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return _p95(samples), len(samples), len(queries)


def measure() -> list[dict[str, Any]]:
    import tempfile

    from django.test import Client
    from django.urls import reverse

    with tempfile.TemporaryDirectory() as folder:
        admin, years = _seed(Path(folder))
    client = Client()
    client.force_login(admin)
    baseline_ms, baseline_n, _ = _time_page(client, reverse("core:accessibility"))
    timings = {}
    for size in SIZES:
        url = reverse("assessment:dashboard", kwargs={"year": years[size]})
        timings[size] = (url, *_time_page(client, url))
    url_20, ms_20, n_20, queries_20 = timings[SIZES[0]]
    url_400, ms_400, n_400, queries_400 = timings[SIZES[-1]]
    cells = f"{COMMITMENTS} commitments"
    equal = "equal" if queries_20 == queries_400 else "NOT EQUAL"
    baseline = f"baseline is the static accessibility page's p95 ({baseline_n} requests)"
    return [
        {
            "name": f"assessment dashboard: p95 render, {SIZES[0]} landlords x {cells}",
            "value": round(ms_20, 2),
            "unit": "ms",
            "baseline": round(baseline_ms, 2),
            "ratio": round(ms_20 / baseline_ms, 2),
            "detail": f"{url_20}; {n_20} requests, in-process test client, council admin; "
            f"{queries_20} queries; {baseline}; goal under {GOAL_MS} ms",
        },
        {
            "name": f"assessment dashboard: p95 render, {SIZES[-1]} landlords x {cells}",
            "value": round(ms_400, 2),
            "unit": "ms",
            "baseline": round(baseline_ms, 2),
            "ratio": round(ms_400 / baseline_ms, 2),
            "detail": f"{url_400}; {n_400} requests; {baseline}; goal under {GOAL_MS} ms "
            f"({'met' if ms_400 < GOAL_MS else 'NOT MET'}); queries {queries_20} -> "
            f"{queries_400} ({equal})",
        },
        {
            "name": f"assessment dashboard: p95 at {SIZES[-1]} against {SIZES[0]} landlords",
            "value": round(ms_400, 2),
            "unit": "ms",
            "baseline": round(ms_20, 2),
            "ratio": round(ms_400 / ms_20, 2),
            "detail": f"the {SIZES[-1]}-landlord dashboard against the same page with "
            f"{SIZES[0]} landlords: how the page grows with the borough",
        },
        {
            "name": f"assessment dashboard: queries, {SIZES[-1]} landlords",
            "value": queries_400,
            "unit": "queries",
            "baseline": queries_20,
            "ratio": round(queries_400 / queries_20, 2) if queries_20 else None,
            "detail": f"queries for one request; baseline is the {SIZES[0]}-landlord dashboard; "
            f"they must be equal ({equal})",
        },
    ]


# --- in the bench's own process ----------------------------------------------------------------


def run() -> list[dict[str, Any]]:
    """The dashboard figures, measured in a fresh process on a database made for the run."""
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "assessment-bench.sqlite3"
    database.unlink(missing_ok=True)
    try:
        completed = subprocess.run(  # noqa: S603 - our own module, our own arguments
            [sys.executable, "-m", "bench.assessment", "--database-url", f"sqlite:///{database}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [_failed(f"stopped after {SUBPROCESS_TIMEOUT} s")]
    finally:
        database.unlink(missing_ok=True)
    if completed.returncode != 0:
        return [_failed(completed.stderr.strip().splitlines()[-1:] or ["no output"])]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _failed(reason: Any) -> dict[str, Any]:
    return {
        "name": "assessment dashboard",
        "value": None,
        "unit": "ms",
        "baseline": None,
        "ratio": None,
        "detail": f"not measured: {reason}"[:300],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    _setup(args.database_url)
    print(json.dumps(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
