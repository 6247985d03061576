"""The register and the contracts other apps use: register_entry_record, evidence_candidates,
participation_figures."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import Role
from residentvoice.participation import services
from residentvoice.participation.models import (
    Consultation,
    Recommendation,
    RecommendationStatusChange,
    RegisterEntry,
)
from residentvoice.participation.selectors import (
    evidence_candidates,
    participation_figures,
    reporting_year_dates,
)

from ..factories import LandlordFactory, user_with_role
from . import builders

pytestmark = pytest.mark.django_db


def _record(landlord, source_id="rc-1", **changes):
    fields = {
        "landlord": landlord,
        "source_kind": "reality_check",
        "source_id": source_id,
        "residents_said": "The repairs line is never answered.",
        "decision": "Partly agreed",
        "reason": "Staffing",
        "action_taken": "Extra staff at peak times",
        "status": "in_progress",
        "is_public": True,
        "date": datetime.date(2024, 6, 1),
    }
    fields.update(changes)
    return services.register_entry_record(**fields)


def test_recording_is_idempotent_per_source(landlord):
    first = _record(landlord)
    history = first.history.count()
    again = _record(landlord)
    assert again.pk == first.pk
    assert again.history.count() == history  # nothing changed, nothing written
    changed = _record(landlord, status="done")
    assert changed.pk == first.pk
    assert changed.status == "done"
    assert RegisterEntry.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [{"source_kind": "gossip"}, {"status": "maybe"}, {"residents_said": "  "}, {"source_id": ""}],
)
def test_bad_entries_are_refused(landlord, bad):
    with pytest.raises(ValidationError):
        _record(landlord, **bad)
    assert not RegisterEntry.objects.exists()


def test_public_pages_feed_and_csv_show_only_public_entries(client, landlord, other_landlord):
    _record(landlord, source_id="a", residents_said="=HYPERLINK(bad) we said")
    _record(other_landlord, source_id="b", residents_said="Other landlord's entry")
    _record(landlord, source_id="c", residents_said="Private draft", is_public=False)
    page = client.get(reverse("participation:register")).content.decode()
    assert "Other landlord" in page
    assert "Private draft" not in page
    mine = client.get(
        reverse("participation:register-landlord", args=[landlord.slug])
    ).content.decode()
    assert "Other landlord" not in mine
    filtered = client.get(
        reverse("participation:register"), {"landlord": other_landlord.pk, "status": "in_progress"}
    ).content.decode()
    assert "Other landlord" in filtered
    assert "HYPERLINK" not in filtered
    feed = client.get(reverse("participation:register-feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Private draft" not in feed.content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("participation:register-csv")).content.decode()))
    )
    assert rows[0][:4] == ["date", "landlord", "from", "title"]
    assert len(rows) == 3
    # A typed formula cannot run in a spreadsheet.
    assert any(row[4].startswith("'=HYPERLINK") for row in rows[1:])
    bad_year = client.get(reverse("participation:register"), {"year": "nonsense"})
    assert bad_year.status_code == 200


def test_evidence_candidates_list_only_finished_public_things(landlord, other_landlord, people):
    done = builders.consultation_with_results(landlord=landlord, respondents=[people["resident"]])
    services.consultation_outcome_publish(
        consultation=done,
        said_summary="Said",
        considered="Considered",
        actions="Longer opening hours",
        status="done",
    )
    builders.consultation_open(landlord=landlord, title="Still open")
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    review = builders.review_with_recommendations(panel=panel, by=people["resident"])
    builders.review_with_recommendations(panel=panel, by=people["resident"], stage="evidence")
    _record(other_landlord, source_id="elsewhere")
    with CaptureQueriesContext(connection) as queries:
        found = evidence_candidates(landlord=landlord)
    assert len(queries) == 3
    kinds = [(item["kind"], item["id"]) for item in found]
    assert ("consultation", done.pk) in kinds
    assert ("review", review.pk) in kinds
    assert len([kind for kind, _ in kinds if kind == "review"]) == 1
    assert not any("Still open" in item["title"] for item in found)
    assert all(item["url"].startswith("http") for item in found)
    entries = [item for item in found if item["kind"] == "register_entry"]
    # The consultation's outcome; the two recommendations wait for their answers and for
    # something done, so they are not in the public register yet.
    assert [entry["title"] for entry in entries] == [f"You said, we did: {done.title}"]


def test_reporting_year_runs_april_to_march():
    assert reporting_year_dates("2024-25") == (
        datetime.date(2024, 4, 1),
        datetime.date(2025, 3, 31),
    )
    for bad in ("2024-26", "24-25", "", "2024/25"):
        with pytest.raises(ValueError, match="not a reporting year"):
            reporting_year_dates(bad)


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def test_participation_figures_per_landlord_and_year_in_fixed_queries(
    landlord, other_landlord, people
):
    second = user_with_role(Role.RESIDENT, landlord, email="second@example.org")
    consultation = builders.consultation_with_results(
        landlord=landlord, respondents=[people["resident"], second]
    )
    # Closed in June 2024: reporting year 2024-25.
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=_moment(datetime.date(2024, 5, 1)), closes_at=_moment(datetime.date(2024, 6, 1))
    )
    still_open = builders.consultation_open(landlord=landlord)
    services.response_enter(  # open now, so outside 2024-25
        consultation=still_open,
        entered_by=people["landlord_officer"],
        channel="paper",
        answers=builders.answers_for(still_open),
    )
    panel = builders.panel_with_chair(landlord=landlord, chair=people["resident"])
    review = builders.review_with_recommendations(panel=panel, by=people["resident"], count=3)
    first, second_rec, third = review.recommendations.order_by("number")
    officer = people["landlord_officer"]
    services.recommendation_answer(
        recommendation=first,
        answered_by=officer,
        answer="accepted",
        owner="A",
        due_on=datetime.date(2025, 1, 1),
        at=_moment(datetime.date(2024, 9, 11)),
    )
    services.recommendation_answer(
        recommendation=second_rec,
        answered_by=officer,
        answer="rejected",
        reason="No",
        at=_moment(datetime.date(2024, 9, 21)),
    )
    services.action_progress_add(
        recommendation=first,
        added_by=officer,
        percent=100,
        milestone="Done",
        at=_moment(datetime.date(2024, 12, 1)),
    )
    # The report reached the landlord on 1 September 2024.
    Recommendation.objects.filter(review=review).update(made_on=datetime.date(2024, 9, 1))
    ids = [landlord.pk, other_landlord.pk, LandlordFactory().pk]
    with CaptureQueriesContext(connection) as queries:
        figures = participation_figures(landlord_ids=ids, reporting_year="2024-25")
    assert len(queries) == 7
    mine = figures[landlord.pk]
    assert mine["consultations_run"] == 1
    assert mine["residents_taking_part"] == 2  # the two respondents (one also chairs the panel)
    assert mine["recommendations_accepted"] == 1
    assert mine["recommendations_completed"] == 1
    assert mine["average_days_to_answer"] == 15.0  # 10 and 20 days
    assert figures[other_landlord.pk] == {
        "consultations_run": 0,
        "residents_taking_part": 0,
        "recommendations_accepted": 0,
        "recommendations_completed": 0,
        "average_days_to_answer": None,
    }
    assert RecommendationStatusChange.objects.filter(recommendation=third).count() == 1
    later = participation_figures(landlord_ids=ids, reporting_year="2025-26")
    assert later[landlord.pk]["consultations_run"] == 0
