"""Reads about the council and its landlords, for pages, with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import CharterStatus, Council, Landlord, StockArea, StockFigure, Tenure


def council_current() -> Council | None:
    return Council.objects.order_by("pk").first()


LANDLORD_SORTS = {
    "name": ("name",),
    "homes": ("borough_homes", "name"),
    "social_rent": ("borough_social_rent", "name"),
    "status": ("charter_status_rank", "name"),
}


def _with_borough_stock(queryset: QuerySet[Landlord]) -> QuerySet[Landlord]:
    borough = Q(stock_figures__area=StockArea.BOROUGH)
    return queryset.annotate(
        borough_homes=Coalesce(Sum("stock_figures__homes", filter=borough), 0),
        borough_social_rent=Coalesce(
            Sum(
                "stock_figures__homes",
                filter=borough & Q(stock_figures__tenure=Tenure.SOCIAL_RENT),
            ),
            0,
        ),
    )


def landlord_list(*, sort: str = "name", descending: bool = False) -> QuerySet[Landlord]:
    """The borough's landlords with their stock in the borough, in the order asked for."""
    status_rank = Case(
        *[
            When(charter_status=status, then=Value(rank))
            for rank, status in enumerate(CharterStatus.values)
        ],
        output_field=IntegerField(),
    )
    queryset = _with_borough_stock(Landlord.objects.all()).annotate(charter_status_rank=status_rank)
    keys = LANDLORD_SORTS.get(sort, LANDLORD_SORTS["name"])
    ordering = [f"-{key}" if descending else key for key in keys[:1]] + list(keys[1:])
    return queryset.order_by(*ordering)


@dataclass
class StockTable:
    """A landlord's stock as rows of tenure with borough and total columns."""

    rows: list[tuple[str, StockFigure | None, StockFigure | None]] = field(default_factory=list)
    borough_total: int = 0
    total: int = 0


def landlord_stock_table(landlord: Landlord) -> StockTable:
    figures = {(f.area, f.tenure): f for f in landlord.stock_figures.all()}
    table = StockTable()
    for tenure in Tenure:
        borough = figures.get((StockArea.BOROUGH, tenure))
        total = figures.get((StockArea.TOTAL, tenure))
        if borough or total:
            table.rows.append((tenure.label, borough, total))
            table.borough_total += borough.homes if borough else 0
            table.total += total.homes if total else 0
    return table


def landlord_detail(*, slug: str) -> Landlord:
    """One landlord with its stock figures in two queries. Raises Landlord.DoesNotExist."""
    return Landlord.objects.prefetch_related(
        Prefetch("stock_figures", queryset=StockFigure.objects.order_by("area", "tenure"))
    ).get(slug=slug)


@dataclass(frozen=True)
class BoroughTotals:
    landlords: int
    signatories: int
    borough_homes: int
    social_rent_homes: int


def borough_totals() -> BoroughTotals:
    """Headline figures for the borough, in two queries."""
    landlords = Landlord.objects.aggregate(
        landlords=Count("pk"),
        signatories=Count(
            "pk",
            filter=Q(charter_status__in=[CharterStatus.FOUNDING_SIGNATORY, CharterStatus.SIGNED]),
        ),
    )
    homes = StockFigure.objects.filter(area=StockArea.BOROUGH).aggregate(
        all=Coalesce(Sum("homes"), 0),
        social_rent=Coalesce(Sum("homes", filter=Q(tenure=Tenure.SOCIAL_RENT)), 0),
    )
    return BoroughTotals(
        landlords=landlords["landlords"],
        signatories=landlords["signatories"],
        borough_homes=homes["all"],
        social_rent_homes=homes["social_rent"],
    )
