"""Reads for the best-practice library, already narrowed to what the asker may see, each in a
fixed number of queries however many practices, landlords or commitments there are.

`practice_list(public_only=True)` and `practice_coverage(public_only=True)` give only what the
council has approved (and, for ratings, only published cycles): the public library uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES
from residentvoice.accounts.selectors import membership_of
from residentvoice.charter.models import Charter, Commitment
from residentvoice.organisations.models import Landlord

from .models import Practice


def practices_visible_to(user: Any = None, *, public_only: bool = False) -> QuerySet[Practice]:
    """Council staff see every practice; landlord staff the approved ones, their landlord's own and
    those naming their landlord; everyone else (and `public_only`) the approved ones only."""
    practices = Practice.objects.all()
    membership = membership_of(user)
    if public_only or membership is None:
        return practices.filter(is_public=True)
    if membership.role in COUNCIL_ROLES:
        return practices
    if membership.role in LANDLORD_STAFF_ROLES:
        mine = Q(recorded_by_landlord_id=membership.landlord_id) | Q(
            landlords__pk=membership.landlord_id
        )
        return practices.filter(Q(is_public=True) | Q(pk__in=Practice.objects.filter(mine)))
    return practices.filter(is_public=True)


def _with_links(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    return practices.select_related(
        "recorded_by_landlord", "recorded_by", "approved_by"
    ).prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("number", "pk")),
        Prefetch("landlords", queryset=Landlord.objects.order_by("name")),
    )


def practice_list(
    *,
    user: Any = None,
    public_only: bool = False,
    commitment_number: int | None = None,
    landlord_slug: str = "",
) -> list[Practice]:
    """Practices the asker may see, optionally only those meeting a commitment (by its number)
    or done by a landlord (by its address name), with their commitments and landlords (3 queries).
    """
    practices = practices_visible_to(user, public_only=public_only)
    if commitment_number is not None:
        practices = practices.filter(
            pk__in=Practice.objects.filter(commitments__number=commitment_number)
        )
    if landlord_slug:
        practices = practices.filter(pk__in=Practice.objects.filter(landlords__slug=landlord_slug))
    return list(_with_links(practices).order_by("title", "pk"))


def practice_get(pk: int, *, user: Any = None) -> Practice | None:
    """One practice with its links, or None when it does not exist or the asker may not see it."""
    return _with_links(practices_visible_to(user).filter(pk=pk)).first()


def practice_filter_choices(charter: Charter | None) -> tuple[list[Commitment], list[Landlord]]:
    """What the list can be filtered by: the charter's commitments and the landlords (2 queries)."""
    commitments = list(charter.commitments.order_by("number")) if charter else []
    return commitments, list(Landlord.objects.order_by("name"))


# ---------------------------------------------------------------------------------------------
# Coverage


@dataclass
class PracticeRow:
    practice: Practice
    does: list[bool]  # one per landlord, in the matrix's landlord order


@dataclass
class CoverageCell:
    """One landlord × one commitment."""

    landlord: Landlord
    practices: list[Practice] = field(default_factory=list)
    rating: str = ""  # the moderated rating's label, when there is one
    below_met: bool = False
    elsewhere: list[Practice] = field(default_factory=list)  # other landlords' practices

    @property
    def could_learn(self) -> bool:
        """Rated below "met", and another landlord has a practice for this commitment."""
        return self.below_met and bool(self.elsewhere)


@dataclass
class CommitmentRow:
    commitment: Commitment
    cells: list[CoverageCell]

    @property
    def landlords_with_practice(self) -> int:
        return sum(1 for cell in self.cells if cell.practices)


@dataclass
class Coverage:
    landlords: list[Landlord]
    practice_rows: list[PracticeRow]
    commitment_rows: list[CommitmentRow]
    charter: Charter | None
    cycle: Any = None  # the moderated cycle the ratings come from, if any

    @property
    def landlord_rows(self) -> list[tuple[Landlord, list[tuple[Commitment, CoverageCell]]]]:
        """The commitments table turned for display: one row per landlord."""
        return [
            (landlord, [(row.commitment, row.cells[index]) for row in self.commitment_rows])
            for index, landlord in enumerate(self.landlords)
        ]

    @property
    def opportunities(self) -> list[tuple[CommitmentRow, CoverageCell]]:
        """Where a landlord was rated below "met" and another landlord has a practice."""
        return [
            (row, cell) for row in self.commitment_rows for cell in row.cells if cell.could_learn
        ]


def _latest_moderated_cycle(*, published_only: bool) -> Any:
    """The newest cycle whose results are agreed: published, or (for the council) also ready to
    publish. Earlier stages have no settled ratings to compare."""
    from residentvoice.assessment.models import Stage
    from residentvoice.assessment.selectors import cycle_list

    settled = {Stage.PUBLISHED} if published_only else {Stage.READY_TO_PUBLISH, Stage.PUBLISHED}
    for cycle in cycle_list():  # newest first
        if cycle.stage in settled:  # type: ignore[attr-defined]
            return cycle
    return None


def _moderated_ratings(cycle: Any) -> dict[tuple[int, int], tuple[str, bool]]:
    """(landlord id, commitment number) → (rating label, meets the commitment) in one query.
    Commitments are matched by number, so a cycle assessed against an earlier version of the
    charter still lines up with the current one."""
    from residentvoice.assessment.models import AssessmentItem

    if cycle is None:
        return {}
    rows = AssessmentItem.objects.filter(
        participation__cycle=cycle, final_rating__isnull=False, moderated_at__isnull=False
    ).values_list(
        "landlord_id", "commitment__number", "final_rating__label", "final_rating__meets_commitment"
    )
    return {(landlord, number): (label, meets) for landlord, number, label, meets in rows}


def practice_coverage(*, user: Any = None, public_only: bool = False) -> Coverage:
    """Who does what: practices × landlords, and the current charter's commitments × landlords
    with each landlord's practices, its latest moderated rating, and other landlords' practices
    where its rating is below "met". A fixed number of queries (about ten)."""
    from residentvoice.charter.selectors import charter_current

    charter = charter_current()
    landlords = list(Landlord.objects.order_by("name"))
    practices = list(_with_links(practices_visible_to(user, public_only=public_only)))
    commitments = (
        list(charter.commitments.filter(commits_landlords=True).order_by("number"))
        if charter
        else []
    )
    membership = membership_of(user)
    for_council = membership is not None and membership.role in COUNCIL_ROLES
    cycle = _latest_moderated_cycle(published_only=public_only or not for_council)
    ratings = _moderated_ratings(cycle)

    by_pair: dict[tuple[int, int], list[Practice]] = {}
    by_number: dict[int, list[Practice]] = {}
    for practice in practices:
        numbers = {c.number for c in practice.commitments.all()}
        for number in numbers:
            by_number.setdefault(number, []).append(practice)
            for landlord in practice.landlords.all():
                by_pair.setdefault((landlord.pk, number), []).append(practice)

    practice_rows = [
        PracticeRow(
            practice=practice,
            does=[
                any(done.pk == landlord.pk for done in practice.landlords.all())
                for landlord in landlords
            ],
        )
        for practice in practices
    ]
    commitment_rows = []
    for commitment in commitments:
        cells = []
        for landlord in landlords:
            label, meets = ratings.get((landlord.pk, commitment.number), ("", True))
            own = by_pair.get((landlord.pk, commitment.number), [])
            elsewhere = [p for p in by_number.get(commitment.number, []) if p not in own]
            cells.append(
                CoverageCell(
                    landlord=landlord,
                    practices=own,
                    rating=label,
                    below_met=bool(label) and not meets,
                    elsewhere=elsewhere,
                )
            )
        commitment_rows.append(CommitmentRow(commitment=commitment, cells=cells))
    return Coverage(
        landlords=landlords,
        practice_rows=practice_rows,
        commitment_rows=commitment_rows,
        charter=charter,
        cycle=cycle,
    )
