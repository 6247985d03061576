"""`make bench` figures for resident participation: 200 residents answer one consultation at once.

A real server (gunicorn, started here on 127.0.0.1 and stopped after) in front of a temporary
PostgreSQL database made for the run and dropped after. The load generator is bounded: one thread
per resident, each reads the form then sends its answers, all released together; every request
has a timeout. Then the database is counted: every resident's response saved exactly once, with
all its answers, nothing lost and nothing duplicated, also when residents send twice at once.
Anything lost or duplicated, or any request that failed, is an error: the measuring process exits
with status 3 and `make bench` stops with the figures in its message.

The baseline, from the same run, is 20 other residents answering one after another.

`python -m bench.participation --database-url URL` does the measuring in its own process and
prints its figures as JSON; `run()` makes the database and gathers them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
AT_ONCE = 200
ONE_BY_ONE = 20
TWICE = 100  # residents who send the same answers twice at the same moment
WORKERS, THREADS = 3, 8
REQUEST_TIMEOUT = 120
SERVER_START_TIMEOUT = 60
SUBPROCESS_TIMEOUT = 900
ANSWERS_WRONG = 3  # the measuring process's exit status when answers were lost or duplicated
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- in the measuring process ------------------------------------------------------------------


def _seed() -> tuple[int, list[str], dict[str, Any]]:
    """A landlord, its verified residents (each with a signed-in session) and one open
    consultation with a question of every kind. Returns its id, the session keys and the form."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from residentvoice.accounts.models import Membership, Role, User
    from residentvoice.organisations.models import Landlord
    from residentvoice.participation import services

    landlord = Landlord.objects.create(
        name="Benchmark Homes (fictional)", short_name="Benchmark", slug="bench", is_fictional=True
    )
    count = AT_ONCE + ONE_BY_ONE
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", full_name=f"Bench resident {n}", password="!")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.RESIDENT, landlord=landlord, resident_tenure="tenant")
        for user in users
    )
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(str(session.session_key))
    now = timezone.now()
    consultation = services.consultation_create_from_template(
        created_by=None,
        landlord=landlord,
        template="participation_strategy",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    services.consultation_publish(consultation=consultation)
    form: dict[str, Any] = {"action": "submit"}
    for question in consultation.questions.all():
        name = f"q_{question.pk}"
        if question.kind == "rating":
            form[name] = "4"
        elif question.kind == "single_choice":
            form[name] = question.options[0]
        elif question.kind == "multiple_choice":
            form[name] = question.options[:2]
        elif question.kind == "ranking":
            for index in range(len(question.options)):
                form[f"{name}_{index}"] = str(len(question.options) - index)
        else:
            form[name] = "Evening meetings & more notice, please <3"
    return consultation.pk, keys, form


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "residentvoice.config.settings",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "RESIDENTVOICE_HOME": str(ROOT),
        "DEBUG": "",
    }
    server = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "residentvoice.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--timeout",
            str(REQUEST_TIMEOUT),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/accessibility/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(
        "The server did not start: " + (server.stderr.read() or b"").decode()[-2000:]
    )  # type: ignore[union-attr]


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


class Resident:
    """One resident's browser: their session, the answer form's CSRF token, their timings."""

    def __init__(self, base: str, path: str, session_key: str, form: dict[str, Any]) -> None:
        self.url = base + path
        self.session_key = session_key
        self.form = form
        self.csrf = ""
        self.csrf_cookie = ""
        self.seconds: float | None = None
        self.error = ""

    def _cookies(self) -> str:
        cookies = f"sessionid={self.session_key}"
        return cookies + (f"; csrftoken={self.csrf_cookie}" if self.csrf_cookie else "")

    def open_form(self) -> None:
        request = urllib.request.Request(self.url, headers={"Cookie": self._cookies()})  # noqa: S310
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            html = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("csrftoken="):
                    self.csrf_cookie = header.split(";", 1)[0].split("=", 1)[1]
        found = CSRF_FIELD.search(html)
        if found is None:
            raise RuntimeError("No form on the answer page")
        self.csrf = found.group(1)

    def send(self) -> None:
        body = urllib.parse.urlencode(
            {**self.form, "csrfmiddlewaretoken": self.csrf}, doseq=True
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            self.url,
            data=body,
            headers={
                "Cookie": self._cookies(),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        began = time.perf_counter()
        try:
            # A saved answer redirects to the consultation's page; urllib follows it, so the
            # time includes that page, as a resident would wait for it.
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
                response.read()
                if "/answer/" in response.url:  # the form came back: something was refused
                    self.error = f"not saved, status {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            self.error = str(error)
        self.seconds = time.perf_counter() - began


def _all_at_once(residents: list[Resident]) -> float:
    """Every resident opens the form, waits for the others, then all send together."""
    for resident in residents:
        resident.open_form()
    gate = threading.Barrier(len(residents))

    def go(resident: Resident) -> None:
        try:
            gate.wait(timeout=REQUEST_TIMEOUT)
        except threading.BrokenBarrierError:
            resident.error = "never sent: the others did not all get ready in time"
            return
        resident.send()

    threads = [threading.Thread(target=go, args=(r,), daemon=True) for r in residents]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * 2)
    for resident in residents:
        if resident.seconds is None and not resident.error:
            resident.error = "no answer from the server in time"
    return time.perf_counter() - began


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def integrity_problems(
    *, expected: int, people: int, saved: int, complete: int, answers: int, questions: int
) -> list[str]:
    """What went wrong with the answers, in words; empty when every resident's response was
    saved exactly once with all its answers."""
    problems = []
    if people < expected:
        problems.append(f"{expected - people} residents' answers lost")
    if saved > people:
        problems.append(f"{saved - people} responses duplicated")
    if complete < saved:
        problems.append(f"{saved - complete} responses saved without all their answers")
    if answers != saved * questions:
        problems.append(f"{answers} answers saved where {saved * questions} were expected")
    return problems


def measure(database_url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The figures, and what went wrong (lost or duplicated answers, failed requests)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residentvoice.config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    call_command("migrate", "--no-input", verbosity=0)
    consultation_id, keys, form = _seed()
    path = f"/consultations/{consultation_id}/answer/"
    server, base = _start_server(database_url)
    try:
        alone = [Resident(base, path, key, form) for key in keys[AT_ONCE:]]
        for resident in alone:
            resident.open_form()
            resident.send()
        crowd = [Resident(base, path, key, form) for key in keys[:AT_ONCE]]
        wall = _all_at_once(crowd)
        # Half the crowd sends again, each twice at the same moment (a double click).
        twice = []
        for resident in crowd[:TWICE]:
            twice += [
                Resident(base, path, resident.session_key, form),
                Resident(base, path, resident.session_key, form),
            ]
        _all_at_once(twice)
    finally:
        _stop(server)

    from residentvoice.participation.models import Answer, Question, Response

    questions = Question.objects.filter(consultation_id=consultation_id).count()
    responses = Response.objects.filter(consultation_id=consultation_id, submitted_at__isnull=False)
    saved = responses.count()
    people = responses.values("respondent").distinct().count()
    most = max(
        (row["n"] for row in responses.values("respondent").annotate(n=Count("pk"))), default=0
    )
    complete = responses.annotate(n=Count("answers")).filter(n=questions).count()
    answers = Answer.objects.filter(response__in=responses).count()
    expected = AT_ONCE + ONE_BY_ONE
    errors = [r.error for r in [*alone, *crowd, *twice] if r.error]
    crowd_ms = [r.seconds * 1000 for r in crowd if r.seconds is not None]
    alone_ms = [r.seconds * 1000 for r in alone if r.seconds is not None]
    p95, baseline = _p95(crowd_ms), _p95(alone_ms)
    lost, duplicated = expected - people, saved - people
    problems = integrity_problems(
        expected=expected,
        people=people,
        saved=saved,
        complete=complete,
        answers=answers,
        questions=questions,
    )
    if errors:
        problems.append(f"{len(errors)} requests failed, the first: {errors[0]}")
    failed = f"FAILED ({'; '.join(problems)}): " if problems else ""
    figures = [
        {
            "name": f"Participation: {AT_ONCE} residents answer one consultation at once, p95",
            "value": round(p95, 1),
            "unit": "ms",
            "baseline": round(baseline, 1),
            "ratio": round(p95 / baseline, 2),
            "detail": f"PostgreSQL behind gunicorn ({WORKERS} workers x {THREADS} threads) on "
            f"127.0.0.1; median {statistics.median(crowd_ms):.0f} ms, slowest "
            f"{max(crowd_ms):.0f} ms, all {AT_ONCE} answered in {wall:.1f} s; baseline is the "
            f"p95 of {ONE_BY_ONE} residents answering one after another; "
            f"{len(errors)} failed requests{': ' + errors[0] if errors else ''}",
        },
        {
            "name": "Participation: responses saved after the rush and double submissions",
            "value": saved,
            "unit": "responses",
            "baseline": expected,
            "ratio": round(saved / expected, 3),
            "detail": f"{failed}{lost} lost, {duplicated} duplicated "
            f"(at most {most} per resident), "
            f"{complete} of {saved} with all {questions} answers ({answers} answers); "
            f"{TWICE} residents then sent their answers twice at the same moment",
        },
    ]
    return figures, problems


# --- in the `make bench` process ---------------------------------------------------------------


def _postgres_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _unavailable(reason: str) -> dict[str, Any]:
    return {
        "name": f"Participation: {AT_ONCE} residents answer one consultation at once, p95",
        "value": None,
        "unit": "ms",
        "baseline": None,
        "ratio": None,
        "detail": reason[:300],
    }


def run() -> list[dict[str, Any]]:
    """The figures, or one figure with no value and the reason if PostgreSQL cannot be reached."""
    import psycopg

    server = _postgres_server()
    name = f"rv_bench_participation_{os.getpid()}"
    try:
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        return [_unavailable(f"PostgreSQL not available: {error}".strip())]
    try:
        url = _with_database(server, name)
        done = subprocess.run(  # noqa: S603 - our own module, our own arguments
            [sys.executable, "-m", "bench.participation", "--database-url", url],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )
        if done.returncode == ANSWERS_WRONG:
            # A lost or duplicated answer is a fault in the site, not a slow machine: stop
            # `make bench` with an error rather than print a figure that could be missed.
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            raise RuntimeError(
                "The participation bench found answers lost or duplicated:\n"
                + "\n".join(f"{figure['name']}: {figure['detail']}" for figure in figures)
            )
        if done.returncode != 0:
            raise RuntimeError(f"The participation bench failed:\n{done.stderr[-3000:]}")
        return list(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    arguments = parser.parse_args()
    measured, wrong = measure(arguments.database_url)
    print(json.dumps(measured))
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        sys.exit(ANSWERS_WRONG)
