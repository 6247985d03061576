"""Resident participation in a real browser: axe-core on every participation and notification
page for the public and each role, forms with errors, pages without JavaScript, and the whole
journey from a resident registering to the public register."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from residentvoice.accounts.models import ResidentRegistration, Role
from residentvoice.notifications.services import notification_send, unsubscribe_token
from residentvoice.participation import services
from residentvoice.participation.models import (
    Answer,
    Consultation,
    Recommendation,
    RegisterEntry,
    TopicProposal,
    TopicVote,
)

from ..factories import user_with_role
from ..participation import builders
from .test_accessibility import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_(page: Any, client: Any, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    sign_in(page, client, live_server, user)


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def site(people, landlord):
    """One of everything a participation page can show."""
    resident, officer = people["resident"], people["landlord_officer"]
    open_one = builders.consultation_open(landlord=landlord, staff=officer)
    document = builders.consultation_document(open_one)
    services.format_request_create(
        consultation=open_one, user=resident, format="large_print", details="Size 18"
    )
    done = builders.consultation_with_results(landlord=landlord, respondents=[resident])
    services.consultation_outcome_publish(
        consultation=done,
        said_summary="You want evening repairs.",
        considered="We agree and will trial them.",
        actions="Trial running.",
        status="in_progress",
    )
    draft = services.consultation_create(
        created_by=officer,
        landlord=landlord,
        title="Draft survey",
        summary="Draft",
        background="Draft",
        audience="landlord_residents",
        is_anonymous=False,
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    question = services.question_add(consultation=draft, kind="free_text", text="Why?")
    panel = builders.panel_with_chair(landlord=landlord, chair=resident)
    meeting = services.meeting_create(panel=panel, title="Panel meeting", held_at=timezone.now())
    notes = builders.panel_notes(panel, officer)
    topic_round = builders.topic_round(panel)
    proposal = services.topic_propose(
        round=topic_round, user=resident, title="Repairs", description="Slow"
    )
    review = builders.review_with_recommendations(panel=panel, by=resident, count=3)
    first, second, third = review.recommendations.order_by("number")
    services.recommendation_answer(
        recommendation=first,
        answered_by=officer,
        answer="accepted",
        owner="Repairs team",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.action_progress_add(
        recommendation=first, added_by=officer, percent=100, milestone="Done"
    )
    services.recommendation_answer(
        recommendation=second,
        answered_by=officer,
        answer="partly",
        reason="Part of it costs too much",
        owner="Repairs team",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    in_evidence = builders.review_with_recommendations(panel=panel, by=resident, stage="report")
    data_request = services.data_request_create(
        review=in_evidence,
        question="How many repairs were late?",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        asked_by=resident,
    )
    entry = RegisterEntry.objects.public().first()
    services.content_report_create(kind="register_entry", object_id=entry.pk, reason="Untrue")
    approved = Answer.objects.filter(question__consultation=done, moderation="approved").first()
    return {
        "open": open_one,
        "document": document,
        "done": done,
        "draft": draft,
        "question": question,
        "panel": panel,
        "member": panel.members.get(),
        "meeting": meeting,
        "notes": notes,
        "round": topic_round,
        "proposal": proposal,
        "review": review,
        "in_evidence": in_evidence,
        "draft_recommendation": in_evidence.recommendations.first(),
        "awaiting": third,
        "accepted": second,
        "done_recommendation": first,
        "data_request": data_request,
        "entry": entry,
        "approved": approved,
    }


def _public_pages(site: dict[str, Any], landlord: Any) -> list[str]:
    return [
        reverse("participation:consultation-list"),
        reverse("participation:consultation-detail", args=[site["open"].pk]),
        reverse("participation:consultation-detail", args=[site["done"].pk]),
        reverse("participation:consultation-results", args=[site["done"].pk]),
        reverse("participation:panel-list"),
        reverse("participation:panel-detail", args=[site["panel"].pk]),
        reverse("participation:review-detail", args=[site["review"].pk]),
        reverse("participation:register"),
        reverse("participation:register") + "?status=in_progress&q=repairs",
        reverse("participation:register-landlord", args=[landlord.slug]),
        reverse("participation:register-entry", args=[site["entry"].pk]),
        reverse("participation:report-content", args=["answer", site["approved"].pk]),
    ]


def _role_pages(site: dict[str, Any], people: dict[str, Any]) -> dict[str, list[str]]:
    pk = lambda name: site[name].pk  # noqa: E731
    return {
        "resident": [
            reverse("participation:consultation-answer", args=[pk("open")]),
            reverse("participation:consultation-other-format", args=[pk("open")]),
            reverse("participation:panel-detail", args=[pk("panel")]),
            reverse("participation:meeting-create", args=[pk("panel")]),
            reverse("participation:meeting-detail", args=[pk("meeting")]),
            reverse("participation:meeting-edit", args=[pk("meeting")]),
            reverse("participation:document-list", args=[pk("panel")]),
            reverse("participation:document-add", args=[pk("panel")]),
            reverse("participation:document-download", args=[pk("notes")]),
            reverse("participation:round-create", args=[pk("panel")]),
            reverse("participation:round-detail", args=[pk("round")]),
            reverse("participation:topic-propose", args=[pk("round")]),
            reverse("participation:round-decide", args=[pk("round")]),
            reverse("participation:review-create", args=[pk("panel")]),
            reverse("participation:review-detail", args=[pk("in_evidence")]),
            reverse("participation:review-edit", args=[pk("in_evidence")]),
            reverse("participation:review-stage", args=[pk("in_evidence")]),
            reverse("participation:recommendation-add", args=[pk("in_evidence")]),
            reverse("participation:recommendation-edit", args=[pk("draft_recommendation")]),
            reverse("participation:data-request-create", args=[pk("in_evidence")]),
            reverse("participation:recommendation-challenge", args=[pk("done_recommendation")]),
            reverse("participation:overdue"),
            reverse("participation:my-contributions"),
            reverse("participation:account-delete"),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
            reverse("notifications:unsubscribe", args=[unsubscribe_token(people["resident"])]),
        ],
        "landlord_officer": [
            reverse("participation:manage-consultations"),
            reverse("participation:consultation-create"),
            reverse("participation:consultation-from-template"),
            reverse("participation:consultation-manage", args=[pk("open")]),
            reverse("participation:consultation-manage", args=[pk("done")]),
            reverse("participation:consultation-manage", args=[pk("draft")]),
            reverse("participation:consultation-edit", args=[pk("draft")]),
            reverse("participation:question-add", args=[pk("draft")]),
            reverse("participation:question-edit", args=[pk("question")]),
            reverse("participation:consultation-document-add", args=[pk("draft")]),
            reverse("participation:consultation-paper", args=[pk("open")]),
            reverse("participation:consultation-formats", args=[pk("open")]),
            reverse("participation:consultation-moderate", args=[pk("done")]),
            reverse("participation:consultation-outcome", args=[pk("done")]),
            reverse("participation:consultation-detail", args=[pk("draft")]),
            reverse("participation:panel-create"),
            reverse("participation:panel-edit", args=[pk("panel")]),
            reverse("participation:panel-members", args=[pk("panel")]),
            reverse("participation:member-edit", args=[pk("member")]),
            reverse("participation:review-detail", args=[pk("review")]),
            reverse("participation:recommendation-answer", args=[pk("awaiting")]),
            reverse("participation:recommendation-progress", args=[pk("accepted")]),
            reverse("participation:data-request-answer", args=[pk("data_request")]),
            reverse("participation:report-list"),
            reverse("participation:overdue"),
        ],
        "council_officer": [
            reverse("participation:manage-consultations"),
            reverse("participation:consultation-create"),
            reverse("participation:report-list"),
            reverse("participation:overdue"),
            reverse("participation:round-detail", args=[pk("round")]),
        ],
    }


def _check(page: Any, live_server: Any, urls: list[str], axe_source: str) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, (url, response.status)
        violations = axe_violations(page, axe_source)
        if violations:
            problems[url] = violations
    return problems


def test_public_participation_pages_pass_axe(page, live_server, site, landlord, axe_source):
    assert _check(page, live_server, _public_pages(site, landlord), axe_source) == {}


@pytest.mark.parametrize("role", ["resident", "landlord_officer", "council_officer"])
def test_each_roles_participation_pages_pass_axe(
    page, live_server, client, people, site, role, axe_source
):
    notification_send(users=[people[role]], subject="Results are out", body="Have a look.", url="/")
    sign_in(page, client, live_server, people[role])
    assert _check(page, live_server, _role_pages(site, people)[role], axe_source) == {}


def test_answer_form_errors_are_accessible_and_keep_input(
    page, live_server, client, people, site, axe_source
):
    sign_in(page, client, live_server, people["resident"])
    page.goto(
        live_server.url + reverse("participation:consultation-answer", args=[site["open"].pk])
    )
    free_text = site["open"].questions.get(kind="free_text")
    page.fill(f"#id_q_{free_text.pk}", "Typed before the error")
    submit(page, "main button[value=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    assert page.input_value(f"#id_q_{free_text.pk}") == "Typed before the error"
    assert axe_violations(page, axe_source) == []


def test_answering_works_without_javascript(browser, live_server, client, people, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, client, live_server, people["resident"])
    consultation = site["open"]
    page.goto(
        live_server.url + reverse("participation:consultation-answer", args=[consultation.pk])
    )
    for question in consultation.questions.all():
        name = f"q_{question.pk}"
        if question.kind == "rating":
            page.check(f"input[name={name}][value='3']")
        elif question.kind == "ranking":
            for index in range(3):
                page.select_option(f"#id_{name}_{index}", str(index + 1))
        elif question.kind == "free_text":
            page.fill(f"#id_{name}", "No JavaScript needed")
    submit(page, "main button[value=submit]")
    assert "your answers are sent" in page.inner_text("main")
    ranking = Answer.objects.get(
        response__respondent=people["resident"],
        response__consultation=consultation,
        question__kind="ranking",
    )
    assert ranking.value == ["Speed", "Quality", "Politeness"]
    context.close()


def test_from_registration_to_the_public_register(
    page, live_server, client, people, landlord, axe_source
):
    """A resident registers → is verified → answers a consultation (asking to hear the outcome)
    → proposes a topic, and other residents vote → the panel's chair chooses it and the review
    makes recommendations → the landlord answers → actions progress → the consultation closes,
    its results and "how your views were considered" are published → the resident is notified
    → the entries appear in the public register."""
    officer = people["landlord_officer"]
    chair = people["resident"]
    neighbour = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    consultation = builders.consultation_open(landlord=landlord, staff=officer)
    panel = builders.panel_with_chair(landlord=landlord, chair=chair)

    # A resident registers...
    page.goto(live_server.url + reverse("accounts:register"))
    page.fill("#id_full_name", "Sam Newcomer")
    page.fill("#id_email", "sam@example.org")
    page.select_option("#id_landlord", str(landlord.pk))
    page.check("input[name=tenure][value=tenant]", force=True)
    page.fill("#id_tenancy_reference", "T-100")
    page.fill("#id_password1", "a-long-new-password-1")
    page.fill("#id_password2", "a-long-new-password-1")
    submit(page, "main button[type=submit]")
    registration = ResidentRegistration.objects.get(user__email="sam@example.org")
    sam = registration.user

    # ...and the landlord verifies them.
    as_(page, client, live_server, officer)
    page.goto(live_server.url + reverse("accounts:registration-decide", args=[registration.pk]))
    page.check("input[name=outcome][value=verified]", force=True)
    submit(page, "button:has-text('Save decision')")
    assert sam.membership.role == Role.RESIDENT

    # Sam answers the consultation.
    as_(page, client, live_server, sam)
    page.goto(live_server.url + consultation.get_absolute_url())
    submit(page, "main a:has-text('Answer now')")
    for question in consultation.questions.all():
        name = f"q_{question.pk}"
        if question.kind == "rating":
            page.check(f"input[name={name}][value='5']", force=True)
        elif question.kind == "ranking":
            for index in range(3):
                page.select_option(f"#id_{name}_{index}", str(3 - index))
        elif question.kind == "free_text":
            page.fill(f"#id_{name}", "Evening repair appointments, please.")
    assert page.is_checked("#id_follow")  # "email me when the results are published"
    submit(page, "main button[value=submit]")
    assert "your answers are sent" in page.inner_text("main")
    assert consultation.responses.get(respondent=sam).submitted_at is not None

    # The panel's chair asks for topics; Sam (not on the panel) proposes one; residents vote.
    as_(page, client, live_server, chair)
    page.goto(live_server.url + reverse("participation:round-create", args=[panel.pk]))
    page.fill("#id_closes_on", (timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    submit(page, "main button[type=submit]")
    round_url = page.url
    as_(page, client, live_server, sam)
    page.goto(round_url)
    submit(page, "main a:has-text('Suggest a topic')")
    page.fill("#id_title", "Complaints handling")
    page.fill("#id_description", "Complaints take months.")
    submit(page, "main button[type=submit]")
    assert TopicProposal.objects.get().proposed_by == sam
    for voter in (neighbour, chair):
        as_(page, client, live_server, voter)
        page.goto(round_url)
        submit(page, "button:has-text('Vote for this')")
        assert "Your vote" in page.inner_text("main")
        assert page.locator("button:has-text('Vote for this')").count() == 0  # one per round
    assert set(TopicVote.objects.values_list("voter_id", flat=True)) == {neighbour.pk, chair.pk}

    # The chair chooses the topic; the review makes recommendations and sends its report.
    page.goto(round_url)
    submit(page, "main a:has-text('Choose the topic and start the review')")
    page.check("input[name=proposal]", force=True)
    page.check("input[name=review_type][value=task_and_finish]", force=True)
    submit(page, "main button[type=submit]")
    review_url = page.url
    for stage in ("evidence", "report"):
        submit(page, "main a:has-text('Move the review on')")
        page.check(f"input[name=stage][value={stage}]", force=True)
        submit(page, "main button:has-text('Move')")
    for text in ("Name a case handler for every complaint", "Publish complaint times"):
        submit(page, "main a:has-text('Add a recommendation')")
        page.fill("#id_text", text)
        submit(page, "main button[type=submit]")
    submit(page, "main a:has-text('Change the scope or report')")
    page.fill("#id_report_summary", "Complaints are slow and nobody owns them.")
    submit(page, "main button[type=submit]")
    submit(page, "main a:has-text('Move the review on')")
    page.check("input[name=stage][value=answering]", force=True)
    submit(page, "main button:has-text('Move')")
    assert "Waiting for the landlord" in page.inner_text("main")

    # The landlord answers each recommendation, and reports progress.
    as_(page, client, live_server, officer)
    page.goto(review_url)
    first, second = Recommendation.objects.filter(review__title="Complaints handling").order_by(
        "number"
    )
    submit(page, "main a:has-text('Answer recommendation 1')")
    page.check("input[name=answer][value=accepted]", force=True)
    page.fill("#id_owner", "Head of complaints")
    page.fill("#id_due_on", (timezone.localdate() + datetime.timedelta(days=60)).isoformat())
    submit(page, "main button[type=submit]")
    submit(page, "main a:has-text('Answer recommendation 2')")
    page.check("input[name=answer][value=rejected]", force=True)
    submit(page, "main button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()  # reasons are required
    page.fill("#id_reason", "Figures are already published by the regulator.")
    submit(page, "main button[type=submit]")
    submit(page, "main a:has-text('Record progress on recommendation 1')")
    page.fill("#id_percent", "50")
    page.fill("#id_milestone", "Case handlers recruited")
    submit(page, "main button[type=submit]")
    assert "50%" in page.inner_text(f"#recommendation-{first.number}")

    # The consultation closes (time passes); the landlord moderates the written answers and
    # publishes the results, then how residents' views were considered.
    builders.close(consultation)
    manage_url = live_server.url + reverse(
        "participation:consultation-manage", args=[consultation.pk]
    )
    page.goto(manage_url)
    submit(page, "main a:has-text('Moderate written answers')")
    submit(page, "main button:has-text('Approve')")
    page.goto(manage_url)
    submit(page, "main button:has-text('Publish the results')")
    submit(page, "main a:has-text('Say how views were considered')")
    page.fill("#id_said_summary", "Residents want repairs in the evening.")
    page.fill("#id_considered", "We agree, and will offer evening slots from next month.")
    page.fill("#id_actions", "Evening slots added to the booking system.")
    page.check("input[name=outcome_status][value=planned]", force=True)
    submit(page, "main button[type=submit]")
    assert "You said, we did" in page.inner_text("main")

    # Sam proposed the topic and answered the consultation, so Sam is told about both.
    as_(page, client, live_server, sam)
    page.goto(live_server.url + reverse("notifications:list"))
    told = page.inner_text("main")
    assert "recommendation 1: accepted" in told
    assert "recommendation 2: rejected" in told
    assert "in progress" in told
    assert f"Results published: {consultation.title}" in told
    assert f"How your views were considered: {consultation.title}" in told
    assert axe_violations(page, axe_source) == []

    # Everything is in the public register, for anyone.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("participation:register"))
    public = page.inner_text("main")
    assert "Complaints handling: recommendation 1" in public
    assert "Complaints handling: recommendation 2" in public
    assert consultation.title in public
    outcome = RegisterEntry.objects.get(source_kind="consultation", source_id=str(consultation.pk))
    page.goto(live_server.url + outcome.get_absolute_url())
    shown = page.inner_text("main")
    assert "Residents want repairs in the evening." in shown
    assert "We agree, and will offer evening slots from next month." in shown
    page.goto(
        live_server.url + reverse("participation:consultation-results", args=[consultation.pk])
    )
    assert "Evening repair appointments, please." in page.inner_text("main")
    assert axe_violations(page, axe_source) == []
    page.goto(
        live_server.url
        + reverse(
            "participation:register-entry",
            args=[
                RegisterEntry.objects.get(source_kind="recommendation", source_id=str(second.pk)).pk
            ],
        )
    )
    assert "Figures are already published by the regulator." in page.inner_text("main")
    assert Consultation.objects.get(pk=consultation.pk).responses.count() == 1


def test_closed_consultation_and_report_thanks_pages_pass_axe(
    page, live_server, client, people, site, axe_source
):
    sign_in(page, client, live_server, people["resident"])
    closed = builders.close(site["open"])
    response = page.goto(
        live_server.url + reverse("participation:consultation-answer", args=[closed.pk])
    )
    assert response.status == 403
    assert "has closed" in page.inner_text("main")
    assert axe_violations(page, axe_source) == []
    page.goto(live_server.url + reverse("participation:register-entry", args=[site["entry"].pk]))
    submit(page, "main a:has-text('Report this')")
    page.fill("#id_reason", "It names a neighbour")
    submit(page, "main button[type=submit]")
    assert "A moderator will look at it" in page.inner_text("main")
    assert axe_violations(page, axe_source) == []
