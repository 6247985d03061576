"""Writes for the charter: load a charter file and keep the national standards in step with theirs.

Every load checks the whole file first and then writes in one transaction: all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .fileformat import (
    CharterFileError,
    CharterFileProblem,
    CharterSpec,
    FileReader,
    FrameworkSpec,
    read_charter_file,
    read_standards_file,
)
from .models import (
    Charter,
    Commitment,
    Criterion,
    RatingOption,
    RatingScale,
    StandardFramework,
    StandardItem,
)

__all__ = [
    "DEFAULT_CHARTER_PATH",
    "STANDARDS_PATH",
    "CharterFileError",
    "CharterFileProblem",
    "CharterLoadResult",
    "StandardsSyncResult",
    "charter_load",
    "standards_sync",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_CHARTER_PATH = DATA_DIR / "default_charter.yaml"
STANDARDS_PATH = DATA_DIR / "standards.yaml"
# Frameworks from a council's charter file come after the bundled ones on the standards page.
COUNCIL_FRAMEWORK_ORDER_START = 100


@dataclass(frozen=True)
class StandardsSyncResult:
    frameworks_created: int = 0
    frameworks_updated: int = 0
    items_created: int = 0
    items_updated: int = 0

    def __add__(self, other: StandardsSyncResult) -> StandardsSyncResult:
        return StandardsSyncResult(
            self.frameworks_created + other.frameworks_created,
            self.frameworks_updated + other.frameworks_updated,
            self.items_created + other.items_created,
            self.items_updated + other.items_updated,
        )

    @property
    def changed(self) -> bool:
        return any(
            (
                self.frameworks_created,
                self.frameworks_updated,
                self.items_created,
                self.items_updated,
            )
        )

    @property
    def summary(self) -> str:
        if not self.changed:
            return "Standards already up to date, unchanged."
        return (
            f"Standards: {self.frameworks_created} frameworks created, "
            f"{self.frameworks_updated} updated; {self.items_created} items created, "
            f"{self.items_updated} updated."
        )


@dataclass(frozen=True)
class CharterLoadResult:
    charter: Charter
    created: bool
    commitment_count: int
    standards: StandardsSyncResult

    @property
    def summary(self) -> str:
        what = f"{self.charter.name} ({self.charter.slug}), version {self.charter.version}"
        if self.created:
            return f"Created {what} with {self.commitment_count} commitments."
        return f"{what} already loaded, unchanged ({self.commitment_count} commitments)."

    def __str__(self) -> str:
        return self.summary


def standards_sync(*, path: Path = STANDARDS_PATH) -> StandardsSyncResult:
    """Create or update the frameworks in a standards file. Never deletes; idempotent.

    A framework or item is saved only when the file says something different, so running this
    again adds no history rows.
    """
    reader = FileReader(path)
    frameworks = read_standards_file(reader)
    _check_codes_free(reader, frameworks)
    if reader.problems:
        raise CharterFileError(reader.problems)
    with transaction.atomic():
        return _frameworks_write(frameworks, order_start=1)


def charter_load(*, path: Path) -> CharterLoadResult:
    """Load a charter file, after bringing the bundled standards up to date.

    - A new slug or version creates a new Charter; older versions are never touched.
    - The same slug and version with the same content changes nothing.
    - The same slug and version with different content is refused: raise the version.
    Raises CharterFileError listing every problem found; the database is then unchanged.
    """
    bundled_reader = FileReader(STANDARDS_PATH)
    bundled = read_standards_file(bundled_reader)
    if bundled_reader.problems:
        raise CharterFileError(bundled_reader.problems)

    reader = FileReader(path)
    bundled_codes = {item.code for framework in bundled for item in framework.items}

    def known_codes(own: list[FrameworkSpec]) -> set[str]:
        _check_own_frameworks(reader, own, bundled)
        return (
            bundled_codes
            | {item.code for framework in own for item in framework.items}
            | set(StandardItem.objects.values_list("code", flat=True))
        )

    spec = read_charter_file(reader, known_standard_codes=known_codes)
    if spec is None or reader.problems:
        raise CharterFileError(reader.problems)

    with transaction.atomic():
        standards = _frameworks_write(bundled, order_start=1)
        standards += _frameworks_write(spec.frameworks, order_start=COUNCIL_FRAMEWORK_ORDER_START)
        fingerprint = spec.fingerprint()
        existing = (
            Charter.objects.select_for_update().filter(slug=spec.slug, version=spec.version).first()
        )
        if existing is not None:
            if existing.source_fingerprint != fingerprint:
                raise CharterFileError(
                    [
                        CharterFileProblem(
                            reader.file,
                            spec.version_line,
                            f"version {spec.version} of the charter '{spec.slug}' is already "
                            "loaded with different content; a loaded version is never "
                            f"rewritten, so raise the version (for example to "
                            f"{_next_version(spec.slug)}) to load these changes",
                        )
                    ]
                )
            return CharterLoadResult(existing, False, len(spec.commitments), standards)
        charter = _charter_write(spec, fingerprint)
    return CharterLoadResult(charter, True, len(spec.commitments), standards)


def _next_version(slug: str) -> int:
    versions = Charter.objects.filter(slug=slug).values_list("version", flat=True)
    return max(versions, default=0) + 1


def _check_codes_free(reader: FileReader, frameworks: list[FrameworkSpec]) -> None:
    """Item codes are unique across frameworks: refuse one already used by another framework."""
    owners = dict(
        StandardItem.objects.filter(
            code__in=[item.code for framework in frameworks for item in framework.items]
        ).values_list("code", "framework__code")
    )
    for framework in frameworks:
        for item in framework.items:
            owner = owners.get(item.code)
            if owner is not None and owner != framework.code:
                reader.problem(
                    item.line,
                    f"standard code '{item.code}' already belongs to the framework '{owner}'",
                )


def _check_own_frameworks(
    reader: FileReader, own: list[FrameworkSpec], bundled: list[FrameworkSpec]
) -> None:
    """A charter file may add frameworks but not redefine the bundled ones, which would flip back
    and forth on every load."""
    bundled_frameworks = {framework.code for framework in bundled}
    bundled_items = {item.code: framework.code for framework in bundled for item in framework.items}
    for framework in own:
        if framework.code in bundled_frameworks:
            reader.problem(
                framework.line,
                f"the framework '{framework.code}' comes with Resident Voice and cannot be "
                "changed from a charter file; give your own framework a different code",
            )
            continue
        for item in framework.items:
            if item.code in bundled_items:
                reader.problem(
                    item.line,
                    f"standard code '{item.code}' already belongs to the framework "
                    f"'{bundled_items[item.code]}'",
                )
    _check_codes_free(reader, own)


def _frameworks_write(frameworks: list[FrameworkSpec], *, order_start: int) -> StandardsSyncResult:
    if not frameworks:
        return StandardsSyncResult()
    existing = {
        framework.code: framework
        for framework in StandardFramework.objects.filter(code__in=[f.code for f in frameworks])
    }
    items = {
        item.code: item
        for item in StandardItem.objects.filter(
            code__in=[item.code for framework in frameworks for item in framework.items]
        )
    }
    counts = {
        "frameworks_created": 0,
        "frameworks_updated": 0,
        "items_created": 0,
        "items_updated": 0,
    }
    for position, spec in enumerate(frameworks):
        framework_values = {
            "name": spec.name,
            "publisher": spec.publisher,
            "year": spec.year,
            "url": spec.url,
            "description": spec.description,
            "note": spec.note,
            "order": order_start + position,
        }
        framework = existing.get(spec.code)
        if framework is None:
            framework = StandardFramework.objects.create(code=spec.code, **framework_values)
            counts["frameworks_created"] += 1
        elif _update(framework, framework_values):
            counts["frameworks_updated"] += 1
        for order, item_spec in enumerate(spec.items, start=1):
            item_values = {
                "framework_id": framework.pk,
                "title": item_spec.title,
                "description": item_spec.description,
                "is_verified": item_spec.is_verified,
                "order": order,
            }
            item = items.get(item_spec.code)
            if item is None:
                StandardItem.objects.create(code=item_spec.code, **item_values)
                counts["items_created"] += 1
            elif _update(item, item_values):
                counts["items_updated"] += 1
    return StandardsSyncResult(**counts)


def _update(instance: StandardFramework | StandardItem, values: Mapping[str, object]) -> bool:
    """Save only what differs, so an unchanged file leaves no trace in the history."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save()
    return bool(changed)


def _charter_write(spec: CharterSpec, fingerprint: str) -> Charter:
    # One create() per row rather than bulk_create, so that every row gets its history entry.
    charter = Charter.objects.create(
        name=spec.name,
        slug=spec.slug,
        area=spec.area,
        approved_on=spec.approved_on,
        version=spec.version,
        is_default_text=spec.is_default_text,
        introduction=spec.introduction,
        source_note=spec.source_note,
        source_fingerprint=fingerprint,
    )
    scale = RatingScale.objects.create(
        charter=charter, name=spec.scale_name, allows_not_applicable=spec.allows_not_applicable
    )
    for order, option in enumerate(spec.options, start=1):
        RatingOption.objects.create(
            scale=scale,
            code=option.code,
            label=option.label,
            points=option.points,
            order=order,
            meets_commitment=option.meets_commitment,
            description=option.description,
        )
    items = StandardItem.objects.in_bulk(
        {code for commitment in spec.commitments for code in commitment.standards},
        field_name="code",
    )
    for commitment_spec in spec.commitments:
        commitment = Commitment.objects.create(
            charter=charter,
            number=commitment_spec.number,
            title=commitment_spec.title,
            text=commitment_spec.text,
            commits_council=commitment_spec.commits_council,
            commits_landlords=commitment_spec.commits_landlords,
            not_applicable_allowed=commitment_spec.not_applicable_allowed,
        )
        commitment.standards.set([items[code] for code in commitment_spec.standards])
        for number, text in enumerate(commitment_spec.criteria, start=1):
            Criterion.objects.create(commitment=commitment, number=number, text=text)
    return charter
