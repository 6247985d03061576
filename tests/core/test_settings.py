"""Settings come from the environment, and production values pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys

from django.urls import reverse


def test_deploy_check_is_clean_with_production_values(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "residentvoice.config.settings",
        "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-variety-0123456789",
        "ALLOWED_HOSTS": "voice.example.org",
        "SECURE_SSL": "1",
        "DEBUG": "0",
        "RESIDENTVOICE_VAR": str(tmp_path),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "residentvoice.manage",
            "check",
            "--deploy",
            "--fail-level",
            "DEBUG",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_security_headers(client, council):
    response = client.get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_pages_are_404_with_the_site_layout(client, council):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
