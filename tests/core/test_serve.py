"""`residentvoice serve` as `make run` starts it: the web server and its background worker in their
own processes on an SQLite file, with a command writing from the command line beside them.

Emails are asked for through the site while the command writes and while the worker is killed
in the middle: the worker is started again, and every email reaches the mail file under var/.
This runs real processes (a few seconds to start): it is the only way to see them meet.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.urls import reverse

from residentvoice.charter.services import DEFAULT_CHARTER_PATH
from residentvoice.core.mail import SEPARATOR

from ..live_site import (
    database_url,
    form_token,
    free_port,
    manage,
    sign_in_cookies,
    site_environment,
    stop,
    wait_until_serving,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker through /proc"),
]

INVITATIONS = 12


def workers_of(parent: int) -> list[int]:
    """The `db_worker` processes `serve` started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = next(line for line in status.splitlines() if line.startswith("PPid:"))
        if int(ppid.split()[1]) == parent and b"db_worker" in command:
            found.append(int(entry.name))
    return found


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite is the default"
)
def test_serve_delivers_every_email_while_a_command_writes_and_the_worker_is_killed(
    tmp_path, people
):
    assert connection.vendor == "sqlite"
    admin = people["council_admin"]
    cookies = sign_in_cookies([admin])
    database = database_url(tmp_path)
    env = site_environment(tmp_path, database, TASK_RETRY_FIRST_DELAY="0.2")
    mail_file = Path(env["RESIDENTVOICE_VAR"]) / "mail.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    output = tmp_path / "serve.log"
    with output.open("wb") as log:
        serve = subprocess.Popen(
            manage("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(url + "/accessibility/", serve, timeout=60)
            first_worker = wait_for(lambda: workers_of(serve.pid), 30, "the worker")[0]
            browser = requests.Session()
            browser.cookies.set("sessionid", cookies[admin.pk])
            invite = url + reverse("accounts:staff-invite")
            token = form_token(browser, invite)

            def send(numbers: range) -> None:
                for number in numbers:
                    answer = browser.post(
                        invite,
                        data={
                            "csrfmiddlewaretoken": token,
                            "full_name": f"Officer {number}",
                            "email": f"officer{number}@example.org",
                            "role": "council_officer",
                            "landlord": "",
                        },
                        allow_redirects=False,
                        timeout=60,
                    )
                    assert answer.status_code == 302, answer.text[:500]

            # A write from the command line, beside the site and the worker.
            command = subprocess.Popen(
                manage("charter", "load", str(DEFAULT_CHARTER_PATH)),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            half = INVITATIONS // 2
            senders = [
                threading.Thread(target=send, args=(range(half),)),
                threading.Thread(target=send, args=(range(half, INVITATIONS),)),
            ]
            for sender in senders:
                sender.start()
            os.kill(first_worker, signal.SIGKILL)  # the worker dies in the middle of it all
            for sender in senders:
                sender.join(120)
            written, _ = command.communicate(timeout=120)
            assert command.returncode == 0, written.decode()

            def delivered() -> str:
                text = mail_file.read_text(encoding="utf-8") if mail_file.exists() else ""
                return text if text.count(SEPARATOR) >= INVITATIONS else ""

            mail = wait_for(delivered, 60, f"{INVITATIONS} emails in {mail_file}")
            assert serve.poll() is None  # still serving
            assert workers_of(serve.pid) not in ([], [first_worker])  # a new worker runs
        finally:
            stop(serve)
    said = output.read_text(errors="replace")
    assert "The background worker stopped (exit code -9)" in said
    assert f"every message is written to {mail_file}" in said
    for number in range(INVITATIONS):
        assert f"To: officer{number}@example.org" in mail
    stored = sqlite3.connect(database.removeprefix("sqlite:///"))
    try:
        states = dict(
            stored.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        )
        charters = stored.execute("SELECT count(*) FROM charter_charter").fetchone()[0]
    finally:
        stored.close()
    assert states == {"SUCCESSFUL": states.get("SUCCESSFUL", 0)}
    assert states["SUCCESSFUL"] >= INVITATIONS
    assert charters == 1  # the command's write was saved too
