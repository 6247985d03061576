"""Reality checks: residents answer their own landlord's public claims in the right stages; the
council moderates comments and records sessions; nobody outside the council reads a comment before
it is approved, and nobody sees who said what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residentvoice.assessment import selectors, services
from residentvoice.assessment.models import (
    CommentStatus,
    RealityCheck,
    RealityCheckSession,
    Stage,
)
from residentvoice.assessment.services import StageError
from residentvoice.charter.models import Commitment

from ..factories import LandlordFactory
from .conftest import YEAR, item_of, move_to

pytestmark = pytest.mark.django_db

CLAIM = "A residents' panel meets every month & reports to the board."


def claim(cycle, landlord, number=1, what=CLAIM, **kwargs):
    item = item_of(cycle, landlord, number)
    return services.item_self_assess(
        item=item, version=None, rating=None, what_we_do=what, **kwargs
    )


@pytest.fixture
def open_cycle(cycle, landlord, other_landlord):
    """Self-assessment open; Riverside claims commitments 1 and 2, Hillside commitment 1."""
    move_to(cycle, Stage.SELF_ASSESSMENT)
    claim(cycle, landlord, 1, how_residents_involved="Residents wrote the terms of reference.")
    claim(cycle, landlord, 2, what="We ask residents before changing the strategy.")
    claim(cycle, other_landlord, 1, what="Hillside holds estate walkabouts.")
    return cycle


def answer(cycle, landlord, person, number=1, value="partly", comment=""):
    return services.reality_check_answer(
        item=item_of(cycle, landlord, number), resident=person, answer=value, comment=comment
    )


def url(name, **kwargs):
    return reverse(f"assessment:{name}", kwargs={"year": YEAR, **kwargs})


# ---------------------------------------------------------------------------------------------
# Services


@pytest.mark.parametrize("stage", [Stage.PREPARATION, Stage.RIGHT_OF_REPLY])
def test_answers_only_during_self_assessment_and_review(cycle, landlord, people, stage):
    move_to(cycle, Stage.SELF_ASSESSMENT)
    claim(cycle, landlord)
    if stage == Stage.PREPARATION:
        services.cycle_stage_move(cycle=cycle, to_stage=stage, note="Back to fix dates")
    else:
        move_to(cycle, stage)
    with pytest.raises(StageError, match="during self-assessment and council review"):
        answer(cycle, landlord, people["resident"])
    assert not RealityCheck.objects.exists()


def test_answers_are_open_during_council_review(open_cycle, landlord, people):
    move_to(open_cycle, Stage.COUNCIL_REVIEW)
    assert answer(open_cycle, landlord, people["resident"], value="no").answer == "no"


def test_no_claim_no_answer(open_cycle, landlord, people):
    with pytest.raises(ValidationError, match="has not said what it does"):
        answer(open_cycle, landlord, people["resident"], number=5)


def test_bad_answer_and_overlong_comment_are_both_reported(open_cycle, landlord, people):
    with pytest.raises(ValidationError) as error:
        answer(open_cycle, landlord, people["resident"], value="maybe", comment="x" * 2001)
    assert set(error.value.message_dict) == {"answer", "comment"}
    assert "2,001" in error.value.message_dict["comment"][0]


def test_answering_again_replaces_and_a_new_comment_goes_back_to_moderation(
    open_cycle, landlord, people
):
    first = answer(open_cycle, landlord, people["resident"], comment="It meets, but rarely.")
    services.reality_comment_moderate(check=first, by=people["council_officer"], approve=True)
    # Same comment, different answer: the approval stands.
    again = answer(
        open_cycle, landlord, people["resident"], value="no", comment="It meets, but rarely."
    )
    assert again.pk == first.pk
    assert again.comment_status == CommentStatus.APPROVED
    # A changed comment has to be read again.
    changed = answer(open_cycle, landlord, people["resident"], value="no", comment="Cancelled.")
    assert changed.comment_status == CommentStatus.PENDING
    assert changed.moderated_by is None
    assert RealityCheck.objects.count() == 1


def test_comments_are_stored_as_typed(open_cycle, landlord, people):
    typed = "<script>alert('x')</script>\nSecond line & more"
    check = answer(open_cycle, landlord, people["resident"], comment=f"  {typed}  ")
    check.refresh_from_db()
    assert check.comment == typed


def test_moderation_stops_when_the_results_are_frozen(open_cycle, landlord, people):
    check = answer(open_cycle, landlord, people["resident"], comment="Good panel.")
    move_to(open_cycle, Stage.READY_TO_PUBLISH)
    with pytest.raises(StageError, match="frozen"):
        services.reality_comment_moderate(check=check, by=people["council_admin"], approve=True)
    check.refresh_from_db()
    assert check.comment_status == CommentStatus.PENDING


def test_an_answer_without_a_comment_has_nothing_to_moderate(open_cycle, landlord, people):
    check = answer(open_cycle, landlord, people["resident"])
    with pytest.raises(ValidationError, match="no comment"):
        services.reality_comment_moderate(check=check, by=people["council_admin"], approve=True)


def _session(cycle, landlord, **changes):
    data = {
        "participation": cycle.participations.get(landlord=landlord),
        "by": None,
        "held_on": datetime.date(2024, 6, 1),
        "residents_count": 9,
        "summary": "Residents knew the panel; few had seen its reports.",
        "commitments": list(Commitment.objects.filter(number=1)),
    }
    data.update(changes)
    return services.reality_session_record(**data)


def test_session_checks_every_field(open_cycle, landlord):
    with pytest.raises(ValidationError) as error:
        _session(
            open_cycle,
            landlord,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            residents_count=0,
            summary=" ",
        )
    assert set(error.value.message_dict) == {"held_on", "residents_count", "summary"}
    assert not RealityCheckSession.objects.exists()


def test_session_commitments_come_from_the_cycles_charter(open_cycle, landlord):
    from residentvoice.charter.models import Charter

    other = Charter.objects.create(name="Another charter", slug="another", area="Elsewhere")
    stray = Commitment.objects.create(charter=other, number=1, title="Elsewhere", text="Other")
    with pytest.raises(ValidationError) as error:
        _session(open_cycle, landlord, commitments=[stray])
    assert "commitments" in error.value.message_dict


@pytest.mark.parametrize("stage", [Stage.PREPARATION, Stage.READY_TO_PUBLISH])
def test_sessions_are_recorded_between_self_assessment_and_moderation(cycle, landlord, stage):
    move_to(cycle, stage)
    with pytest.raises(StageError):
        _session(cycle, landlord)


# ---------------------------------------------------------------------------------------------
# Selectors


@pytest.fixture
def answered(open_cycle, landlord, people):
    """Two residents of Riverside answered commitment 1: one comment approved, one waiting, one
    kept unpublished (by a third resident); a session covered commitment 1, another was general."""
    from ..factories import user_with_role

    second = user_with_role("resident", landlord, email="second@example.org")
    third = user_with_role("resident", landlord, email="third@example.org")
    approved = answer(open_cycle, landlord, people["resident"], comment="Approved words")
    answer(open_cycle, landlord, second, value="no", comment="Waiting words")
    rejected = answer(open_cycle, landlord, third, value="yes", comment="Rejected words")
    services.reality_comment_moderate(check=approved, by=people["council_officer"], approve=True)
    services.reality_comment_moderate(check=rejected, by=people["council_officer"], approve=False)
    answer(open_cycle, landlord, people["resident"], number=2, value="dont_know")
    _session(open_cycle, landlord, summary="About commitment 1")
    _session(open_cycle, landlord, summary="General", commitments=[], residents_count=4)
    return open_cycle


def test_summary_for_landlord_staff_holds_approved_comments_only(answered, landlord, people):
    item = item_of(answered, landlord, 1)
    summary = selectors.reality_summary([item.pk], user=people["landlord_admin"])[item.pk]
    assert summary.counts == {"yes": 1, "partly": 1, "no": 1, "dont_know": 0}
    assert summary.total == 3
    assert [c.text for c in summary.comments] == ["Approved words"]
    assert summary.pending == 0
    assert sorted(s.summary for s in summary.sessions) == ["About commitment 1", "General"]
    assert summary.residents_in_sessions == 13
    assert not hasattr(summary.comments[0], "resident")


def test_summary_for_council_staff_holds_every_comment_with_its_status(answered, landlord, people):
    item = item_of(answered, landlord, 1)
    summary = selectors.reality_summary([item.pk], user=people["council_officer"])[item.pk]
    assert [(c.text, c.status) for c in summary.comments] == [
        ("Approved words", "approved"),
        ("Waiting words", "pending"),
        ("Rejected words", "rejected"),
    ]
    assert summary.pending == 1


def test_summary_without_a_person_is_the_safe_one(answered, landlord):
    item = item_of(answered, landlord, 1)
    summary = selectors.reality_summary([item.pk])[item.pk]
    assert [c.text for c in summary.comments] == ["Approved words"]


def test_general_sessions_count_for_every_commitment_but_not_other_landlords(
    answered, landlord, other_landlord, people
):
    two = item_of(answered, landlord, 2)
    hillside = item_of(answered, other_landlord, 1)
    found = selectors.reality_summary([two.pk, hillside.pk], user=people["council_admin"])
    assert [s.summary for s in found[two.pk].sessions] == ["General"]
    assert found[two.pk].counts["dont_know"] == 1
    assert found[hillside.pk].sessions == []
    assert found[hillside.pk].total == 0


def test_summary_queries_do_not_grow_with_items(answered, landlord, people):
    user = people["council_admin"]
    one = [item_of(answered, landlord, 1).pk]
    every = list(answered.participations.get(landlord=landlord).items.values_list("pk", flat=True))
    selectors.reality_summary(one, user=user)  # the membership is cached on the user after this
    with CaptureQueriesContext(connection) as few:
        selectors.reality_summary(one, user=user)
    with CaptureQueriesContext(connection) as many:
        selectors.reality_summary(every, user=user)
    assert len(every) == 17  # commitment 17 is the council's alone
    assert len(few) == len(many) == 4


def test_overview_counts_per_landlord_in_fixed_queries(answered, landlord, people):
    with CaptureQueriesContext(connection) as small:
        rows = selectors.reality_overview(answered)
    by_name = {row.participation.landlord.name: row for row in rows}
    riverside = by_name["Riverside Homes"]
    assert riverside.claims == 2
    assert riverside.counts == {"yes": 1, "partly": 1, "no": 1, "dont_know": 1}
    assert riverside.pending == 1
    assert (riverside.sessions, riverside.session_residents) == (2, 13)
    assert by_name["Hillside Housing"].claims == 1
    for _ in range(5):
        services.cycle_landlord_add(cycle=answered, landlord=LandlordFactory())
    with CaptureQueriesContext(connection) as large:
        assert len(selectors.reality_overview(answered)) == 7
    assert len(small) == len(large)


def test_comment_queue_by_status(answered):
    pending, counts = selectors.reality_comments(answered)
    assert [c.comment for c in pending] == ["Waiting words"]
    assert counts == {"pending": 1, "approved": 1, "rejected": 1}
    approved, _ = selectors.reality_comments(answered, status=CommentStatus.APPROVED)
    assert [c.comment for c in approved] == ["Approved words"]


# ---------------------------------------------------------------------------------------------
# The resident's page


def test_resident_sees_their_landlords_claims_with_public_evidence_only(
    client, open_cycle, landlord, people
):
    item = item_of(open_cycle, landlord, 1)
    for title, public in (("Panel minutes online", True), ("Internal memo", False)):
        services.evidence_add(
            item=item,
            by=people["landlord_officer"],
            title=title,
            url="https://example.org/doc",
            is_public=public,
        )
    client.force_login(people["resident"])
    page = client.get(url("reality-checks")).content.decode()
    assert "A residents&#x27; panel meets every month &amp; reports to the board." in page
    assert "Residents wrote the terms of reference." in page
    assert "Panel minutes online" in page
    assert "Internal memo" not in page
    assert "Hillside holds estate walkabouts." not in page
    assert "Does commitment 1 match your experience?" in page
    assert "has not finished its self-assessment yet" in page
    assert "Current stage: Landlord self-assessment" in page


def test_another_landlords_resident_sees_only_their_own_landlords_claims(
    client, open_cycle, people
):
    client.force_login(people["other_resident"])
    page = client.get(url("reality-checks")).content.decode()
    assert "Hillside holds estate walkabouts." in page
    assert "A residents&#x27; panel" not in page


@pytest.mark.parametrize(
    "role", ["signed_in", "landlord_officer", "landlord_admin", "council_officer"]
)
def test_nobody_but_residents_reaches_the_page(client, open_cycle, people, role):
    client.force_login(people[role])
    assert client.get(url("reality-checks")).status_code == 403


def test_resident_answers_and_sees_their_answer(client, open_cycle, landlord, people):
    client.force_login(people["resident"])
    item = item_of(open_cycle, landlord, 1)
    prefix = f"claim-{item.pk}"
    response = client.post(
        url("reality-checks"),
        {"item": item.pk, f"{prefix}-answer": "partly", f"{prefix}-comment": "<b>Rarely</b> held"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#claim-1")
    check = RealityCheck.objects.get()
    assert (check.resident, check.answer, check.comment) == (
        people["resident"],
        "partly",
        "<b>Rarely</b> held",
    )
    page = client.get(url("reality-checks")).content.decode()
    assert "&lt;b&gt;Rarely&lt;/b&gt; held" in page
    assert "<b>Rarely</b>" not in page
    assert "Waiting for the council to read it." in page
    assert "Change your answer" in page


def test_a_missing_answer_is_explained_and_the_comment_kept(client, open_cycle, landlord, people):
    client.force_login(people["resident"])
    item = item_of(open_cycle, landlord, 1)
    response = client.post(
        url("reality-checks"), {"item": item.pk, f"claim-{item.pk}-comment": "Kept text"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose yes, partly, no or don&#x27;t know." in page
    assert "Kept text" in page
    assert response.context["has_errors"]
    assert not RealityCheck.objects.exists()


def test_answers_are_refused_outside_the_stages(client, open_cycle, landlord, people):
    move_to(open_cycle, Stage.RIGHT_OF_REPLY)
    client.force_login(people["resident"])
    item = item_of(open_cycle, landlord, 1)
    page = client.get(url("reality-checks")).content.decode()
    assert "Answers are closed" in page
    assert "Send your answer" not in page
    assert CLAIM.split(" ")[0] in page  # the claims can still be read
    response = client.post(
        url("reality-checks"), {"item": item.pk, f"claim-{item.pk}-answer": "yes"}, follow=True
    )
    assert "Nothing was saved" in response.content.decode()
    assert not RealityCheck.objects.exists()


def test_another_landlords_claim_cannot_be_answered(client, open_cycle, other_landlord, people):
    client.force_login(people["resident"])
    item = item_of(open_cycle, other_landlord, 1)
    response = client.post(
        url("reality-checks"), {"item": item.pk, f"claim-{item.pk}-answer": "no"}
    )
    assert response.status_code == 403
    assert not RealityCheck.objects.exists()


@pytest.mark.parametrize("posted", ["", "abc", "999999"])
def test_a_claim_that_is_not_on_the_page_gets_a_message(client, open_cycle, people, posted):
    client.force_login(people["resident"])
    response = client.post(url("reality-checks"), {"item": posted}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the claims on this page" in response.content.decode()


def test_a_landlord_not_taking_part(client, charter, people, other_landlord):
    cycle = services.cycle_open(reporting_year=YEAR, landlords=[other_landlord], charter=charter)
    move_to(cycle, Stage.SELF_ASSESSMENT)
    client.force_login(people["resident"])
    page = client.get(url("reality-checks")).content.decode()
    assert "does not take part in the 2024-25 charter assessment" in page


def test_an_unknown_year_is_not_found(client, open_cycle, people):
    client.force_login(people["resident"])
    response = client.get(reverse("assessment:reality-checks", kwargs={"year": "1999-00"}))
    assert response.status_code == 404


def test_resident_page_queries_do_not_grow_with_claims(client, open_cycle, landlord, people):
    client.force_login(people["resident"])
    with CaptureQueriesContext(connection) as few:
        client.get(url("reality-checks"))
    for number in [*range(3, 17), 18]:  # commitment 17 is the council's alone
        claim(open_cycle, landlord, number)
        answer(open_cycle, landlord, people["resident"], number=number, comment="Seen it")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("reality-checks")).content.decode()
    assert page.count("Does commitment") == 17
    assert len(few) == len(many)


def test_current_address_goes_to_the_open_cycle(client, open_cycle, people):
    client.force_login(people["resident"])
    response = client.get(reverse("assessment:reality-checks-current"))
    assert response["Location"] == url("reality-checks")


def test_current_address_without_any_cycle(client, charter, people):
    client.force_login(people["resident"])
    response = client.get(reverse("assessment:reality-checks-current"), follow=True)
    assert "There is no charter assessment yet" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The council's pages


def test_moderation_queue_shows_comments_without_names(client, answered, people):
    client.force_login(people["council_officer"])
    page = client.get(url("reality-comments")).content.decode()
    assert "Waiting words" in page
    assert "Approved words" not in page  # another tab
    assert "Waiting for moderation (1)" in page
    for person in ("resident@example.org", "second@example.org", people["resident"].full_name):
        assert person not in page


def test_council_approves_a_comment_and_the_landlord_can_then_read_it(
    client, answered, landlord, people
):
    waiting = RealityCheck.objects.get(comment="Waiting words")
    client.force_login(people["council_officer"])
    response = client.post(url("reality-comments"), {"check": waiting.pk, "decision": "approve"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.comment_status == CommentStatus.APPROVED
    assert waiting.moderated_by == people["council_officer"]
    item = item_of(answered, landlord, 1)
    summary = selectors.reality_summary([item.pk], user=people["landlord_admin"])[item.pk]
    assert "Waiting words" in [c.text for c in summary.comments]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"check": "nonsense", "decision": "approve"}, "not found in this cycle"),
        ({"decision": "approve"}, "not found in this cycle"),
        ({"check": "WAITING", "decision": "publish-now"}, "Choose approve or do not publish"),
    ],
)
def test_bad_moderation_input_changes_nothing(client, answered, people, data, message):
    waiting = RealityCheck.objects.get(comment="Waiting words")
    if data.get("check") == "WAITING":
        data = {**data, "check": waiting.pk}
    client.force_login(people["council_admin"])
    response = client.post(url("reality-comments"), data, follow=True)
    assert message in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.comment_status == CommentStatus.PENDING


def test_a_comment_from_another_cycle_cannot_be_moderated_here(
    client, answered, charter, landlord, people
):
    waiting = RealityCheck.objects.get(comment="Waiting words")
    services.cycle_open(reporting_year="2025-26", landlords=[landlord], charter=charter)
    client.force_login(people["council_admin"])
    response = client.post(
        reverse("assessment:reality-comments", kwargs={"year": "2025-26"}),
        {"check": waiting.pk, "decision": "approve"},
        follow=True,
    )
    assert "not found in this cycle" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.comment_status == CommentStatus.PENDING


def test_frozen_results_have_no_moderation_buttons(client, answered, people):
    move_to(answered, Stage.READY_TO_PUBLISH)
    client.force_login(people["council_admin"])
    page = client.get(url("reality-comments")).content.decode()
    assert "The results are frozen" in page
    assert 'value="approve"' not in page
    waiting = RealityCheck.objects.get(comment="Waiting words")
    response = client.post(
        url("reality-comments"), {"check": waiting.pk, "decision": "approve"}, follow=True
    )
    assert "comments can no longer be moderated" in response.content.decode()


def test_overview_page_counts_and_lists_sessions(client, answered, people):
    client.force_login(people["council_admin"])
    page = client.get(url("reality-overview")).content.decode()
    assert "Residents' answers by landlord" in page
    assert "About commitment 1" in page
    assert "All: the landlord's claims in general" in page
    assert "2 (13)" in page  # sessions (residents)
    assert "Record a session" in page


def test_council_records_a_session(client, open_cycle, landlord, people):
    client.force_login(people["council_officer"])
    participation = open_cycle.participations.get(landlord=landlord)
    commitment = Commitment.objects.get(number=2)
    response = client.post(
        url("reality-session-add"),
        {
            "participation": participation.pk,
            "held_on": "2024-07-03",
            "residents_count": "11",
            "summary": "Most had not heard of the strategy.",
            "commitments": [commitment.pk],
        },
    )
    assert response.status_code == 302
    session = RealityCheckSession.objects.get()
    assert (session.participation, session.residents_count) == (participation, 11)
    assert session.recorded_by == people["council_officer"]
    assert list(session.commitments.all()) == [commitment]


def test_a_bad_session_keeps_what_was_typed(client, open_cycle, landlord, people):
    client.force_login(people["council_officer"])
    participation = open_cycle.participations.get(landlord=landlord)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url("reality-session-add"),
        {
            "participation": participation.pk,
            "held_on": future,
            "residents_count": "many",
            "summary": "Typed summary kept",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the number of residents as a whole number" in page
    assert "Typed summary kept" in page
    assert not RealityCheckSession.objects.exists()
    response = client.post(
        url("reality-session-add"),
        {
            "participation": participation.pk,
            "held_on": future,
            "residents_count": "5",
            "summary": "Typed summary kept",
        },
    )
    assert "The session cannot be in the future." in response.content.decode()


def test_a_landlord_of_another_cycle_cannot_be_chosen(client, open_cycle, charter, people):
    other = LandlordFactory()
    later = services.cycle_open(reporting_year="2025-26", landlords=[other], charter=charter)
    client.force_login(people["council_officer"])
    response = client.post(
        url("reality-session-add"),
        {
            "participation": later.participations.get().pk,
            "held_on": "2024-07-03",
            "residents_count": "3",
            "summary": "Wrong cycle",
        },
    )
    assert "Choose a landlord taking part in this cycle." in response.content.decode()
    assert not RealityCheckSession.objects.exists()


def test_residents_find_the_page_from_their_account(client, open_cycle, people):
    client.force_login(people["resident"])
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("assessment:reality-checks-current") in page
    client.force_login(people["landlord_officer"])
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("assessment:reality-checks-current") not in page


def test_council_staff_find_the_reality_checks_from_the_cycle_page(client, open_cycle, people):
    client.force_login(people["council_officer"])
    page = client.get(reverse("assessment:cycle", kwargs={"year": YEAR})).content.decode()
    assert url("reality-overview") in page
    client.force_login(people["landlord_admin"])
    page = client.get(reverse("assessment:cycle", kwargs={"year": YEAR})).content.decode()
    assert url("reality-overview") not in page
