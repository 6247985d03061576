"""The Tenant Satisfaction Measures and their arithmetic: plain Python, no Django, one engine for
the regulator's published counts and a landlord's own survey responses alike (DOMAIN.md §5)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Population(StrEnum):
    """Whose homes a figure describes."""

    LCRA = "LCRA"  # low-cost rental accommodation
    LCHO = "LCHO"  # low-cost home ownership (shared owners)
    COMBINED = "COMBINED"  # the few landlords allowed to report both together
    ALL = "ALL"  # landlord-wide management figures (building safety, repairs, ASB)

    @property
    def label(self) -> str:
        return POPULATION_LABELS[self]


POPULATION_LABELS = {
    Population.LCRA: "Tenants in low-cost rental homes",
    Population.LCHO: "Shared owners (low-cost home ownership)",
    Population.COMBINED: "Rental and shared ownership reported together",
    Population.ALL: "All homes",
}


class Answer(StrEnum):
    """The five answer categories of a perception question, plus "don't know"."""

    VERY_SATISFIED = "very_satisfied"
    FAIRLY_SATISFIED = "fairly_satisfied"
    NEITHER = "neither"
    FAIRLY_DISSATISFIED = "fairly_dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"
    DONT_KNOW = "dont_know"


FIVE_ANSWERS = (
    Answer.VERY_SATISFIED,
    Answer.FAIRLY_SATISFIED,
    Answer.NEITHER,
    Answer.FAIRLY_DISSATISFIED,
    Answer.VERY_DISSATISFIED,
)
POSITIVE_ANSWERS = (Answer.VERY_SATISFIED, Answer.FAIRLY_SATISFIED)


class Kind(StrEnum):
    PERCEPTION = "perception"
    MANAGEMENT = "management"


@dataclass(frozen=True)
class MeasureDefinition:
    """One measure: what it is called, how it is worked out and for whom."""

    code: str
    name: str
    kind: Kind
    populations: tuple[Population, ...]
    # Management measures: the result is numerator ÷ denominator × scale (100 or 1,000).
    scale: int = 100
    denominator: str = "respondents who gave one of the five answers"
    # Perception questions asked only of some tenants (repairs, complaints, communal areas).
    filter_question: str = ""
    agree_scale: bool = False
    higher_is_better: bool = True

    @property
    def regulator_label(self) -> str:
        """The code as the regulator writes it: CH01_1 is CH01(1)."""
        base, _, part = self.code.partition("_")
        return f"{base}({part})" if part else base


_SURVEYED = (Population.LCRA, Population.LCHO, Population.COMBINED)
_RENTAL_ONLY = (Population.LCRA, Population.COMBINED)
_BY_TENURE = (Population.LCRA, Population.LCHO, Population.COMBINED)
_WHOLE_STOCK = (Population.ALL,)


def _perception(code: str, name: str, **kwargs: object) -> MeasureDefinition:
    populations = kwargs.pop("populations", _SURVEYED)
    return MeasureDefinition(code, name, Kind.PERCEPTION, populations, **kwargs)  # type: ignore[arg-type]


def _management(code: str, name: str, **kwargs: object) -> MeasureDefinition:
    populations = kwargs.pop("populations", _WHOLE_STOCK)
    return MeasureDefinition(code, name, Kind.MANAGEMENT, populations, **kwargs)  # type: ignore[arg-type]


MEASURES: dict[str, MeasureDefinition] = {
    m.code: m
    for m in (
        _perception("TP01", "Overall satisfaction"),
        _perception(
            "TP02",
            "Satisfaction with repairs",
            populations=_RENTAL_ONLY,
            filter_question="had a repair in the last 12 months",
        ),
        _perception(
            "TP03",
            "Satisfaction with time taken to complete most recent repair",
            populations=_RENTAL_ONLY,
            filter_question="had a repair in the last 12 months",
        ),
        _perception(
            "TP04", "Satisfaction that the home is well maintained", populations=_RENTAL_ONLY
        ),
        _perception("TP05", "Satisfaction that the home is safe"),
        _perception(
            "TP06", "Satisfaction that the landlord listens to tenant views and acts upon them"
        ),
        _perception(
            "TP07",
            "Satisfaction that the landlord keeps tenants informed about things that matter",
        ),
        _perception(
            "TP08",
            "Agreement that the landlord treats tenants fairly and with respect",
            agree_scale=True,
        ),
        _perception(
            "TP09",
            "Satisfaction with the landlord's approach to handling complaints",
            filter_question="made a complaint in the last 12 months",
        ),
        _perception(
            "TP10",
            "Satisfaction that the landlord keeps communal areas clean and well maintained",
            filter_question="lives in a building with communal areas",
        ),
        _perception(
            "TP11", "Satisfaction that the landlord makes a positive contribution to neighbourhoods"
        ),
        _perception(
            "TP12", "Satisfaction with the landlord's approach to handling anti-social behaviour"
        ),
        _management(
            "BS01", "Gas safety checks", denominator="homes that required a gas safety check"
        ),
        _management(
            "BS02", "Fire safety checks", denominator="homes that required a fire risk assessment"
        ),
        _management(
            "BS03", "Asbestos safety checks", denominator="homes that required an asbestos survey"
        ),
        _management(
            "BS04",
            "Water safety checks",
            denominator="homes that required a legionella risk assessment",
        ),
        _management(
            "BS05",
            "Lift safety checks",
            denominator="homes in buildings with communal passenger lifts",
        ),
        _management(
            "RP01",
            "Homes that do not meet the Decent Homes Standard",
            denominator="homes to which the Decent Homes Standard applies",
            higher_is_better=False,
        ),
        _management(
            "RP02_1",
            "Non-emergency repairs completed within target timescale",
            denominator="non-emergency repairs completed",
        ),
        _management(
            "RP02_2",
            "Emergency repairs completed within target timescale",
            denominator="emergency repairs completed",
        ),
        _management(
            "CH01_1",
            "Stage one complaints received per 1,000 homes",
            populations=_BY_TENURE,
            scale=1000,
            denominator="homes of that tenure",
            higher_is_better=False,
        ),
        _management(
            "CH01_2",
            "Stage two complaints received per 1,000 homes",
            populations=_BY_TENURE,
            scale=1000,
            denominator="homes of that tenure",
            higher_is_better=False,
        ),
        _management(
            "CH02_1",
            "Stage one complaints responded to within the Complaint Handling Code timescales",
            populations=_BY_TENURE,
            denominator="stage one complaints made",
        ),
        _management(
            "CH02_2",
            "Stage two complaints responded to within the Complaint Handling Code timescales",
            populations=_BY_TENURE,
            denominator="stage two complaints made",
        ),
        _management(
            "NM01_1",
            "Anti-social behaviour cases opened per 1,000 homes",
            scale=1000,
            denominator="rental and shared ownership homes",
            higher_is_better=False,
        ),
        _management(
            "NM01_2",
            "Anti-social behaviour cases involving hate incidents opened per 1,000 homes",
            scale=1000,
            denominator="rental and shared ownership homes",
            higher_is_better=False,
        ),
    )
}

PERCEPTION_CODES = tuple(c for c, m in MEASURES.items() if m.kind is Kind.PERCEPTION)
MANAGEMENT_CODES = tuple(c for c, m in MEASURES.items() if m.kind is Kind.MANAGEMENT)
# The questions whose answer is only counted when the filter question was answered "yes".
FILTERED_CODES = tuple(c for c, m in MEASURES.items() if m.filter_question)


def measure_code(base: str, part: str | int | None = None) -> str:
    """Our code for a regulator label: ("CH01", 1) and "CH01(1)" both give "CH01_1"."""
    base = base.strip().upper()
    if part is None and "(" in base:
        base, _, rest = base.partition("(")
        part = rest.rstrip(")")
    return f"{base}_{part}" if part not in (None, "") else base


# --- perception --------------------------------------------------------------------------------

AnswerCounts = Mapping[str, float]


def perception_result(counts: AnswerCounts) -> float | None:
    """Per cent giving a positive answer among those giving one of the five answers.

    "Don't know / not applicable" is deliberately left out of the denominator; weighted
    (fractional) counts are fine. None when nobody gave one of the five answers.
    """
    total = sum(float(counts.get(answer, 0) or 0) for answer in FIVE_ANSWERS)
    if total <= 0:
        return None
    positive = sum(float(counts.get(answer, 0) or 0) for answer in POSITIVE_ANSWERS)
    return positive / total * 100


def management_result(code: str, numerator: float, denominator: float) -> float | None:
    """Numerator ÷ denominator × the measure's scale; None when the denominator is zero."""
    if denominator == 0:
        return None
    return float(numerator) / float(denominator) * MEASURES[code].scale


# --- sample size -------------------------------------------------------------------------------

Z_95 = 1.96
# Required precision by relevant tenant population (lower bound of band, ± margin). The band
# edges are reverse-engineered from every published 2023-24 row; the exact wording is unverified,
# so callers may pass their own bands.
PRECISION_BANDS: tuple[tuple[int, float], ...] = (
    (25_000, 0.02),
    (10_000, 0.03),
    (2_500, 0.04),
    (0, 0.05),
)


def required_precision(
    population_size: int, bands: Iterable[tuple[int, float]] = PRECISION_BANDS
) -> float:
    """The margin of error (as a fraction) a landlord of this size must achieve."""
    for lower, margin in sorted(bands, reverse=True):
        if population_size >= lower:
            return margin
    raise ValueError(f"no precision band covers a population of {population_size}")


def required_sample(
    population_size: int, bands: Iterable[tuple[int, float]] = PRECISION_BANDS
) -> int:
    """Minimum responses for 95% confidence at p = 0.5, with the finite-population correction."""
    if population_size <= 0:
        return 0
    margin = required_precision(population_size, bands)
    n0 = Z_95**2 * 0.25 / margin**2
    # DOMAIN.md writes the correction as 1 + (n0 - 1)/N; the regulator's published minimums
    # (every 2023-24 row) follow 1 + n0/N rounded up, which differs by at most one response:
    # 7,145 → 553.7 → 554; 3,945 → 521.0 → 521 (the other form gives 522).
    n = n0 / (1 + n0 / population_size)
    # Never more responses than there are tenants; the epsilon keeps float noise from pushing an
    # exact whole number up by one.
    return min(population_size, math.ceil(n - 1e-9))


def margin_of_error(sample_size: float, population_size: int) -> float | None:
    """Achieved margin of error in percentage points (95% confidence, p = 0.5, corrected)."""
    if sample_size <= 0 or population_size <= 0:
        return None
    if population_size == 1 or sample_size >= population_size:
        return 0.0
    return (
        Z_95
        * math.sqrt(0.25 / sample_size)
        * math.sqrt((population_size - sample_size) / (population_size - 1))
        * 100
    )


# --- raw survey responses ----------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyResponse:
    """One respondent's answers, already checked (see responses.py)."""

    respondent_id: str
    population: Population
    answers: Mapping[str, Answer | None]
    # TP02, TP03, TP09 and TP10 do not count when the matching filter answer is no.
    filters: Mapping[str, bool | None] = field(default_factory=dict)
    weight: float = 1.0
    collection_method: str = ""
    response_date: datetime.date | None = None


@dataclass
class CountTally:
    """Answer counts for one question, weighted and unweighted, kept side by side."""

    weighted: dict[str, float] = field(default_factory=dict)
    unweighted: dict[str, float] = field(default_factory=dict)

    def add(self, answer: Answer, weight: float) -> None:
        self.weighted[answer] = self.weighted.get(answer, 0.0) + weight
        self.unweighted[answer] = self.unweighted.get(answer, 0.0) + 1


@dataclass(frozen=True)
class MeasureResult:
    code: str
    population: Population
    value: float | None
    unweighted_value: float | None
    counts: dict[str, float]
    unweighted_counts: dict[str, float]
    respondents: int  # who gave one of the five answers (unweighted)


@dataclass(frozen=True)
class PopulationResult:
    """Everything a landlord must publish about one population's survey."""

    population: Population
    population_size: int | None
    sample_size: int
    required_sample: int | None
    sample_met: bool | None
    margin_of_error: float | None
    measures: list[MeasureResult]
    by_collection_method: dict[str, list[MeasureResult]]


# (population, collection method, measure code); the method is None for every method together.
TallyKey = tuple[Population, str | None, str]
# (population, collection method): how many people answered the survey.
GroupKey = tuple[Population, str | None]


def tally_responses(
    responses: Iterable[SurveyResponse],
) -> tuple[dict[TallyKey, CountTally], dict[GroupKey, int]]:
    """Tally every eligible answer by population, collection method and question, and count the
    respondents of each group; totals over all methods are added by `add_totals`.

    The database does the same counting for stored responses (selectors.own_results_tallies):
    both feed `population_results`, so one engine serves both.
    """
    tallies: dict[TallyKey, CountTally] = {}
    respondents: dict[GroupKey, int] = {}
    for response in responses:
        # Only questions asked of the respondent's group count (shared owners are not asked
        # TP02–TP04), and someone who answered none of them is not part of the sample.
        answered = {
            code: answer
            for code, answer in response.answers.items()
            if answer is not None and response.population in MEASURES[code].populations
        }
        if not answered:
            continue
        group = (response.population, response.collection_method)
        respondents[group] = respondents.get(group, 0) + 1
        for code, answer in answered.items():
            if code in FILTERED_CODES and response.filters.get(code) is False:
                # Only tenants who had a repair, complained or have communal areas count; with
                # no filter answer, having answered the question is taken as having been asked.
                continue
            key = (response.population, response.collection_method, code)
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = CountTally()
            tally.add(answer, response.weight)
    return add_totals(tallies, respondents)


def add_totals(
    tallies: Mapping[TallyKey, CountTally], respondents: Mapping[GroupKey, int]
) -> tuple[dict[TallyKey, CountTally], dict[GroupKey, int]]:
    """Add the all-methods totals (method None) to tallies and respondent counts by method."""
    with_totals = {key: tally for key, tally in tallies.items() if key[1] is not None}
    counts = {key: n for key, n in respondents.items() if key[1] is not None}
    for (population, _method, code), tally in list(with_totals.items()):
        total = with_totals.setdefault((population, None, code), CountTally())
        for answer, weight in tally.weighted.items():
            total.weighted[answer] = total.weighted.get(answer, 0.0) + weight
        for answer, number in tally.unweighted.items():
            total.unweighted[answer] = total.unweighted.get(answer, 0.0) + number
    for (population, _method), n in list(counts.items()):
        counts[(population, None)] = counts.get((population, None), 0) + n
    return with_totals, counts


def answer_counts(responses: Iterable[SurveyResponse]) -> dict[tuple[Population, str], CountTally]:
    """Tally every eligible answer by population and question (all methods together)."""
    tallies, _ = tally_responses(responses)
    return {(pop, code): tally for (pop, method, code), tally in tallies.items() if method is None}


def _measure_results(
    population: Population, method: str | None, tallies: Mapping[TallyKey, CountTally]
) -> list[MeasureResult]:
    results = []
    for code in PERCEPTION_CODES:
        tally = tallies.get((population, method, code))
        if tally is None or population not in MEASURES[code].populations:
            # Shared owners are not asked TP02–TP04: answers stored before the reader left
            # them out count nowhere, overall or by method.
            continue
        results.append(
            MeasureResult(
                code=code,
                population=population,
                value=perception_result(tally.weighted),
                unweighted_value=perception_result(tally.unweighted),
                counts=dict(tally.weighted),
                unweighted_counts=dict(tally.unweighted),
                respondents=int(sum(tally.unweighted.get(a, 0) for a in FIVE_ANSWERS)),
            )
        )
    return results


def population_results(
    tallies: Mapping[TallyKey, CountTally],
    respondents: Mapping[GroupKey, int],
    population_sizes: Mapping[Population, int] | None = None,
) -> list[PopulationResult]:
    """All perception measures per population, weighted and unweighted, with the sample checks
    and the results by collection method, from tallies with their all-methods totals."""
    population_sizes = population_sizes or {}
    results = []
    for population in Population:
        sample = respondents.get((population, None), 0)
        if not sample:
            continue
        size = population_sizes.get(population)
        needed = required_sample(size) if size else None
        methods = sorted(m for (p, m) in respondents if p is population and m)
        results.append(
            PopulationResult(
                population=population,
                population_size=size,
                sample_size=sample,
                required_sample=needed,
                sample_met=None if needed is None else sample >= needed,
                margin_of_error=margin_of_error(sample, size) if size else None,
                measures=_measure_results(population, None, tallies),
                by_collection_method={
                    method: _measure_results(population, method, tallies) for method in methods
                },
            )
        )
    return results


def perception_results(
    responses: Iterable[SurveyResponse],
    population_sizes: Mapping[Population, int] | None = None,
) -> list[PopulationResult]:
    """All perception measures per population, weighted and unweighted, with sample checks."""
    return population_results(*tally_responses(responses), population_sizes)


def rounded_once(value: float | Decimal | None, places: int = 1) -> float | None:
    """A figure rounded for people, once and half up, from its unrounded value (3.2451 → 3.2,
    where rounding to 3.25 first would give 3.3)."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def to_decimal(value: float | None, places: int = 10) -> Decimal | None:
    """A float as a Decimal rounded for storage; None stays None."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places))
