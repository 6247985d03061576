"""One landlord through a whole cycle in a real browser: self-assessment with evidence → sign-off
→ council review → a reply that disagrees → two residents' reality checks → moderation → ready to
publish, checking what each role sees at each step, and that the other landlord's staff and
residents see none of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from residentvoice.accounts.models import Role
from residentvoice.assessment import services
from residentvoice.assessment.models import AssessmentItem, RealityCheck, Stage
from residentvoice.charter.models import RatingOption
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

from ..factories import user_with_role
from .test_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "2024-25"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def as_(page: Any, client: Any, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    sign_in(page, client, live_server, user)


def move_stage(page: Any, live_server: Any, stage: str) -> None:
    page.goto(live_server.url + reverse("assessment:stage-move", kwargs={"year": YEAR}))
    page.check(f"input[name='to_stage'][value='{stage}']", force=True)
    submit(page, "button:has-text('Move the cycle')")
    assert f"Current stage: {Stage(stage).label}" in page.inner_text(".rv-stage-banner")


def submit(page: Any, selector: str) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(selector)


def item_url(live_server: Any, number: int = 1, slug: str = "riverside") -> str:
    return live_server.url + reverse(
        "assessment:item", kwargs={"year": YEAR, "slug": slug, "number": number}
    )


def test_one_landlord_through_the_cycle(
    page, live_server, client, people, landlord, other_landlord
):
    charter_load(path=DEFAULT_CHARTER_PATH)
    ratings = {option.code: option for option in RatingOption.objects.all()}
    second_resident = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    cycle = services.cycle_open(reporting_year=YEAR, landlords=[landlord, other_landlord])
    services.participation_reviewer_assign(
        participation=cycle.participations.get(landlord=landlord),
        reviewer=people["council_officer"],
    )
    council_admin, officer = people["council_admin"], people["council_officer"]

    # The council opens self-assessment.
    as_(page, client, live_server, council_admin)
    move_stage(page, live_server, Stage.SELF_ASSESSMENT)

    # A landlord officer rates commitment 1 and adds public evidence.
    as_(page, client, live_server, people["landlord_officer"])
    page.goto(item_url(live_server))
    page.check(f"input[name='self-rating'][value='{ratings['exceeded'].pk}']", force=True)
    page.fill("#id_self-what_we_do", "A residents' forum meets every month")
    page.fill("#id_self-how_residents_involved", "Residents chair it and set the agenda")
    submit(page, "button:has-text('Save draft')")
    assert "Your draft is saved." in page.inner_text("main")
    page.fill("#id_evidence-title", "Forum minutes")
    page.set_input_files(
        "#id_evidence-file", {"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.check("#id_evidence-is_public", force=True)
    submit(page, "button:has-text('Add evidence')")
    assert "Forum minutes" in page.inner_text("#evidence ~ table")

    # The rest of the commitments are rated (as the spreadsheet import would), then signed off.
    for item in AssessmentItem.objects.filter(participation__cycle=cycle, landlord=landlord):
        if item.commitment.number != 1:
            services.item_self_assess(item=item, version=item.version, rating=ratings["met"])
    as_(page, client, live_server, people["landlord_admin"])
    page.goto(
        live_server.url
        + reverse("assessment:participation", kwargs={"year": YEAR, "slug": "riverside"})
    )
    submit(page, "button:has-text('Sign off and submit')")
    assert "signed off and with the council" in page.inner_text("main")

    # Two residents check the claim; a resident of the other landlord sees none of it.
    claims_url = live_server.url + reverse("assessment:reality-checks", kwargs={"year": YEAR})
    item_one = AssessmentItem.objects.get(
        participation__cycle=cycle, landlord=landlord, commitment__number=1
    )
    for resident, answer, comment in (
        (people["resident"], "yes", "The forum is lively"),
        (second_resident, "partly", "I was never told when it meets"),
    ):
        as_(page, client, live_server, resident)
        page.goto(claims_url)
        assert "A residents' forum meets every month" in page.inner_text("main")
        page.check(f"input[name='claim-{item_one.pk}-answer'][value='{answer}']", force=True)
        page.fill(f"#id_claim-{item_one.pk}-comment", comment)
        submit(page, "#claim-1 button[type=submit]")
        assert "Waiting for the council to read it." in page.inner_text("#claim-1")
    as_(page, client, live_server, people["other_resident"])
    page.goto(claims_url)
    assert "A residents' forum meets every month" not in page.inner_text("main")

    # Council review: the officer approves one comment, then rates lower, with private notes.
    as_(page, client, live_server, council_admin)
    move_stage(page, live_server, Stage.COUNCIL_REVIEW)
    as_(page, client, live_server, officer)
    neighbour = RealityCheck.objects.get(resident=second_resident)
    page.goto(live_server.url + reverse("assessment:reality-comments", kwargs={"year": YEAR}))
    submit(page, f"form:has(input[name='check'][value='{neighbour.pk}']) button[value='approve']")
    page.goto(item_url(live_server))
    assert "Yes" in page.inner_text("#residents ~ table")
    page.check(f"input[name='review-rating'][value='{ratings['met'].pk}']", force=True)
    page.fill("#id_review-feedback", "Good, but publish the dates")
    page.fill("#id_review-private_notes", "PRIVATE-NOTE-FOR-COUNCIL")
    submit(page, "button:has-text('Save the review')")
    assert "Your review is saved." in page.inner_text("main")
    for number in range(2, 19):
        item = AssessmentItem.objects.filter(
            participation__cycle=cycle, landlord=landlord, commitment__number=number
        ).first()
        if item:
            services.item_review(
                item=item, by=officer, version=item.version, rating=item.self_rating
            )

    # Right of reply: the landlord disagrees; it never sees the council's private notes.
    as_(page, client, live_server, council_admin)
    move_stage(page, live_server, Stage.RIGHT_OF_REPLY)
    as_(page, client, live_server, people["landlord_admin"])
    page.goto(item_url(live_server))
    body = page.content()
    assert "Good, but publish the dates" in body
    assert "PRIVATE-NOTE-FOR-COUNCIL" not in body
    assert "I was never told when it meets" in body  # approved by the council
    assert "The forum is lively" not in body  # still waiting for moderation
    page.check("input[name='reply-position'][value='disagree']", force=True)
    page.fill("#id_reply-reason", "Dates are on our website")
    submit(page, "button:has-text('Save the reply')")
    assert "Your reply is saved" in page.inner_text("main")

    # The other landlord's staff see none of it.
    as_(page, client, live_server, people["other_landlord_admin"])
    assert page.goto(item_url(live_server)).status == 403

    # Moderation: everything side by side, then the final rating.
    as_(page, client, live_server, council_admin)
    move_stage(page, live_server, Stage.MODERATION)
    page.goto(item_url(live_server))
    side_by_side = page.inner_text("#moderation ~ table")
    assert "Exceeded" in side_by_side
    assert "Met" in side_by_side
    assert "We disagree" in side_by_side
    assert "1 / 1 / 0 / 0" in side_by_side
    page.check(f"input[name='moderate-rating'][value='{ratings['exceeded'].pk}']", force=True)
    page.fill("#id_moderate-rationale", "The minutes and residents' views support the claim")
    submit(page, "button:has-text('Save the final rating')")
    assert "The final rating is saved." in page.inner_text("main")
    for item in AssessmentItem.objects.filter(
        participation__cycle=cycle, moderated_at__isnull=True
    ):
        services.item_moderate(
            item=item,
            by=council_admin,
            version=item.version,
            rating=ratings["met"],
            rationale="Agreed",
        )
    move_stage(page, live_server, Stage.READY_TO_PUBLISH)
    assert "frozen" in page.inner_text(".rv-stage-banner")

    # Frozen: the landlord can no longer change anything; the public cannot see the pages.
    as_(page, client, live_server, people["landlord_officer"])
    page.goto(item_url(live_server))
    assert page.locator("button:has-text('Save draft')").count() == 0
    page.context.clear_cookies()
    page.goto(item_url(live_server))
    assert "/accounts/" in page.url or "sign" in page.url.lower()
