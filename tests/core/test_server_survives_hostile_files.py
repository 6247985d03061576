"""The real web server, as in production (gunicorn, one worker), is given the sparse sheet that
used to abort the process reading it: a council admin signs in and uploads it to the import page,
is told what is wrong with it, and the next page loads from the same worker.

It takes a few seconds: the server is started for the test, on a free port, with a database
copied from the test's own (a temporary SQLite file), or the test database itself on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import requests
from django.db import connection

from residentvoice.accounts.models import Role

from ..factories import user_with_role
from ..hostile_files import sparse_sheet

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"  # the factories' own
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_for_the_server(tmp_path) -> str:
    if connection.vendor == "sqlite":
        path = tmp_path / "site.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    found = connection.settings_dict
    user = quote(found["USER"] or "", safe="")
    password = f":{quote(found['PASSWORD'], safe='')}" if found["PASSWORD"] else ""
    return f"postgres://{user}{password}@{found['HOST']}:{found['PORT']}/{found['NAME']}"


def _token(page: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


@pytest.fixture
def site(tmp_path, council):
    """(address, server process, path of its log) for a gunicorn serving this test's data."""
    admin = user_with_role(Role.COUNCIL_ADMIN, email="admin@example.org")
    assert admin.check_password(PASSWORD)
    port = _free_port()
    log_path = tmp_path / "server.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "residentvoice.config.test_settings",
        "DATABASE_URL": _database_for_the_server(tmp_path),
        "RESIDENTVOICE_VAR": str(tmp_path / "var"),
        "SECRET_KEY": "only-for-this-test-server",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
    }
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "residentvoice.config.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--timeout=120",
                "--graceful-timeout=2",
                "--no-control-socket",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=tmp_path,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{address}/", timeout=30).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield address, server, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_server_answers_after_a_sparse_sheet_is_uploaded(site):
    address, server, log_path = site
    browser = requests.Session()
    sign_in = browser.get(f"{address}/account/sign-in/", timeout=30)
    signed_in = browser.post(
        sign_in.url,
        data={
            "csrfmiddlewaretoken": _token(sign_in),
            "username": "admin@example.org",
            "password": PASSWORD,
        },
        timeout=30,
    )
    assert "/account/sign-in/" not in signed_in.url, signed_in.text[:500]

    form = browser.get(f"{address}/tsm/import/", timeout=30)
    assert form.status_code == 200
    answer = browser.post(
        form.url,
        data={"csrfmiddlewaretoken": _token(form), "version_note": ""},
        files={"workbook": ("tsm.xlsx", sparse_sheet(title="TSM24_LCRA_Perception"), XLSX)},
        timeout=60,
    )
    assert answer.status_code == 200
    assert "Nothing was saved" in answer.text
    assert "XFD1048576" in answer.text

    after = browser.get(f"{address}/tsm/", timeout=30)
    assert after.status_code == 200
    assert server.poll() is None
    log = log_path.read_text()
    assert log.count("Booting worker") == 1, log  # the same worker answered throughout
