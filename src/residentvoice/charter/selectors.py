"""Reads about the charter, shaped for pages, each in a fixed number of queries however large."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Max, Min, Prefetch, Q

from residentvoice.organisations.models import CharterStatus, Landlord

from .models import (
    Charter,
    Commitment,
    Criterion,
    RatingOption,
    RatingScale,
    StandardFramework,
    StandardItem,
)

SIGNED_STATUSES = (CharterStatus.FOUNDING_SIGNATORY, CharterStatus.SIGNED)


def charter_current() -> Charter | None:
    """The charter the site shows: the newest version of the charter loaded most recently.

    A council's own charter always wins over the shipped default text, however the two were
    loaded; the default is shown only until the council loads its own. Among several of the
    council's own charters, the one whose first row was created last counts, and within it the
    highest version (so loading an old version again later does not bring it back).
    """
    chosen = Charter.objects.order_by("is_default_text", "-created_at", "-pk").first()
    if chosen is None:
        return None
    return Charter.objects.filter(slug=chosen.slug).order_by("-version").first()


@dataclass
class CharterOverview:
    charter: Charter
    scale: RatingScale | None
    options: list[RatingOption]
    commitments: Sequence[Commitment]
    signatories: list[Landlord]
    council_commitments: int = 0
    landlord_commitments: int = 0


def charter_overview(charter: Charter) -> CharterOverview:
    """The charter page's content in four queries: scale, options, commitments, signatories."""
    scale = (
        RatingScale.objects.filter(charter=charter)
        .prefetch_related(Prefetch("options", queryset=RatingOption.objects.order_by("order")))
        .first()
    )
    commitments = list(
        charter.commitments.annotate(standard_count=Count("standards")).order_by("number")
    )
    signatories = list(
        Landlord.objects.filter(charter_status__in=SIGNED_STATUSES)
        .only("name", "slug", "charter_status")
        .order_by("name")
    )
    return CharterOverview(
        charter=charter,
        scale=scale,
        options=list(scale.options.all()) if scale else [],
        commitments=commitments,
        signatories=signatories,
        council_commitments=sum(1 for c in commitments if c.commits_council),
        landlord_commitments=sum(1 for c in commitments if c.commits_landlords),
    )


@dataclass
class StandardGroup:
    """The standards one commitment maps to within one framework."""

    framework: StandardFramework
    items: list[StandardItem] = field(default_factory=list)


@dataclass
class CommitmentDetail:
    commitment: Commitment
    criteria: list[Criterion]
    standard_groups: list[StandardGroup]
    previous_number: int | None
    next_number: int | None
    total: int


def commitment_detail(charter: Charter, number: int) -> CommitmentDetail:
    """One commitment with its criteria and standards, in four queries.

    Raises Commitment.DoesNotExist when the charter has no commitment with that number.
    """
    commitment = Commitment.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("number")),
        Prefetch(
            "standards",
            queryset=StandardItem.objects.select_related("framework").order_by(
                "framework__order", "framework__name", "order", "code"
            ),
        ),
    ).get(charter=charter, number=number)
    neighbours = charter.commitments.aggregate(
        previous=Max("number", filter=Q(number__lt=number)),
        next=Min("number", filter=Q(number__gt=number)),
        total=Count("pk"),
    )
    groups = [
        StandardGroup(framework, list(items))
        for framework, items in groupby(commitment.standards.all(), key=lambda item: item.framework)
    ]
    return CommitmentDetail(
        commitment=commitment,
        criteria=list(commitment.criteria.all()),
        standard_groups=groups,
        previous_number=neighbours["previous"],
        next_number=neighbours["next"],
        total=neighbours["total"],
    )


def standards_overview(charter: Charter | None) -> list[StandardFramework]:
    """Every framework with its items and, on each item, `charter_commitments`: the commitments of
    `charter` mapped to it (empty without a charter). Three queries."""
    mapped = Commitment.objects.filter(charter=charter).order_by("number")
    items = StandardItem.objects.order_by("order", "code").prefetch_related(
        Prefetch(
            "commitments",
            queryset=mapped if charter is not None else Commitment.objects.none(),
            to_attr="charter_commitments",
        )
    )
    return list(
        StandardFramework.objects.order_by("order", "name").prefetch_related(
            Prefetch("items", queryset=items)
        )
    )
