"""The council's dashboard opens with what needs doing (counts by state and by reviewer, what waits
on the stage, what is overdue after its closing date), then every landlord against every
commitment they are assessed on, filtered and a page of landlords at a time."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.assessment import services
from residentvoice.assessment.models import AssessmentItem, Participation, Stage, StageDates
from residentvoice.assessment.selectors import ITEM_FIELDS, ITEM_STATE_SQL, item_state

from ..factories import LandlordFactory
from .conftest import YEAR, item_of, move_to, rating

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("assessment:dashboard", kwargs={"year": YEAR})


def _closes(cycle, stage, on):
    StageDates.objects.update_or_create(cycle=cycle, stage=stage, defaults={"closes_on": on})


def _grid_rows(body: str) -> int:
    return body.count("rv-matrix__landlord")


@pytest.fixture
def in_review(cycle, landlord, people):
    """Council review, Riverside's first two commitments rated by the council."""
    move_to(cycle, Stage.COUNCIL_REVIEW)
    for number in (1, 2):
        services.item_review(
            item=item_of(cycle, landlord, number),
            by=people["council_admin"],
            version=None,
            rating=rating("met"),
        )
    return cycle


def test_a_stage_past_its_closing_date_is_flagged_with_what_is_overdue(client, in_review, people):
    _closes(in_review, Stage.COUNCIL_REVIEW, datetime.date(2025, 3, 31))
    client.force_login(people["council_officer"])
    body = client.get(DASHBOARD).content.decode()
    assert "Council review closed at 11:59pm on 31 March 2025." in body
    assert "32 commitments of 2 landlords are overdue." in body
    assert '<a class="govuk-link" href="?state=overdue">32 overdue commitments</a>' in body
    assert body.count("rv-state--overdue") == 32
    # The banner on every page of the cycle says the same, one way.
    assert "It closed at 11:59pm on 31 March 2025" in body


def test_a_stage_still_open_says_when_it_closes_and_nothing_is_overdue(client, in_review, people):
    closes = timezone.localdate() + datetime.timedelta(days=10)
    _closes(in_review, Stage.COUNCIL_REVIEW, closes)
    client.force_login(people["council_officer"])
    body = client.get(DASHBOARD).content.decode()
    when = f"11:59pm on {closes.day} {closes:%B %Y}"
    assert f"Council review closes at {when}." in body
    assert "rv-state--overdue" not in body
    assert "govuk-warning-text" not in body
    assert "overdue commitment" not in body
    assert "32 commitments waiting on this stage</a>, 2 landlords" in body


def test_counts_by_state_cover_the_whole_cycle_whatever_the_filters(client, in_review, people):
    client.force_login(people["council_admin"])
    body = client.get(DASHBOARD, {"landlord": "hillside"}).content.decode()
    table = body[body.index('id="states-caption"') : body.index("</table>")]
    assert 'href="?state=reviewed">Reviewed by the council</a>' in table
    counts = [
        cell.split("</td>")[0]
        for cell in table.split('govuk-table__cell govuk-table__cell--numeric">')[1:]
    ]
    # not started, draft, submitted, reviewed, replied, final, all
    assert counts == ["32", "0", "0", "2", "0", "0", "34"]
    assert _grid_rows(body) == 1


def test_overdue_shows_only_the_landlords_with_overdue_commitments(
    client, in_review, landlord, people
):
    _closes(in_review, Stage.COUNCIL_REVIEW, datetime.date(2025, 3, 31))
    for item in AssessmentItem.objects.filter(participation__landlord=landlord):
        if not item.reviewed_at:
            services.item_review(
                item=item, by=people["council_admin"], version=None, rating=rating("met")
            )
    client.force_login(people["council_admin"])
    body = client.get(DASHBOARD, {"state": "overdue"}).content.decode()
    assert _grid_rows(body) == 1
    assert "Hillside Housing" in body
    assert "Riverside Homes</a>" not in body
    # With a commitment chosen, only that commitment is looked at.
    assert _grid_rows(client.get(DASHBOARD, {"state": "reviewed"}).content.decode()) == 1
    chosen = client.get(DASHBOARD, {"state": "reviewed", "commitment": "3"})
    assert _grid_rows(chosen.content.decode()) == 1
    assert (
        "No landlord matches these filters."
        in client.get(DASHBOARD, {"state": "draft", "commitment": "3"}).content.decode()
    )


def test_the_grid_shows_every_commitment_landlords_are_assessed_against(client, cycle, people):
    client.force_login(people["council_admin"])
    for query in ({}, {"commitment": "3", "state": "not_started"}):
        body = client.get(DASHBOARD, query).content.decode()
        grid = body[body.index('id="grid-caption"') :]
        head = grid[: grid.index("</thead>")]
        numbers = [
            int(cell.split("</span>")[1].split("<")[0])
            for cell in head.split("rv-matrix__number")[1:]
        ]
        assert numbers == [n for n in range(1, 19) if n != 17]
        assert "Commitment 17 (The council speaks up for residents) is the council's own" in body
        assert body.count('class="govuk-table__cell rv-matrix__number"') == 2 * 17


def test_the_grid_is_paged_and_the_pages_keep_the_filters(client, cycle, people):
    for extra in LandlordFactory.create_batch(28):
        services.cycle_landlord_add(cycle=cycle, landlord=extra)
    move_to(cycle, Stage.SELF_ASSESSMENT)
    client.force_login(people["council_admin"])
    first = client.get(DASHBOARD).content.decode()
    assert _grid_rows(first) == 25
    assert "Showing landlords 1 to 25 of 30." in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(DASHBOARD, {"page": "2"}).content.decode()
    assert _grid_rows(second) == 5
    assert "Showing landlords 26 to 30 of 30." in second
    waiting = client.get(DASHBOARD, {"state": "waiting"}).content.decode()
    assert 'href="?state=waiting&amp;page=2" rel="next"' in waiting
    # A page past the end shows the last one.
    assert _grid_rows(client.get(DASHBOARD, {"page": "9"}).content.decode()) == 5


def test_the_database_and_python_agree_on_where_each_item_is(cycle, landlord, people):
    """The dashboard counts with ITEM_STATE_SQL; every other page names the state with
    `item_state`. Every combination of what an item can hold gives the same state in both."""
    now = timezone.now()
    met = rating("met")
    items = list(AssessmentItem.objects.filter(participation__landlord=landlord))
    combinations = list(
        itertools.product(
            (None, met), (False, True), ("", "Text"), (None, now), ("", "agree"), (None, now)
        )
    )
    participation = Participation.objects.get(cycle=cycle, landlord=landlord)
    for submitted in (None, now):
        participation.submitted_at = submitted
        participation.save()
        for start in range(0, len(combinations), len(items)):
            for item, combination in zip(items, combinations[start:], strict=False):
                self_rating, na, text, reviewed, reply, moderated = combination
                item.self_rating, item.self_not_applicable, item.what_we_do = self_rating, na, text
                item.reviewed_at, item.reply_position, item.moderated_at = (
                    reviewed,
                    reply,
                    moderated,
                )
            AssessmentItem.objects.bulk_update(
                items,
                [
                    "self_rating",
                    "self_not_applicable",
                    "what_we_do",
                    "reviewed_at",
                    "reply_position",
                    "moderated_at",
                ],
            )
            queryset = AssessmentItem.objects.filter(pk__in=[item.pk for item in items])
            in_sql = dict(queryset.annotate(state=ITEM_STATE_SQL).values_list("pk", "state"))
            for values in queryset.values(*ITEM_FIELDS):
                assert in_sql[values["pk"]] == item_state(values, bool(submitted))[0], values
