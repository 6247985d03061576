"""The demonstration's charter assessments: every past year published, each on its own dates, the
current year in self-assessment for a newcomer to try, every landlord taking part, all synthetic,
the same every time."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import User
from residentvoice.assessment.models import (
    STAGE_ORDER,
    AssessmentCycle,
    AssessmentItem,
    Evidence,
    EvidenceKind,
    ImprovementAction,
    Participation,
    RealityCheck,
    RealityCheckSession,
    ReplyPosition,
    Stage,
    StageMove,
)
from residentvoice.assessment.selectors import cycle_list
from residentvoice.assessment.services import participation_missing
from residentvoice.core.reporting_years import reporting_year_bounds
from residentvoice.demo.assessment import (
    ASSESSMENT_DATA,
    assessment_demo_load,
    current_reporting_year,
)
from residentvoice.organisations.models import Landlord

pytestmark = pytest.mark.django_db

LANDLORD_COMMITMENTS = 17  # the default charter's 18 less the one the council alone makes
DATA = yaml.safe_load(Path(ASSESSMENT_DATA).read_text(encoding="utf-8"))


def _years() -> tuple[list[str], str]:
    """The past years the demonstration publishes, and the current year, for today."""
    current = current_reporting_year(timezone.localdate())
    past, year = [], DATA["years"][0]["year"]
    while year < current:
        past.append(year)
        start = reporting_year_bounds(year)[0].year + 1
        year = f"{start}-{(start + 1) % 100:02d}"
    return past, current


def _items(year: str):
    return AssessmentItem.objects.filter(participation__cycle__reporting_year=year)


def _snapshot() -> list[tuple]:
    """What a reader of the demonstration sees, in a fixed order, without database ids."""
    return list(
        AssessmentItem.objects.order_by(
            "participation__cycle__reporting_year", "landlord__name", "commitment__number"
        ).values_list(
            "participation__cycle__reporting_year",
            "landlord__slug",
            "commitment__number",
            "self_rating__code",
            "self_not_applicable",
            "what_we_do",
            "council_rating__code",
            "council_feedback",
            "reply_position",
            "reply_reason",
            "final_rating__code",
            "final_rationale",
            "version",
        )
    )


def test_past_years_are_published_and_the_current_one_is_in_self_assessment(demo):
    past, current = _years()
    assert past[:3] == ["2022-23", "2023-24", "2024-25"]
    stages = {cycle.reporting_year: cycle.stage for cycle in cycle_list()}
    assert stages == {**dict.fromkeys(past, Stage.PUBLISHED), current: Stage.SELF_ASSESSMENT}
    assert set(AssessmentCycle.objects.values_list("is_demo", flat=True)) == {True}
    assert Landlord.objects.count() == 20
    for year in [*past, current]:
        assert _items(year).count() == 20 * LANDLORD_COMMITMENTS
    for year in past:
        # Every move was made through the services and recorded, one stage at a time.
        moves = list(
            StageMove.objects.filter(cycle__reporting_year=year)
            .order_by("moved_at", "pk")
            .values_list("stage", flat=True)
        )
        assert moves == STAGE_ORDER
        done = _items(year)
        assert all(item.is_moderated for item in done)
        disagreed = done.filter(reply_position=ReplyPosition.DISAGREE)
        assert 1 <= disagreed.count() <= 30  # a few disagreements, each with a reason
        assert not disagreed.filter(reply_reason="").exists()
        assert Evidence.objects.filter(item__in=disagreed, for_reply=True).count() == (
            disagreed.count()
        )
        # The final results were set through the moderation service: each has its history row.
        moderated = AssessmentItem.history.filter(
            participation__cycle__reporting_year=year, moderated_at__isnull=False
        ).values("id")
        assert moderated.distinct().count() == done.count()
        assert not done.filter(council_rating__isnull=True, self_not_applicable=False).exists()
        assert done.filter(self_not_applicable=True, final_not_applicable=True).count() == 2
    # Improvement actions; every piece of evidence is a stored PDF, never a link elsewhere.
    assert ImprovementAction.objects.filter(item__in=_items(past[-1])).exists()
    assert not Evidence.objects.exclude(kind=EvidenceKind.FILE).exists()
    assert not Evidence.objects.exclude(url="").exists()
    assert set(Evidence.objects.values_list("content_type", flat=True)) == {"application/pdf"}
    resident = User.objects.get(email="resident@richmond.demo.example")
    checks = RealityCheck.objects.filter(resident=resident)
    assert Counter(checks.values_list("item__participation__cycle__reporting_year", flat=True)) == {
        "2022-23": 3,
        "2023-24": 3,
        "2024-25": 3,
        current: 1,
    }
    assert set(checks.values_list("item__landlord__short_name", flat=True)) == {"RHP"}
    assert RealityCheckSession.objects.count() == 5
    # The demonstration people are named as the authors of the changes.
    officer = User.objects.get(email="rhp.officer@richmond.demo.example")
    assert AssessmentItem.history.filter(history_user=officer).exists()


def _within(moment: datetime.datetime | None, window: tuple[datetime.date, datetime.date]) -> bool:
    assert moment is not None
    return window[0] <= timezone.localdate(moment) <= window[1]


def test_each_past_year_happens_on_its_own_dates(demo):
    """No date of a past year is the day the demonstration was loaded: every stage move,
    submission, review, reply, final rating, piece of evidence, reality check and history row
    falls in the stage of that year's timetable it belongs to."""
    past, _ = _years()
    today = timezone.localdate()
    for year in past:
        cycle = AssessmentCycle.objects.get(reporting_year=year)
        windows = {row.stage: (row.opens_on, row.closes_on) for row in cycle.stage_dates.all()}
        assert windows[Stage.SELF_ASSESSMENT][0] > reporting_year_bounds(year)[1]  # after it ends
        for move in cycle.moves.all():
            if move.stage == Stage.PREPARATION:
                assert timezone.localdate(move.moved_at) < windows[Stage.SELF_ASSESSMENT][0]
            elif move.stage == Stage.PUBLISHED:
                assert timezone.localdate(move.moved_at) == windows[Stage.READY_TO_PUBLISH][1]
            else:
                assert timezone.localdate(move.moved_at) == windows[move.stage][0], move
        for participation in Participation.objects.filter(cycle=cycle):
            assert _within(participation.submitted_at, windows[Stage.SELF_ASSESSMENT])
        for item in _items(year).exclude(self_not_applicable=True):
            assert _within(item.reviewed_at, windows[Stage.COUNCIL_REVIEW])
            assert _within(item.replied_at, windows[Stage.RIGHT_OF_REPLY])
            assert _within(item.moderated_at, windows[Stage.MODERATION])
        for evidence in Evidence.objects.filter(item__participation__cycle=cycle):
            stage = Stage.RIGHT_OF_REPLY if evidence.for_reply else Stage.SELF_ASSESSMENT
            assert _within(evidence.created_at, windows[stage])
        for check in RealityCheck.objects.filter(item__participation__cycle=cycle):
            assert _within(check.created_at, windows[Stage.SELF_ASSESSMENT])
        first = timezone.localdate(cycle.moves.order_by("moved_at").first().moved_at)
        last = windows[Stage.READY_TO_PUBLISH][1]
        history = AssessmentItem.history.filter(participation__cycle=cycle)
        assert all(
            first <= timezone.localdate(h) <= last
            for h in history.values_list("history_date", flat=True)
        )
        assert not history.filter(history_date__date=today).exists()
        publication = cycle.publications.get()
        assert timezone.localdate(publication.published_at) == last
        for stage in publication.methodology["stages"]:
            assert stage["reached_on"] != today.isoformat()


def test_a_newcomer_can_try_the_self_assessment_and_the_reality_check(demo, client, settings):
    _, current = _years()
    settings.DEMO_MODE = True
    spec = DATA["current"]
    cycle = AssessmentCycle.objects.get(reporting_year=current)
    submitted = set(
        cycle.participations.filter(submitted_at__isnull=False).values_list(
            "landlord__short_name", flat=True
        )
    )
    assert submitted == set(spec["submitted"])
    for name in spec["not_started"]:
        assert not _items(current).filter(landlord__short_name=name).exclude(what_we_do="").exists()
    assert not _items(current).filter(reviewed_at__isnull=False).exists()
    # The current year is dated from today, and nothing in it is later than today.
    windows = {row.stage: (row.opens_on, row.closes_on) for row in cycle.stage_dates.all()}
    today = timezone.localdate()
    assert windows[Stage.SELF_ASSESSMENT][0] < today < windows[Stage.SELF_ASSESSMENT][1]
    assert all(
        timezone.localdate(e.created_at) < today
        for e in Evidence.objects.filter(item__participation__cycle=cycle)
    )

    # RHP's admin finds a draft with a few commitments still to rate, rates them and submits.
    rhp = cycle.participations.get(landlord__short_name="RHP")
    missing = participation_missing(rhp)
    assert missing
    assert all("has no rating" in line for line in missing)
    client.force_login(User.objects.get(email="rhp.admin@richmond.demo.example"))
    page = client.get(reverse("assessment:participation", args=[current, "rhp"])).content.decode()
    assert "Not submitted yet" in page
    assert "Sign off and submit" in page
    refused = client.post(reverse("assessment:submit", args=[current, "rhp"])).content.decode()
    assert "The self-assessment cannot be submitted yet" in refused
    assert "has no rating" in refused
    from residentvoice.assessment.services import item_self_assess
    from residentvoice.charter.models import RatingOption

    met = RatingOption.objects.get(code="met", scale__charter=cycle.charter)
    for item in _items(current).filter(landlord__short_name="RHP", self_rating__isnull=True):
        item_self_assess(item=item, version=item.version, rating=met, what_we_do=item.what_we_do)
    response = client.post(reverse("assessment:submit", args=[current, "rhp"]))
    assert response.status_code == 302
    rhp.refresh_from_db()
    assert rhp.submitted_at is not None

    # The demonstration's resident checks a claim they have not answered yet.
    resident = User.objects.get(email="resident@richmond.demo.example")
    client.force_login(resident)
    url = reverse("assessment:reality-checks", args=[current])
    page = client.get(url)
    assert page.status_code == 200
    answered = set(
        RealityCheck.objects.filter(resident=resident, item__participation=rhp).values_list(
            "item_id", flat=True
        )
    )
    item = _items(current).filter(landlord__short_name="RHP").exclude(pk__in=answered).first()
    response = client.post(
        url, {"item": item.pk, f"claim-{item.pk}-answer": "partly", f"claim-{item.pk}-comment": ""}
    )
    assert response.status_code == 302
    assert RealityCheck.objects.filter(resident=resident, item=item, answer="partly").exists()


def test_the_same_demonstration_is_built_every_time(demo):
    first = _snapshot()
    years = len(_years()[0]) + 1
    assert len(first) == years * 20 * LANDLORD_COMMITMENTS
    # Build the assessments again from nothing (the rest of the demonstration stays), clearing
    # first whatever later steps made from them, such as published copies.
    while True:
        try:
            AssessmentCycle.objects.all().delete()
            break
        except ProtectedError as error:
            for dependent in error.protected_objects:
                dependent.delete()
    landlords = list(Landlord.objects.order_by("name"))
    rebuilt = assessment_demo_load(landlords=landlords, today=timezone.localdate())
    assert len(rebuilt) == years
    assert _snapshot() == first
