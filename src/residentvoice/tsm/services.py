"""Writes for the TSM app: import the regulator's release, check its arithmetic, load a landlord's
own survey responses, link a landlord's codes across years. Each write is one transaction."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from residentvoice.organisations.models import Landlord

from .management_figures import read_management_file
from .measures import (
    FIVE_ANSWERS,
    MEASURES,
    Kind,
    Population,
    PopulationResult,
    SurveyResponse,
    management_result,
    perception_result,
    population_results,
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
from .responses import read_survey_file
from .selectors import regulator_landlord_codes
from .workbook import (
    ParsedRelease,
    ParsedSurvey,
    ParsedValue,
    Problem,
    check_reporting_year,
    read_release,
)

BATCH = 1000
# Differences smaller than this are rounding, in percentage points or per 1,000 homes.
VERIFY_TOLERANCE = 0.1

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class ReleaseImport:
    release: TsmRelease
    created: bool
    replaced: TsmRelease | None = None
    landlords: int = 0
    new_landlords: int = 0
    surveys: int = 0
    values: int = 0
    markers: dict[str, int] = field(default_factory=dict)
    notices: list[Problem] = field(default_factory=list)


def tsm_release_import(
    *,
    path: str | Path,
    reporting_year: str | None = None,
    version_note: str = "",
    source_name: str | None = None,
    progress: Progress | None = None,
) -> ReleaseImport:
    """Import the regulator's workbook, all or nothing.

    The same file again changes nothing. A different file for a year already imported becomes
    that year's release and the earlier one is kept, marked as replaced by it.
    Raises workbook.WorkbookError naming sheet, row and column of every problem.
    """
    path = Path(path)
    sha256 = file_sha256(path)
    if (already := TsmRelease.objects.filter(sha256=sha256).first()) is not None:
        return ReleaseImport(release=already, created=False)

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        if progress:
            progress(stage, done, total)

    parsed = read_release(
        path, reporting_year=reporting_year, progress=lambda sheet: report(f"Reading {sheet}")
    )
    with transaction.atomic():
        return _store_release(parsed, sha256, source_name or path.name, version_note, report)


def _store_release(
    parsed: ParsedRelease,
    sha256: str,
    source_name: str,
    version_note: str,
    report: Callable[..., None],
) -> ReleaseImport:
    now = timezone.now()
    previous = (
        TsmRelease.objects.select_for_update()
        .filter(reporting_year=parsed.reporting_year, replaced_at__isnull=True)
        .first()
    )
    if previous is not None:
        # Free the year first: only one release per year may be current.
        previous.replaced_at = now
        previous.save(update_fields=["replaced_at", "updated_at"])
    release = TsmRelease.objects.create(
        reporting_year=parsed.reporting_year,
        source_name=source_name,
        sha256=sha256,
        imported_at=now,
        version_note=version_note,
        sheets=parsed.sheets,
        notices=[str(notice) for notice in parsed.notices],
    )
    if previous is not None:
        previous.replaced_by = release
        previous._change_reason = f"Replaced by {source_name}"  # type: ignore[attr-defined]
        previous.save(update_fields=["replaced_by", "updated_at"])

    report("Saving landlords")
    landlords, new_landlords = _regulator_landlords(parsed)
    LandlordReturn.objects.bulk_create(
        [
            LandlordReturn(
                release=release,
                regulator_landlord=landlords[code],
                name=item.name or code,
                # The reader refuses labels longer than the fields hold (LABEL_LIMIT).
                landlord_type=item.landlord_type,
                size_band=item.size_band,
                region=item.region,
                publication_url=item.publication_url,
                above_30_percent_supported=item.above_30_percent_supported,
                regulator_notes=item.notes,
                coverage=item.coverage,
                management_facts=item.management_facts,
            )
            for code, item in parsed.landlords.items()
        ],
        batch_size=BATCH,
    )
    report("Saving survey facts")
    PerceptionSurvey.objects.bulk_create(
        [_survey_row(release, landlords[s.code], s) for s in parsed.surveys], batch_size=BATCH
    )
    markers: dict[str, int] = {}
    rows = []
    for item in parsed.values:
        if item.marker:
            markers[item.marker] = markers.get(item.marker, 0) + 1
        rows.append(_value_row(release, landlords[item.code], item))
    for start in range(0, len(rows), BATCH):
        MeasureValue.objects.bulk_create(rows[start : start + BATCH])
        report("Saving measures", min(start + BATCH, len(rows)), len(rows))
    return ReleaseImport(
        release=release,
        created=True,
        replaced=previous,
        landlords=len(landlords),
        new_landlords=new_landlords,
        surveys=len(parsed.surveys),
        values=len(rows),
        markers=markers,
        notices=parsed.notices,
    )


def _regulator_landlords(parsed: ParsedRelease) -> tuple[dict[str, RegulatorLandlord], int]:
    """The landlord record for every code in the file, created or renamed as needed."""
    codes = list(parsed.landlords)
    known = RegulatorLandlord.objects.in_bulk(codes, field_name="code")
    borough = {
        landlord.regulator_code.strip().upper(): landlord
        for landlord in Landlord.objects.exclude(regulator_code="")
    }
    newest_year = (
        TsmRelease.objects.filter(replaced_at__isnull=True)
        .order_by("-reporting_year")
        .values_list("reporting_year", flat=True)
        .first()
    )
    # Names follow the newest year; importing an older year leaves today's names alone.
    rename = newest_year is None or parsed.reporting_year >= newest_year
    to_create, to_update = [], []
    for code, item in parsed.landlords.items():
        record = known.get(code)
        if record is None:
            to_create.append(
                RegulatorLandlord(code=code, name=item.name or code, landlord=borough.get(code))
            )
            continue
        changed = False
        if rename and item.name and record.name != item.name:
            record.name, changed = item.name, True
        if record.landlord_id is None and code in borough:
            record.landlord, changed = borough[code], True
        if changed:
            to_update.append(record)
    if to_create:
        bulk_create_with_history(to_create, RegulatorLandlord, batch_size=BATCH)
    if to_update:
        bulk_update_with_history(
            to_update, RegulatorLandlord, ["name", "landlord"], batch_size=BATCH
        )
    return RegulatorLandlord.objects.in_bulk(codes, field_name="code"), len(to_create)


def _whole(value: Any) -> int | None:
    return None if value is None else round(float(value))


def _at_least(value: Any) -> int | None:
    """A required number of responses, whole: an unrounded figure (553.7) is rounded up, since
    553 answers would fall short. The tolerance keeps a float's last-digit noise (554.0000001)
    from adding one."""
    return None if value is None else math.ceil(float(value) - 1e-6)


def _survey_row(
    release: TsmRelease, landlord: RegulatorLandlord, item: ParsedSurvey
) -> PerceptionSurvey:
    facts = item.facts
    margin = facts.get("margin_of_error")
    return PerceptionSurvey(
        release=release,
        regulator_landlord=landlord,
        population=item.population,
        population_size=_whole(facts.get("population_size")),
        required_sample=_at_least(facts.get("required_sample")),
        achieved_sample=_whole(facts.get("achieved_sample")),
        # Kept as published (unrounded, when the release gives it so) and rounded once, where
        # it is shown: rounding to two places here and to one on the page would round twice.
        margin_of_error=None
        if margin is None
        else Decimal(repr(margin)).quantize(Decimal("1e-10")),
        excluded_from_frame=_whole(facts.get("excluded_from_frame")),
        sample_or_census=str(facts.get("sample_or_census", ""))[:40],
        predominant_method=str(facts.get("predominant_method", ""))[:60],
        responses_by_method=facts.get("responses_by_method", {}),
        other_collection_methods=str(facts.get("other_collection_methods", "")),
        weighted=str(facts.get("weighted", ""))[:20],
        by_method_weighting=str(facts.get("by_method_weighting", ""))[:20],
        weighting_characteristics=facts.get("weighting_characteristics", {}),
        contractor=str(facts.get("contractor", "")),
        incentives=str(facts.get("incentives", "")),
        markers=item.markers,
        extra=item.extra,
    )


def _plain(counts: Mapping[str, float]) -> dict[str, float] | None:
    return {str(k): v for k, v in counts.items()} or None


def _value_row(release: TsmRelease, landlord: RegulatorLandlord, item: ParsedValue) -> MeasureValue:
    return MeasureValue(
        release=release,
        regulator_landlord=landlord,
        population=item.population,
        measure=item.measure,
        value=item.value,
        marker=item.marker,
        answer_counts=_plain(item.counts),
        unweighted_counts=_plain(item.unweighted_counts),
        unweighted_value=item.unweighted_value,
        filter_counts=_plain(item.filter_counts),
        filter_share=item.filter_share,
        by_method={k: float(v) for k, v in item.by_method.items()} or None,
        numerator=item.numerator,
        denominator=item.denominator,
        part_markers=item.part_markers,
        background=item.background,
        source_sheet=item.sheet[:60],
        source_row=item.row,
    )


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A published figure that its own counts or parts do not give."""

    landlord_code: str
    landlord_name: str
    population: str
    measure: str
    published: float
    recomputed: float
    sheet: str
    row: int

    @property
    def difference(self) -> float:
        return self.published - self.recomputed


@dataclass
class Verification:
    reporting_year: str
    checked: int = 0
    not_checkable: int = 0
    differences: list[Difference] = field(default_factory=list)
    whole_number_columns: list[str] = field(default_factory=list)

    def by_sheet(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for difference in self.differences:
            found[difference.sheet] = found.get(difference.sheet, 0) + 1
        return found


def recompute(value: MeasureValue) -> float | None:
    """The measure worked out again from what the release publishes beside it."""
    definition = MEASURES.get(value.measure)
    if definition is None:
        return None
    if definition.kind is Kind.PERCEPTION:
        counts = value.answer_counts or {}
        if not all(answer in counts for answer in FIVE_ANSWERS):
            return None
        return perception_result(counts)
    if value.numerator is None or value.denominator is None:
        return None
    if value.denominator == 0:
        # The regulator shows 0 when the denominator is zero (Introduction sheet).
        return 0.0
    return management_result(value.measure, float(value.numerator), float(value.denominator))


def tsm_release_verify(*, year: str, tolerance: float = VERIFY_TOLERANCE) -> Verification:
    """Recompute every published value of the year's current release; list the differences.

    A column whose every published value is a whole number (the 2023-24 file does this for the
    shared-ownership and combined complaint measures) can only be checked to the nearest whole
    number, so there the recomputed value is rounded before comparing.
    """
    release = TsmRelease.objects.get(reporting_year=year, replaced_at__isnull=True)
    result = Verification(reporting_year=year)
    values = list(
        MeasureValue.objects.filter(release=release, value__isnull=False)
        .select_related("regulator_landlord")
        .order_by("source_sheet", "source_row", "population", "measure")
    )
    whole_columns: dict[tuple[str, str, str], bool] = {}
    for value in values:
        key = (value.source_sheet, value.population, value.measure)
        shown = value.value or Decimal(0)
        whole_columns[key] = whole_columns.get(key, True) and shown == shown.to_integral_value()
    result.whole_number_columns = sorted(
        f"{sheet} {population} {measure}"
        for (sheet, population, measure), whole in whole_columns.items()
        if whole
    )
    names = dict(
        LandlordReturn.objects.filter(release=release).values_list(
            "regulator_landlord__code", "name"
        )
    )
    for value in values:
        recomputed = recompute(value)
        if recomputed is None:
            result.not_checkable += 1
            continue
        result.checked += 1
        published = float(value.value or 0)
        expected = recomputed
        if whole_columns[(value.source_sheet, value.population, value.measure)]:
            expected = float(Decimal(repr(recomputed)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if abs(published - expected) > tolerance:
            code = value.regulator_landlord.code
            result.differences.append(
                Difference(
                    landlord_code=code,
                    landlord_name=names.get(code, value.regulator_landlord.name),
                    population=value.population,
                    measure=value.measure,
                    published=published,
                    recomputed=recomputed,
                    sheet=value.source_sheet,
                    row=value.source_row,
                )
            )
    return result


# --- code links --------------------------------------------------------------------------------


def regulator_code_link(
    *, earlier_code: str, later_code: str, from_year: str, note: str = ""
) -> RegulatorCodeLink:
    """Record that a landlord reports under `later_code` from `from_year` on. Raises
    ValidationError, naming the field, for a missing or repeated code, a year not like 2024-25,
    or a link that would lead back to the code it starts from."""
    earlier_code, later_code = earlier_code.strip().upper(), later_code.strip().upper()
    errors: dict[str, str] = {}
    if not earlier_code:
        errors["earlier_code"] = "Enter the code the landlord reported under before"
    if not later_code:
        errors["later_code"] = "Enter the code the landlord reports under from that year"
    elif earlier_code == later_code:
        errors["later_code"] = f"The later code must differ from the earlier one ({earlier_code})"
    if not check_reporting_year(from_year.strip()):
        errors["from_year"] = (
            f"{from_year!r} is not a reporting year: give the first year under the later code "
            "like 2024-25"
        )
    if errors:
        raise ValidationError(errors)
    from_year = from_year.strip()
    if earlier_code in regulator_landlord_codes(code=later_code) and not (
        RegulatorCodeLink.objects.filter(
            earlier__code=earlier_code, later__code=later_code
        ).exists()
    ):
        raise ValidationError(
            {"later_code": f"{earlier_code} and {later_code} are already joined by other links"}
        )
    with transaction.atomic():
        earlier, _ = RegulatorLandlord.objects.get_or_create(
            code=earlier_code, defaults={"name": earlier_code}
        )
        later, _ = RegulatorLandlord.objects.get_or_create(
            code=later_code, defaults={"name": later_code}
        )
        link = RegulatorCodeLink.objects.filter(earlier=earlier, later=later).first()
        if link is None:
            link = RegulatorCodeLink.objects.create(
                earlier=earlier, later=later, from_year=from_year, note=note
            )
        elif (link.from_year, link.note) != (from_year, note):
            # Only a real change is written, so recording the same link again leaves no history.
            link.from_year, link.note = from_year, note
            link.save(update_fields=["from_year", "note", "updated_at"])
    return link


def regulator_landlord_assign(*, code: str, landlord: Landlord | None) -> RegulatorLandlord:
    """Say which borough landlord a regulator code belongs to (for example MTVH's earlier code);
    writes only when it changes. Raises RegulatorLandlord.DoesNotExist for an unknown code."""
    with transaction.atomic():
        record = RegulatorLandlord.objects.select_for_update().get(code=code.strip().upper())
        if record.landlord_id != (landlord.pk if landlord else None):
            record.landlord = landlord
            record.save(update_fields=["landlord", "updated_at"])
    return record


# --- a landlord's own results ------------------------------------------------------------------

REPORTING_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def _check_year(reporting_year: str) -> str:
    match = REPORTING_YEAR.match(reporting_year.strip())
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError(
            {"reporting_year": "Enter the reporting year like 2023-24 (the second year follows)"}
        )
    return reporting_year.strip()


def _check_sizes(population_sizes: Mapping[str, int | None] | None) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for population, size in (population_sizes or {}).items():
        if size in (None, ""):
            continue
        if population not in (Population.LCRA, Population.LCHO, Population.COMBINED):
            raise ValidationError(f"{population} is not a surveyed population")
        if int(size) <= 0:
            raise ValidationError(
                {f"{population.lower()}_population": "The number of tenants must be more than 0"}
            )
        sizes[str(population)] = int(size)
    return sizes


def own_results_start(
    *,
    landlord: Landlord,
    reporting_year: str,
    population_sizes: Mapping[str, int | None] | None = None,
    title: str = "",
) -> OwnSurvey:
    """Open a landlord's own results for a year; one set per landlord and year."""
    year = _check_year(reporting_year)
    sizes = _check_sizes(population_sizes)
    with transaction.atomic():
        if OwnSurvey.objects.filter(landlord=landlord, reporting_year=year).exists():
            raise ValidationError(
                {"reporting_year": f"{landlord.short_name} already has results for {year}"}
            )
        return OwnSurvey.objects.create(
            title=title or f"{landlord.short_name} Tenant Satisfaction Measures {year}",
            landlord=landlord,
            reporting_year=year,
            population_sizes=sizes,
        )


def _response_row(survey: OwnSurvey, response: SurveyResponse) -> OwnSurveyResponse:
    row = OwnSurveyResponse(
        survey=survey,
        respondent_id=response.respondent_id,
        population=response.population,
        weight=response.weight,
        collection_method=response.collection_method[:60],
        response_date=response.response_date,
    )
    for code, answer in response.answers.items():
        setattr(row, answer_field(code), ANSWER_NUMBERS[answer] if answer else None)
    for column, codes in FILTER_FIELDS.items():
        flags = [response.filters.get(code) for code in codes]
        setattr(row, column, next((flag for flag in flags if flag is not None), None))
    return row


class ReplacementNotConfirmedError(Exception):
    """Loading the file would replace what is stored, and the person has not confirmed
    replacing exactly that much. Nothing was changed."""

    def __init__(self, *, stored: int, incoming: int, what: str, source_name: str) -> None:
        self.stored, self.incoming, self.what, self.source_name = (
            stored,
            incoming,
            what,
            source_name,
        )
        super().__init__(
            f"This file holds {incoming:,} {what}. Loading it replaces the {stored:,} {what} "
            f"loaded from {source_name}: confirm that they should be replaced."
        )


def _check_replacement(
    *, stored: int, confirmed: int | None, incoming: int, what: str, source_name: str
) -> None:
    """Stored data is only replaced when the person confirmed replacing that very amount (what
    they were shown may have changed since)."""
    if stored and confirmed != stored:
        raise ReplacementNotConfirmedError(
            stored=stored, incoming=incoming, what=what, source_name=source_name
        )


def survey_responses_import(
    *,
    path: str | Path,
    survey: OwnSurvey | None = None,
    title: str = "",
    landlord: Landlord | None = None,
    reporting_year: str = "",
    population_sizes: Mapping[str, int | None] | None = None,
    source_name: str | None = None,
    replaces: int | None = None,
) -> OwnSurvey:
    """Load a survey file, all or nothing; raises responses.SurveyFileError naming each problem.

    With `survey`, its responses are replaced by the file's (the same file again changes
    nothing); population sizes given replace those recorded. Without, a new set is made.
    Responses already stored are replaced only when `replaces` is how many there are (the
    person confirmed replacing them); otherwise ReplacementNotConfirmedError says how many would go.
    """
    path = Path(path)
    sha256 = file_sha256(path)
    sizes = _check_sizes(population_sizes) if population_sizes else None
    if survey is not None:
        survey.refresh_from_db()
    if survey is not None and survey.sha256 == sha256:
        # The same answers again: only new population sizes, if any, are worth writing.
        merged = {**survey.population_sizes, **(sizes or {})}
        if merged != survey.population_sizes:
            survey.population_sizes = merged
            with transaction.atomic():
                survey.save(update_fields=["population_sizes", "updated_at"])
        return survey
    survey_file = read_survey_file(path)
    with transaction.atomic():
        if survey is None:
            survey = OwnSurvey.objects.create(
                title=title or path.stem,
                landlord=landlord,
                reporting_year=_check_year(reporting_year) if reporting_year else "",
                population_sizes=sizes or {},
            )
        else:
            OwnSurvey.objects.select_for_update().filter(pk=survey.pk).first()
            survey.refresh_from_db()
            _check_replacement(
                stored=survey.responses.count(),
                confirmed=replaces,
                incoming=len(survey_file.responses),
                what="responses",
                source_name=survey.source_name,
            )
            survey.responses.all().delete()
            if sizes:
                survey.population_sizes = {**survey.population_sizes, **sizes}
        survey.source_name = (source_name or path.name)[:300]
        survey.sha256 = sha256
        survey.save()
        OwnSurveyResponse.objects.bulk_create(
            [_response_row(survey, r) for r in survey_file.responses], batch_size=BATCH
        )
    return survey


def management_figures_import(
    *,
    survey: OwnSurvey,
    path: str | Path,
    source_name: str | None = None,
    replaces: int | None = None,
) -> OwnSurvey:
    """Load a landlord's management information figures, all or nothing, replacing any loaded
    before; the same file again changes nothing. Raises ManagementFileError naming each problem.
    Figures already stored are replaced only when `replaces` is how many there are; otherwise
    ReplacementNotConfirmedError says how many would go.
    """
    path = Path(path)
    sha256 = file_sha256(path)
    if OwnSurvey.objects.filter(pk=survey.pk, management_sha256=sha256).exists():
        survey.refresh_from_db()
        return survey
    figures = read_management_file(path)
    with transaction.atomic():
        OwnSurvey.objects.select_for_update().filter(pk=survey.pk).first()
        survey.refresh_from_db()
        _check_replacement(
            stored=survey.management_figures.count(),
            confirmed=replaces,
            incoming=len(figures.figures),
            what="figures",
            source_name=survey.management_source_name,
        )
        survey.management_figures.all().delete()
        OwnManagementFigure.objects.bulk_create(
            OwnManagementFigure(
                survey=survey,
                measure=figure.measure,
                population=figure.population,
                numerator=figure.numerator,
                denominator=figure.denominator,
                value=figure.value.quantize(Decimal("1e-10")) if figure.value is not None else None,
                marker=figure.marker,
                source_row=figure.row,
            )
            for figure in figures.figures
        )
        survey.management_source_name = (source_name or path.name)[:300]
        survey.management_sha256 = sha256
        survey.save()
    return survey


APPROACH_FIELDS = (
    "population_surveyed",
    "sample_method",
    "fieldwork_start",
    "fieldwork_end",
    "collection_methods",
    "contractor",
    "weighting",
    "representativeness",
    "exclusions",
    "incentives",
)


def own_results_approach_update(*, survey: OwnSurvey, **fields: Any) -> OwnSurvey:
    """Change the summary of approach; only fields that changed are written (and recorded)."""
    unknown = set(fields) - set(APPROACH_FIELDS)
    if unknown:
        raise ValueError(f"not part of the summary of approach: {sorted(unknown)}")
    start = fields.get("fieldwork_start", survey.fieldwork_start)
    end = fields.get("fieldwork_end", survey.fieldwork_end)
    if start and end and end < start:
        raise ValidationError(
            {"fieldwork_end": "The last day of fieldwork must be after the first"}
        )
    changed = [name for name, value in fields.items() if getattr(survey, name) != value]
    if not changed:
        return survey
    with transaction.atomic():
        for name in changed:
            setattr(survey, name, fields[name])
        survey.save(update_fields=[*changed, "updated_at"])
    return survey


def own_results_publish(*, survey: OwnSurvey, publish: bool = True) -> OwnSurvey:
    """Publish the results (the public sees them from then on) or take them down again.

    Publishing needs some results and the core of the summary of approach.
    """
    if publish == survey.is_published:
        return survey
    if publish:
        missing = [
            label
            for name, label in (
                ("population_surveyed", "who was surveyed"),
                ("sample_method", "how the sample was chosen"),
                ("collection_methods", "how answers were collected"),
            )
            if not getattr(survey, name).strip()
        ]
        if not survey.sha256 and not survey.management_sha256:
            missing.insert(0, "survey responses or management information")
        if missing:
            raise ValidationError(f"Before publishing, add {', '.join(missing)}.")
    with transaction.atomic():
        survey.published_at = timezone.now() if publish else None
        survey.save(update_fields=["published_at", "updated_at"])
    return survey


def survey_results_compute(*, survey: OwnSurvey) -> list[PopulationResult]:
    """All perception measures per population for a loaded survey: the database counts the
    answers (selectors.own_results_tallies), the one engine works out the results."""
    from .selectors import own_results_tallies

    tallies, respondents = own_results_tallies(survey_ids=[survey.pk]).get(survey.pk, ({}, {}))
    sizes = {Population(k): v for k, v in survey.population_sizes.items()}
    return population_results(tallies, respondents, sizes)
