"""The demonstration's charter assessments: two past cycles (2022-23, 2023-24) taken through every
stage to "ready to publish", and the current one (2024-25) in council review, for all twenty demo
landlords. Everything in them is synthetic and the cycles are marked `is_demo`.

Opening cycles, stage moves, reviewer assignments, sign-offs, residents' reality checks and
sessions, comment moderation, evidence requests and final ratings go through the assessment
services, so every stage rule (and the "all moderated" check) holds. The bulk of the answers (the
self-assessments with their evidence and actions, the council's reviews and the landlords'
replies with their reply evidence) is written in bulk straight to the tables, bypassing the
services' checks, with one history row per change attributed to the demonstration person who
would have made it; a change to those services' rules must be mirrored here by hand (each
disagreeing reply, for example, carries a piece of reply evidence, as `item_reply` requires).

Choices come from a random generator seeded per cycle, landlord and commitment, so the same
demonstration is built every time. A cycle that already exists is left alone: loading twice
changes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from residentvoice.accounts.models import Membership, Role
from residentvoice.assessment import services
from residentvoice.assessment.models import (
    ActionStatus,
    AssessmentCycle,
    AssessmentItem,
    CriterionRating,
    Evidence,
    EvidenceKind,
    ImprovementAction,
    Participation,
    RealityCheck,
    ReplyPosition,
    Stage,
)
from residentvoice.charter.models import Charter, RatingOption
from residentvoice.organisations.models import Landlord

ASSESSMENT_DATA = Path(__file__).parent / "data" / "assessment.yaml"
PAST_STAGES = [Stage.RIGHT_OF_REPLY, Stage.MODERATION, Stage.READY_TO_PUBLISH]


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Record history rows as made by `user`, as the request middleware does for a page."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def _save_with_history(
    objs: list[Any], model: Any, fields: list[str], *, default_user: Any
) -> None:
    """Save the named fields of many rows, and one history row for each, as a service would.

    One parameterised UPDATE run for every row: Django's `bulk_update` builds a CASE expression
    per field that costs far more here, and an ORM update per row is slower still.
    """
    if not objs:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Only the model's own table and column names are put into the statement; values are
    # parameters.
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    rows = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    model.history.bulk_history_create(objs, update=True, default_user=default_user)


class _People:
    """The demonstration people who act in the assessment, found by role."""

    def __init__(self) -> None:
        memberships = Membership.objects.select_related("user").filter(user__is_demo=True)
        self.council_admin = None
        self.council_officer = None
        self.residents: dict[str, tuple[Any, int]] = {}  # email -> (person, landlord id)
        self.staff_of: dict[int, Any] = {}
        self.admin_of: dict[int, Any] = {}
        for membership in memberships.order_by("pk"):
            user, landlord_id = membership.user, membership.landlord_id
            if membership.role == Role.COUNCIL_ADMIN:
                self.council_admin = self.council_admin or user
            elif membership.role == Role.COUNCIL_OFFICER:
                self.council_officer = self.council_officer or user
            elif membership.role == Role.RESIDENT and landlord_id:
                self.residents[user.email.lower()] = (user, landlord_id)
            elif membership.role == Role.LANDLORD_ADMIN and landlord_id:
                self.admin_of.setdefault(landlord_id, user)
                self.staff_of.setdefault(landlord_id, user)
            elif membership.role == Role.LANDLORD_OFFICER and landlord_id:
                self.staff_of[landlord_id] = user  # officers do the day-to-day drafting

    @property
    def reviewers(self) -> list[Any]:
        return [person for person in (self.council_officer, self.council_admin) if person]


class _CycleBuilder:
    """Takes one demonstration cycle through its stages with the services."""

    def __init__(
        self,
        *,
        spec: dict[str, Any],
        data: dict[str, Any],
        charter: Charter,
        landlords: list[Landlord],
        people: _People,
    ) -> None:
        self.spec, self.data, self.charter = spec, data, charter
        self.landlords, self.people = landlords, people
        self.year: str = spec["year"]
        self.scale = list(
            RatingOption.objects.filter(scale__charter=charter).order_by("order", "points")
        )
        self.criteria = {
            commitment.pk: list(commitment.criteria.all())
            for commitment in charter.commitments.prefetch_related("criteria")
        }
        self.self_scores: dict[int, int] = {}  # item id -> index on the scale
        self.council_scores: dict[int, int] = {}

    def random(self, *parts: Any) -> random.Random:
        """A generator seeded by what is being decided, so one choice never shifts another."""
        seed = "|".join(str(part) for part in (self.year, *parts))
        return random.Random(seed)  # noqa: S311 (made-up demonstration data, not security)

    def move(self, stage: str) -> None:
        with acting_as(self.people.council_admin):
            services.cycle_stage_move(
                cycle=self.cycle, to_stage=stage, by=self.people.council_admin
            )

    # ------------------------------------------------------------------------------------------

    def build(self) -> AssessmentCycle:
        dates: dict[str, tuple[datetime.date | None, datetime.date | None]] = {
            stage: (
                datetime.date.fromisoformat(str(opens)),
                datetime.date.fromisoformat(str(closes)),
            )
            for stage, (opens, closes) in self.spec["dates"].items()
        }
        with acting_as(self.people.council_admin):
            self.cycle = services.cycle_open(
                reporting_year=self.year,
                landlords=self.landlords,
                charter=self.charter,
                stage_dates=dates,
                is_demo=True,
                by=self.people.council_admin,
            )
            participations = list(
                self.cycle.participations.select_related("landlord").order_by("landlord__name")
            )
            for index, participation in enumerate(participations):
                reviewers = self.people.reviewers
                if reviewers:
                    services.participation_reviewer_assign(
                        participation=participation, reviewer=reviewers[index % len(reviewers)]
                    )
        self.move(Stage.SELF_ASSESSMENT)
        self.refresh()
        for participation in participations:
            self.self_assess(participation)
        self.refresh()
        self.reality_checks()
        waiting = set(self.spec.get("not_submitted", []))
        for participation in participations:
            if participation.landlord.short_name not in waiting:
                by = self.people.admin_of.get(participation.landlord_id)
                with acting_as(by):
                    services.participation_submit(participation=participation, by=by)
        self.move(Stage.COUNCIL_REVIEW)
        self.refresh()
        share = float(self.spec.get("reviewed_share", 1.0))
        for participation in participations:
            if participation.landlord.short_name not in waiting:
                self.review(participation, share)
        if self.spec["stage"] == Stage.COUNCIL_REVIEW:
            self.refresh()
            self.evidence_requests(participations)
            return self.cycle
        self.moderate_comments()
        self.move(Stage.RIGHT_OF_REPLY)
        self.refresh()
        for participation in participations:
            self.reply(participation)
        self.move(Stage.MODERATION)
        self.refresh()
        for participation in participations:
            self.moderate(participation)
        self.move(Stage.READY_TO_PUBLISH)
        return self.cycle

    def refresh(self) -> None:
        """Read every item of the cycle afresh (a few queries), before each stage's writes."""
        items = (
            AssessmentItem.objects.filter(participation__cycle=self.cycle)
            .select_related("commitment", "participation")
            .prefetch_related("actions")
            .order_by("participation_id", "commitment__number")
        )
        self._items: dict[int, list[AssessmentItem]] = {}
        for item in items:
            item.participation.cycle = self.cycle
            self._items.setdefault(item.participation_id, []).append(item)

    def items(self, participation: Participation) -> list[AssessmentItem]:
        return self._items.get(participation.pk, [])

    # Self-assessment --------------------------------------------------------------------------

    def self_assess(self, participation: Participation) -> None:
        """Each landlord's answers, evidence and actions, written in bulk with their history."""
        landlord = participation.landlord
        staff = self.people.staff_of.get(landlord.pk)
        strength = float(self.data["strength"].get(landlord.short_name, 0.0))
        no_estates = self.data["no_estates"].get(landlord.short_name)
        top = len(self.scale) - 1
        now = timezone.now()
        items = self.items(participation)
        criterion_rows = {
            (row.item_id, row.criterion_id): row
            for row in CriterionRating.objects.filter(item__participation=participation)
        }
        criteria_changed: list[CriterionRating] = []
        evidence: list[Evidence] = []
        actions: list[ImprovementAction] = []
        for item in items:
            number = item.commitment.number
            words = self.data["commitments"][number]
            pick = self.random(landlord.slug, number, "self")
            fill = {"short": landlord.short_name}
            item.what_we_do = pick.choice(words["doing"]).format(**fill)
            item.how_residents_involved = pick.choice(words["involved"]).format(**fill)
            item.version += 1
            item.updated_at = now
            if no_estates and item.commitment.not_applicable_allowed:
                item.self_not_applicable = True
                item.not_applicable_reason = no_estates
                item.how_residents_involved = ""
                continue
            # Landlords rate themselves a little above where the council will land.
            score = self.spec["level"] + strength + pick.gauss(0.25, 0.6)
            index = max(0, min(top, round(score)))
            self.self_scores[item.pk] = index
            item.self_rating = self.scale[index]
            for criterion in self.criteria.get(item.commitment_id, []):
                row = criterion_rows[(item.pk, criterion.pk)]
                row.rating = self.scale[max(0, index - pick.randint(0, 1))]
                criteria_changed.append(row)
            titles = pick.sample(words["evidence"], k=pick.randint(1, len(words["evidence"])))
            for n, title in enumerate(titles):
                evidence.append(
                    Evidence(
                        item=item,
                        kind=EvidenceKind.LINK,
                        title=title,
                        url=f"https://example.org/{landlord.slug}/{self.year}/"
                        f"{slugify(title)[:60]}",
                        page=f"p. {pick.randint(2, 30)}" if n == 0 else "",
                        is_public=pick.random() < 0.8,
                        added_by=staff,
                    )
                )
            if index < 2 or pick.random() < 0.15:
                actions.append(
                    ImprovementAction(
                        item=item,
                        description=words["action"],
                        owner=pick.choice(
                            ["Resident involvement team", "Head of housing", "Customer services"]
                        ),
                        target_date=self.cycle.ends_on.replace(year=self.cycle.ends_on.year + 1),
                    )
                )
        _save_with_history(
            items,
            AssessmentItem,
            [
                "self_rating",
                "self_not_applicable",
                "not_applicable_reason",
                "what_we_do",
                "how_residents_involved",
                "version",
                "updated_at",
            ],
            default_user=staff,
        )
        _save_with_history(criteria_changed, CriterionRating, ["rating"], default_user=staff)
        bulk_create_with_history(evidence, Evidence, default_user=staff)
        bulk_create_with_history(actions, ImprovementAction, default_user=staff)

    def reality_checks(self) -> None:
        """The demonstration resident checks a few of their landlord's claims."""
        answers = self.data["reality"].get(self.year, [])
        checker = self.people.residents.get(self.data["reality_checker"].lower())
        participation = None
        if checker is not None:
            resident, landlord_id = checker
            participation = self.cycle.participations.filter(landlord_id=landlord_id).first()
        if participation is not None:
            items = {item.commitment.number: item for item in self.items(participation)}
            with acting_as(resident):
                for number, answer, comment in answers:
                    item = items.get(number)
                    if item is None or item.self_not_applicable:
                        continue
                    services.reality_check_answer(
                        item=item, resident=resident, answer=answer, comment=comment
                    )
        by_name = {landlord.short_name: landlord for landlord in self.landlords}
        for name, held_on, count, summary, numbers in self.data["sessions"].get(self.year, []):
            landlord = by_name.get(name)
            if landlord is None:
                continue
            participation = self.cycle.participations.get(landlord=landlord)
            with acting_as(self.people.council_officer):
                services.reality_session_record(
                    participation=participation,
                    by=self.people.council_officer,
                    held_on=datetime.date.fromisoformat(str(held_on)),
                    residents_count=count,
                    summary=summary,
                    commitments=self.charter.commitments.filter(number__in=numbers),
                )

    def moderate_comments(self) -> None:
        checks = RealityCheck.objects.filter(item__participation__cycle=self.cycle).exclude(
            comment=""
        )
        with acting_as(self.people.council_officer):
            for check in checks.order_by("pk"):
                services.reality_comment_moderate(
                    check=check, by=self.people.council_officer, approve=True
                )

    # Council review ---------------------------------------------------------------------------

    def review(self, participation: Participation, share: float) -> None:
        reviewer = participation.reviewer
        feedback = self.data["feedback"]
        now = timezone.now()
        reviewed = []
        for item in self.items(participation):
            pick = self.random(participation.landlord.slug, item.commitment.number, "review")
            if pick.random() >= share:
                continue
            words = self.data["commitments"][item.commitment.number]
            strength = pick.choice(feedback["strength_lines"])
            if item.self_not_applicable:
                item.council_rating = None
                item.council_feedback = "We agree this commitment does not apply."
            else:
                own = self.self_scores[item.pk]
                drop = 1 if own > 0 and pick.random() < 0.3 + 0.1 * own else 0
                rise = 1 if own < len(self.scale) - 1 and pick.random() < 0.05 else 0
                index = own - drop + rise
                self.council_scores[item.pk] = index
                item.council_rating = self.scale[index]
                key = "below" if drop else ("above" if rise else "same")
                item.council_feedback = feedback[key].format(strength=strength, gap=words["gap"])
            item.council_private_notes = (
                pick.choice(self.data["private_notes"]) if pick.random() < 0.25 else ""
            )
            item.reviewed_by = reviewer
            item.reviewed_at = item.updated_at = now
            item.version += 1
            reviewed.append(item)
        _save_with_history(
            reviewed,
            AssessmentItem,
            [
                "council_rating",
                "council_feedback",
                "council_private_notes",
                "reviewed_by",
                "reviewed_at",
                "version",
                "updated_at",
            ],
            default_user=reviewer,
        )

    def evidence_requests(self, participations: list[Participation]) -> None:
        """Two open requests for more evidence in the current cycle, due a fortnight ahead."""
        due = timezone.localdate() + datetime.timedelta(days=14)
        wanted = [(participations[0], 3), (participations[min(5, len(participations) - 1)], 9)]
        for participation, number in wanted:
            item = next(i for i in self.items(participation) if i.commitment.number == number)
            if item.reviewed_at is not None or item.self_not_applicable:
                continue
            reviewer = participation.reviewer
            with acting_as(reviewer):
                services.evidence_request_create(
                    item=item,
                    by=reviewer,
                    message="Please add the notes or report that show residents' part in this, "
                    "for example minutes or the published report.",
                    due_on=due,
                )

    # Right of reply and moderation ------------------------------------------------------------

    def reply(self, participation: Participation) -> None:
        staff = self.people.staff_of.get(participation.landlord_id)
        reasons = self.data["disagree"]
        now = timezone.now()
        replies, evidence = [], []
        for item in self.items(participation):
            pick = self.random(participation.landlord.slug, item.commitment.number, "reply")
            lower = self.council_scores.get(item.pk, 99) < self.self_scores.get(item.pk, -1)
            if lower and pick.random() < 0.12:
                item.reply_position = ReplyPosition.DISAGREE
                item.reply_reason = pick.choice(reasons)
                evidence.append(
                    Evidence(
                        item=item,
                        kind=EvidenceKind.LINK,
                        title="Further evidence for our reply",
                        url=f"https://example.org/{participation.landlord.slug}/{self.year}/"
                        f"reply-{item.commitment.number}",
                        is_public=True,
                        for_reply=True,
                        added_by=staff,
                    )
                )
            else:
                item.reply_position = ReplyPosition.AGREE
            item.replied_by = staff
            item.replied_at = item.updated_at = now
            item.version += 1
            replies.append(item)
        _save_with_history(
            replies,
            AssessmentItem,
            ["reply_position", "reply_reason", "replied_by", "replied_at", "version", "updated_at"],
            default_user=staff,
        )
        bulk_create_with_history(evidence, Evidence, default_user=staff)

    def moderate(self, participation: Participation) -> None:
        """Final results through `item_moderate`, one by one, so its rules and history hold."""
        admin = self.people.council_admin
        words = self.data["rationale"]
        actions = []
        with acting_as(admin):
            for item in self.items(participation):
                pick = self.random(participation.landlord.slug, item.commitment.number, "final")
                if item.self_not_applicable:
                    services.item_moderate(
                        item=item,
                        by=admin,
                        version=item.version,
                        rating=None,
                        not_applicable=True,
                        rationale=words["not_applicable"],
                    )
                    continue
                own, council = self.self_scores[item.pk], self.council_scores[item.pk]
                raised = item.reply_position == ReplyPosition.DISAGREE and pick.random() < 0.5
                final = own if raised else council
                key = "raised" if raised else ("same" if own == council else "kept")
                services.item_moderate(
                    item=item,
                    by=admin,
                    version=item.version,
                    rating=self.scale[final],
                    rationale=words[key],
                )
                for action in item.actions.all():
                    action.status = pick.choice([ActionStatus.DONE, ActionStatus.IN_PROGRESS])
                    actions.append(action)
        _save_with_history(actions, ImprovementAction, ["status"], default_user=admin)


def assessment_demo_load(*, landlords: list[Landlord], path: Path = ASSESSMENT_DATA) -> list[str]:
    """Build the demonstration cycles that do not exist yet; returns what was created."""
    from residentvoice.charter.selectors import charter_current

    charter = charter_current()
    if charter is None or not landlords:
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = _People()
    created = []
    for spec in data["years"]:
        if AssessmentCycle.objects.filter(reporting_year=spec["year"]).exists():
            continue
        _CycleBuilder(
            spec=spec, data=data, charter=charter, landlords=landlords, people=people
        ).build()
        created.append(f"assessment cycle {spec['year']}")
    return created
