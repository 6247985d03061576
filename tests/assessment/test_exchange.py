"""Spreadsheet round-trips: a landlord's self-assessment out to XLSX and back in, checked cell by
cell, previewed and applied all or nothing; the council's export of a whole cycle."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from residentvoice.assessment import exchange, services
from residentvoice.assessment.exchange import IDENTITY_SHEET, SHEET, Problem
from residentvoice.assessment.models import AssessmentItem, Participation, RealityCheck, Stage
from residentvoice.assessment.services import cycle_open
from residentvoice.core.spreadsheets import xlsx_printable
from residentvoice.core.text import SPREADSHEET_CELL_LIMIT, TEXT_LIMIT

from ..factories import LandlordFactory
from .conftest import item_of, move_to, rating

pytestmark = pytest.mark.django_db

# Columns as exported: A number, B title, C rating, D not applicable, E reason, F what we do,
# G how residents were involved.


@pytest.fixture
def participation(cycle, landlord) -> Participation:
    move_to(cycle, Stage.SELF_ASSESSMENT)
    return cycle.participations.select_related("cycle", "landlord").get(landlord=landlord)


def edit(data: bytes, changes: dict[str, Any], sheet: str = SHEET) -> bytes:
    """Change cells of an exported workbook the way someone filling it in offline would."""
    book = load_workbook(io.BytesIO(data))
    for ref, value in changes.items():
        book[sheet][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(number: int) -> int:
    return number + 1  # row 1 holds the headings; commitments follow in order


def na_row() -> int:
    number = AssessmentItem.objects.filter(commitment__not_applicable_allowed=True).values_list(
        "commitment__number", flat=True
    )[0]
    return row_of(number)


def saved(participation: Participation) -> list[tuple[Any, ...]]:
    return list(
        participation.items.order_by("commitment__number").values_list(
            "version",
            "self_rating__code",
            "self_not_applicable",
            "not_applicable_reason",
            "what_we_do",
            "how_residents_involved",
        )
    )


def test_export_has_a_row_per_commitment_a_rating_drop_down_and_a_hidden_identity(
    participation, landlord
):
    item = item_of(participation.cycle, landlord, 2)
    services.item_self_assess(
        item=item, version=item.version, rating=rating("partly_met"), what_we_do="Panels"
    )
    book = load_workbook(io.BytesIO(exchange.self_assessment_workbook(participation)))
    assert book.sheetnames == [SHEET, exchange.GUIDANCE_SHEET, IDENTITY_SHEET]
    assert book[IDENTITY_SHEET].sheet_state == "veryHidden"
    assert book[IDENTITY_SHEET].protection.sheet
    sheet = book[SHEET]
    assert [c.value for c in sheet[1]] == [heading for _key, heading in exchange.COLUMNS]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 19)] == [*range(1, 17), 18]
    assert sheet["C3"].value == "Partly met"
    assert sheet["F3"].value == "Panels"
    assert sheet.protection.sheet
    assert not sheet["C3"].protection.locked
    assert sheet["B3"].protection.locked
    validations = sheet.data_validations.dataValidation
    rating_list = next(v for v in validations if "C2" in str(v.sqref))
    top, bottom = rating_list.formula1.split("!")[1].replace("$", "").split(":")
    guidance = book[exchange.GUIDANCE_SHEET]
    assert [guidance[ref].value for ref in (top, bottom)] == ["Not met", "Exceeded"]
    identity = {row[0]: row[1] for row in book[IDENTITY_SHEET].iter_rows(values_only=True)}
    assert identity["reporting year"] == "2024-25"
    assert identity["landlord"] == "riverside"


def test_an_untouched_export_imports_as_no_change(participation):
    plan = exchange.self_assessment_preview(
        participation=participation, data=exchange.self_assessment_workbook(participation)
    )
    assert plan.ok
    assert plan.changes == []
    assert plan.unchanged == 17


def test_filled_in_offline_shows_each_change_then_applies_through_the_service(
    participation, people, landlord
):
    before = saved(participation)
    history = AssessmentItem.history.count()
    data = edit(
        exchange.self_assessment_workbook(participation),
        {
            "C2": "Met",
            "F2": "Residents sit on our service committee.\nMinutes are public.",
            "G2": "They chose its terms of reference",
            f"D{na_row()}": "Yes",
            f"E{na_row()}": "We own no estates with shared spaces",
            "C5": "exceeded",  # a code, in any case, is understood too
        },
    )
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert plan.ok, plan.problems
    assert [c.item.commitment.number for c in plan.changes] == sorted([1, 4, na_row() - 1])
    assert plan.unchanged == 14
    first = plan.changes[0]
    assert [(f.label, f.before, f.after) for f in first.changes] == [
        ("Rating", "", "Met"),
        ("What we do", "", "Residents sit on our service committee.\nMinutes are public."),
        ("How residents were involved", "", "They chose its terms of reference"),
    ]
    assert saved(participation) == before  # a preview changes nothing
    token = exchange.preview_token(plan, user=people["landlord_officer"])
    exchange.self_assessment_import_apply(
        participation=participation, user=people["landlord_officer"], token=token
    )
    one = item_of(participation.cycle, landlord, 1)
    assert one.self_rating.code == "met"
    assert one.version == 2
    assert one.what_we_do.endswith("Minutes are public.")
    na = item_of(participation.cycle, landlord, na_row() - 1)
    assert na.self_not_applicable
    assert na.not_applicable_reason.startswith("We own no")
    assert item_of(participation.cycle, landlord, 4).self_rating.code == "exceeded"
    assert AssessmentItem.history.count() == history + 3  # one history row per changed item
    untouched = item_of(participation.cycle, landlord, 2)
    assert untouched.version == 1


def cells(problems: list[Problem]) -> set[tuple[str, int | None, str]]:
    return {(p.sheet, p.row, p.column) for p in problems}


def test_every_bad_cell_is_reported_and_nothing_is_applied(participation):
    before = saved(participation)
    strict_row = row_of(1)  # commitment 1 may not be marked not applicable
    data = edit(
        exchange.self_assessment_workbook(participation),
        {
            "C2": "Mostly met",
            f"D{strict_row}": "Yes",
            f"D{na_row()}": "Yes",  # no reason given
            "C4": "Met",
            "E4": "Only a reason",  # reason without not applicable (commitment 3)
            "A20": 99,  # unknown commitment
            "C20": "Met",
            "A21": 3,  # the same commitment twice
            "A22": "seven",
            "C6": "Met",
        },
    )
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert not plan.ok
    found = cells(plan.problems)
    assert (SHEET, 2, "C") in found  # bad rating
    assert (SHEET, 2, "D") in found  # commitment 1 cannot be not applicable
    assert (SHEET, na_row(), "E") in found  # not applicable without a reason
    assert (SHEET, 4, "E") in found
    assert (SHEET, 20, "A") in found
    assert (SHEET, 21, "A") in found
    reasons = " ".join(p.reason for p in plan.problems)
    assert "“Mostly met” is not a rating: choose Not met, Partly met, Met, Exceeded" in reasons
    assert "no commitment 99" in reasons
    assert "already in row 4" in reasons
    assert (SHEET, 22, "A") in found  # "seven" is not a number
    assert saved(participation) == before


def test_the_councils_own_commitment_is_named_as_such(participation, charter):
    council_only = charter.commitments.get(commits_landlords=False).number
    data = edit(exchange.self_assessment_workbook(participation), {"A20": council_only})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert "the council's alone" in plan.problems[0].reason


def test_rating_and_not_applicable_together_is_refused(participation):
    data = edit(
        exchange.self_assessment_workbook(participation),
        {f"C{na_row()}": "Met", f"D{na_row()}": "Yes", f"E{na_row()}": "No estates"},
    )
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert cells(plan.problems) == {(SHEET, na_row(), "C")}


def test_moved_columns_are_found_by_their_headings(participation):
    book = load_workbook(io.BytesIO(exchange.self_assessment_workbook(participation)))
    book[SHEET].protection.sheet = False
    book[SHEET].move_range("C1:C18", cols=10)  # the rating column now sits in M
    book[SHEET]["M2"] = "Met"
    out = io.BytesIO()
    book.save(out)
    plan = exchange.self_assessment_preview(participation=participation, data=out.getvalue())
    assert plan.ok
    assert plan.changes[0].changes[0].after == "Met"


def test_a_missing_heading_is_reported(participation):
    data = edit(exchange.self_assessment_workbook(participation), {"C1": "Score"})
    with pytest.raises(exchange.SheetError, match="no “Rating” column heading"):
        exchange.self_assessment_read(data)


def test_another_landlords_sheet_is_recognised(participation, cycle, other_landlord):
    theirs = cycle.participations.get(landlord=other_landlord)
    data = edit(exchange.self_assessment_workbook(theirs), {"C2": "Met"})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert cells(plan.problems) == {(IDENTITY_SHEET, 3, "B")}
    assert "belongs to another landlord" in plan.problems[0].reason
    assert plan.changes == []


def test_another_years_sheet_is_recognised(participation, charter, landlord):
    earlier = cycle_open(reporting_year="2023-24", landlords=[landlord], charter=charter)
    data = exchange.self_assessment_workbook(earlier.participations.get())
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert cells(plan.problems) == {(IDENTITY_SHEET, 2, "B")}
    assert "2023-24 cycle, not 2024-25" in plan.problems[0].reason


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _plain_workbook() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Commitment,Rating\n1,Met\n", "not an Excel workbook"),
        (b"", "not an Excel workbook"),
        (_docx(), "not an Excel workbook"),
        (_plain_workbook(), "not a self-assessment spreadsheet from this website"),
    ],
    ids=["csv", "empty", "word document", "someone else's workbook"],
)
def test_not_a_workbook_of_ours(participation, data, message):
    with pytest.raises(exchange.SheetError, match=message):
        exchange.self_assessment_preview(participation=participation, data=data)


def test_a_damaged_workbook(participation):
    data = exchange.self_assessment_workbook(participation)
    with pytest.raises(exchange.SheetError, match=r"not an Excel workbook|damaged"):
        exchange.self_assessment_read(data[: len(data) // 2])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=400))
def test_any_bytes_give_problems_not_a_crash(participation, junk):
    with pytest.raises(exchange.SheetError) as refused:
        exchange.self_assessment_read(junk)
    assert refused.value.problems


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# NUL is left out: databases such as PostgreSQL cannot store it, and forms refuse it on input.
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300))
def test_any_text_survives_the_round_trip(participation, text):
    item = participation.items.get(commitment__number=3)
    item.what_we_do = text  # as if saved long ago, before any cleaning
    item.save(update_fields=["what_we_do"])
    plan = exchange.self_assessment_preview(
        participation=participation, data=exchange.self_assessment_workbook(participation)
    )
    # A workbook cannot hold most control characters, so the export drops them; the rest (C1)
    # the import refuses as the forms do, rather than save them again.
    assert plan.ok or all("hidden control character" in p.reason for p in plan.problems)
    # Text the website saves (trimmed, no control characters) comes back unchanged, whatever
    # its line breaks.
    if xlsx_printable(text) == text == text.strip():
        assert plan.changes == []


def test_text_typed_in_a_browser_comes_back_unchanged(participation, landlord):
    """Browsers send line breaks as CR LF; a spreadsheet file keeps only LF."""
    item = item_of(participation.cycle, landlord, 2)
    services.item_self_assess(
        item=item,
        version=item.version,
        rating=rating("met"),
        what_we_do="First line\r\nSecond line\r\n\r\nA new paragraph",
    )
    plan = exchange.self_assessment_preview(
        participation=participation, data=exchange.self_assessment_workbook(participation)
    )
    assert plan.ok
    assert plan.changes == []


def test_changes_outside_self_assessment_are_refused_per_cell(participation):
    data = edit(exchange.self_assessment_workbook(participation), {"C2": "Met"})
    move_to(participation.cycle, Stage.COUNCIL_REVIEW)
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert cells(plan.problems) == {(SHEET, 2, "C")}
    assert "Council review" in plan.problems[0].reason
    # Unchanged rows are no problem: the landlord may still read its file back.
    untouched = exchange.self_assessment_workbook(participation)
    assert exchange.self_assessment_preview(participation=participation, data=untouched).ok


def test_after_sign_off_only_a_reopened_commitment_can_change(participation, people, landlord):
    for item in participation.items.all():
        services.item_self_assess(item=item, version=item.version, rating=rating("met"))
    services.participation_submit(participation=participation, by=people["landlord_admin"])
    data = edit(
        exchange.self_assessment_workbook(participation), {"C2": "Exceeded", "C3": "Exceeded"}
    )
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert cells(plan.problems) == {(SHEET, 2, "C"), (SHEET, 3, "C")}
    assert "signed off" in plan.problems[0].reason
    move_to(participation.cycle, Stage.COUNCIL_REVIEW)
    services.item_reopen(
        item=item_of(participation.cycle, landlord, 2),
        stage=Stage.SELF_ASSESSMENT,
        reason="Evidence was missing",
    )
    data = edit(exchange.self_assessment_workbook(participation), {"C3": "Exceeded"})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert plan.ok
    assert [c.item.commitment.number for c in plan.changes] == [2]
    exchange.self_assessment_import_apply(
        participation=participation,
        user=people["landlord_officer"],
        token=exchange.preview_token(plan, user=people["landlord_officer"]),
    )
    reopened = item_of(participation.cycle, landlord, 2)
    assert reopened.self_rating.code == "exceeded"
    assert reopened.reopened_for == ""


def test_a_sheet_exported_before_a_website_change_would_overwrite_it(participation, landlord):
    data = exchange.self_assessment_workbook(participation)
    item = item_of(participation.cycle, landlord, 1)
    services.item_self_assess(item=item, version=item.version, rating=rating("met"))
    plan = exchange.self_assessment_preview(
        participation=participation, data=edit(data, {"F2": "Offline words"})
    )
    assert cells(plan.problems) == {(SHEET, 2, "C")}
    assert "changed on the website after this spreadsheet was exported" in (plan.problems[0].reason)


def test_a_change_between_preview_and_apply_refuses_the_whole_import(
    participation, people, landlord
):
    data = edit(exchange.self_assessment_workbook(participation), {"C2": "Met", "C3": "Met"})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    token = exchange.preview_token(plan, user=people["landlord_officer"])
    item = item_of(participation.cycle, landlord, 9)  # not even one the sheet changes
    services.item_self_assess(item=item, version=item.version, rating=rating("not_met"))
    before = saved(participation)
    with pytest.raises(exchange.PreviewOutdatedError, match="after your preview"):
        exchange.self_assessment_import_apply(
            participation=participation, user=people["landlord_officer"], token=token
        )
    assert saved(participation) == before


def test_a_stage_move_between_preview_and_apply_applies_nothing(participation, people):
    data = edit(exchange.self_assessment_workbook(participation), {"C2": "Met"})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    token = exchange.preview_token(plan, user=people["landlord_officer"])
    move_to(participation.cycle, Stage.COUNCIL_REVIEW)
    with pytest.raises(exchange.SheetError, match="Council review"):
        exchange.self_assessment_import_apply(
            participation=participation, user=people["landlord_officer"], token=token
        )
    assert participation.items.get(commitment__number=1).self_rating is None


def test_a_failure_half_way_rolls_back_the_rows_already_saved(participation, people, monkeypatch):
    data = edit(exchange.self_assessment_workbook(participation), {"C2": "Met", "C3": "Met"})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    token = exchange.preview_token(plan, user=people["landlord_officer"])
    real = services.item_self_assess

    def fail_on_second(**kwargs: Any) -> Any:
        if kwargs["item"].commitment.number == 2:
            raise services.StageError("Refused by the service")
        return real(**kwargs)

    monkeypatch.setattr(services, "item_self_assess", fail_on_second)
    with pytest.raises(exchange.SheetError, match="Refused by the service"):
        exchange.self_assessment_import_apply(
            participation=participation, user=people["landlord_officer"], token=token
        )
    assert participation.items.get(commitment__number=1).self_rating is None


def test_a_preview_is_bound_to_its_person_and_landlord_and_cannot_be_altered(
    participation, people, cycle, other_landlord, monkeypatch
):
    data = edit(exchange.self_assessment_workbook(participation), {"C2": "Met"})
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    token = exchange.preview_token(plan, user=people["landlord_officer"])
    with pytest.raises(exchange.PreviewOutdatedError, match="not made here"):
        exchange.self_assessment_import_apply(
            participation=participation, user=people["landlord_admin"], token=token
        )
    with pytest.raises(exchange.PreviewOutdatedError, match="not made here"):
        exchange.self_assessment_import_apply(
            participation=cycle.participations.get(landlord=other_landlord),
            user=people["landlord_officer"],
            token=token,
        )
    with pytest.raises(exchange.PreviewOutdatedError, match="could not be read"):
        exchange.self_assessment_import_apply(
            participation=participation, user=people["landlord_officer"], token=token[:-3] + "abc"
        )
    monkeypatch.setattr(exchange, "PREVIEW_MAX_AGE", -1)
    with pytest.raises(exchange.PreviewOutdatedError, match="two hours"):
        exchange.self_assessment_import_apply(
            participation=participation, user=people["landlord_officer"], token=token
        )
    assert participation.items.get(commitment__number=1).self_rating is None


# The council's export -------------------------------------------------------------------------


@pytest.fixture
def reviewed(cycle, landlord, other_landlord, people):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    item = item_of(cycle, landlord, 1)
    services.item_self_assess(
        item=item, version=item.version, rating=rating("met"), what_we_do="=HYPERLINK(1)"
    )
    RealityCheck.objects.create(item=item, resident=people["resident"], answer="no")
    move_to(cycle, Stage.COUNCIL_REVIEW)
    item = item_of(cycle, landlord, 1)
    services.item_review(
        item=item,
        by=people["council_admin"],
        version=item.version,
        rating=rating("partly_met"),
        feedback="Good start",
        private_notes="Ask about the minutes",
    )
    return cycle


def test_cycle_export_csv_has_a_row_per_landlord_and_commitment(reviewed):
    out = io.StringIO()
    exchange.cycle_export_csv(reviewed, include_private=False, out=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 2 * 17
    first = next(r for r in rows if r["Landlord code"] == "riverside" and r["Commitment"] == "1")
    assert first["Self-assessment rating"] == "Met"
    assert first["Council rating"] == "Partly met"
    assert first["Council feedback (public)"] == "Good start"
    assert first["Residents: No"] == "1"
    assert first["What we do"] == "'=HYPERLINK(1)"  # never run as a formula
    assert "Council private notes" not in rows[0]
    assert "Ask about the minutes" not in out.getvalue()


def test_private_notes_only_in_the_council_only_export(reviewed):
    book = load_workbook(
        io.BytesIO(exchange.cycle_export_xlsx(reviewed, include_private=True)), read_only=True
    )
    rows = list(book["Assessment"].iter_rows(values_only=True))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    first = next(r for r in records if r["Landlord code"] == "riverside" and r["Commitment"] == 1)
    assert first["Council private notes"] == "Ask about the minutes"
    assert first["What we do"] == "=HYPERLINK(1)"
    assert "COUNCIL ONLY" in str(list(book["About"].iter_rows(values_only=True))[3][0])
    public = load_workbook(
        io.BytesIO(exchange.cycle_export_xlsx(reviewed, include_private=False)), read_only=True
    )
    assert "Council private notes" not in next(public["Assessment"].iter_rows(values_only=True))


def test_cycle_export_queries_do_not_grow_with_landlords(reviewed, charter):
    with CaptureQueriesContext(connection) as small:
        exchange.cycle_export_rows(reviewed, include_private=True)
    for n in range(3):
        services.cycle_landlord_add(cycle=reviewed, landlord=LandlordFactory(slug=f"extra-{n}"))
    with CaptureQueriesContext(connection) as large:
        _headings, rows = exchange.cycle_export_rows(reviewed, include_private=True)
    assert len(rows) == 5 * 17
    assert len(large) == len(small)


# The pages ------------------------------------------------------------------------------------


def _urls(cycle: Any) -> dict[str, str]:
    from django.urls import reverse

    kwargs = {"year": cycle.reporting_year, "slug": "riverside"}
    return {
        "export": reverse("assessment:self-export", kwargs=kwargs),
        "import": reverse("assessment:self-import", kwargs=kwargs),
        "participation": reverse("assessment:participation", kwargs=kwargs),
    }


def _upload(client: Any, url: str, data: bytes, name: str = "filled.xlsx") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"spreadsheet": SimpleUploadedFile(name, data)})


def test_download_fill_in_preview_and_apply_on_the_website(client, participation, people):
    urls = _urls(participation.cycle)
    client.force_login(people["landlord_officer"])
    page = client.get(urls["import"]).content.decode()
    assert "Download your self-assessment spreadsheet" in page
    assert 'enctype="multipart/form-data"' in page
    download = client.get(urls["export"])
    assert download["Content-Type"] == exchange.XLSX_MIME
    assert "self-assessment-2024-25-riverside.xlsx" in download["Content-Disposition"]
    data = edit(download.content, {"C2": "Met", "G2": "Tenants wrote the questions"})
    preview = _upload(client, urls["import"], data)
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Check the changes before they are saved" in text
    assert "Tenants wrote the questions" in text
    assert "Apply these changes" in text
    assert participation.items.get(commitment__number=1).self_rating is None
    token = preview.context["token"]
    applied = client.post(urls["import"], {"token": token}, follow=True)
    assert applied.redirect_chain[-1][0] == urls["participation"]
    assert "1 commitment changed" in applied.content.decode()
    item = participation.items.get(commitment__number=1)
    assert item.self_rating.code == "met"
    assert item.how_residents_involved == "Tenants wrote the questions"
    # The same preview cannot be applied twice: the versions have moved on.
    again = client.post(urls["import"], {"token": token})
    assert "after your preview" in again.content.decode()


def test_problems_are_listed_by_sheet_row_and_column_and_nothing_is_saved(
    client, participation, people
):
    urls = _urls(participation.cycle)
    client.force_login(people["landlord_admin"])
    data = edit(client.get(urls["export"]).content, {"C2": "Superb", "C3": "Met", "A20": 42})
    response = _upload(client, urls["import"], data)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.startswith("<!DOCTYPE html>")
    assert "Error: " in text.split("</title>")[0]
    assert "2 problems, listed below. Nothing was changed." in text
    assert "“Superb” is not a rating" in text
    assert "There is no commitment 42" in text
    assert "Apply these changes" not in text
    assert participation.items.get(commitment__number=2).self_rating is None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a spreadsheet", "notes.xlsx", "not an Excel workbook"),
        (b"", "empty.xlsx", "The submitted file is empty"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_explained(
    client, participation, people, data, name, message
):
    client.force_login(people["landlord_officer"])
    response = _upload(client, _urls(participation.cycle)["import"], data, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_no_file_chosen_is_a_form_error(client, participation, people):
    client.force_login(people["landlord_officer"])
    response = client.post(_urls(participation.cycle)["import"], {})
    assert "Choose the spreadsheet to upload" in response.content.decode()


def test_an_altered_or_foreign_preview_is_refused(client, participation, people):
    urls = _urls(participation.cycle)
    client.force_login(people["landlord_officer"])
    data = edit(client.get(urls["export"]).content, {"C2": "Met"})
    token = _upload(client, urls["import"], data).context["token"]
    client.force_login(people["landlord_admin"])
    refused = client.post(urls["import"], {"token": token}).content.decode()
    assert "not made here" in refused
    refused = client.post(urls["import"], {"token": "junk"}).content.decode()
    assert "could not be read" in refused
    assert participation.items.get(commitment__number=1).self_rating is None


def test_another_landlords_staff_cannot_upload(client, participation, people):
    client.force_login(people["other_landlord_admin"])
    data = exchange.self_assessment_workbook(participation)
    assert _upload(client, _urls(participation.cycle)["import"], data).status_code == 403


def test_the_page_says_when_nothing_can_change(client, participation, people):
    move_to(participation.cycle, Stage.COUNCIL_REVIEW)
    client.force_login(people["landlord_officer"])
    text = client.get(_urls(participation.cycle)["import"]).content.decode()
    assert "The cycle is at “Council review”" in text


def test_council_staff_download_the_whole_cycle(client, reviewed, people):
    from django.urls import reverse

    client.force_login(people["council_officer"])
    page = client.get(reverse("assessment:spreadsheets", kwargs={"year": "2024-25"}))
    assert "With the council's private notes" in page.content.decode()

    def url(which: str, fmt: str) -> str:
        kwargs = {"year": "2024-25", "which": which, "fmt": fmt}
        return reverse("assessment:cycle-export", kwargs=kwargs)

    plain = client.get(url("cycle", "csv"))
    assert plain["Content-Type"] == "text/csv; charset=utf-8"
    assert "Good start" in plain.content.decode("utf-8-sig")
    assert "Ask about the minutes" not in plain.content.decode("utf-8-sig")
    private = client.get(url("cycle-with-private-notes", "xlsx"))
    assert "with-private-notes.xlsx" in private["Content-Disposition"]
    book = load_workbook(io.BytesIO(private.content), read_only=True)
    assert "Council private notes" in next(book["Assessment"].iter_rows(values_only=True))
    assert client.get(url("everything", "xlsx")).status_code == 404
    assert client.get(url("cycle", "pdf")).status_code == 404


def test_a_cell_cut_at_the_spreadsheet_limit_is_refused_and_the_full_text_kept(
    participation, landlord
):
    """Text stored before the site capped its length, longer than a cell holds, is cut to 32,767
    characters when the workbook is saved; importing that would replace the full text."""
    item = item_of(participation.cycle, landlord, 3)
    full = ("Residents chair the repairs panel. " * 1200).strip()  # 41,999 characters
    item.what_we_do = full
    item.save(update_fields=["what_we_do"])
    exported = exchange.self_assessment_workbook(participation)
    cut = edit(exported, {f"F{row_of(3)}": full[:SPREADSHEET_CELL_LIMIT]})  # as a spreadsheet does
    plan = exchange.self_assessment_preview(participation=participation, data=cut)
    assert cells(plan.problems) == {(SHEET, row_of(3), "F")}
    assert "holds 32,767 characters, as many as a spreadsheet cell can" in plan.problems[0].reason
    assert "probably cut short" in plan.problems[0].reason
    assert not plan.changes
    assert item_of(participation.cycle, landlord, 3).what_we_do == full


def test_text_the_forms_would_refuse_is_refused_by_the_import_too(participation):
    data = edit(
        exchange.self_assessment_workbook(participation),
        {
            f"F{row_of(2)}": "x" * (TEXT_LIMIT + 1),
            f"G{row_of(3)}": "Residents\x85chose",  # a control character a workbook can hold
            f"F{row_of(4)}": "Lines\nand\ttabs are kept",
        },
    )
    plan = exchange.self_assessment_preview(participation=participation, data=data)
    assert cells(plan.problems) == {(SHEET, row_of(2), "F"), (SHEET, row_of(3), "G")}
    reasons = " ".join(p.reason for p in plan.problems)
    assert f"“What we do” must be {TEXT_LIMIT:,} characters or fewer: it has 20,001" in reasons
    assert "“How residents were involved” contains a hidden control character (U+0085)" in reasons


def test_the_service_applies_the_same_rules_to_text_it_is_given(participation, landlord):
    item = item_of(participation.cycle, landlord, 2)
    with pytest.raises(ValidationError) as refused:
        services.item_self_assess(
            item=item, version=None, rating=None, what_we_do="x" * (TEXT_LIMIT + 1)
        )
    assert "20,000 characters or fewer" in refused.value.message_dict["what_we_do"][0]
    item.how_residents_involved = "Stored\x85long ago"
    item.save(update_fields=["how_residents_involved"])
    kept = services.item_self_assess(
        item=item, version=None, rating=None, how_residents_involved="Stored\x85long ago"
    )
    assert kept.how_residents_involved == "Stored\x85long ago"  # unchanged text is not refused
