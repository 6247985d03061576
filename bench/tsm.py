"""`make bench` figures for Tenant Satisfaction Measures, each against a baseline from the same run.

- Importing the regulator's 2023-24 workbook, against reading every sheet of it (calamine) alone.
- All measures for 400 landlords from 1,000,000 synthetic survey responses stored in the
  database, against a plain pandas group-by computing the same numbers from the same table; once
  on SQLite and once on PostgreSQL (the server in DATABASE_URL when it is PostgreSQL, else
  127.0.0.1 as user postgres), each in a temporary database made for the run and dropped after.

Each database runs in its own process (`python -m bench.tsm --database-url URL`), which prints
its figures as JSON; `run()` gathers them. Nothing here touches the database the site uses.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
WORKBOOK_NAME = "rsh_tsm_2023-24_full_data_v1.1.xlsx"
# TSM_BENCH_RESPONSES makes a quick trial run smaller; the figures reported use a million.
RESPONSES = int(os.environ.get("TSM_BENCH_RESPONSES", "1000000"))
LANDLORDS = 400
REPEATS = 2  # the import: the best of two runs, enough to shed a cold cache
# One run each for the million responses (about half a minute apiece): keeps `make bench` to a few
# minutes; the two sides run one after the other in the same process, so they share its noise.
LARGE_REPEATS = 1
SEED = 20240331
SUBPROCESS_TIMEOUT = 600


def workbook_path() -> Path:
    """The regulator's full 2023-24 file beside the checkout, else the demonstration extract."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "data" / "tsm" / WORKBOOK_NAME
        if candidate.exists():
            return candidate
    return ROOT / "src" / "residentvoice" / "demo" / "data" / "tsm_2023-24_extract.xlsx"


# --- in the measuring process ------------------------------------------------------------------


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residentvoice.config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def _best(action: Any, repeats: int = REPEATS, before: Any = None) -> tuple[float, Any]:
    """The shortest of `repeats` runs of `action` (after `before`, which is not timed)."""
    best, result = float("inf"), None
    for _ in range(repeats):
        if before is not None:
            before()
        began = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - began)
    return best, result


def _import_figure(vendor: str) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    from residentvoice.tsm.models import TsmRelease
    from residentvoice.tsm.services import tsm_release_import

    path = workbook_path()

    def read_only() -> int:
        workbook = CalamineWorkbook.from_path(str(path))
        return sum(len(workbook.get_sheet_by_name(n).to_python()) for n in workbook.sheet_names)

    def forget() -> None:
        TsmRelease.objects.all().delete()  # so the same file is imported again, not skipped

    baseline, rows = _best(read_only)
    seconds, values = _best(lambda: tsm_release_import(path=path).values, before=forget)
    return {
        "name": f"TSM: import the 2023-24 workbook ({vendor})",
        "value": round(seconds, 3),
        "unit": "s",
        "baseline": round(baseline, 3),
        "ratio": round(seconds / baseline, 2),
        "detail": f"{path.name}: {values} values stored; baseline reads every sheet "
        f"({rows} rows) with calamine and nothing else; best of {REPEATS}",
    }


def _synthetic_responses() -> Any:
    """One million respondents across 400 landlords, answers weighted towards satisfied."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(SEED)
    n = RESPONSES
    frame = pd.DataFrame(
        {
            "survey_id": np.sort(rng.integers(0, LANDLORDS, n)),
            "respondent_id": np.arange(n).astype(str),
            "population": np.where(rng.random(n) < 0.85, "LCRA", "LCHO"),
            "weight": rng.uniform(0.4, 1.8, n).round(4),
            "collection_method": rng.choice(
                ["Telephone", "Online", "Post", "Face to face"], n, p=[0.5, 0.3, 0.15, 0.05]
            ),
            "response_date": "2024-01-15",
        }
    )
    for i in range(1, 13):
        answers = rng.choice(
            [1, 2, 3, 4, 5, 6, 0], n, p=[0.3, 0.3, 0.12, 0.1, 0.1, 0.05, 0.03]
        ).astype(float)
        answers[answers == 0] = np.nan  # not asked
        frame[f"tp{i:02d}"] = answers
    lcho = frame["population"] == "LCHO"
    frame.loc[lcho, ["tp02", "tp03", "tp04"]] = np.nan  # shared owners are not asked these
    for column in ("had_repair", "complained", "communal"):
        flags = rng.choice([1.0, 0.0, np.nan], n, p=[0.6, 0.35, 0.05])
        frame[column] = flags
    return frame


COLUMNS = [
    "survey_id",
    "respondent_id",
    "population",
    *[f"tp{i:02d}" for i in range(1, 13)],
    "had_repair",
    "complained",
    "communal",
    "weight",
    "collection_method",
    "response_date",
]


def _load_responses(frame: Any) -> list[int]:
    """Store the landlords, their surveys and the responses; bulk paths, not timed."""
    import math

    from django.db import connection, transaction

    from residentvoice.organisations.models import Landlord
    from residentvoice.tsm.models import OwnSurvey

    with transaction.atomic():
        landlords = Landlord.objects.bulk_create(
            Landlord(
                name=f"Bench Landlord {n}",
                short_name=f"Bench {n}",
                slug=f"bench-tsm-{n}",
                regulator_code=f"BT{n:04d}",
                is_fictional=True,
            )
            for n in range(LANDLORDS)
        )
        surveys = OwnSurvey.objects.bulk_create(
            OwnSurvey(
                title=f"Bench survey {n}",
                landlord=landlord,
                reporting_year="2024-25",
                population_sizes={"LCRA": 8000, "LCHO": 1500},
            )
            for n, landlord in enumerate(landlords)
        )
    ids = [s.pk for s in surveys]
    table = "tsm_ownsurveyresponse"
    if connection.vendor == "postgresql":
        # COPY in text form, written by pandas: the quickest way in for a million rows.
        import io

        text = frame.assign(survey_id=frame["survey_id"].map(dict(enumerate(ids))))
        for name in COLUMNS:
            if name.startswith("tp"):
                text[name] = text[name].astype("Int64")
            elif name in ("had_repair", "complained", "communal"):
                text[name] = text[name].astype("boolean")
        buffer = io.StringIO()
        text[COLUMNS].to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N")
        del text
        with transaction.atomic():
            copy_sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
            with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
    else:
        columns: dict[str, list[Any]] = {}
        for name in COLUMNS:
            cells = frame[name].tolist()
            if name == "survey_id":
                columns[name] = [ids[i] for i in cells]
            elif name.startswith("tp"):
                columns[name] = [None if math.isnan(c) else int(c) for c in cells]
            elif name in ("had_repair", "complained", "communal"):
                columns[name] = [None if math.isnan(c) else bool(c) for c in cells]
            else:
                columns[name] = cells
        # A throwaway database: no need to wait for the disk on every page (outside a transaction).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
        # Straight to sqlite3, without Django's per-row parameter translation.
        marks = ", ".join(["?"] * len(COLUMNS))
        with transaction.atomic():
            connection.connection.executemany(
                f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
                zip(*(columns[name] for name in COLUMNS), strict=True),
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return ids


def _engine(survey_ids: list[int]) -> dict[tuple[int, str, str | None, str], tuple[Any, Any]]:
    """Ours: the database counts (one query), the engine works out every measure."""
    from residentvoice.tsm.measures import Population, population_results
    from residentvoice.tsm.selectors import own_results_tallies

    sizes = {Population.LCRA: 8000, Population.LCHO: 1500}
    found = {}
    for survey_id, (tallies, respondents) in own_results_tallies(survey_ids=survey_ids).items():
        for result in population_results(tallies, respondents, sizes):
            groups = [(None, result.measures), *result.by_collection_method.items()]
            for method, measures in groups:
                for measure in measures:
                    if measure.value is None:
                        continue  # only "don't know" answers: no result, as in pandas
                    found[(survey_id, result.population.value, method, measure.code)] = (
                        measure.value,
                        measure.unweighted_value,
                    )
    return found


def _pandas(connection: Any) -> tuple[dict[Any, Any], float]:
    """The baseline: read the same table with pandas and group by landlord, population and
    method, question by question, for the same weighted and unweighted percentages. Also gives
    how long the group-by alone took."""
    import pandas as pd

    columns = ["survey_id", "population", "collection_method", "weight"]
    columns += [f"tp{i:02d}" for i in range(1, 13)] + ["had_repair", "complained", "communal"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; DBAPI is fine
        query = f"SELECT {', '.join(columns)} FROM tsm_ownsurveyresponse"  # noqa: S608
        frame = pd.read_sql(query, connection)
    began = time.perf_counter()
    found = _pandas_group(frame)
    return found, time.perf_counter() - began


def _pandas_group(frame: Any) -> dict[tuple[int, str, str | None, str], tuple[Any, Any]]:
    filters = {"tp02": "had_repair", "tp03": "had_repair", "tp09": "complained", "tp10": "communal"}
    found: dict[tuple[int, str, str | None, str], tuple[Any, Any]] = {}
    for i in range(1, 13):
        column = f"tp{i:02d}"
        answer = frame[column]
        eligible = answer.between(1, 5)
        if column in filters:
            eligible &= frame[filters[column]] != 0  # a "no" leaves the answer out
        part = frame.loc[eligible, ["survey_id", "population", "collection_method", "weight"]]
        positive = answer[eligible] <= 2
        part = part.assign(
            positive_weight=part["weight"].where(positive, 0.0),
            positive=positive.astype(int),
            one=1,
        )
        keys = ["survey_id", "population", "collection_method"]
        by_method = part.groupby(keys)[["weight", "positive_weight", "one", "positive"]].sum()
        overall = by_method.groupby(level=[0, 1]).sum()
        for sums, method in ((by_method, True), (overall, False)):
            values = sums["positive_weight"] / sums["weight"] * 100
            unweighted = sums["positive"] / sums["one"] * 100
            for key, weighted, plain in zip(
                sums.index, values.to_numpy(), unweighted.to_numpy(), strict=True
            ):
                found[(int(key[0]), key[1], key[2] if method else None, f"TP{i:02d}")] = (
                    float(weighted),
                    float(plain),
                )
    return found


def _compare(ours: dict[Any, Any], theirs: dict[Any, Any]) -> float:
    """The largest difference between the two computations, in percentage points."""
    assert set(ours) == set(theirs), "the engine and pandas found different groups"
    return max(
        max(abs(a[0] - b[0]), abs(a[1] - b[1]))
        for key in ours
        for a, b in [(ours[key], theirs[key])]
    )


def _responses_figures(vendor: str) -> list[dict[str, Any]]:
    from django.db import connection

    began = time.perf_counter()
    frame = _synthetic_responses()
    survey_ids = _load_responses(frame)
    setup = time.perf_counter() - began
    del frame
    connection.ensure_connection()
    ours_seconds, ours = _best(lambda: _engine(survey_ids), repeats=LARGE_REPEATS)
    theirs_seconds, (theirs, group_seconds) = _best(
        lambda: _pandas(connection.connection), repeats=LARGE_REPEATS
    )
    difference = _compare(ours, theirs)
    return [
        {
            "name": f"TSM: all measures, {RESPONSES:,} responses, {LANDLORDS} landlords ({vendor})",
            "value": round(ours_seconds, 3),
            "unit": "s",
            "baseline": round(theirs_seconds, 3),
            "ratio": round(ours_seconds / theirs_seconds, 2),
            "detail": f"ours: one SQL query counting every answer, then the engine "
            f"({len(ours):,} results, weighted and unweighted, overall and by method); "
            f"baseline: pandas read_sql of the same table and a group-by per question; "
            f"largest difference {difference:.2e} points; of the baseline, the pandas "
            f"group-by alone took {group_seconds:.3f} s; loading the responses (not timed) "
            f"{setup:.1f} s; one run each",
        }
    ]


def measure(database_url: str) -> list[dict[str, Any]]:
    _setup(database_url)
    from django.db import connection

    vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    return [_import_figure(vendor), *_responses_figures(vendor)]


# --- in the `make bench` process ---------------------------------------------------------------


def _postgres_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _in_subprocess(database_url: str) -> list[dict[str, Any]]:
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(  # noqa: S603 - our own module, our own arguments
        [sys.executable, "-m", "bench.tsm", "--database-url", database_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def run() -> list[dict[str, Any]]:
    """Every TSM figure, on SQLite and on PostgreSQL; a database that cannot be reached is
    reported as a figure with no value and the reason, not as a failure of the whole bench."""
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    sqlite_file = OUT / "tsm-bench.sqlite3"
    sqlite_file.unlink(missing_ok=True)
    try:
        results += _in_subprocess(f"sqlite:///{sqlite_file}")
    finally:
        sqlite_file.unlink(missing_ok=True)

    import psycopg

    server = _postgres_server()
    name = f"rv_bench_tsm_{os.getpid()}"
    try:
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        results.append(_unavailable(f"PostgreSQL not available: {error}".strip()))
        return results
    try:
        results += _in_subprocess(_with_database(server, name))
    finally:
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


def _unavailable(reason: str) -> dict[str, Any]:
    return {
        "name": "TSM: PostgreSQL figures",
        "value": None,
        "unit": "s",
        "baseline": None,
        "ratio": None,
        "detail": reason[:300],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    arguments = parser.parse_args()
    print(json.dumps(measure(arguments.database_url)))
