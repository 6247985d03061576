"""The `residentvoice assessment` commands, as an administrator would run them."""

from __future__ import annotations

import csv
import datetime
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from residentvoice.assessment.models import StageDates
from residentvoice.assessment.services import cycle_stage_dates_set
from residentvoice.notifications.models import Notification

from .conftest import YEAR, item_of, move_to
from .test_exchange import edit

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("assessment", *args, stdout=out)
    return out.getvalue()


def test_export_fill_in_check_then_apply(cycle, landlord, tmp_path):
    move_to(cycle, "self_assessment")
    sheet = tmp_path / "riverside.xlsx"
    assert "Riverside Homes" in run("export", "--year", YEAR, "--landlord", "riverside", str(sheet))
    sheet.write_bytes(edit(sheet.read_bytes(), {"C2": "Met", "F2": "A residents' panel"}))
    checked = run("import", str(sheet), "--year", YEAR, "--landlord", "riverside")
    assert "A residents' panel" in checked
    assert "Nothing saved" in checked
    assert item_of(cycle, landlord, 1).self_rating is None
    applied = run("import", str(sheet), "--year", YEAR, "--landlord", "riverside", "--apply")
    assert "Saved 1 commitments" in applied
    item = item_of(cycle, landlord, 1)
    assert item.self_rating.code == "met"
    assert item.what_we_do == "A residents' panel"


def test_import_lists_each_problem_and_saves_nothing(cycle, landlord, tmp_path):
    move_to(cycle, "self_assessment")
    sheet = tmp_path / "bad.xlsx"
    run("export", "--year", YEAR, "--landlord", "riverside", str(sheet))
    sheet.write_bytes(edit(sheet.read_bytes(), {"C2": "Brilliant", "C3": "Met"}))
    out = StringIO()
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command(
            "assessment",
            "import",
            str(sheet),
            "--year",
            YEAR,
            "--landlord",
            "riverside",
            "--apply",
            stdout=out,
        )
    assert "Brilliant" in out.getvalue()
    assert item_of(cycle, landlord, 2).self_rating is None


def test_import_names_an_unknown_landlord_or_year(cycle, tmp_path):
    with pytest.raises(CommandError, match="No landlord “nowhere”"):
        run("export", "--year", YEAR, "--landlord", "nowhere", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="no charter assessment for 2031-32"):
        run("export", "--year", "2031-32", "--landlord", "riverside", str(tmp_path / "x.xlsx"))


def test_export_cycle_as_csv_and_xlsx(cycle, tmp_path):
    run("export-cycle", "--year", YEAR, str(tmp_path / "cycle.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cycle.csv").read_text("utf-8-sig"))))
    assert len(rows) == 2 * 17
    assert "Council private notes" not in rows[0]
    run("export-cycle", "--year", YEAR, "--private", str(tmp_path / "cycle.xlsx"))
    book = load_workbook(tmp_path / "cycle.xlsx", read_only=True)
    assert "Council private notes" in next(book["Assessment"].iter_rows(values_only=True))
    with pytest.raises(CommandError, match=r"\.xlsx or \.csv"):
        run("export-cycle", "--year", YEAR, str(tmp_path / "cycle.pdf"))


def test_remind_seven_and_two_days_before_a_stage_closes_once_only(cycle, people):
    move_to(cycle, "self_assessment")
    closes = datetime.date(2024, 6, 30)
    cycle_stage_dates_set(cycle=cycle, stage_dates={"self_assessment": (None, closes)})
    assert StageDates.objects.get(cycle=cycle, stage="self_assessment").closes_on == closes
    staff = {people["landlord_officer"].pk, people["landlord_admin"].pk}
    staff.add(people["other_landlord_admin"].pk)

    def reminded() -> set[int]:
        return set(
            Notification.objects.filter(dedupe_key__startswith="assessment-deadline").values_list(
                "user_id", flat=True
            )
        )

    assert "0 stages" in run("remind", "--today", "2024-06-22")  # eight days before
    assert reminded() == set()
    assert "1 stage " in run("remind", "--today", "2024-06-23")
    assert reminded() == staff
    run("remind", "--today", "2024-06-23")  # run twice the same day: nobody told twice
    assert Notification.objects.filter(dedupe_key__startswith="assessment-deadline").count() == 3
    run("remind", "--today", "2024-06-28")
    assert Notification.objects.filter(dedupe_key__startswith="assessment-deadline").count() == 6
    council = Notification.objects.filter(user=people["council_admin"]).count()
    assert council == 0  # the landlords act in self-assessment, so only they are reminded


def test_remind_needs_a_real_date(db):
    with pytest.raises(CommandError, match="not a date"):
        run("remind", "--today", "tomorrow")


def test_remind_also_reminds_evidence_requests(cycle, landlord, people):
    from residentvoice.assessment import services
    from residentvoice.assessment.models import Stage

    move_to(cycle, Stage.COUNCIL_REVIEW)
    due = datetime.date.today() + datetime.timedelta(days=30)
    services.evidence_request_create(
        item=item_of(cycle, landlord, 2), by=people["council_officer"], message="More", due_on=due
    )
    output = run("remind", "--today", (due - datetime.timedelta(days=2)).isoformat())
    assert "1 request for more evidence due" in output
    assert Notification.objects.filter(
        user=people["landlord_officer"], subject__contains="More evidence is due in 2 days"
    ).exists()
