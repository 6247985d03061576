"""Loads the Richmond demonstration: council, twenty landlords, default charter, a person per role,
and then each year's story: participation, assessments, good practice and published results.

Every write goes through the owning app's services, and each writes only what changed, so loading
twice changes nothing (no new rows, no new history). Past years happen on their own dates (the
demonstration's clock, `demo.clock`); the current year is dated from the day of loading.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from residentvoice.accounts.models import ResidentRegistration, Role
from residentvoice.accounts.services import membership_grant
from residentvoice.core.notifications import email_withheld
from residentvoice.organisations.models import Landlord, StockArea
from residentvoice.organisations.services import (
    council_set,
    landlord_create,
    landlord_stock_set,
    landlord_update,
)

from .people import demo_person

DEMO_DATA = Path(__file__).parent / "data" / "richmond.yaml"
DEMO_FIGURES_DATE = datetime.date(2024, 3, 31)


@dataclass
class DemoLoadResult:
    landlords: int = 0
    people: int = 0
    created: list[str] = field(default_factory=list)
    charter: str = ""


def _landlord_fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": entry["name"],
        "short_name": entry["short_name"],
        "regulator_code": str(entry.get("regulator_code", "")),
        "landlord_type": entry.get("landlord_type", "housing_association"),
        "website": entry.get("website", ""),
        "parent_group": entry.get("parent_group", ""),
        "charter_status": entry["charter_status"],
        "charter_status_date": entry.get("charter_status_date"),
        "is_fictional": bool(entry.get("fictional", False)),
    }


def _load_landlord(entry: dict[str, Any], default_source: str, result: DemoLoadResult) -> Landlord:
    fields = _landlord_fields(entry)
    landlord = Landlord.objects.filter(name=fields["name"]).first()
    if landlord is None:
        landlord = landlord_create(**fields)
        result.created.append(f"landlord {landlord.short_name}")
    else:
        landlord_update(landlord=landlord, **fields)
    # Figures sharing a date and source are saved together.
    groups: dict[tuple[datetime.date, str], dict[tuple[str, str], int | None]] = {}
    for figure in entry.get("stock", []):
        key = (figure.get("as_of", DEMO_FIGURES_DATE), figure.get("source", default_source))
        groups.setdefault(key, {})[(StockArea.BOROUGH.value, figure["tenure"])] = figure["homes"]
    for (as_of, source), figures in groups.items():
        landlord_stock_set(landlord=landlord, figures=figures, as_of=as_of, source=source)
    return landlord


def _load_person(
    entry: dict[str, Any],
    password_hash: str,
    landlords: dict[str, Landlord],
    result: DemoLoadResult,
) -> None:
    user, made = demo_person(
        email=entry["email"], full_name=entry["name"], password_hash=password_hash
    )
    if made:
        result.created.append(f"person {user.email}")
    landlord = landlords.get(entry.get("landlord", ""))
    if entry["role"] == "applicant":
        # Someone still waiting for their landlord to verify them.
        if landlord is not None and not ResidentRegistration.objects.filter(user=user).exists():
            ResidentRegistration.objects.create(
                user=user,
                landlord=landlord,
                tenure=entry.get("tenure", "tenant"),
                tenancy_reference=entry.get("tenancy_reference", ""),
            )
        return
    membership_grant(
        user=user,
        role=Role(entry["role"]),
        landlord=landlord,
        resident_tenure=entry.get("tenure", "") if entry["role"] == Role.RESIDENT else "",
    )


@email_withheld()  # its history is written as if it happened; nobody is emailed about it
@transaction.atomic
def demo_load(*, path: Path = DEMO_DATA, today: datetime.date | None = None) -> DemoLoadResult:
    """Load what is missing of the demonstration. `today` (the real date unless given) decides
    which year is current; the years before it are published."""
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
    from residentvoice.demo.assessment import assessment_demo_load
    from residentvoice.demo.participation import demo_participation_load
    from residentvoice.demo.practices import demo_practices_load
    from residentvoice.demo.publication import demo_publication_load
    from residentvoice.demo.tsm import demo_tsm_load

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = today or timezone.localdate()
    # One hash for every demonstration person (they share the password): hashing is slow on
    # purpose, and some thirty people would otherwise take most of the load's time.
    password_hash = make_password(data["password"])
    result = DemoLoadResult()
    council = data["council"]
    council_set(
        name=council["name"],
        area_name=council["area_name"],
        short_name=council.get("short_name", ""),
        website=council.get("website", ""),
    )
    landlords: dict[str, Landlord] = {}
    for entry in data["landlords"]:
        landlord = _load_landlord(entry, data["demonstration_source"], result)
        landlords[landlord.short_name] = landlord
    result.landlords = len(landlords)
    for entry in data["people"]:
        _load_person(entry, password_hash, landlords, result)
    result.people = len(data["people"])
    loaded = charter_load(path=DEFAULT_CHARTER_PATH)
    result.charter = str(loaded)
    result.created.extend(demo_tsm_load().created)  # the regulator's real 2023-24 figures
    # Synthetic consultations and scrutiny for RHP and PA Housing, labelled as such, one of them
    # open today.
    result.created.extend(
        demo_participation_load(landlords=landlords, password_hash=password_hash, today=today)
    )
    # Synthetic charter assessments: every past year ready to publish, the current one in
    # self-assessment.
    result.created.extend(assessment_demo_load(landlords=list(landlords.values()), today=today))
    # Synthetic good practice, approved for the public library before the results are
    # published, so the published years carry it.
    result.created.extend(demo_practices_load(landlords=landlords))
    # The cycles ready to publish are published (synthetic results, labelled on every page).
    result.created.extend(demo_publication_load())
    return result
