"""Email written to one file instead of sent: the default where no mail server is configured.

Every message is appended whole to `EMAIL_FILE` (`var/mail.log` unless set), headers and text as
a mail program would receive them, each followed by a line of dashes. Several processes may write
at once (the background worker, commands): each message is one append, so none are interleaved.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

SEPARATOR = "-" * 79


class MailFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(file_path or settings.EMAIL_FILE)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            # Django writes text as UTF-8 (8-bit, or quoted-printable for long lines).
            text = message.message().as_bytes().decode("utf-8", errors="replace")
            self._append(f"{text}\n{SEPARATOR}\n".encode())
            sent += 1
        return sent

    def _append(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
