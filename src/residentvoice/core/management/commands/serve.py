"""`residentvoice serve`: the web server and the background-task worker together, for local use.

The worker runs as a child process, watched: if it stops (a crash, a database it could not reach,
someone ending it), what it was running is queued again and it is started again after a pause
that doubles each time it stops quickly (1 s up to a minute), so email keeps going out.
"""

from __future__ import annotations

import logging
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django_typer.management import TyperCommand

from residentvoice.core.services import tasks_requeue_abandoned

logger = logging.getLogger("residentvoice.serve")

WORKER_PREFIX = "serve-"
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0
# A worker that ran this long before stopping is started again after the first pause.
STEADY_RUN = 60.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _requeue(**which: object) -> int:
    """Tasks left "running" by a worker that is gone go back in the queue."""
    try:
        return tasks_requeue_abandoned(**which)  # type: ignore[arg-type]
    except Exception:
        logger.exception("Could not queue again the tasks the worker left running")
        return 0
    finally:
        connections.close_all()


class WorkerWatch(threading.Thread):
    """Runs `db_worker` and starts it again whenever it stops, until told to stop."""

    def __init__(self) -> None:
        super().__init__(name="worker-watch", daemon=True)
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def run(self) -> None:
        pause = FIRST_PAUSE
        while not self.stopping.is_set():
            worker_id = f"{WORKER_PREFIX}{secrets.token_hex(8)}"
            started = time.monotonic()
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, our own command)
                [
                    sys.executable,
                    "-m",
                    "residentvoice.manage",
                    "db_worker",
                    "--interval",
                    "1",
                    "--no-reload",
                    "--no-startup-delay",
                    "--worker-id",
                    worker_id,
                    "--verbosity",
                    "0",
                ]
            )
            self.starts += 1
            code = self.process.wait()
            if self.stopping.is_set():
                return
            requeued = _requeue(worker_ids={worker_id})
            if time.monotonic() - started >= STEADY_RUN:
                pause = FIRST_PAUSE
            _say(
                f"The background worker stopped (exit code {code})"
                + (f"; {requeued} task(s) it was running are queued again" if requeued else "")
                + f". Starting it again in {pause:g} s."
            )
            if self.stopping.wait(pause):
                return
            pause = min(pause * 2, LONGEST_PAUSE)

    def stop(self) -> None:
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.join(timeout=15)


def _mail_destination() -> str:
    backend = settings.EMAIL_BACKEND
    if backend == "residentvoice.core.mail.MailFileBackend":
        return f"Email is not sent: every message is written to {Path(settings.EMAIL_FILE)}"
    if backend.endswith("smtp.EmailBackend"):
        return f"Email is sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if backend.endswith("console.EmailBackend"):
        return "Email is printed here, in the worker's output"
    return f"Email goes to {backend}"


def _announce_when_serving(host: str, port: int, stop: threading.Event) -> None:
    """Say where to go once the server answers, so it is the last thing on the screen."""
    address = f"http://{host}:{port}"
    deadline = time.monotonic() + 120
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            break
        except OSError:
            stop.wait(0.2)
    else:
        return
    demo = "  Demonstration mode: sign in with the accounts listed in README.md\n"
    _say(
        "\n"
        f"  Resident Voice is running at {address}/ (Ctrl-C stops it)\n"
        + (demo if settings.DEMO_MODE else "")
        + f"  {_mail_destination()}\n"
        f"  Failed background tasks: {address}{reverse('core:tasks-failed')} (council admins)\n"
    )


class Command(TyperCommand):
    help = "Serve the site on HOST:PORT with a background-task worker beside it (local use only)."

    def handle(self, host: str = "127.0.0.1", port: int = 8000) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            raise SystemExit(0)  # so the worker below is stopped too

        signal.signal(signal.SIGTERM, stop)
        # Whatever an earlier `serve` left running when it was ended goes back in the queue.
        _requeue(prefix=WORKER_PREFIX)
        watch = WorkerWatch()
        watch.start()
        done = threading.Event()
        threading.Thread(
            target=_announce_when_serving, args=(host, port, done), daemon=True
        ).start()
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            done.set()
            watch.stop()
