"""The `residentvoice charter` command: load a file, list the standards, report problems by line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django_typer.management import get_command

from residentvoice.charter.models import Charter, StandardItem
from residentvoice.charter.services import DEFAULT_CHARTER_PATH

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("charter", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_prints_what_was_created_then_that_nothing_changed():
    out, _ = run("load", str(DEFAULT_CHARTER_PATH))
    assert "Created Resident Participation Charter" in out
    assert "18 commitments" in out
    assert "4 frameworks created" in out

    out, _ = run("load", str(DEFAULT_CHARTER_PATH))
    assert "already loaded, unchanged (18 commitments)" in out
    assert "frameworks created" not in out
    assert Charter.objects.count() == 1


def test_load_reports_every_problem_as_file_line_reason_and_fails(write_charter):
    path = write_charter(
        "charter:\n"
        "  name: Test\n"
        "  slug: test\n"
        "  area: Here\n"
        "  version: 0\n"
        "  default_text: false\n"
        "rating_scale:\n"
        "  name: Scale\n"
        "  options: []\n"
        "commitments: []\n"
    )
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("charter", "load", str(path), stdout=StringIO(), stderr=err)

    assert raised.value.returncode == 1
    assert "3 problems found; nothing was loaded" in str(raised.value)
    assert err.getvalue().splitlines() == [
        f"{path}:5: the charter's version should be between 1 and 2147483647, not 0",
        f"{path}:9: the rating scale has no options",
        f"{path}:10: the charter has no commitments",
    ]
    assert Charter.objects.count() == 0


def test_load_from_the_command_line_exits_non_zero(write_charter, monkeypatch, capsys):
    # Django closes connections after a command-line run; keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = write_charter("charter: [\n")

    with pytest.raises(SystemExit) as exited:
        get_command("charter").run_from_argv(["residentvoice", "charter", "load", str(path)])

    assert exited.value.code == 1
    assert f"{path}:2: this is not valid YAML" in capsys.readouterr().err


def test_standards_syncs_and_lists_codes_marking_the_unverified_ones():
    out, _ = run("standards")

    assert StandardItem.objects.count() == 25
    assert "Transparency, Influence and Accountability Standard (tia-2024)" in out
    assert "TIA-3" in out
    assert "Engagement with tenants" in out
    tpa_lines = [line for line in out.splitlines() if line.strip().startswith("TPA-")]
    assert len(tpa_lines) == 6
    assert all("[unverified]" in line for line in tpa_lines)

    out, _ = run("standards")
    assert "already up to date, unchanged" in out
