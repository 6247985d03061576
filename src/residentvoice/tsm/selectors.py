"""Reads for the TSM app: releases, one landlord's figures for a year, and national benchmarks
(percentile, quartile, median among peers) in a fixed number of queries however many landlords."""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from residentvoice.charter.selectors import charter_current
from residentvoice.organisations.models import Landlord
from residentvoice.publication.selectors import landlord_latest_ratings

from .measures import (
    MEASURES,
    PERCEPTION_CODES,
    CountTally,
    GroupKey,
    Kind,
    MeasureResult,
    Population,
    TallyKey,
    add_totals,
    margin_of_error,
    population_results,
    required_sample,
    rounded_once,
)
from .models import (
    ANSWER_NUMBERS,
    FILTER_FIELDS,
    LandlordReturn,
    MeasureValue,
    OwnManagementFigure,
    OwnSurvey,
    OwnSurveyResponse,
    PerceptionSurvey,
    RegulatorCodeLink,
    RegulatorLandlord,
    TsmRelease,
    answer_field,
)


def tsm_release_list() -> QuerySet[TsmRelease]:
    return TsmRelease.objects.select_related("replaced_by").order_by(
        "-reporting_year", "-imported_at"
    )


def tsm_release_current(*, year: str) -> TsmRelease | None:
    return TsmRelease.objects.filter(reporting_year=year, replaced_at__isnull=True).first()


@dataclass(frozen=True)
class LatestReturn:
    year: str
    code: str
    name: str


def _latest_return(landlord: Landlord) -> LandlordReturn | None:
    """The newest current-release return of a borough landlord, under any of its codes; where
    a release has it under two codes, the one it reported under that year (`CodeChain.pick`)."""
    matches = Q(regulator_landlord__landlord_id=landlord.pk)
    code = (landlord.regulator_code or "").strip().upper()
    chain = _code_chain(code) if code else CodeChain([], {})
    if chain.codes:
        matches |= Q(regulator_landlord__code__in=chain.codes)
    returns = list(
        LandlordReturn.objects.filter(matches, release__replaced_at__isnull=True)
        .select_related("release", "regulator_landlord")
        .order_by("-release__reporting_year", "pk")
    )
    if not returns:
        return None
    newest = [r for r in returns if r.release_id == returns[0].release_id]
    chosen = chain.pick(
        returns[0].release.reporting_year, [r.regulator_landlord.code for r in newest]
    )
    return next(r for r in newest if r.regulator_landlord.code == chosen)


def tsm_latest_return_for(*, landlord_id: int) -> LatestReturn | None:
    """The newest year in which a borough landlord has figures in a current release, under its
    own code or any code linked to it (MTVH reported 2023-24 as L0514); three queries."""
    landlord = Landlord.objects.filter(pk=landlord_id).first()
    if landlord is None:
        return None
    landlord_return = _latest_return(landlord)
    if landlord_return is None:
        return None
    return LatestReturn(
        year=landlord_return.release.reporting_year,
        code=landlord_return.regulator_landlord.code,
        name=landlord_return.name,
    )


@dataclass(frozen=True)
class CodeChain:
    """The codes one landlord has reported under, earliest first, and the year each code after
    the first took over (from its `RegulatorCodeLink`)."""

    codes: list[str]
    from_years: dict[str, str]  # later code → first year reported under it

    def reporting_code(self, year: str) -> str | None:
        """The code the landlord reported under in `year`: the newest code whose link started
        on or before that year, else the first code."""
        current = self.codes[0] if self.codes else None
        for code in self.codes[1:]:
            if self.from_years.get(code, "") <= year:
                current = code
        return current

    def pick(self, year: str, present: list[str]) -> str:
        """Which of the codes found in one release speaks for the landlord: the code it reported
        under that year if present, otherwise the newest of them (the later link)."""
        expected = self.reporting_code(year)
        if expected in present:
            return expected
        ranked = {code: index for index, code in enumerate(self.codes)}
        return max(present, key=lambda code: ranked.get(code, -1))


def _code_chain(code: str) -> CodeChain:
    """Follow code links both ways from `code`; one query."""
    code = code.strip().upper()
    links = list(RegulatorCodeLink.objects.values_list("earlier__code", "later__code", "from_year"))
    earlier = {late: early for early, late, _ in links}
    later = {early: late for early, late, _ in links}
    chain = [code]
    while chain[0] in earlier and earlier[chain[0]] not in chain:
        chain.insert(0, earlier[chain[0]])
    while chain[-1] in later and later[chain[-1]] not in chain:
        chain.append(later[chain[-1]])
    from_years = {late: year for early, late, year in links if late in chain and early in chain}
    return CodeChain(codes=chain, from_years=from_years)


def regulator_landlord_codes(*, code: str) -> list[str]:
    """Every code the same landlord has reported under, earliest first, following code links."""
    return _code_chain(code).codes


def _number(value: Decimal | None, places: int = 1) -> float | None:
    return None if value is None else round(float(value), places)


def _landlord_return(*, year: str, code: str) -> LandlordReturn | None:
    """A landlord's return in the year's current release, with its landlord records."""
    release = tsm_release_current(year=year)
    if release is None:
        return None
    return (
        LandlordReturn.objects.filter(
            release=release, regulator_landlord__code=code.strip().upper()
        )
        .select_related("release", "regulator_landlord", "regulator_landlord__landlord")
        .first()
    )


def tsm_landlord_year(*, year: str, code: str) -> dict[str, Any] | None:
    """One landlord's figures for a year as plain data (the `tsm show --json` shape)."""
    landlord_return = _landlord_return(year=year, code=code)
    if landlord_return is None:
        return None
    release = landlord_return.release
    landlord = landlord_return.regulator_landlord
    surveys = list(PerceptionSurvey.objects.filter(release=release, regulator_landlord=landlord))
    values = MeasureValue.objects.filter(release=release, regulator_landlord=landlord)
    survey_data = [
        {
            "population": s.population,
            "population_size": s.population_size,
            "required_sample": s.required_sample,
            "sample_size": s.achieved_sample,
            "margin_of_error": rounded_once(s.margin_of_error),
            "sample_or_census": s.sample_or_census,
            "predominant_method": s.predominant_method,
            "responses_by_method": s.responses_by_method,
            "weighted": s.weighted,
            "contractor": s.contractor,
            "reasons": s.markers,
        }
        for s in surveys
    ]
    preferred = next((s for s in survey_data if s["population"] == Population.LCRA), None)
    return {
        "reporting_year": release.reporting_year,
        "release": release.source_name,
        "landlord": {
            "code": landlord.code,
            "name": landlord_return.name,
            "type": landlord_return.landlord_type,
            "type_label": landlord_type_label(landlord_return.landlord_type),
            "size_band": landlord_return.size_band,
            "region": landlord_return.region,
            "borough_landlord": landlord.landlord.name if landlord.landlord else None,
            "regulator_notes": landlord_return.regulator_notes,
        },
        # The rental survey first: most landlords have only that one.
        "survey": preferred or (survey_data[0] if survey_data else None),
        "surveys": survey_data,
        "measures": [
            {
                # The regulator's own code, "CH01(1)"; `key` is the form used in addresses and
                # filters, "CH01_1".
                "code": MEASURES[v.measure].regulator_label if v.measure in MEASURES else v.measure,
                "key": v.measure,
                "name": MEASURES[v.measure].name if v.measure in MEASURES else "",
                "population": v.population,
                "value": _number(v.value),
                "reason": marker_reason(v.marker) if v.marker else None,
                "marker": v.marker or None,
                "background": dict(background_answers(v)),
                "answer_counts": v.answer_counts,
                "numerator": _number(v.numerator, 4),
                "denominator": _number(v.denominator, 4),
            }
            for v in values.order_by("population", "measure")
        ],
    }


@dataclass(frozen=True)
class Benchmark:
    """Where one landlord's value sits among its peers for one measure."""

    measure: str
    population: str
    value: float | None
    peers: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    percentile: float | None  # share of peers with a lower value, ties counted half
    quartile: int | None  # 1 = lowest quarter of values … 4 = highest; None at a shared extreme
    higher_is_better: bool
    # "highest" or "lowest" when the value is the top (or bottom) of the range and other
    # landlords share it: 100% gas safety is "at the maximum, tied with N", never "quarter 3".
    extreme: str = ""
    tied_with: int = 0  # other landlords with exactly this value


def _among_peers(
    values: QuerySet[MeasureValue],
    release: TsmRelease,
    *,
    size_band: str | None,
    landlord_type: str | None,
    region: str | None = None,
) -> QuerySet[MeasureValue]:
    """Narrow values to landlords of the size band, type and region asked for (no filter:
    everyone). The region is the landlord's predominant region as the release gives it."""
    if not (size_band or landlord_type or region):
        return values
    returns = LandlordReturn.objects.filter(release=release)
    if size_band:
        returns = returns.filter(size_band=size_band)
    if landlord_type:
        returns = returns.filter(landlord_type=landlord_type)
    if region:
        returns = returns.filter(region=region)
    return values.filter(regulator_landlord__in=returns.values("regulator_landlord"))


def _peer_values(
    release: TsmRelease,
    measure: str,
    population: str,
    size_band: str | None,
    landlord_type: str | None,
    region: str | None = None,
) -> dict[str, float]:
    values = MeasureValue.objects.filter(
        release=release, measure=measure, population=population, value__isnull=False
    )
    if MEASURES.get(measure) and MEASURES[measure].kind is Kind.MANAGEMENT:
        # A zero shown for a missing denominator is not a result; leave it out of the picture.
        values = values.filter(denominator__gt=0)
    values = _among_peers(
        values, release, size_band=size_band, landlord_type=landlord_type, region=region
    )
    return {
        code: float(value)
        for code, value in values.values_list("regulator_landlord__code", "value")
        if value is not None
    }


def _quartiles(sorted_values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not sorted_values:
        return None, None, None
    if len(sorted_values) == 1:
        only = sorted_values[0]
        return only, only, only
    lower, middle, upper = statistics.quantiles(sorted_values, n=4, method="inclusive")
    return lower, middle, upper


@dataclass(frozen=True)
class Position:
    """Where one value sits among its peers' (sorted) values."""

    percentile: float  # share of peers with a lower value, ties counted half
    quartile: int | None  # 1 = lowest quarter … 4 = highest; None at a shared extreme
    extreme: str  # "highest" or "lowest" when the value is the end of the range and shared
    tied_with: int  # other landlords with exactly this value


def position(ordered: list[float], own: float) -> Position:
    """Percentile and quarter of `own` among `ordered` (sorted, `own` among them).

    Ties count half, so when many landlords share the top of the scale (100% of gas safety
    checks done) each of them sits near the middle of the tie and would be called "second
    highest quarter". A value at the top or bottom of the range that others share is said to be
    there instead, with how many share it.
    """
    below = bisect.bisect_left(ordered, own)
    equal = bisect.bisect_right(ordered, own) - below
    percentile = (below + equal / 2) / len(ordered) * 100
    extreme = ""
    if equal > 1:
        if own == ordered[-1]:
            extreme = "highest"
        elif own == ordered[0]:
            extreme = "lowest"
    quartile = None if extreme else min(4, int(percentile // 25) + 1)
    return Position(percentile, quartile, extreme, equal - 1)


def _benchmark(measure: str, population: str, peers: dict[str, float], own_code: str) -> Benchmark:
    ordered = sorted(peers.values())
    lower, median, upper = _quartiles(ordered)
    own = peers.get(own_code)
    percentile = quartile = None
    extreme, tied_with = "", 0
    if own is not None:
        where = position(ordered, own)
        percentile, quartile = where.percentile, where.quartile
        extreme, tied_with = where.extreme, where.tied_with
    definition = MEASURES.get(measure)
    return Benchmark(
        measure=measure,
        population=str(population),
        value=own,
        peers=len(ordered),
        median=median,
        lower_quartile=lower,
        upper_quartile=upper,
        percentile=percentile,
        quartile=quartile,
        higher_is_better=definition.higher_is_better if definition else True,
        extreme=extreme,
        tied_with=tied_with,
    )


def tsm_benchmark(
    *,
    year: str,
    code: str,
    measure: str,
    population: str | None = None,
    size_band: str | None = None,
    landlord_type: str | None = None,
    region: str | None = None,
) -> Benchmark | None:
    """A landlord's value for a measure against every peer nationally; two queries at most.

    Without a population: the rental one, or all homes for the landlord-wide measures.
    """
    release = tsm_release_current(year=year)
    if release is None:
        return None
    if population is None:
        definition = MEASURES.get(measure)
        whole_stock = definition is not None and definition.populations == (Population.ALL,)
        population = Population.ALL if whole_stock else Population.LCRA
    peers = _peer_values(release, measure, population, size_band, landlord_type, region)
    return _benchmark(measure, population, peers, code.strip().upper())


def tsm_benchmark_table(
    *,
    year: str,
    code: str,
    population: str = Population.LCRA,
    size_band: str | None = None,
    landlord_type: str | None = None,
    region: str | None = None,
) -> list[Benchmark]:
    """Benchmarks for every measure at once: a fixed number of queries, not one per measure."""
    release = tsm_release_current(year=year)
    if release is None:
        return []
    by_measure = _national_values(
        release,
        populations=[population, Population.ALL],
        size_band=size_band,
        landlord_type=landlord_type,
        region=region,
    )
    own_code = code.strip().upper()
    return [_benchmark(m, pop, peers, own_code) for (m, pop), peers in sorted(by_measure.items())]


def _national_values(
    release: TsmRelease,
    *,
    populations: list[str] | None = None,
    measures: list[str] | None = None,
    size_band: str | None = None,
    landlord_type: str | None = None,
    region: str | None = None,
) -> dict[tuple[str, str], dict[str, float]]:
    """Every landlord's value by (measure, population), in one query, ready for benchmarks."""
    values = MeasureValue.objects.filter(release=release, value__isnull=False)
    if populations is not None:
        values = values.filter(population__in=populations)
    if measures is not None:
        values = values.filter(measure__in=measures)
    values = _among_peers(
        values, release, size_band=size_band, landlord_type=landlord_type, region=region
    )
    by_measure: dict[tuple[str, str], dict[str, float]] = {}
    for measure, pop, landlord_code, value, denominator in values.values_list(
        "measure", "population", "regulator_landlord__code", "value", "denominator"
    ):
        definition = MEASURES.get(measure)
        if value is None or (definition and definition.kind is Kind.MANAGEMENT and not denominator):
            continue
        by_measure.setdefault((measure, pop), {})[landlord_code] = float(value)
    return by_measure


def regulator_landlords_in_borough() -> QuerySet[RegulatorLandlord]:
    return RegulatorLandlord.objects.filter(landlord__isnull=False).select_related("landlord")


# --- web pages ---------------------------------------------------------------------------------

# How many landlords a search shows; a search matching more asks for more words.
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class LandlordSearch:
    query: str
    landlords: list[LandlordReturn]  # at most SEARCH_LIMIT, by name
    more: bool  # more landlords match than are shown


def tsm_landlord_search(*, release: TsmRelease, query: str) -> LandlordSearch:
    """Landlords of a release whose name holds every word searched for (in any order, any
    case), or whose regulator code is the one searched for; one query whatever the number of
    landlords."""
    query = " ".join(query.split())
    if not query:
        return LandlordSearch(query="", landlords=[], more=False)
    by_name = Q()
    for word in query.split():
        by_name &= Q(name__icontains=word)
    found = list(
        LandlordReturn.objects.filter(release=release)
        .filter(by_name | Q(regulator_landlord__code__iexact=query))
        .select_related("regulator_landlord", "regulator_landlord__landlord")
        .order_by("name", "pk")[: SEARCH_LIMIT + 1]
    )
    return LandlordSearch(
        query=query, landlords=found[:SEARCH_LIMIT], more=len(found) > SEARCH_LIMIT
    )


# What a bracketed marker means, in words a resident would use. Later releases may bring others.
MARKER_REASONS = {
    "X": "The landlord did not give this figure",
    "Z": "Not required from this landlord",
    "E": "Left out by the regulator",
    "U": "Cannot be worked out: nobody was counted",
    "S": "Withheld because the numbers are very small",
}

# The measures shown side by side for every borough landlord: overall satisfaction and the three
# that say whether residents feel listened to.
HEADLINE_MEASURES = ("TP01", "TP06", "TP07", "TP08")


def marker_reason(marker: str) -> str:
    return MARKER_REASONS.get(marker, f"Not published (the regulator marked it [{marker}])")


# The regulator's abbreviations for the kinds of landlord. A code a later release brings is
# shown as the release writes it.
LANDLORD_TYPES = {
    "PRP": "Housing association (private registered provider)",
    "LARP": "Council (local authority registered provider)",
}


def landlord_type_label(code: str) -> str:
    return LANDLORD_TYPES.get(code.strip().upper(), code)


def background_answers(value: MeasureValue) -> list[tuple[str, str]]:
    """The landlord's answers about a measure (columns that are not figures), as
    (question, answer) in the release's own words; markers in words."""
    answers = []
    for question, answer in (value.background or {}).items():
        text = str(answer)
        if isinstance(answer, float) and answer.is_integer():
            text = str(int(answer))
        elif text.startswith("[") and text.endswith("]"):
            text = marker_reason(text.strip("[]"))
        answers.append((question, text))
    return answers


@dataclass(frozen=True)
class HeadlineFigure:
    measure: str
    name: str
    value: float | None
    reason: str
    national_median: float | None


@dataclass(frozen=True)
class BoroughLandlordRow:
    code: str
    name: str
    landlord: Landlord | None
    population: str
    population_label: str
    figures: list[HeadlineFigure]


def _median(values: dict[str, float]) -> float | None:
    return statistics.median(values.values()) if values else None


def tsm_borough_year(*, year: str) -> tuple[TsmRelease, list[BoroughLandlordRow]] | None:
    """The borough's landlords in a year's release with the headline measures per population and
    the national median beside each; four queries whatever the number of landlords."""
    release = tsm_release_current(year=year)
    if release is None:
        return None
    returns = list(
        LandlordReturn.objects.filter(release=release, regulator_landlord__landlord__isnull=False)
        .select_related("regulator_landlord", "regulator_landlord__landlord")
        .order_by("name")
    )
    own = {
        (v.regulator_landlord_id, v.population, v.measure): v
        for v in MeasureValue.objects.filter(
            release=release,
            regulator_landlord__in=[r.regulator_landlord_id for r in returns],
            measure__in=HEADLINE_MEASURES,
        )
    }
    national = _national_values(release, measures=list(HEADLINE_MEASURES))
    rows = []
    for landlord_return in returns:
        regulator_landlord = landlord_return.regulator_landlord
        for population in (Population.LCRA, Population.LCHO, Population.COMBINED):
            figures = []
            for measure in HEADLINE_MEASURES:
                value = own.get((regulator_landlord.pk, population, measure))
                if value is None:
                    reason = "Not reported"
                else:
                    reason = marker_reason(value.marker) if value.marker else ""
                figures.append(
                    HeadlineFigure(
                        measure=measure,
                        name=MEASURES[measure].name,
                        value=_number(value.value) if value else None,
                        reason=reason,
                        national_median=_median(national.get((measure, population), {})),
                    )
                )
            if any(f.reason != "Not reported" for f in figures):
                rows.append(
                    BoroughLandlordRow(
                        code=regulator_landlord.code,
                        name=landlord_return.name,
                        landlord=regulator_landlord.landlord,
                        population=population,
                        population_label=population.label,
                        figures=figures,
                    )
                )
    return release, rows


@dataclass(frozen=True)
class MeasureLine:
    """One measure on a landlord's page: its own figure, or why there is none, and the benchmark."""

    measure: str
    label: str
    name: str
    per_thousand: bool
    value: float | None
    reason: str
    benchmark: Benchmark | None
    # The landlord's answers about this measure in the release (whether it had homes the
    # measure applies to, its repair target …): shown with the reason when there is no figure.
    answers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PopulationSection:
    population: str
    label: str
    survey: PerceptionSurvey | None
    measures: list[MeasureLine]


@dataclass(frozen=True)
class LandlordYear:
    release: TsmRelease
    landlord_return: LandlordReturn
    sections: list[PopulationSection]


def tsm_landlord_page(*, year: str, code: str) -> LandlordYear | None:
    """Everything one landlord published for a year, by population, each measure with its national
    benchmark; five queries whatever the number of measures or landlords."""
    landlord_return = _landlord_return(year=year, code=code)
    if landlord_return is None:
        return None
    release = landlord_return.release
    regulator_landlord = landlord_return.regulator_landlord
    surveys = {
        s.population: s
        for s in PerceptionSurvey.objects.filter(
            release=release, regulator_landlord=regulator_landlord
        )
    }
    values = list(
        MeasureValue.objects.filter(release=release, regulator_landlord=regulator_landlord)
    )
    national = _national_values(release, populations=sorted({v.population for v in values}))
    order = {measure: index for index, measure in enumerate(MEASURES)}
    sections = []
    for population in Population:
        mine = sorted(
            (v for v in values if v.population == population),
            key=lambda v: (order.get(v.measure, len(order)), v.measure),
        )
        if population not in surveys and all(v.value is None for v in mine):
            # No survey and not one real figure (RHP's shared owners in 2023-24: every
            # complaint measure marked [X]): a section of reasons alone tells a reader nothing,
            # so the population is left out.
            continue
        lines = []
        for value in mine:
            definition = MEASURES.get(value.measure)
            peers = national.get((value.measure, population), {})
            lines.append(
                MeasureLine(
                    measure=value.measure,
                    label=definition.regulator_label if definition else value.measure,
                    name=definition.name if definition else "",
                    per_thousand=bool(definition and definition.scale == 1000),
                    value=_number(value.value),
                    reason=marker_reason(value.marker) if value.marker else "",
                    benchmark=_benchmark(value.measure, population, peers, regulator_landlord.code)
                    if peers
                    else None,
                    answers=background_answers(value),
                )
            )
        sections.append(
            PopulationSection(
                population=population,
                label=population.label,
                survey=surveys.get(population),
                measures=lines,
            )
        )
    return LandlordYear(release=release, landlord_return=landlord_return, sections=sections)


# --- the landlord page: do tenants feel listened to? -------------------------------------------

# The three measures of resident participation (DOMAIN.md §5): listens and acts, keeps informed,
# treats fairly and with respect.
PARTICIPATION_MEASURES = ("TP06", "TP07", "TP08")


@dataclass(frozen=True)
class ParticipationFigure:
    measure: str
    name: str
    population: str
    population_label: str
    value: float | None
    reason: str
    benchmark: Benchmark | None


@dataclass(frozen=True)
class ParticipationMeasures:
    year: str
    code: str
    name: str
    figures: list[ParticipationFigure]


def participation_measures(landlord: Landlord) -> ParticipationMeasures | None:
    """TP06, TP07 and TP08 for a borough landlord's newest reported year, each with the median,
    quarter and percentile among every landlord in England; five queries however many landlords.

    Follows code links, so a landlord that reported under another code (MTVH as L0514) is found.
    """
    landlord_return = _latest_return(landlord)
    if landlord_return is None:
        return None
    release = landlord_return.release
    regulator_landlord = landlord_return.regulator_landlord
    own = list(
        MeasureValue.objects.filter(
            release=release,
            regulator_landlord=regulator_landlord,
            measure__in=PARTICIPATION_MEASURES,
        )
    )
    national = _national_values(release, measures=list(PARTICIPATION_MEASURES))
    population_order = {p.value: i for i, p in enumerate(Population)}
    figures = []
    for value in sorted(own, key=lambda v: (population_order.get(v.population, 9), v.measure)):
        peers = national.get((value.measure, value.population), {})
        figures.append(
            ParticipationFigure(
                measure=value.measure,
                name=MEASURES[value.measure].name,
                population=value.population,
                population_label=Population(value.population).label,
                value=_number(value.value),
                reason=marker_reason(value.marker) if value.marker else "",
                benchmark=_benchmark(
                    value.measure, value.population, peers, regulator_landlord.code
                )
                if peers
                else None,
            )
        )
    return ParticipationMeasures(
        year=release.reporting_year,
        code=regulator_landlord.code,
        name=landlord_return.name,
        figures=figures,
    )


# The national standards items about residents' voice: being heard (SHWP-5), engagement with
# tenants, who influence and scrutinise their landlord (TIA-3), voice and influence (TWT-3), and
# influencing decisions and scrutinising services (TPA-4). The charter's commitments mapped to
# any of them are those TP06–TP08 speak to. Codes, so a council's own charter file that maps its
# commitments to these items needs no change here.
VOICE_STANDARDS = ("SHWP-5", "TIA-3", "TWT-3", "TPA-4")


@dataclass(frozen=True)
class VoiceCommitment:
    """A charter commitment about residents' voice and the landlord's latest published rating."""

    number: int
    title: str
    url: str
    rating: str  # as published ("Met", "Partly met" …); "" when not yet assessed
    meets: bool | None


@dataclass(frozen=True)
class ResidentsVoice:
    """Everything the landlord page's "Do tenants feel listened to?" block shows: the charter's
    commitments on residents' voice with their ratings, and TP06–TP08 with benchmarks."""

    commitments: list[VoiceCommitment]
    ratings_year: str | None  # the year of the published results the ratings come from
    measures: ParticipationMeasures | None
    ratings_synthetic: bool = False  # the ratings come from synthetic demonstration results

    @property
    def is_empty(self) -> bool:
        return not self.commitments and not (self.measures and self.measures.figures)


def residents_voice(landlord: Landlord) -> ResidentsVoice:
    """The charter's commitments about residents' voice, each with the landlord's rating in the
    newest public results (none: not yet assessed), beside TP06–TP08 and their England
    benchmarks; nine queries however many landlords, commitments or years.

    Ratings count only when the published year was assessed against the charter shown (same
    slug, matched by commitment number): a council that replaces its charter starts afresh.
    """
    charter = charter_current()
    commitments = (
        list(
            charter.commitments.filter(commits_landlords=True, standards__code__in=VOICE_STANDARDS)
            .distinct()
            .order_by("number")
        )
        if charter is not None
        else []
    )
    published = landlord_latest_ratings(slug=landlord.slug) if commitments else None
    ratings = (
        published.ratings
        if published is not None and charter is not None and published.charter_slug == charter.slug
        else {}
    )
    return ResidentsVoice(
        commitments=[
            VoiceCommitment(
                number=commitment.number,
                title=commitment.title,
                url=commitment.get_absolute_url(),
                rating=ratings[commitment.number].label if commitment.number in ratings else "",
                meets=ratings[commitment.number].meets if commitment.number in ratings else None,
            )
            for commitment in commitments
        ],
        ratings_year=published.reporting_year if ratings and published else None,
        ratings_synthetic=bool(ratings and published and published.is_demo),
        measures=participation_measures(landlord),
    )


# --- a landlord's own results ------------------------------------------------------------------

SurveyTallies = tuple[dict[TallyKey, CountTally], dict[GroupKey, int]]


def _tally_aggregates() -> dict[str, Any]:
    """One weighted sum and one count per question and answer, counting only eligible answers:
    TP02–TP03, TP09 and TP10 leave out respondents whose filter answer was no."""
    filters = {code: column for column, codes in FILTER_FIELDS.items() for code in codes}
    aggregates: dict[str, Any] = {"respondents": Count("id")}
    for code in PERCEPTION_CODES:
        eligible = ~Q(**{filters[code]: False}) if code in filters else Q()
        for answer, number in ANSWER_NUMBERS.items():
            chosen = eligible & Q(**{answer_field(code): number})
            aggregates[f"{code}__{answer}__w"] = Sum("weight", filter=chosen)
            aggregates[f"{code}__{answer}__n"] = Count("id", filter=chosen)
    return aggregates


def own_results_tallies(*, survey_ids: list[int]) -> dict[int, SurveyTallies]:
    """Answer tallies by population, collection method and question for each survey, counted by
    the database in one query (one pass over the responses however many surveys), ready for the
    engine (`measures.population_results`) exactly as `measures.tally_responses` makes them."""
    rows = (
        OwnSurveyResponse.objects.filter(survey_id__in=survey_ids)
        .order_by()
        .values("survey_id", "population", "collection_method")
        .annotate(**_tally_aggregates())
    )
    by_survey: dict[int, tuple[dict[TallyKey, CountTally], dict[GroupKey, int]]] = {}
    row: dict[str, Any]
    for row in rows:  # type: ignore[assignment]
        tallies, respondents = by_survey.setdefault(row["survey_id"], ({}, {}))
        population, method = Population(row["population"]), row["collection_method"]
        respondents[(population, method)] = row["respondents"]
        for code in PERCEPTION_CODES:
            tally = CountTally()
            for answer in ANSWER_NUMBERS:
                count = row[f"{code}__{answer}__n"]
                if count:
                    tally.weighted[answer] = float(row[f"{code}__{answer}__w"] or 0.0)
                    tally.unweighted[answer] = float(count)
            if tally.unweighted:
                tallies[(population, method, code)] = tally
    return {survey_id: add_totals(*found) for survey_id, found in by_survey.items()}


@dataclass(frozen=True)
class OwnMeasureLine:
    """One measure in a landlord's own results: the figure, or why there is none."""

    code: str
    label: str
    name: str
    kind: str
    per_thousand: bool
    value: float | None
    unweighted_value: float | None
    respondents: int | None
    numerator: float | None
    denominator: float | None
    reason: str


@dataclass(frozen=True)
class OwnMethodResult:
    method: str
    respondents: int
    measures: list[OwnMeasureLine]


@dataclass(frozen=True)
class OwnPopulationSection:
    population: str
    label: str
    population_size: int | None
    sample_size: int
    required_sample: int | None
    sample_met: bool | None
    margin_of_error: float | None
    measures: list[OwnMeasureLine]
    by_method: list[OwnMethodResult]

    @property
    def surveyed(self) -> bool:
        return self.population != Population.ALL


@dataclass(frozen=True)
class OwnResults:
    survey: OwnSurvey
    sections: list[OwnPopulationSection]
    weighted: bool  # any weight other than 1: weighted and unweighted results differ


def _perception_line(code: str, result: MeasureResult | None) -> OwnMeasureLine:
    definition = MEASURES[code]
    reason = ""
    if result is None or result.value is None:
        reason = "Nobody gave one of the five answers to this question"
    return OwnMeasureLine(
        code=code,
        label=definition.regulator_label,
        name=definition.name,
        kind=definition.kind,
        per_thousand=False,
        value=None if result is None else result.value,
        unweighted_value=None if result is None else result.unweighted_value,
        respondents=None if result is None else result.respondents,
        numerator=None,
        denominator=None,
        reason=reason,
    )


def _management_line(code: str, figure: OwnManagementFigure | None) -> OwnMeasureLine:
    definition = MEASURES[code]
    if figure is None:
        reason = "Not loaded"
    elif figure.marker:
        reason = marker_reason(figure.marker)
    else:
        reason = ""
    return OwnMeasureLine(
        code=code,
        label=definition.regulator_label,
        name=definition.name,
        kind=definition.kind,
        per_thousand=definition.scale == 1000,
        value=None if figure is None or figure.value is None else float(figure.value),
        unweighted_value=None,
        respondents=None,
        numerator=None if figure is None else _number(figure.numerator, 4),
        denominator=None if figure is None else _number(figure.denominator, 4),
        reason=reason,
    )


def own_results(*, survey: OwnSurvey) -> OwnResults:
    """Every measure a landlord must publish, per population: the survey measures worked out from
    its responses (weighted and unweighted, sample checks, by collection method) and its
    management figures. Two queries whatever the number of responses."""
    tallies, respondents = own_results_tallies(survey_ids=[survey.pk]).get(survey.pk, ({}, {}))
    sizes = {Population(k): v for k, v in survey.population_sizes.items()}
    computed = {r.population: r for r in population_results(tallies, respondents, sizes)}
    figures = {(f.measure, f.population): f for f in survey.management_figures.all()}
    weighted = any(
        tally.weighted.get(a) != tally.unweighted.get(a)
        for tally in tallies.values()
        for a in tally.unweighted
    )
    sections = []
    for population in Population:
        result = computed.get(population)
        has_figures = any(p == population for _, p in figures)
        if population is Population.ALL:
            if not has_figures:
                continue
        elif result is None and not has_figures and population not in sizes:
            continue
        by_code = {m.code: m for m in result.measures} if result else {}
        lines = [
            _perception_line(code, by_code.get(code))
            if MEASURES[code].kind is Kind.PERCEPTION
            else _management_line(code, figures.get((code, population)))
            for code in MEASURES
            if population in MEASURES[code].populations
        ]
        methods = []
        if result:
            for method, measures in result.by_collection_method.items():
                found = {m.code: m for m in measures}
                methods.append(
                    OwnMethodResult(
                        method=method,
                        respondents=respondents.get((population, method), 0),
                        measures=[_perception_line(code, found[code]) for code in found],
                    )
                )
        size = sizes.get(population)
        needed = required_sample(size) if size else None
        sample = result.sample_size if result else 0
        sections.append(
            OwnPopulationSection(
                population=population,
                label=population.label,
                population_size=size,
                sample_size=sample,
                required_sample=needed if population is not Population.ALL else None,
                sample_met=None if needed is None else sample >= needed,
                margin_of_error=margin_of_error(sample, size) if size and sample else None,
                measures=lines,
                by_method=methods,
            )
        )
    return OwnResults(survey=survey, sections=sections, weighted=weighted)


def own_results_for_landlord(*, landlord_id: int) -> QuerySet[OwnSurvey]:
    return OwnSurvey.objects.filter(landlord_id=landlord_id).select_related("landlord")


def own_results_of(*, year: str, slug: str) -> OwnSurvey | None:
    """A borough landlord's own results for a year, published or not (the view decides)."""
    return (
        OwnSurvey.objects.filter(reporting_year=year, landlord__slug=slug)
        .select_related("landlord")
        .first()
    )


def own_results_published_list() -> QuerySet[OwnSurvey]:
    return (
        OwnSurvey.objects.filter(published_at__isnull=False, landlord__isnull=False)
        .select_related("landlord")
        .order_by("-reporting_year", "landlord__name")
    )


# --- benchmarks, trends and downloads ----------------------------------------------------------


@dataclass(frozen=True)
class PeerOptions:
    """The values a peer filter can take in a release, as the release writes them."""

    size_bands: list[str]
    regions: list[str]
    landlord_types: list[str]


def tsm_peer_options(*, release: TsmRelease | None = None) -> PeerOptions:
    """Size bands, regions and landlord types as the releases write them: those of every stored
    release, so a filter written for one year (a band a later release renamed, a type code it
    added) is understood in every year, and simply finds no peers where there are none. One
    query. (`release` is accepted for callers that name the year; the choices are the same.)"""
    bands, regions, types = set(), set(), set()
    for band, region, kind in (
        LandlordReturn.objects.order_by()
        .values_list("size_band", "region", "landlord_type")
        .distinct()
    ):
        bands.add(band)
        regions.add(region)
        types.add(kind)

    def band_order(band: str) -> tuple[float, str]:
        # "<5,000", "5,000-40,000", ">40000": by the first number, "under" before "from".
        digits = "".join(ch for ch in band.split("-")[0] if ch.isdigit())
        if not digits:
            return (float("inf"), band)
        shift = -0.5 if band.startswith("<") else 0.5 if band.startswith((">", "over")) else 0
        return (float(digits) + shift, band)

    return PeerOptions(
        size_bands=sorted((b for b in bands if b), key=band_order),
        regions=sorted(r for r in regions if r),
        landlord_types=sorted(t for t in types if t),
    )


@dataclass(frozen=True)
class BenchmarkRow:
    code: str
    name: str
    value: float
    percentile: float
    quartile: int | None  # None at a shared extreme (`extreme`)
    borough_landlord: str  # the borough landlord's name, or "" for landlords elsewhere
    extreme: str = ""
    tied_with: int = 0


@dataclass(frozen=True)
class BenchmarkTable:
    """Every peer's value for one measure and population, with where each one sits."""

    release: TsmRelease
    measure: str
    population: str
    summary: Benchmark  # median, quartiles and number of peers (no own value)
    rows: list[BenchmarkRow]  # highest value first


def tsm_benchmark_rows(
    *,
    year: str,
    measure: str,
    population: str,
    size_band: str | None = None,
    region: str | None = None,
    landlord_type: str | None = None,
) -> BenchmarkTable | None:
    """Each landlord's value for a measure against every peer nationally (or the peers the
    filters leave): percentile and quarter per landlord, median and quartiles; three queries."""
    release = tsm_release_current(year=year)
    if release is None:
        return None
    values = MeasureValue.objects.filter(
        release=release, measure=measure, population=population, value__isnull=False
    )
    if MEASURES.get(measure) and MEASURES[measure].kind is Kind.MANAGEMENT:
        values = values.filter(denominator__gt=0)
    values = _among_peers(
        values, release, size_band=size_band, landlord_type=landlord_type, region=region
    )
    found = list(
        values.values_list(
            "regulator_landlord__code",
            "regulator_landlord__name",
            "regulator_landlord__landlord__name",
            "value",
        )
    )
    peers = {code: float(value) for code, _, _, value in found if value is not None}
    summary = _benchmark(measure, population, peers, "")
    ordered = sorted(peers.values())
    rows = []
    for code, name, borough_name, value in found:
        if value is None:
            continue
        where = position(ordered, float(value))
        rows.append(
            BenchmarkRow(
                code=code,
                name=name,
                value=float(value),
                percentile=where.percentile,
                quartile=where.quartile,
                borough_landlord=borough_name or "",
                extreme=where.extreme,
                tied_with=where.tied_with,
            )
        )
    rows.sort(key=lambda row: (-row.value, row.name))
    return BenchmarkTable(
        release=release, measure=measure, population=population, summary=summary, rows=rows
    )


@dataclass(frozen=True)
class TrendPoint:
    year: str
    code: str  # the code the landlord reported under that year
    value: float | None
    reason: str
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    peers: int


def tsm_trend(*, code: str, measure: str, population: str) -> list[TrendPoint]:
    """A landlord's value for one measure in every year imported, beside the national median
    and quartiles, joining the codes it reported under across years; four queries."""
    chain = _code_chain(code)
    codes = chain.codes
    releases = {r.pk: r for r in TsmRelease.objects.filter(replaced_at__isnull=True)}
    values = MeasureValue.objects.filter(
        release_id__in=list(releases),
        measure=measure,
        population=population,
    )
    if MEASURES.get(measure) and MEASURES[measure].kind is Kind.MANAGEMENT:
        values = values.filter(Q(denominator__gt=0) | Q(value__isnull=True))
    national: dict[int, dict[str, float]] = {}
    own: dict[int, dict[str, tuple[Decimal | None, str]]] = {}
    for release_id, landlord_code, value, marker in values.values_list(
        "release_id", "regulator_landlord__code", "value", "marker"
    ):
        if value is not None:
            national.setdefault(release_id, {})[landlord_code] = float(value)
        if landlord_code in codes:
            own.setdefault(release_id, {})[landlord_code] = (value, marker)
    points = []
    for release_id, release in sorted(releases.items(), key=lambda item: item[1].reporting_year):
        if release_id not in own:
            continue
        # Two linked codes in one release: the code reported under that year speaks for it.
        landlord_code = chain.pick(release.reporting_year, list(own[release_id]))
        value, marker = own[release_id][landlord_code]
        peers = national.get(release_id, {})
        lower, median, upper = _quartiles(sorted(peers.values()))
        points.append(
            TrendPoint(
                year=release.reporting_year,
                code=landlord_code,
                value=_number(value),
                reason=marker_reason(marker) if marker else "",
                median=median,
                lower_quartile=lower,
                upper_quartile=upper,
                peers=len(peers),
            )
        )
    return points


def tsm_values(
    *,
    year: str,
    landlord: str | None = None,
    measure: str | None = None,
    population: str | None = None,
) -> QuerySet[MeasureValue] | None:
    """Every published value of a year's current release, narrowed by the filters given, in a
    stable order for paging and downloads; None when the year has no release."""
    release = tsm_release_current(year=year)
    if release is None:
        return None
    values = MeasureValue.objects.filter(release=release)
    if landlord:
        values = values.filter(regulator_landlord__code=landlord.strip().upper())
    if measure:
        values = values.filter(measure=measure)
    if population:
        values = values.filter(population=population)
    return values.select_related("regulator_landlord", "release").order_by(
        "regulator_landlord__code", "population", "measure"
    )
