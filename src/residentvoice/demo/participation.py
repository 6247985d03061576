"""Demonstration participation for two founding landlords (RHP and PA Housing): a completed
"Help design our resident participation strategy" consultation with responses and the
landlord's answer, and a scrutiny review with five recommendations in mixed states.

Everything here is made up, marked `is_synthetic` and labelled on the site. It is written through
the participation services, as the site would write it; the one shortcut is moving dates into
2024 once the answers are in, as time passing would. Loading twice changes nothing: a landlord
that already has its demonstration consultation and panel is left alone.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from residentvoice.accounts.models import Role, User
from residentvoice.accounts.services import membership_grant
from residentvoice.organisations.models import Landlord
from residentvoice.participation import services
from residentvoice.participation.models import (
    Answer,
    Consultation,
    Panel,
    PanelRole,
    QuestionKind,
    Recommendation,
    Response,
    TopicRound,
)

DEMO_LANDLORDS = {"RHP": "rhp", "PA Housing": "pa"}
RESIDENTS_EACH = 12
FIRST_NAMES = [
    "Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ira", "Jo", "Kit", "Lou",
]  # fmt: skip

# What residents wrote; every one is invented for the demonstration.
WRITTEN = [
    "Tell us what happened after we spoke up, every time.",
    "Evening and weekend meetings, please: I work days.",
    "Pay for childcare so parents can come to meetings.",
    "Let residents check repairs were done properly before jobs are closed.",
    "Publish the scrutiny panel's reports where we can all read them.",
    "More than one way to take part: not everyone uses email.",
]

RECOMMENDATIONS = [
    "Give every complaint a named case handler who calls the resident within two working days.",
    "Tell residents at each stage how long their complaint should take, and why if it is late.",
    "Train repairs staff on the complaint handling code, with residents helping to design it.",
    "Let residents choose an independent person to review their complaint at stage two.",
    "Publish complaint numbers and response times every quarter, by type of complaint.",
]


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def _residents(landlord: Landlord, code: str, password: str, created: list[str]) -> list[User]:
    # The demonstration's own resident (who can sign in) comes first, so chairs the panel.
    people = list(
        User.objects.filter(
            is_demo=True, membership__landlord=landlord, membership__role=Role.RESIDENT
        )
        .exclude(email__startswith=f"{code}.resident")
        .order_by("pk")
    )
    for number, first in enumerate(FIRST_NAMES[:RESIDENTS_EACH], start=1):
        email = f"{code}.resident{number:02d}@richmond.demo.example"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=f"{first} Example (demo {landlord.short_name} resident)",
                is_demo=True,
            )
            created.append(f"person {email}")
        membership_grant(user=user, role=Role.RESIDENT, landlord=landlord, resident_tenure="tenant")
        people.append(user)
    return people


def _staff(landlord: Landlord) -> User | None:
    return (
        User.objects.filter(
            membership__landlord=landlord, membership__role=Role.LANDLORD_ADMIN, is_demo=True
        )
        .order_by("pk")
        .first()
    )


def _answers(consultation: Consultation, chooser: random.Random, number: int) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for question in consultation.questions.all():
        if question.kind == QuestionKind.RATING:
            answers[question.pk] = chooser.choice([2, 2, 3, 3, 3, 4, 4, 5])
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            answers[question.pk] = chooser.choice(question.options)
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            answers[question.pk] = chooser.sample(question.options, k=chooser.randint(1, 3))
        elif question.kind == QuestionKind.RANKING:
            answers[question.pk] = chooser.sample(question.options, k=len(question.options))
        elif number % 2 == 0:
            answers[question.pk] = WRITTEN[(number // 2) % len(WRITTEN)]
    return answers


def _consultation(landlord: Landlord, residents: list[User], staff: User | None) -> None:
    now = timezone.now()
    consultation = services.consultation_create_from_template(
        created_by=staff,
        landlord=landlord,
        template="participation_strategy",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
        is_synthetic=True,
    )
    services.consultation_publish(consultation=consultation)
    chooser = random.Random(f"demo-{landlord.slug}")  # noqa: S311 - made-up answers, not security
    for number, resident in enumerate(residents, start=1):
        services.response_save(
            consultation=consultation,
            user=resident,
            answers=_answers(consultation, chooser, number),
            submit=True,
            follow=number % 3 == 0,
        )
    if staff is not None:
        services.response_enter(
            consultation=consultation,
            entered_by=staff,
            channel="paper",
            answers=_answers(consultation, chooser, 0),
            reference="DEMO-PAPER-1",
        )
    # Time passes: it ran from May to June 2024.
    Consultation.objects.filter(pk=consultation.pk).update(
        published_at=_moment(datetime.date(2024, 4, 25)),
        opens_at=_moment(datetime.date(2024, 5, 1), 0),
        closes_at=_moment(datetime.date(2024, 6, 30), 23),
    )
    Response.objects.filter(consultation=consultation).update(
        submitted_at=_moment(datetime.date(2024, 6, 12))
    )
    consultation.refresh_from_db()
    for answer in Answer.objects.filter(
        question__consultation=consultation, question__kind=QuestionKind.FREE_TEXT
    ):
        services.answer_moderate(answer=answer, moderated_by=staff, approve=True)
    services.consultation_results_publish(consultation=consultation)
    outcome = {
        "said_summary": (
            "Most of you want to be told what happened after you spoke up, and to have more "
            "than one way to take part: meetings at different times, paper and phone as well as "
            "online. Repairs and safety matter most to you. Many of you would join a panel if "
            "meetings fitted around work and caring."
        ),
        "considered": (
            "The strategy now promises a written reply to every consultation within three "
            "months, meetings at three different times of day, and paid childcare and travel for "
            "anyone taking part. We did not agree to hold every meeting in person: some will stay "
            "online, because many of you asked for that too."
        ),
        "actions": "The strategy was adopted by the board in September 2024 and is on our website.",
        "status": "done",
    }
    services.consultation_outcome_publish(consultation=consultation, **outcome)
    Consultation.objects.filter(pk=consultation.pk).update(
        results_published_at=_moment(datetime.date(2024, 7, 15)),
        outcome_published_at=_moment(datetime.date(2024, 9, 20)),
    )
    consultation.refresh_from_db()
    # Recording again with the real date moves the register entry to September 2024.
    services.consultation_outcome_publish(consultation=consultation, **outcome)


def _review(landlord: Landlord, residents: list[User], staff: User | None) -> None:
    chair, vice, *others = residents[:6]
    panel = services.panel_create(
        landlord=landlord,
        name=f"{landlord.short_name} Residents' Scrutiny Panel",
        terms_of_reference=(
            "The panel is made up of residents who review one of our services at a time. It "
            "chooses topics with residents, looks at evidence, and makes recommendations that "
            "our board must answer within eight weeks.\n\nWe give the panel the information it "
            "asks for, training and support, and pay expenses. The panel reports back to all "
            "residents when each review is finished."
        ),
        is_synthetic=True,
    )
    services.panel_member_add(
        panel=panel, user=chair, role=PanelRole.CHAIR, joined_on=datetime.date(2024, 4, 1)
    )
    services.panel_member_add(
        panel=panel, user=vice, role=PanelRole.VICE_CHAIR, joined_on=datetime.date(2024, 4, 1)
    )
    for member in others:
        services.panel_member_add(panel=panel, user=member, joined_on=datetime.date(2024, 4, 1))
    topic_round = services.topic_round_open(
        panel=panel,
        title="Choose the panel's next review",
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    complaints = services.topic_propose(
        round=topic_round,
        user=residents[6],
        title="How complaints are handled",
        description="Complaints take months and nobody tells you what is happening.",
    )
    lifts = services.topic_propose(
        round=topic_round,
        user=residents[7],
        title="Lift repairs in tower blocks",
        description="Lifts are out of action for weeks at a time.",
    )
    for number, resident in enumerate(residents):
        services.topic_vote(proposal=lifts if number % 3 == 0 else complaints, user=resident)
    TopicRound.objects.filter(pk=topic_round.pk).update(
        closes_at=_moment(datetime.date(2024, 7, 31))
    )
    topic_round.refresh_from_db()
    review = services.topic_round_decide(
        round=topic_round,
        proposal=complaints,
        decided_by=chair,
        note="Most votes; lift repairs will be the next review.",
        at=_moment(datetime.date(2024, 8, 5)),
    )
    services.meeting_create(
        panel=panel,
        title="Scoping the complaints review",
        held_at=_moment(datetime.date(2024, 8, 12), 18),
        place="Community room, and online",
        agenda="1. Scope of the review\n2. Evidence we need\n3. Mystery shopping plan",
    )
    services.panel_document_add(
        panel=panel,
        review=review,
        uploaded_by=vice,
        kind="mystery_shopping",
        title="Mystery shopping: three complaints by phone",
        notes="Two of three calls were not logged as complaints. No caller was told the timescale.",
    )
    at = _moment(datetime.date(2024, 9, 2))
    services.review_stage_move(review=review, stage="evidence", moved_by=chair, at=at)
    services.review_stage_move(
        review=review, stage="report", moved_by=chair, at=_moment(datetime.date(2024, 10, 14))
    )
    review.refresh_from_db()
    review.report_summary = (
        "Complaints are often not recognised as complaints, residents are not told how long "
        "things will take, and nobody owns a complaint from start to finish."
    )
    review.save()
    for text in RECOMMENDATIONS:
        services.recommendation_add(review=review, text=text)
    services.review_stage_move(
        review=review, stage="answering", moved_by=chair, at=_moment(datetime.date(2024, 11, 1))
    )
    first, second, third, fourth, fifth = Recommendation.objects.filter(review=review).order_by(
        "number"
    )
    answered = _moment(datetime.date(2024, 12, 10))
    for recommendation, due in ((first, 2025_03_31), (second, 2025_06_30), (fifth, 2025_01_31)):
        services.recommendation_answer(
            recommendation=recommendation,
            answered_by=staff,
            answer="accepted",
            owner="Head of customer resolution",
            due_on=datetime.date(due // 10000, due // 100 % 100, due % 100),
            at=answered,
        )
    services.recommendation_answer(
        recommendation=third,
        answered_by=staff,
        answer="partly",
        reason="Training goes ahead; residents will review the course, but staff design it.",
        owner="Learning and development manager",
        due_on=datetime.date(2025, 9, 30),
        at=answered,
    )
    services.recommendation_answer(
        recommendation=fourth,
        answered_by=staff,
        answer="rejected",
        reason="The Housing Ombudsman already reviews complaints independently after stage two; "
        "we will explain that route better in every stage-two letter instead.",
        at=answered,
    )
    services.review_stage_move(
        review=review, stage="actions", moved_by=chair, at=_moment(datetime.date(2024, 12, 16))
    )
    updates = [
        (first, 50, "Case handlers named for new complaints", datetime.date(2025, 1, 20)),
        (first, 100, "Every complaint has a named handler", datetime.date(2025, 3, 14)),
        (second, 60, "Timescale letters drafted with the panel", datetime.date(2025, 2, 10)),
        (third, 25, "Course outline shared with residents", datetime.date(2025, 4, 2)),
        (fifth, 100, "First quarterly figures published", datetime.date(2025, 1, 28)),
    ]
    for recommendation, percent, milestone, day in updates:
        services.action_progress_add(
            recommendation=recommendation,
            added_by=staff,
            percent=percent,
            milestone=milestone,
            at=_moment(day),
        )
    fifth.refresh_from_db()
    services.recommendation_challenge(
        recommendation=fifth,
        challenged_by=chair,
        reason="The figures were published once but not split by type of complaint.",
        at=_moment(datetime.date(2025, 2, 14)),
    )


def demo_participation_load(*, landlords: dict[str, Landlord], password: str) -> list[str]:
    """Load the participation demonstration for RHP and PA Housing; returns what was created."""
    created: list[str] = []
    for short_name, code in DEMO_LANDLORDS.items():
        landlord = landlords.get(short_name)
        if landlord is None:
            continue
        residents = _residents(landlord, code, password, created)
        staff = _staff(landlord)
        if not Consultation.objects.filter(
            landlord=landlord, template="participation_strategy", is_synthetic=True
        ).exists():
            _consultation(landlord, residents, staff)
            created.append(f"participation strategy consultation for {short_name}")
        if not Panel.objects.filter(landlord=landlord, is_synthetic=True).exists():
            _review(landlord, residents, staff)
            created.append(f"scrutiny panel and review for {short_name}")
    return created
