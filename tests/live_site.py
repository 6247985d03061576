"""The site run for real, in processes of its own, against the test's data.

Django's `live_server` runs in a thread of the test process and, on SQLite, shares one in-memory
connection with it, so two requests can never meet in the database. Races and background work
are tested here instead with the real commands (`runserver`, `db_worker`, `serve`) in child
processes, each with its own connections, on a copy of the test database written to a file
(SQLite) or on the test database itself (PostgreSQL).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection
from django.test import Client

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(folder: Path) -> str:
    """Where the child processes find the test's data (committed: use `transactional_db`)."""
    if connection.vendor == "sqlite":
        path = folder / "site.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return f"sqlite:///{path}"
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = quote(params.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{params['NAME']}"


def site_environment(folder: Path, database: str, **extra: str) -> dict[str, str]:
    """The real settings (not the test ones): database tasks, mail to a file under `var/`."""
    var = folder / "var"
    var.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "residentvoice.config.settings",
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # so the sessions made here are valid there
        "RESIDENTVOICE_VAR": str(var),
        "MEDIA_ROOT": str(folder / "media"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # No collected, hashed statics in a test folder: pages name the files as they are.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    for name in ("EMAIL_HOST", "EMAIL_BACKEND", "TASKS_BACKEND", "RESIDENTVOICE_DEMO"):
        env.pop(name, None)
    env.update(extra)
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, "-m", "residentvoice.manage", *args]


def wait_until_serving(url: str, process: subprocess.Popen[Any], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the site stopped before serving (exit {process.returncode})")
        try:
            requests.get(url, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise RuntimeError(f"the site did not answer at {url} within {timeout} s")


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class LiveSite:
    url: str
    folder: Path
    database: str
    env: dict[str, str]
    cookies: dict[int, str] = field(default_factory=dict)

    def browser_for(self, user: Any) -> requests.Session:
        """A session signed in as `user` (signed in before the site started)."""
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, self.cookies[user.pk])
        return session


def sign_in_cookies(users: Iterable[Any]) -> dict[int, str]:
    cookies = {}
    for user in users:
        client = Client()
        client.force_login(user)
        cookies[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


@contextmanager
def live_site(
    folder: Path, *, signed_in: Iterable[Any] = (), **settings_env: str
) -> Iterator[LiveSite]:
    """`runserver` (threaded, as `residentvoice serve` runs it) on the test's data."""
    cookies = sign_in_cookies(signed_in)
    database = database_url(folder)
    env = site_environment(folder, database, **settings_env)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "runserver.log").open("wb")
    process = subprocess.Popen(
        manage("runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_serving(url + "/accessibility/", process)
        yield LiveSite(url=url, folder=folder, database=database, env=env, cookies=cookies)
    finally:
        stop(process)
        log.close()
        if connection.vendor == "sqlite":
            # What the site saved comes back into the test's database for its assertions.
            saved = sqlite3.connect(database.removeprefix("sqlite:///"))
            try:
                saved.backup(connection.connection)
            finally:
                saved.close()


def form_token(session: requests.Session, url: str) -> str:
    """Open a form page as a person would and return its CSRF token."""
    page = session.get(url, timeout=30)
    page.raise_for_status()
    found = CSRF_FIELD.search(page.text)
    assert found, f"no form on {url}"
    return found.group(1)
