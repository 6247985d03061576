"""Reads for the yearly assessment, already narrowed to what the asker may see, with a fixed
number of queries whatever the number of landlords or commitments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from residentvoice.accounts.rules import is_council_admin
from residentvoice.charter.models import RatingOption
from residentvoice.core.formats import closing_moment

from .models import (
    AssessmentCycle,
    AssessmentItem,
    CommentStatus,
    Evidence,
    ModerationPanelMember,
    ModerationPanelView,
    Participation,
    RealityAnswer,
    RealityCheck,
    RealityCheckSession,
    Stage,
    StageDates,
)


def _annotate_stage(cycles: list[AssessmentCycle]) -> list[AssessmentCycle]:
    """Set `stage`, `stage_label`, `stage_closes_on` (with `stage_closed` once that time has
    passed) and `is_frozen` on each cycle (2 queries)."""
    from .models import StageMove

    latest: dict[int, str] = {}
    for move in StageMove.objects.filter(cycle__in=cycles).order_by("moved_at", "pk"):
        latest[move.cycle_id] = move.stage
    closes: dict[tuple[int, str], Any] = {
        (row.cycle_id, row.stage): row.closes_on
        for row in StageDates.objects.filter(cycle__in=cycles)
    }
    for cycle in cycles:
        stage = latest.get(cycle.pk, Stage.PREPARATION)
        cycle.stage = stage  # type: ignore[attr-defined]
        cycle.stage_label = Stage(stage).label  # type: ignore[attr-defined]
        closes_on = closes.get((cycle.pk, stage))
        cycle.stage_closes_on = closes_on  # type: ignore[attr-defined]
        cycle.stage_closed = bool(  # type: ignore[attr-defined]
            closes_on and timezone.now() > closing_moment(closes_on)
        )
        cycle.is_frozen = stage in (Stage.READY_TO_PUBLISH, Stage.PUBLISHED)  # type: ignore[attr-defined]
    return cycles


def cycle_list() -> list[AssessmentCycle]:
    return _annotate_stage(list(AssessmentCycle.objects.select_related("charter")))


def cycle_get(year: str) -> AssessmentCycle | None:
    """The cycle for a reporting year, with its current stage, or None."""
    cycle = AssessmentCycle.objects.select_related("charter").filter(reporting_year=year).first()
    if cycle is None:
        return None
    return _annotate_stage([cycle])[0]


def participation_get(cycle: AssessmentCycle, slug: str) -> Participation | None:
    return (
        Participation.objects.select_related("landlord", "reviewer", "signed_off_by")
        .filter(cycle=cycle, landlord__slug=slug)
        .first()
    )


def evidence_visible(user_may_see_private: bool) -> QuerySet[Evidence]:
    evidence = Evidence.objects.filter(removed_at__isnull=True)
    return evidence if user_may_see_private else evidence.filter(is_public=True)


def items_of(
    participation: Participation, *, private: bool, evidence: bool = True
) -> QuerySet[AssessmentItem]:
    """A landlord's items in a cycle with their ratings; with `evidence`, also their evidence
    (public only unless `private`), actions and open evidence requests."""
    items = (
        AssessmentItem.objects.filter(participation=participation)
        .select_related("commitment", "self_rating", "council_rating", "final_rating", "landlord")
        .order_by("commitment__number")
    )
    if evidence:
        items = items.prefetch_related(
            Prefetch("evidence", queryset=evidence_visible(private), to_attr="evidence_shown"),
            "actions",
            "evidence_requests",
        )
    return items


def reality_counts(item_ids: Iterable[int]) -> dict[int, Counter[str]]:
    """Residents' answers per item: {item_id: Counter({'yes': 3, 'no': 1, ...})} in one query."""
    counts: dict[int, Counter[str]] = {}
    for item_id, answer in RealityCheck.objects.filter(item_id__in=list(item_ids)).values_list(
        "item_id", "answer"
    ):
        counts.setdefault(item_id, Counter())[answer] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Progress: the state of each item, a cycle's progress, a landlord's page, the council dashboard

ITEM_STATES: list[tuple[str, str]] = [
    ("not_started", "Not started"),
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("reviewed", "Reviewed by the council"),
    ("replied", "Landlord replied"),
    ("moderated", "Final result set"),
]
STATE_LABELS = dict(ITEM_STATES)

ITEM_FIELDS = (
    "pk",
    "participation_id",
    "landlord_id",
    "commitment_id",
    "commitment__number",
    "self_rating__label",
    "self_not_applicable",
    "what_we_do",
    "council_rating__label",
    "reviewed_at",
    "reply_position",
    "final_rating__label",
    "final_rating__meets_commitment",
    "final_not_applicable",
    "moderated_at",
    "reopened_for",
)


def item_state_code(
    *, moderated: Any, replied: Any, reviewed: Any, rated: Any, drafted: Any, submitted: bool
) -> str:
    """Where an item is: the last step it has reached (a rating only counts as submitted once
    the landlord has signed off)."""
    if moderated:
        return "moderated"
    if replied:
        return "replied"
    if reviewed:
        return "reviewed"
    if submitted and rated:
        return "submitted"
    if rated or drafted:
        return "draft"
    return "not_started"


def item_state(values: dict[str, Any], submitted: bool) -> tuple[str, str]:
    """(state code, what to show) for an item given as a `values()` row of ITEM_FIELDS."""
    rated = values["self_rating__label"] or (
        "Not applicable" if values["self_not_applicable"] else ""
    )
    code = item_state_code(
        moderated=values["moderated_at"],
        replied=values["reply_position"],
        reviewed=values["reviewed_at"],
        rated=rated,
        drafted=values["what_we_do"],
        submitted=submitted,
    )
    if code == "moderated":
        shown = (
            "Not applicable" if values["final_not_applicable"] else values["final_rating__label"]
        )
        return code, f"Final: {shown}"
    if code == "replied":
        return code, "Agrees" if values["reply_position"] == "agree" else "Disagrees"
    if code == "reviewed":
        return code, f"Council: {values['council_rating__label'] or 'not applicable'}"
    if code == "submitted":
        return code, f"Submitted: {rated}"
    if code == "draft":
        return code, f"Draft: {rated}" if rated else "Draft"
    return code, "Not started"


def stage_moves(cycle: AssessmentCycle) -> QuerySet[Any]:
    return cycle.moves.select_related("moved_by").order_by("-moved_at", "-pk")


def stage_dates(cycle: AssessmentCycle) -> list[dict[str, Any]]:
    rows = {row.stage: row for row in StageDates.objects.filter(cycle=cycle)}
    return [
        {
            "stage": stage,
            "label": label,
            "opens_on": rows[stage].opens_on if stage in rows else None,
            "closes_on": rows[stage].closes_on if stage in rows else None,
            "current": stage == getattr(cycle, "stage", None),
        }
        for stage, label in Stage.choices
    ]


def cycle_progress(cycle: AssessmentCycle) -> list[dict[str, Any]]:
    """Per landlord: how many items are in each state, the reviewer and sign-off (2 queries)."""
    participations = list(
        Participation.objects.filter(cycle=cycle).select_related("landlord", "reviewer")
    )
    submitted = {p.pk: bool(p.submitted_at) for p in participations}
    counts: dict[int, Counter[str]] = {p.pk: Counter() for p in participations}
    for values in AssessmentItem.objects.filter(participation__cycle=cycle).values(*ITEM_FIELDS):
        state, _ = item_state(values, submitted[values["participation_id"]])
        counts[values["participation_id"]][state] += 1
    return [
        {
            "participation": p,
            "landlord": p.landlord,
            "counts": counts[p.pk],
            "total": sum(counts[p.pk].values()),
            "done": counts[p.pk]["moderated"],
        }
        for p in participations
    ]


def participation_page(participation: Participation) -> dict[str, Any]:
    cycle = participation.cycle
    rows = list(
        AssessmentItem.objects.filter(participation=participation)
        .order_by("commitment__number")
        .values(*ITEM_FIELDS, "commitment__title")
    )
    submitted = bool(participation.submitted_at)
    for row in rows:
        row["state"], row["state_label"] = item_state(row, submitted)
    return {
        "cycle": cycle,
        "rows": rows,
        "rated": sum(1 for row in rows if row["state"] != "not_started"),
        "total": len(rows),
    }


# What each stage waits for: the state an item reaches once its part in that stage is done.
STAGE_DONE_AT = {
    Stage.SELF_ASSESSMENT: "submitted",
    Stage.COUNCIL_REVIEW: "reviewed",
    Stage.RIGHT_OF_REPLY: "replied",
    Stage.MODERATION: "moderated",
}
STATE_RANK = {code: rank for rank, (code, _) in enumerate(ITEM_STATES)}
# The dashboard's grid: a short form of each state (the key above the grid gives the words).
STATE_SHORT = {
    "not_started": "–",
    "draft": "D",
    "submitted": "S",
    "reviewed": "R",
    "replied": "Y",  # or N: the landlord agrees or not
    "moderated": "F",
}
DASHBOARD_KEY: list[tuple[str, str]] = [
    ("–", "not started"),
    ("D", "draft"),
    ("S", "submitted by the landlord"),
    ("R", "rated by the council"),
    ("Y", "the landlord agrees with the council"),
    ("N", "the landlord disagrees"),
    ("F", "final result set"),
]
DASHBOARD_PAGE_SIZE = 25
DASHBOARD_FILTER_STATES: list[tuple[str, str]] = [
    ("waiting", "Waiting on this stage"),
    ("overdue", "Overdue"),
    ("review", "Waiting for the council's rating"),
    *ITEM_STATES,
]


# Where an item is, worked out by the database so that the dashboard counts 7,200 items without
# reading them: the same steps, in the same order, as `item_state_code` (a test holds them equal).
ITEM_STATE_SQL = Case(
    When(moderated_at__isnull=False, then=Value("moderated")),
    When(~Q(reply_position=""), then=Value("replied")),
    When(reviewed_at__isnull=False, then=Value("reviewed")),
    When(
        Q(participation__submitted_at__isnull=False)
        & (Q(self_rating__isnull=False) | Q(self_not_applicable=True)),
        then=Value("submitted"),
    ),
    When(
        Q(self_rating__isnull=False) | Q(self_not_applicable=True) | ~Q(what_we_do=""),
        then=Value("draft"),
    ),
    default=Value("not_started"),
    output_field=CharField(),
)


@dataclass
class DashboardFlags:
    """What the dashboard asks of an item, from its state and the stage it may be reopened for."""

    state: str
    waits: bool  # on the cycle's current stage
    overdue: bool  # waits, and the stage's closing date has passed
    for_review: bool  # waits for the council's rating

    @classmethod
    def of(cls, state: str, reopened_for: str, *, stage: str, late: bool) -> DashboardFlags:
        done_at = STAGE_DONE_AT.get(stage)  # type: ignore[call-overload]
        waits = done_at is not None and (
            STATE_RANK[state] < STATE_RANK[done_at] or reopened_for == stage
        )
        for_review = (
            stage == Stage.COUNCIL_REVIEW and STATE_RANK[state] < STATE_RANK["reviewed"]
        ) or reopened_for == Stage.COUNCIL_REVIEW
        return cls(state, waits, waits and late, for_review)

    def matches(self, wanted: str) -> bool:
        if wanted == "waiting":
            return self.waits
        if wanted == "overdue":
            return self.overdue
        if wanted == "review":
            return self.for_review
        return self.state == wanted


@dataclass
class DashboardCell:
    """One landlord's commitment on the dashboard's grid."""

    number: int
    url: str  # of the item's page, relative to the landlord's page
    label: str
    short: str
    flags: DashboardFlags


@dataclass(frozen=True)
class DashboardPerson:
    pk: int
    name: str


@dataclass(frozen=True)
class DashboardLandlord:
    """A landlord taking part, as the dashboard shows it (read as plain values: hundreds of
    rows, where model instances would cost more than the rest of the page)."""

    participation: int
    name: str
    slug: str
    reviewer: DashboardPerson | None
    submitted: bool


@dataclass
class ReviewerCounts:
    reviewer: DashboardPerson | None  # None for landlords nobody reviews yet
    filter: str
    landlords: int = 0
    for_review: int = 0
    overdue: int = 0


def _state_groups(
    items: QuerySet[AssessmentItem], *, stage: str, late: bool
) -> dict[int, list[tuple[DashboardFlags, int]]]:
    """participation -> [(flags, how many items)], counted by the database (one query)."""
    groups: dict[int, list[tuple[DashboardFlags, int]]] = {}
    rows = (
        items.annotate(state=ITEM_STATE_SQL)
        .values_list("participation_id", "state", "reopened_for")
        .annotate(n=Count("pk"))
        .order_by()
    )
    known: dict[tuple[str, str], DashboardFlags] = {}  # a handful of kinds for all the groups
    for participation_id, state, reopened_for, n in rows:
        flags = known.get((state, reopened_for))
        if flags is None:
            flags = known[state, reopened_for] = DashboardFlags.of(
                state, reopened_for, stage=stage, late=late
            )
        groups.setdefault(participation_id, []).append((flags, n))
    return groups


def dashboard(
    cycle: AssessmentCycle,
    *,
    user: Any,
    landlord: str = "",
    commitment: str = "",
    state: str = "",
    reviewer: str = "",
    page: Any = 1,
    now: Any = None,
) -> dict[str, Any]:
    """The council's dashboard: what needs doing first (items in each state, each reviewer's
    counts, what waits on the current stage and what is overdue after its closing date), then
    the landlord × commitment grid, filtered and one page of landlords at a time.

    Every count covers the whole cycle, whatever the filters. An item waits on the stage when it
    has not reached the state the stage leads to (self-assessment: submitted; council review:
    reviewed; right of reply: replied; moderation: final) or is reopened for it; it is overdue
    when it still waits after the stage's closing date. A commitment waits for the council's
    rating while the cycle is in council review and it has none, or when it is reopened for
    council review. The database counts; only the page of landlords shown is read item by item.
    A fixed number of queries for any size: participations, commitments, the counts (and the
    chosen commitment's, when one is chosen), the page's items.
    """
    stage = getattr(cycle, "stage", "")
    closes_on = getattr(cycle, "stage_closes_on", None)
    now = now or timezone.now()
    late = closes_on is not None and now > closing_moment(closes_on) and stage in STAGE_DONE_AT
    people: dict[int, DashboardPerson] = {}
    participations = [
        DashboardLandlord(
            pk,
            name,
            slug,
            people.setdefault(reviewer, DashboardPerson(reviewer, full_name or email))
            if reviewer
            else None,
            submitted_at is not None,
        )
        for pk, name, slug, reviewer, full_name, email, submitted_at in (
            Participation.objects.filter(cycle=cycle)
            .order_by("landlord__name", "pk")
            .values_list(
                "pk",
                "landlord__name",
                "landlord__slug",
                "reviewer_id",
                "reviewer__full_name",
                "reviewer__email",
                "submitted_at",
            )
        )
    ]
    commitments = list(cycle.charter.commitments.order_by("number"))
    assessed = [c for c in commitments if c.commits_landlords]
    items = AssessmentItem.objects.filter(
        participation__cycle=cycle, commitment__commits_landlords=True
    )
    groups = _state_groups(items, stage=stage, late=late)

    # What needs doing: counts over the whole cycle.
    totals: Counter[str] = Counter()
    waiting = overdue = waiting_landlords = overdue_landlords = 0
    reviewer_counts: dict[int, ReviewerCounts] = {}
    for p in participations:
        key = p.reviewer.pk if p.reviewer else 0
        counts = reviewer_counts.get(key)
        if counts is None:
            counts = reviewer_counts[key] = ReviewerCounts(p.reviewer, str(key or "none"))
        counts.landlords += 1
        own = groups.get(p.participation, [])
        row_waiting = sum(n for flags, n in own if flags.waits)
        row_overdue = sum(n for flags, n in own if flags.overdue)
        for flags, n in own:
            totals[flags.state] += n
        waiting += row_waiting
        overdue += row_overdue
        waiting_landlords += bool(row_waiting)
        overdue_landlords += bool(row_overdue)
        counts.for_review += sum(n for flags, n in own if flags.for_review)
        counts.overdue += row_overdue
    reviewers = sorted(
        (counts for key, counts in reviewer_counts.items() if key),
        key=lambda counts: counts.reviewer.name if counts.reviewer else "",
    )
    if 0 in reviewer_counts:
        reviewers.append(reviewer_counts[0])

    # The grid: landlords narrowed by the filters, one page at a time.
    shown = participations
    landlord = landlord.strip()
    if landlord:
        shown = [p for p in shown if landlord.casefold() in p.name.casefold() or p.slug == landlord]
    if reviewer == "none":
        shown = [p for p in shown if p.reviewer is None]
    elif reviewer == "me" or reviewer.isdigit():
        wanted = user.pk if reviewer == "me" else int(reviewer)
        shown = [p for p in shown if p.reviewer and p.reviewer.pk == wanted]
    numbers = {c.number for c in assessed}
    chosen = int(commitment) if commitment.isdigit() and int(commitment) in numbers else None
    if state in {code for code, _ in DASHBOARD_FILTER_STATES}:
        looked_at = groups
        if chosen is not None:
            looked_at = _state_groups(
                items.filter(commitment__number=chosen), stage=stage, late=late
            )
        shown = [
            p
            for p in shown
            if any(flags.matches(state) for flags, _ in looked_at.get(p.participation, []))
        ]
    paged = Paginator(shown, DASHBOARD_PAGE_SIZE).get_page(page)
    on_page = {p.participation: p for p in paged.object_list}
    cells: dict[int, dict[int, DashboardCell]] = {pk: {} for pk in on_page}
    for values in items.filter(participation_id__in=list(on_page)).values(*ITEM_FIELDS):
        owner = on_page[values["participation_id"]]
        code, label = item_state(values, owner.submitted)
        short = STATE_SHORT[code]
        if code == "replied":
            short = "Y" if values["reply_position"] == "agree" else "N"
        number = values["commitment__number"]
        cells[owner.participation][number] = DashboardCell(
            number,
            f"{number}/",
            label,
            short,
            DashboardFlags.of(code, values["reopened_for"], stage=stage, late=late),
        )
    grid = [
        {"landlord": p, "cells": [cells[p.participation].get(c.number) for c in assessed]}
        for p in paged.object_list
    ]
    return {
        "stage": stage,
        "closes_on": closes_on,
        "late": late,
        "stage_waits": stage in STAGE_DONE_AT,
        "commitments": assessed,
        "council_only": [c for c in commitments if not c.commits_landlords],
        "taking_part": len(participations),
        "grid": grid,
        "page": paged,
        "matching": len(shown),
        "states": DASHBOARD_FILTER_STATES,
        "key": DASHBOARD_KEY,
        "totals": [(code, label, totals[code]) for code, label in ITEM_STATES],
        "items": sum(totals.values()),
        "waiting": waiting,
        "waiting_landlords": waiting_landlords,
        "overdue": overdue,
        "overdue_landlords": overdue_landlords,
        "mine": reviewer_counts.get(user.pk),
        "reviewers": [counts.reviewer for counts in reviewers if counts.reviewer],
        "reviewer_counts": reviewers if is_council_admin(user) else [],
        "filters": {
            "landlord": landlord,
            "commitment": str(chosen or ""),
            "state": state,
            "reviewer": reviewer,
        },
    }


# ---------------------------------------------------------------------------------------------
# One item: what its page shows, and its timeline

PRIVATE_FIELDS = {"council_private_notes"}
TIMELINE_HIDDEN = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "participation",
    "landlord",
    "commitment",
    "item",
    "file",
    "size",
    "content_type",
}


def item_detail(item: AssessmentItem, *, private: bool, user: Any = None) -> dict[str, Any]:
    """Everything the item page shows beyond the item itself, in a fixed number of queries."""
    evidence = list(
        evidence_visible(True).filter(item=item).select_related("added_by").order_by("created_at")
    )
    return {
        "criteria": list(item.criteria.select_related("criterion", "rating")),
        "evidence": [e for e in evidence if not e.for_reply],
        "reply_evidence": [e for e in evidence if e.for_reply],
        "actions": list(item.actions.all()),
        "requests": list(item.evidence_requests.select_related("requested_by")),
        "reality": reality_summary([item.pk], user=user)[item.pk],
        "private": private,
        # The panel's deliberation is for the council (the moderator sets the final rating).
        "panel": panel_opinions(item) if private else None,
    }


def _label(model: Any, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name).capitalize()
    except Exception:  # a field the model no longer has
        return field.replace("_", " ").capitalize()


def item_timeline(item: AssessmentItem, *, private: bool) -> list[dict[str, Any]]:
    """Who changed what, when, on this item: its own fields, its evidence, actions, evidence
    requests and criteria, the landlord's sign-off and reviewer from the participation's history,
    the cycle's stage moves and (for the council) the moderation panel's views, newest first.
    A fixed number of queries."""
    from residentvoice.accounts.models import User

    from .models import CriterionRating, EvidenceRequest, ImprovementAction, StageMove

    ratings = dict(RatingOption.objects.values_list("pk", "label"))
    people: dict[int, str] = {}

    def shown(field: str, value: Any) -> str:
        if value in (None, ""):
            return "(empty)"
        if field.endswith("rating"):
            return ratings.get(value, str(value))
        if field.endswith("_by"):
            return people.get(value, "someone")
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    sources: list[tuple[str, Any, Any]] = [
        ("Commitment", AssessmentItem, item.history.all()),
        ("Evidence", Evidence, Evidence.history.filter(item_id=item.pk)),
        (
            "Improvement action",
            ImprovementAction,
            ImprovementAction.history.filter(item_id=item.pk),
        ),
        ("Evidence request", EvidenceRequest, EvidenceRequest.history.filter(item_id=item.pk)),
        ("Criterion", CriterionRating, CriterionRating.history.filter(item_id=item.pk)),
    ]
    records: list[tuple[str, Any, Any]] = []
    user_ids: set[int] = set()
    for kind, model, history in sources:
        for record in history.order_by("history_date", "history_id"):
            records.append((kind, model, record))
            if record.history_user_id:
                user_ids.add(record.history_user_id)
    participation_records = list(
        Participation.history.filter(id=item.participation_id).order_by(
            "history_date", "history_id"
        )
    )
    for record in participation_records:
        user_ids.update(
            pk for pk in (record.history_user_id, record.reviewer_id, record.signed_off_by_id) if pk
        )
    people.update({u.pk: u.full_name or u.email for u in User.objects.filter(pk__in=user_ids)})
    events: list[dict[str, Any]] = []
    previous: dict[tuple[str, int], Any] = {}
    for kind, model, record in records:
        key = (kind, record.id)
        before = previous.get(key)
        previous[key] = record
        changes = []
        if before is None:
            title = getattr(record, "title", "") or getattr(record, "description", "")
            what = f"{kind} added" + (f": {title}" if title else "")
            if kind in ("Commitment", "Criterion"):
                what = f"{kind} set up for the cycle"
        else:
            delta = record.diff_against(before)
            for change in delta.changes:
                if change.field in TIMELINE_HIDDEN or (
                    change.field in PRIVATE_FIELDS and not private
                ):
                    continue
                changes.append(
                    {
                        "field": _label(model, change.field),
                        "old": shown(change.field, change.old),
                        "new": shown(change.field, change.new),
                    }
                )
            if not changes:
                continue
            what = f"{kind} changed"
        events.append(
            {
                "when": record.history_date,
                "who": people.get(record.history_user_id, "The system"),
                "what": what,
                "changes": changes,
            }
        )
    events += _participation_events(participation_records, people)
    if private:
        events += _panel_events(item)
    for move in StageMove.objects.filter(cycle_id=item.participation.cycle_id).select_related(
        "moved_by"
    ):
        events.append(
            {
                "when": move.moved_at,
                "who": (move.moved_by.full_name or move.moved_by.email)
                if move.moved_by
                else "The system",
                "what": f"The cycle moved to “{move.get_stage_display()}”",
                "changes": [{"field": "Note", "old": "", "new": move.note}] if move.note else [],
            }
        )
    events.sort(key=lambda event: event["when"], reverse=True)
    return events


def _participation_events(records: list[Any], people: dict[int, str]) -> list[dict[str, Any]]:
    """The landlord's sign-off and the council's choice of reviewer, which apply to every item of
    the landlord, from the participation's history."""
    events: list[dict[str, Any]] = []
    before = None
    for record in records:
        who = people.get(record.history_user_id, "The system")
        was_reviewer = before.reviewer_id if before else None
        if record.reviewer_id != was_reviewer and (before or record.reviewer_id):
            if record.reviewer_id:
                what = f"{people.get(record.reviewer_id, 'A council officer')} assigned to review"
                if was_reviewer:
                    what += f" (instead of {people.get(was_reviewer, 'someone')})"
            else:
                what = f"{people.get(was_reviewer or 0, 'The reviewer')} no longer reviews"
            events.append({"when": record.history_date, "who": who, "what": what, "changes": []})
        if record.submitted_at and not (before and before.submitted_at):
            signed = people.get(record.signed_off_by_id, "a landlord admin")
            events.append(
                {
                    "when": record.submitted_at,
                    "who": signed,
                    "what": f"The self-assessment was signed off by {signed} and submitted "
                    "to the council",
                    "changes": [],
                }
            )
        before = record
    return events


def _panel_events(item: AssessmentItem) -> list[dict[str, Any]]:
    events = []
    for view in (
        ModerationPanelView.objects.filter(item=item)
        .select_related("member__person", "rating")
        .order_by("given_at", "pk")
    ):
        person = view.member.person
        events.append(
            {
                "when": view.given_at,
                "who": (person.full_name or person.email) if person else "A former panel member",
                "what": f"Panel view given: {_shown_rating(view)}",
                "changes": [{"field": "Why", "old": "", "new": view.comment}],
            }
        )
    return events


# ---------------------------------------------------------------------------------------------
# Reality checks
# Residents' answers and comments are never shown with the resident's name: what matters is what
# was said, and leaving names out lets residents speak freely. Comments reach people outside the
# council only once approved.


def reality_claims(participation: Participation, resident: Any) -> list[AssessmentItem]:
    """The landlord's claims a resident can check: items where it says what it does, with their
    public evidence (`public_evidence`) and this resident's own answer (`my_check`), 3 queries."""
    items: list[AssessmentItem] = list(
        AssessmentItem.objects.filter(participation=participation, self_not_applicable=False)
        .exclude(what_we_do="")
        .select_related("commitment")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=evidence_visible(False).filter(for_reply=False).order_by("created_at"),
                to_attr="public_evidence",
            ),
            Prefetch(
                "reality_checks",
                queryset=RealityCheck.objects.filter(resident=resident),
                to_attr="my_checks",
            ),
        )
        .order_by("commitment__number")
    )
    for item in items:
        item.my_check = item.my_checks[0] if item.my_checks else None  # type: ignore[attr-defined]
    return items


@dataclass
class RealityComment:
    """A comment as shown to staff: what was said, never who said it."""

    pk: int
    answer: str
    answer_label: str
    text: str
    status: str
    status_label: str
    given_at: Any


@dataclass
class RealitySummary:
    """Residents' view of one item: answers counted, comments the asker may read, sessions."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RealityAnswer.values, 0))
    comments: list[RealityComment] = field(default_factory=list)
    pending: int = 0  # comments waiting for moderation (counted for council staff only)
    sessions: list[RealityCheckSession] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(answer label, count) in the order the question offers them."""
        return [(str(label), self.counts[value]) for value, label in RealityAnswer.choices]

    @property
    def residents_in_sessions(self) -> int:
        return sum(session.residents_count for session in self.sessions)


def reality_summary(item_ids: Iterable[int], *, user: Any = None) -> dict[int, RealitySummary]:
    """Residents' answers, comments and offline sessions per item, in 4 queries however many items.

    Council staff get every comment with its moderation status; anyone else (the landlord's
    staff, reviewers outside the council) only approved comments, and no count of waiting ones.
    A session counts for an item when it covered the item's commitment, or named no commitment.
    """
    from residentvoice.accounts.rules import is_council_staff

    ids = list(item_ids)
    council = bool(user is not None and is_council_staff(user))
    summaries = {item_id: RealitySummary() for item_id in ids}
    checks = RealityCheck.objects.filter(item_id__in=ids).order_by("created_at", "pk")
    for check in checks.only(
        "pk", "item_id", "answer", "comment", "comment_status", "created_at"
    ).iterator():
        summary = summaries[check.item_id]
        summary.counts[check.answer] = summary.counts.get(check.answer, 0) + 1
        if not check.comment:
            continue
        if check.comment_status == CommentStatus.PENDING and council:
            summary.pending += 1
        if council or check.comment_status == CommentStatus.APPROVED:
            summary.comments.append(
                RealityComment(
                    pk=check.pk,
                    answer=check.answer,
                    answer_label=check.get_answer_display(),
                    text=check.comment,
                    status=check.comment_status,
                    status_label=check.get_comment_status_display(),
                    given_at=check.created_at,
                )
            )
    where = {
        pk: (participation_id, commitment_id)
        for pk, participation_id, commitment_id in AssessmentItem.objects.filter(
            pk__in=ids
        ).values_list("pk", "participation_id", "commitment_id")
    }
    sessions = RealityCheckSession.objects.filter(
        participation_id__in={participation for participation, _ in where.values()}
    ).prefetch_related("commitments")
    for session in sessions:
        covered = {commitment.pk for commitment in session.commitments.all()}
        for item_id, (participation_id, commitment_id) in where.items():
            if session.participation_id == participation_id and (
                not covered or commitment_id in covered
            ):
                summaries[item_id].sessions.append(session)
    return summaries


def reality_comments(
    cycle: AssessmentCycle, *, status: str = CommentStatus.PENDING
) -> tuple[list[RealityCheck], dict[str, int]]:
    """A cycle's residents' comments with one moderation status, oldest first, and how many
    comments have each status (2 queries). For the council: the resident is not loaded."""
    comments = (
        RealityCheck.objects.filter(item__participation__cycle=cycle, comment_status=status)
        .exclude(comment="")
        .select_related("item__landlord", "item__commitment", "moderated_by")
        .defer("resident")
        .order_by("created_at", "pk")
    )
    counts = dict.fromkeys(CommentStatus.values, 0)
    for row in (
        RealityCheck.objects.filter(item__participation__cycle=cycle)
        .exclude(comment="")
        .values("comment_status")
        .annotate(n=Count("pk"))
    ):
        counts[row["comment_status"]] = row["n"]
    return list(comments), counts


@dataclass
class RealityOverviewRow:
    participation: Participation
    claims: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RealityAnswer.values, 0))
    pending: int = 0
    sessions: int = 0
    session_residents: int = 0

    @property
    def answers(self) -> int:
        return sum(self.counts.values())


def reality_overview(cycle: AssessmentCycle) -> list[RealityOverviewRow]:
    """Per landlord in a cycle: claims open to check, answers by kind, comments waiting and
    offline sessions, in 4 queries however many landlords."""
    rows = {
        participation.pk: RealityOverviewRow(participation=participation)
        for participation in Participation.objects.filter(cycle=cycle).select_related("landlord")
    }
    for participation_id, claims in (
        AssessmentItem.objects.filter(participation__cycle=cycle, self_not_applicable=False)
        .exclude(what_we_do="")
        .values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
    ):
        rows[participation_id].claims = claims
    waiting = Q(comment_status=CommentStatus.PENDING) & ~Q(comment="")
    for participation_id, answer, answers, pending in (
        RealityCheck.objects.filter(item__participation__cycle=cycle)
        .values("item__participation_id", "answer")
        .annotate(n=Count("pk"), pending=Count("pk", filter=waiting))
        .values_list("item__participation_id", "answer", "n", "pending")
    ):
        rows[participation_id].counts[answer] = answers
        rows[participation_id].pending += pending
    for participation_id, sessions, residents in (
        RealityCheckSession.objects.filter(participation__cycle=cycle)
        .values("participation_id")
        .annotate(n=Count("pk"), residents=Sum("residents_count"))
        .values_list("participation_id", "n", "residents")
    ):
        rows[participation_id].sessions = sessions
        rows[participation_id].session_residents = residents or 0
    return list(rows.values())


def reality_sessions(cycle: AssessmentCycle) -> list[RealityCheckSession]:
    """A cycle's offline sessions, newest first, with their landlord and commitments (2 queries)."""
    return list(
        RealityCheckSession.objects.filter(participation__cycle=cycle)
        .select_related("participation__landlord", "recorded_by")
        .prefetch_related("commitments")
        .order_by("-held_on", "participation__landlord__name", "pk")
    )


def reality_checks_of(resident: Any) -> list[dict[str, Any]]:
    """Everything one resident said in reality checks, for their own download (participation's
    "your contributions"): one query, plain data."""
    return [
        {
            "year": check.item.participation.cycle.reporting_year,
            "landlord": check.item.landlord.name,
            "commitment": f"{check.item.commitment.number}. {check.item.commitment.title}",
            "answer": check.get_answer_display(),
            "comment": check.comment,
            "comment_status": check.get_comment_status_display() if check.comment else "",
            "given": check.created_at,
            "changed": check.updated_at,
        }
        for check in RealityCheck.objects.filter(resident=resident)
        .select_related("item__participation__cycle", "item__landlord", "item__commitment")
        .order_by("created_at", "pk")
    ]


# ---------------------------------------------------------------------------------------------
# The moderation panel
# What panel members read is what a resident of another landlord may see: the claims, the
# council's public feedback, the reply, public evidence, counts of residents' answers and
# approved comments. Never the council's private notes, private evidence or who answered.


def panel_members(cycle: AssessmentCycle) -> list[ModerationPanelMember]:
    """Everyone ever named to a cycle's panel, current members first, with their role (1 query)."""
    return sorted(
        cycle.panel_members.select_related(
            "person__membership__landlord", "added_by", "removed_by"
        ),
        key=lambda member: (member.removed_at is not None, member.created_at, member.pk),
    )


@dataclass
class PanelOpinion:
    """One member's views of one item: the latest counts, the earlier ones are kept."""

    member: ModerationPanelMember
    latest: ModerationPanelView
    earlier: list[ModerationPanelView] = field(default_factory=list)


def _shown_rating(view: ModerationPanelView) -> str:
    return "Not applicable" if view.not_applicable else str(getattr(view.rating, "label", ""))


def panel_opinions(item: AssessmentItem) -> dict[str, Any]:
    """The panel's views of one item for the moderator: each member's latest view with their
    earlier ones, and the latest views counted by rating (1 query)."""
    by_member: dict[int, PanelOpinion] = {}
    for view in (
        ModerationPanelView.objects.filter(item=item)
        .select_related("member__person__membership", "rating")
        .order_by("given_at", "pk")
    ):
        opinion = by_member.get(view.member_id)
        if opinion is None:
            by_member[view.member_id] = PanelOpinion(member=view.member, latest=view)
        else:
            opinion.earlier.insert(0, opinion.latest)
            opinion.latest = view
    opinions = sorted(by_member.values(), key=lambda o: o.latest.given_at, reverse=True)
    counted = Counter(_shown_rating(o.latest) for o in opinions)
    return {"opinions": opinions, "counts": sorted(counted.items())}


def panel_papers(cycle: AssessmentCycle, *, user: Any) -> list[dict[str, Any]]:
    """The commitments a panel member may read, landlord by landlord (never their own landlord's,
    for a resident), with their own latest view of each. 3 queries."""
    from residentvoice.accounts.models import Role
    from residentvoice.accounts.selectors import membership_of

    membership = membership_of(user)
    participations = Participation.objects.filter(cycle=cycle).select_related("landlord")
    if membership is not None and membership.role == Role.RESIDENT and membership.landlord_id:
        participations = participations.exclude(landlord_id=membership.landlord_id)
    landlords = list(participations)
    rows: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in landlords}
    mine: dict[int, ModerationPanelView] = {}
    for view in (
        ModerationPanelView.objects.filter(
            item__participation__cycle=cycle, member__person_id=user.pk
        )
        .select_related("rating")
        .order_by("given_at", "pk")
    ):
        mine[view.item_id] = view
    for row in (
        AssessmentItem.objects.filter(participation_id__in=list(rows))
        .order_by("commitment__number")
        .values("pk", "participation_id", "commitment__number", "commitment__title")
    ):
        given = mine.get(row["pk"])
        shown: dict[str, Any] = {**row, "my_view": _shown_rating(given) if given else ""}
        rows[row["participation_id"]].append(shown)
    return [
        {
            "participation": participation,
            "items": rows[participation.pk],
            "reviewed_by_me": participation.reviewer_id == user.pk,
            "given": sum(1 for row in rows[participation.pk] if row["my_view"]),
        }
        for participation in landlords
    ]


def panel_item(item: AssessmentItem, *, user: Any) -> dict[str, Any]:
    """What a panel member reads about one item (public evidence only, approved comments only)
    and their own views of it, newest first. A fixed number of queries."""
    evidence = list(evidence_visible(False).filter(item=item).order_by("created_at", "pk"))
    return {
        "criteria": list(item.criteria.select_related("criterion", "rating")),
        "evidence": [e for e in evidence if not e.for_reply],
        "reply_evidence": [e for e in evidence if e.for_reply],
        "reality": reality_summary([item.pk], user=None)[item.pk],
        "my_views": list(
            ModerationPanelView.objects.filter(item=item, member__person_id=user.pk)
            .select_related("rating")
            .order_by("-given_at", "-pk")
        ),
    }
