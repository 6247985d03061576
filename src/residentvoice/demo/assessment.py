"""The demonstration's charter assessments, for all twenty demo landlords: every past year (from
2022-23 to the year before the current one) taken through every stage to "ready to publish", and
the current year (the latest reporting year that has ended on the day of loading) in
self-assessment, with most landlords drafting, a few submitted and two not started. Everything
in them is synthetic and the cycles are marked `is_demo`.

Each step happens on its own date, inside its cycle's stage windows, on the demonstration's clock
(`demo.clock`): a 2023-24 self-assessment is drafted and submitted in the spring of 2024, the
council reviews it in the summer, and so on; only the current year is dated from the day the
demonstration is loaded, and never after it. Evidence is a small generated PDF labelled as a
synthetic demonstration document (`demo.documents`), stored like any upload.

Opening cycles, stage moves, reviewer assignments, sign-offs, residents' reality checks and
sessions, comment moderation and final ratings go through the assessment services, so every
stage rule (and the "all moderated" check) holds. The bulk of the answers (the self-assessments
with their evidence and actions, the council's reviews and the landlords' replies with their
reply evidence) is written in bulk straight to the tables, bypassing the services' checks, with
one history row per change attributed to the demonstration person who would have made it; a
change to those services' rules must be mirrored here by hand (each disagreeing reply, for
example, carries a piece of reply evidence, as `item_reply` requires).

Choices come from a random generator seeded per cycle, landlord and commitment, so the same
demonstration is built every time (on the same day). A cycle that already exists is left alone:
loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from django.db import connection
from django.utils import timezone
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
    ImprovementAction,
    Participation,
    RealityCheck,
    ReplyPosition,
    Stage,
)
from residentvoice.charter.models import Charter, RatingOption
from residentvoice.core.reporting_years import reporting_year_bounds, reporting_year_of
from residentvoice.organisations.models import Landlord

from .clock import demo_clock, moment
from .documents import EvidenceDocuments

ASSESSMENT_DATA = Path(__file__).parent / "data" / "assessment.yaml"
# The stages with dates, in order (a cycle opens in preparation, a fortnight before the first).
DATED_STAGES = [
    Stage.SELF_ASSESSMENT,
    Stage.COUNCIL_REVIEW,
    Stage.RIGHT_OF_REPLY,
    Stage.MODERATION,
    Stage.READY_TO_PUBLISH,
]
Window = tuple[datetime.date, datetime.date]


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


def _shift_year(year: str, years: int) -> str:
    start = reporting_year_bounds(year)[0].year + years
    return f"{start}-{(start + 1) % 100:02d}"


def current_reporting_year(today: datetime.date) -> str:
    """The year a council assesses on `today`: the latest reporting year that has ended."""
    return _shift_year(reporting_year_of(today), -1)


def _working_day(day: datetime.date, *, forward: bool = True) -> datetime.date:
    """The day itself on a weekday; otherwise the Monday after (or the Friday before)."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1 if forward else -1)
    return day


def _window(opens: datetime.date, closes: datetime.date) -> Window:
    return _working_day(opens), _working_day(closes, forward=False)


@dataclass
class YearPlan:
    """One demonstration cycle: its year, its stage windows and how well landlords do."""

    year: str
    dates: dict[str, Window]
    level: float
    current: bool = False
    today: datetime.date | None = None

    def opens(self, stage: str) -> datetime.date:
        return self.dates[stage][0]

    def during(self, stage: str, fraction: float, hour: int = 10) -> datetime.datetime:
        """A moment `fraction` of the way through `stage`'s window (0 its first day, 1 its
        last); in the current year never later than the day before loading."""
        opens, closes = self.dates[stage]
        if self.today is not None:
            closes = min(closes, self.today - datetime.timedelta(days=1))
        days = max(0, (closes - opens).days)
        return moment(opens + datetime.timedelta(days=round(days * fraction)), hour)


def _day(value: Any, *, years: int = 0) -> datetime.date:
    """A date from the data file, `years` later."""
    day = datetime.date.fromisoformat(str(value))
    return day.replace(year=day.year + years)


def demo_years(data: dict[str, Any], today: datetime.date) -> list[YearPlan]:
    """Every demonstration year, oldest first: each past year on its own dates (listed, or
    following the last listed), then the current year dated from `today`."""
    current = current_reporting_year(today)
    listed = {str(spec["year"]): spec for spec in data["years"]}
    plans: list[YearPlan] = []
    year = str(data["years"][0]["year"])
    while year < current:
        spec = listed.get(year, data["years"][-1])
        later = reporting_year_bounds(year)[0].year - reporting_year_bounds(spec["year"])[0].year
        dates = {
            stage: _window(_day(opens, years=later), _day(closes, years=later))
            for stage, (opens, closes) in spec["dates"].items()
        }
        level = min(2.4, float(spec["level"]) + float(data["level_step"]) * later)
        plans.append(YearPlan(year=year, dates=dates, level=level))
        year = _shift_year(year, 1)
    days = data["current"]["days"]
    dates = {
        stage: _window(
            today + datetime.timedelta(days=int(first)), today + datetime.timedelta(days=int(last))
        )
        for stage, (first, last) in days.items()
    }
    level = float(data["current"]["level"])
    plans.append(YearPlan(year=current, dates=dates, level=level, current=True, today=today))
    return plans


class _CycleBuilder:
    """Takes one demonstration cycle through its stages with the services, each step on its
    own date."""

    def __init__(
        self,
        *,
        plan: YearPlan,
        data: dict[str, Any],
        charter: Charter,
        landlords: list[Landlord],
        people: _People,
        documents: EvidenceDocuments,
    ) -> None:
        self.plan, self.data, self.charter = plan, data, charter
        self.landlords, self.people, self.documents = landlords, people, documents
        self.year: str = plan.year
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
        """The council admin moves the cycle on, on the morning the stage opens."""
        with demo_clock(moment(self.plan.opens(stage), 9)), acting_as(self.people.council_admin):
            services.cycle_stage_move(
                cycle=self.cycle, to_stage=stage, by=self.people.council_admin
            )

    @staticmethod
    def spread(index: int, count: int, first: float, last: float) -> float:
        """Where the `index`th of `count` landlords acts, between fractions `first` and `last`
        of a stage's window."""
        return first + (last - first) * index / max(1, count - 1)

    # ------------------------------------------------------------------------------------------

    def build(self) -> AssessmentCycle:
        plan = self.plan
        prepared = moment(plan.opens(Stage.SELF_ASSESSMENT) - datetime.timedelta(days=14))
        with demo_clock(prepared), acting_as(self.people.council_admin):
            self.cycle = services.cycle_open(
                reporting_year=self.year,
                landlords=self.landlords,
                charter=self.charter,
                stage_dates=dict(plan.dates),
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
        current = self.data["current"] if plan.current else {}
        not_started = set(current.get("not_started", []))
        submitting = [
            p
            for p in participations
            if not plan.current or p.landlord.short_name in set(current.get("submitted", []))
        ]
        drafting = [p for p in participations if p.landlord.short_name not in not_started]
        for index, participation in enumerate(drafting):
            with demo_clock(
                plan.during(Stage.SELF_ASSESSMENT, self.spread(index, len(drafting), 0.1, 0.6))
            ):
                self.self_assess(
                    participation,
                    rated_share=1.0
                    if participation in submitting
                    else float(current.get("rated_share", 1.0)),
                )
        self.refresh()
        self.reality_checks()
        for index, participation in enumerate(submitting):
            by = self.people.admin_of.get(participation.landlord_id)
            at = plan.during(
                Stage.SELF_ASSESSMENT, self.spread(index, len(submitting), 0.75, 1.0), 16
            )
            with demo_clock(at), acting_as(by):
                services.participation_submit(participation=participation, by=by)
        if plan.current:
            return self.cycle
        self.move(Stage.COUNCIL_REVIEW)
        self.refresh()
        for index, participation in enumerate(participations):
            with demo_clock(
                plan.during(
                    Stage.COUNCIL_REVIEW, self.spread(index, len(participations), 0.05, 0.85)
                )
            ):
                self.review(participation)
        with demo_clock(plan.during(Stage.COUNCIL_REVIEW, 0.95)):
            self.moderate_comments()
        self.move(Stage.RIGHT_OF_REPLY)
        self.refresh()
        for index, participation in enumerate(participations):
            with demo_clock(
                plan.during(Stage.RIGHT_OF_REPLY, self.spread(index, len(participations), 0.1, 0.9))
            ):
                self.reply(participation)
        self.move(Stage.MODERATION)
        self.refresh()
        for index, participation in enumerate(participations):
            with demo_clock(
                plan.during(Stage.MODERATION, self.spread(index, len(participations), 0.1, 0.9))
            ):
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

    def self_assess(self, participation: Participation, *, rated_share: float = 1.0) -> None:
        """Each landlord's answers, evidence and actions, written in bulk with their history.
        With `rated_share` below 1 it is a draft: every commitment is described, but only about
        that share of them rated (at least one is left for the landlord's staff)."""
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
        rateable = [
            item for item in items if not (no_estates and item.commitment.not_applicable_allowed)
        ]
        # A draft leaves a few commitments unrated (at least one), chosen by a seeded draw.
        unrated: set[int] = set()
        if rated_share < 1 and rateable:
            left = max(1, round(len(rateable) * (1 - rated_share)))
            draw = self.random(landlord.slug, "draft")
            unrated = {item.pk for item in draw.sample(rateable, k=min(left, len(rateable)))}
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
            score = self.plan.level + strength + pick.gauss(0.25, 0.6)
            index = max(0, min(top, round(score)))
            if item.pk not in unrated:
                self.self_scores[item.pk] = index
                item.self_rating = self.scale[index]
                for criterion in self.criteria.get(item.commitment_id, []):
                    row = criterion_rows[(item.pk, criterion.pk)]
                    row.rating = self.scale[max(0, index - pick.randint(0, 1))]
                    criteria_changed.append(row)
            titles = pick.sample(words["evidence"], k=pick.randint(1, len(words["evidence"])))
            for n, title in enumerate(titles):
                document = self.documents.pdf(
                    title=title,
                    commitment=item.commitment,
                    summary=words["doing"][0].format(short="The landlord"),
                    involvement=words["involved"][0].format(short="The landlord"),
                )
                evidence.append(
                    self.documents.attach(
                        Evidence(
                            item=item,
                            title=title,
                            page="p. 2" if n == 0 else "",
                            is_public=pick.random() < 0.8,
                            added_by=staff,
                        ),
                        document,
                    )
                )
            if item.pk in unrated:
                continue
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
        """The demonstration resident checks a few of their landlord's claims (late in the
        self-assessment), and the council records the sessions it held with residents."""
        answers = self.data["reality"].get("current" if self.plan.current else self.year, [])
        checker = self.people.residents.get(self.data["reality_checker"].lower())
        participation = None
        if checker is not None:
            resident, landlord_id = checker
            participation = self.cycle.participations.filter(landlord_id=landlord_id).first()
        if participation is not None:
            items = {item.commitment.number: item for item in self.items(participation)}
            with demo_clock(self.plan.during(Stage.SELF_ASSESSMENT, 0.7, 19)), acting_as(resident):
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
            held = datetime.date.fromisoformat(str(held_on))
            with demo_clock(moment(held, 17)), acting_as(self.people.council_officer):
                services.reality_session_record(
                    participation=participation,
                    by=self.people.council_officer,
                    held_on=held,
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

    def review(self, participation: Participation) -> None:
        reviewer = participation.reviewer
        feedback = self.data["feedback"]
        now = timezone.now()
        reviewed = []
        for item in self.items(participation):
            pick = self.random(participation.landlord.slug, item.commitment.number, "review")
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
                document = self.documents.pdf(
                    title="Further evidence for our reply",
                    summary="This document stands in for the further evidence a landlord gives "
                    "when it disagrees with the council's rating: a later report, minutes or "
                    "figures the council had not seen.",
                    involvement="Residents' own words, from the meetings and surveys the reply "
                    "points to, would be here.",
                )
                evidence.append(
                    self.documents.attach(
                        Evidence(
                            item=item,
                            title="Further evidence for our reply",
                            is_public=True,
                            for_reply=True,
                            added_by=staff,
                        ),
                        document,
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


def assessment_demo_load(
    *, landlords: list[Landlord], today: datetime.date, path: Path = ASSESSMENT_DATA
) -> list[str]:
    """Build the demonstration cycles that do not exist yet; returns what was created."""
    from residentvoice.charter.selectors import charter_current

    charter = charter_current()
    if charter is None or not landlords:
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = _People()
    documents = EvidenceDocuments()
    created = []
    for plan in demo_years(data, today):
        if AssessmentCycle.objects.filter(reporting_year=plan.year).exists():
            continue
        _CycleBuilder(
            plan=plan,
            data=data,
            charter=charter,
            landlords=landlords,
            people=people,
            documents=documents,
        ).build()
        created.append(f"assessment cycle {plan.year}")
    return created
