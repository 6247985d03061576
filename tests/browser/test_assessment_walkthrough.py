"""One landlord through a whole cycle in a real browser: self-assessment with evidence → sign-off
→ council review → a reply that disagrees, with evidence → two residents' reality checks →
moderation → ready to publish, checking what each role sees at each step: at every step the other
landlord's staff are refused the landlord's pages and evidence and its residents never see the
claims, and the landlord's own residents never open its item pages, the council's feedback or its
private notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from residentvoice.accounts.models import Role
from residentvoice.assessment import services
from residentvoice.assessment.models import AssessmentItem, Evidence, RealityCheck, Stage
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


CLAIM = "A residents' forum meets every month"
FEEDBACK = "Good, but publish the dates"
PRIVATE = "PRIVATE-NOTE-FOR-COUNCIL"


class Outsiders:
    """Checks, quickly and outside the browser, what people outside the landlord's own staff and
    the council can reach at each step."""

    def __init__(self, people: dict[str, Any], landlord: Any, other_landlord: Any) -> None:
        self.other_officer = user_with_role(
            Role.LANDLORD_OFFICER, other_landlord, email="hillside-officer@example.org"
        )
        self.other_resident = people["other_resident"]
        self.own_resident = people["resident"]

    @staticmethod
    def _as(user: Any) -> Client:
        browser = Client()
        browser.force_login(user)
        return browser

    def see_nothing(self, step: str) -> None:
        urls = [
            reverse("assessment:participation", kwargs={"year": YEAR, "slug": "riverside"}),
            reverse("assessment:item", kwargs={"year": YEAR, "slug": "riverside", "number": 1}),
            reverse(
                "assessment:item-timeline",
                kwargs={"year": YEAR, "slug": "riverside", "number": 1},
            ),
        ]
        files = [
            reverse(
                "assessment:evidence-file",
                kwargs={"year": YEAR, "slug": "riverside", "number": 1, "pk": evidence.pk},
            )
            for evidence in Evidence.objects.filter(item__landlord__slug="riverside")
        ]
        officer = self._as(self.other_officer)
        for url in [*urls, *files]:
            assert officer.get(url).status_code == 403, f"{step}: another landlord's officer {url}"
        neighbour = self._as(self.other_resident)
        claims = reverse("assessment:reality-checks", kwargs={"year": YEAR})
        assert CLAIM not in neighbour.get(claims).content.decode(), step
        for url in urls:
            assert neighbour.get(url).status_code == 403, f"{step}: another landlord's resident"
        own = self._as(self.own_resident)
        for url in urls:
            assert own.get(url).status_code == 403, f"{step}: the landlord's own resident {url}"
        body = own.get(claims).content.decode()
        assert FEEDBACK not in body, step
        assert PRIVATE not in body, step


def test_one_landlord_through_the_cycle(
    page, live_server, client, people, landlord, other_landlord
):
    charter_load(path=DEFAULT_CHARTER_PATH)
    ratings = {option.code: option for option in RatingOption.objects.all()}
    second_resident = user_with_role(Role.RESIDENT, landlord, email="neighbour@example.org")
    outsiders = Outsiders(people, landlord, other_landlord)
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
    assert "Forum minutes" in page.inner_text("#evidence ~ .rv-table-scroll table")
    outsiders.see_nothing("self-assessment")

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
    outsiders.see_nothing("signed off")

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
    outsiders.see_nothing("reality checks")

    # Council review: the officer approves one comment, then rates lower, with private notes.
    as_(page, client, live_server, council_admin)
    move_stage(page, live_server, Stage.COUNCIL_REVIEW)
    as_(page, client, live_server, officer)
    neighbour = RealityCheck.objects.get(resident=second_resident)
    page.goto(live_server.url + reverse("assessment:reality-comments", kwargs={"year": YEAR}))
    submit(page, f"form:has(input[name='check'][value='{neighbour.pk}']) button[value='approve']")
    page.goto(item_url(live_server))
    assert "Yes" in page.inner_text("#residents ~ .rv-table-scroll table")
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
    outsiders.see_nothing("council review")

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
    # Disagreeing needs evidence: refused, with the reason kept.
    assert "give evidence with your reply" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#id_reply-reason") == "Dates are on our website"
    page.fill("#id_reply-evidence-title", "Forum dates on our website")
    page.fill("#id_reply-evidence-url", "https://example.org/forum-dates")
    page.check("#id_reply-evidence-is_public", force=True)
    submit(page, "button:has-text('Add this evidence')")
    assert "is added to your reply" in page.inner_text("main")
    assert page.input_value("#id_reply-reason") == "Dates are on our website"  # still kept
    assert page.is_checked("input[name='reply-position'][value='disagree']")
    submit(page, "button:has-text('Save the reply')")
    assert "Your reply is saved" in page.inner_text("main")
    assert "Forum dates on our website" in page.inner_text("#reply ~ .rv-table-scroll table")

    # The other landlord's staff see none of it.
    as_(page, client, live_server, people["other_landlord_admin"])
    assert page.goto(item_url(live_server)).status == 403
    outsiders.see_nothing("right of reply")

    # Moderation: everything side by side, then the final rating.
    as_(page, client, live_server, council_admin)
    move_stage(page, live_server, Stage.MODERATION)
    page.goto(item_url(live_server))
    side_by_side = page.inner_text("#moderation ~ .rv-table-scroll table")
    assert "Exceeded" in side_by_side
    assert "Met" in side_by_side
    assert "We disagree" in side_by_side
    assert "1 / 1 / 0 / 0" in side_by_side
    assert "Forum dates on our website" in page.inner_text("main")  # the reply's evidence
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
    outsiders.see_nothing("moderation")
    move_stage(page, live_server, Stage.READY_TO_PUBLISH)
    assert "frozen" in page.inner_text(".rv-stage-banner")
    outsiders.see_nothing("ready to publish")

    # Frozen: the landlord can no longer change anything; the public cannot see the pages.
    as_(page, client, live_server, people["landlord_officer"])
    page.goto(item_url(live_server))
    assert page.locator("button:has-text('Save draft')").count() == 0
    page.context.clear_cookies()
    page.goto(item_url(live_server))
    assert "/accounts/" in page.url or "sign" in page.url.lower()
