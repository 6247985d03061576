"""Test overrides: fast hashing, mail kept in memory, tasks run at once, no manifest for statics,
uploads in a temporary folder."""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_MODE = False
# Uploaded files go to a folder of their own per test process, never into the working copy.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="residentvoice-test-media-"))
