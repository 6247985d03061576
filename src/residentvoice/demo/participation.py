"""Demonstration participation for two founding landlords (RHP and PA Housing), from
data/participation.yaml: a scrutiny panel formed in spring 2023 whose reviews (chosen by
residents' votes) run through recommendations, answers and actions; finished consultations with
responses, results and the landlord's answer, in 2023-24 and 2024-25; and one consultation open
on the day the demonstration is loaded, which the demonstration's resident can answer.

Everything here is made up, marked `is_synthetic` and labelled on the site. It is written through
the participation services, each step on its own date (`demo.clock`), so every record, and so
every "you said, we did" entry and every participation figure, falls in the reporting year it
belongs to. Loading twice changes nothing: what a landlord already has is left alone.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

import yaml

from residentvoice.accounts.models import Role, User
from residentvoice.accounts.services import membership_grant
from residentvoice.organisations.models import Landlord
from residentvoice.participation import services
from residentvoice.participation.models import (
    Answer,
    Audience,
    Consultation,
    Panel,
    PanelRole,
    QuestionKind,
    Recommendation,
)

from .clock import demo_clock, moment
from .people import demo_person

PARTICIPATION_DATA = Path(__file__).parent / "data" / "participation.yaml"
DEMO_LANDLORDS = {"RHP": "rhp", "PA Housing": "pa"}
FIRST_NAMES = [
    "Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ira", "Jo", "Kit", "Lou",
]  # fmt: skip


def _day(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _residents(landlord: Landlord, code: str, password_hash: str, created: list[str]) -> list[User]:
    # The demonstration's own resident (who can sign in) comes first, so chairs the panel.
    people = list(
        User.objects.filter(
            is_demo=True, membership__landlord=landlord, membership__role=Role.RESIDENT
        )
        .exclude(email__startswith=f"{code}.resident")
        .order_by("pk")
    )
    for number, first in enumerate(FIRST_NAMES, start=1):
        email = f"{code}.resident{number:02d}@richmond.demo.example"
        user, made = demo_person(
            email=email,
            full_name=f"{first} Example (demo {landlord.short_name} resident)",
            password_hash=password_hash,
        )
        if made:
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


class _Loader:
    """One landlord's participation, step by step on the demonstration's clock."""

    def __init__(
        self,
        *,
        data: dict[str, Any],
        landlord: Landlord,
        residents: list[User],
        staff: User | None,
        today: datetime.date,
    ) -> None:
        self.data, self.landlord, self.residents, self.staff = data, landlord, residents, staff
        self.today = today
        self.chooser = random.Random(f"demo-{landlord.slug}")  # noqa: S311 - made-up answers

    def words(self, text: str) -> str:
        return text.format(short=self.landlord.short_name)

    # Consultations -----------------------------------------------------------------------------

    def answers(self, consultation: Consultation, number: int) -> dict[int, Any]:
        written = self.data["written"]
        answers: dict[int, Any] = {}
        for question in consultation.questions.all():
            if question.kind == QuestionKind.RATING:
                answers[question.pk] = self.chooser.choice([2, 2, 3, 3, 3, 4, 4, 5])
            elif question.kind == QuestionKind.SINGLE_CHOICE:
                answers[question.pk] = self.chooser.choice(question.options)
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                answers[question.pk] = self.chooser.sample(
                    question.options, k=self.chooser.randint(1, min(3, len(question.options)))
                )
            elif question.kind == QuestionKind.RANKING:
                answers[question.pk] = self.chooser.sample(
                    question.options, k=len(question.options)
                )
            elif number % 2 == 0:
                answers[question.pk] = written[(number // 2) % len(written)]
        return answers

    def create(self, spec: dict[str, Any], opens_at: Any, closes_at: Any) -> Consultation:
        if "template" in spec:
            return services.consultation_create_from_template(
                created_by=self.staff,
                landlord=self.landlord,
                template=spec["template"],
                opens_at=opens_at,
                closes_at=closes_at,
                is_synthetic=True,
            )
        consultation = services.consultation_create(
            created_by=self.staff,
            landlord=self.landlord,
            title=spec["title"],
            summary=spec["summary"],
            background=spec["background"],
            audience=Audience.LANDLORD_RESIDENTS,
            is_anonymous=False,
            opens_at=opens_at,
            closes_at=closes_at,
            is_synthetic=True,
        )
        for question in spec["questions"]:
            services.question_add(
                consultation=consultation,
                kind=question["kind"],
                text=question["text"],
                hint=question.get("hint", ""),
                required=bool(question.get("required", False)),
                options=question.get("options", []),
                rating_max=int(question.get("rating_max", 5)),
                rating_low_label=question.get("rating_low_label", "Very poor"),
                rating_high_label=question.get("rating_high_label", "Very good"),
            )
        return consultation

    def consultation(self, spec: dict[str, Any]) -> None:
        """A consultation from its opening to the landlord's answer, each on its own day."""
        opens, closes = _day(spec["opens"]), _day(spec["closes"])
        with demo_clock(moment(opens - datetime.timedelta(days=6))):
            consultation = self.create(spec, moment(opens, 0), moment(closes, 23))
            services.consultation_publish(consultation=consultation)
        with demo_clock(moment(_day(spec["answered"]))):
            for number, resident in enumerate(self.residents, start=1):
                services.response_save(
                    consultation=consultation,
                    user=resident,
                    answers=self.answers(consultation, number),
                    submit=True,
                    follow=number % 3 == 0,
                )
            if self.staff is not None:
                services.response_enter(
                    consultation=consultation,
                    entered_by=self.staff,
                    channel="paper",
                    answers=self.answers(consultation, 0),
                    reference="DEMO-PAPER-1",
                )
        with demo_clock(moment(_day(spec["results"]))):
            for answer in Answer.objects.filter(
                question__consultation=consultation, question__kind=QuestionKind.FREE_TEXT
            ):
                services.answer_moderate(answer=answer, moderated_by=self.staff, approve=True)
            services.consultation_results_publish(consultation=consultation)
        with demo_clock(moment(_day(spec["outcome_on"]))):
            services.consultation_outcome_publish(consultation=consultation, **spec["outcome"])

    def open_consultation(self, spec: dict[str, Any]) -> None:
        """A consultation open today, with some residents' answers already in (not the
        demonstration's own resident, who is first in the list, so a visitor can answer)."""
        opens = self.today - datetime.timedelta(days=int(spec["opened_days_ago"]))
        closes = self.today + datetime.timedelta(days=int(spec["closes_in_days"]))
        with demo_clock(moment(opens - datetime.timedelta(days=3))):
            consultation = self.create(spec, moment(opens, 0), moment(closes, 23))
            services.consultation_publish(consultation=consultation)
        answering = self.residents[1 : 1 + int(spec["answers"])]
        for number, resident in enumerate(answering, start=1):
            day = opens + datetime.timedelta(days=number % max(1, (self.today - opens).days))
            with demo_clock(moment(day, 9 + number % 9)):
                services.response_save(
                    consultation=consultation,
                    user=resident,
                    answers=self.answers(consultation, number),
                    submit=True,
                    follow=number % 2 == 0,
                )

    # Scrutiny ----------------------------------------------------------------------------------

    def panel(self) -> Panel:
        spec = self.data["panel"]
        formed = _day(spec["formed_on"])
        chair, vice, *others = self.residents[:6]
        with demo_clock(moment(formed)):
            panel = services.panel_create(
                landlord=self.landlord,
                name=self.words(spec["name"]),
                terms_of_reference=spec["terms_of_reference"],
                is_synthetic=True,
            )
            services.panel_member_add(panel=panel, user=chair, role=PanelRole.CHAIR)
            services.panel_member_add(panel=panel, user=vice, role=PanelRole.VICE_CHAIR)
            for member in others:
                services.panel_member_add(panel=panel, user=member)
        return panel

    def review(self, panel: Panel, spec: dict[str, Any]) -> None:
        """One review: residents choose the topic, the panel reports, the landlord answers and
        acts, and the panel checks what was done."""
        chair, vice = self.residents[0], self.residents[1]
        with demo_clock(moment(_day(spec["round"]["opens"]))):
            topic_round = services.topic_round_open(
                panel=panel,
                title=spec["round"]["title"],
                closes_at=moment(_day(spec["round"]["closes"]), 23),
            )
            proposals = [
                services.topic_propose(
                    round=topic_round,
                    user=self.residents[6 + n],
                    title=topic["title"],
                    description=topic["description"],
                )
                for n, topic in enumerate(spec["topics"])
            ]
            for number, resident in enumerate(self.residents):
                services.topic_vote(
                    proposal=proposals[1] if number % 3 == 0 else proposals[0], user=resident
                )
        with demo_clock(moment(_day(spec["decided"]))):
            review = services.topic_round_decide(
                round=topic_round,
                proposal=proposals[spec["chosen"]],
                decided_by=chair,
                note=spec["note"],
            )
        meeting = spec["meeting"]
        held = _day(meeting["held"])
        with demo_clock(moment(held - datetime.timedelta(days=5))):
            services.meeting_create(
                panel=panel,
                title=meeting["title"],
                held_at=moment(held, 18),
                place=meeting["place"],
                agenda=meeting["agenda"],
            )
        for stage, day in spec["stages"].items():
            with demo_clock(moment(_day(day))):
                if stage == "evidence":
                    document = spec["document"]
                    services.panel_document_add(
                        panel=panel,
                        review=review,
                        uploaded_by=vice,
                        kind=document["kind"],
                        title=document["title"],
                        notes=document["notes"],
                    )
                services.review_stage_move(review=review, stage=stage, moved_by=chair)
        with demo_clock(moment(_day(spec["sent"]) - datetime.timedelta(days=1))):
            review.refresh_from_db()
            review.report_summary = spec["report_summary"]
            review.save()
            for recommendation in spec["recommendations"]:
                services.recommendation_add(review=review, text=recommendation["text"])
        with demo_clock(moment(_day(spec["sent"]))):
            services.review_stage_move(review=review, stage="answering", moved_by=chair)
        recommendations = list(Recommendation.objects.filter(review=review).order_by("number"))
        with demo_clock(moment(_day(spec["answered"]))):
            for recommendation, wanted in zip(
                recommendations, spec["recommendations"], strict=True
            ):
                services.recommendation_answer(
                    recommendation=recommendation,
                    answered_by=self.staff,
                    answer=wanted["answer"],
                    reason=wanted.get("reason", ""),
                    owner=wanted.get("owner", ""),
                    due_on=_day(wanted["due"]) if "due" in wanted else None,
                )
        with demo_clock(moment(_day(spec["actions"]))):
            services.review_stage_move(review=review, stage="actions", moved_by=chair)
        # Progress and challenges in the order they happened, whichever recommendation they are.
        events: list[tuple[datetime.date, int, str, Any]] = []
        for index, wanted in enumerate(spec["recommendations"]):
            for percent, milestone, day in wanted.get("progress", []):
                events.append((_day(day), index, "progress", (percent, milestone)))
            if "challenge" in wanted:
                day, reason = wanted["challenge"]
                events.append((_day(day), index, "challenge", reason))
        for day, index, kind, detail in sorted(events, key=lambda event: event[:2]):
            recommendation = recommendations[index]
            recommendation.refresh_from_db()
            with demo_clock(moment(day)):
                if kind == "progress":
                    services.action_progress_add(
                        recommendation=recommendation,
                        added_by=self.staff,
                        percent=detail[0],
                        milestone=detail[1],
                    )
                else:
                    services.recommendation_challenge(
                        recommendation=recommendation, challenged_by=chair, reason=detail
                    )
        if "closed" in spec:
            with demo_clock(moment(_day(spec["closed"]))):
                services.review_stage_move(review=review, stage="closed", moved_by=chair)
        if "reported_back" in spec:
            with demo_clock(moment(_day(spec["reported_back"]))):
                services.review_stage_move(
                    review=review,
                    stage="reported_back",
                    moved_by=chair,
                    report_back=spec["report_back"],
                )


def demo_participation_load(
    *,
    landlords: dict[str, Landlord],
    password_hash: str,
    today: datetime.date,
    path: Path = PARTICIPATION_DATA,
) -> list[str]:
    """Load the participation demonstration for RHP and PA Housing; returns what was created."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    created: list[str] = []
    for short_name, code in DEMO_LANDLORDS.items():
        landlord = landlords.get(short_name)
        if landlord is None:
            continue
        residents = _residents(landlord, code, password_hash, created)
        loader = _Loader(
            data=data, landlord=landlord, residents=residents, staff=_staff(landlord), today=today
        )
        if not Panel.objects.filter(landlord=landlord, is_synthetic=True).exists():
            panel = loader.panel()
            for spec in data["reviews"].get(short_name, []):
                loader.review(panel, spec)
            created.append(f"scrutiny panel and reviews for {short_name}")
        if not Consultation.objects.filter(landlord=landlord, is_synthetic=True).exists():
            for spec in data["consultations"].get(short_name, []):
                loader.consultation(spec)
            if data["open_consultation"]["landlord"] == short_name:
                loader.open_consultation(data["open_consultation"])
            created.append(f"consultations for {short_name}")
    return created
