"""`residentvoice serve`: the web server and the background-task worker together, for local use."""

from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType

from django.core.management import call_command
from django_typer.management import TyperCommand


class Command(TyperCommand):
    help = "Serve the site on HOST:PORT with a background-task worker beside it (local use only)."

    def handle(self, host: str = "127.0.0.1", port: int = 8000) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            raise SystemExit(0)  # so the worker below is stopped too

        signal.signal(signal.SIGTERM, stop)
        worker = subprocess.Popen(
            [sys.executable, "-m", "residentvoice.manage", "db_worker", "--interval", "1"]
        )
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
