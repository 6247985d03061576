"""Loads the Richmond demonstration: council, twenty landlords, default charter, a person per role.

Every write goes through the owning app's services, and each writes only what changed, so loading
twice changes nothing (no new rows, no new history).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from residentvoice.accounts.models import ResidentRegistration, Role, User
from residentvoice.accounts.services import membership_grant
from residentvoice.core.notifications import email_withheld
from residentvoice.organisations.models import Landlord, StockArea
from residentvoice.organisations.services import (
    council_set,
    landlord_create,
    landlord_stock_set,
    landlord_update,
)

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
    entry: dict[str, Any], password: str, landlords: dict[str, Landlord], result: DemoLoadResult
) -> None:
    user = User.objects.filter(email__iexact=entry["email"]).first()
    if user is None:
        user = User.objects.create_user(
            email=entry["email"], password=password, full_name=entry["name"], is_demo=True
        )
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
def demo_load(*, path: Path = DEMO_DATA) -> DemoLoadResult:
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
    from residentvoice.demo.assessment import assessment_demo_load
    from residentvoice.demo.participation import demo_participation_load
    from residentvoice.demo.practices import demo_practices_load
    from residentvoice.demo.publication import demo_publication_load
    from residentvoice.demo.tsm import demo_tsm_load

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        _load_person(entry, data["password"], landlords, result)
    result.people = len(data["people"])
    loaded = charter_load(path=DEFAULT_CHARTER_PATH)
    result.charter = str(loaded)
    result.created.extend(demo_tsm_load().created)  # the regulator's real 2023-24 figures
    # Synthetic consultations and scrutiny for RHP and PA Housing, labelled as such.
    result.created.extend(demo_participation_load(landlords=landlords, password=data["password"]))
    # Synthetic charter assessments: 2022-23 and 2023-24 ready to publish, 2024-25 in review.
    result.created.extend(assessment_demo_load(landlords=list(landlords.values())))
    # Synthetic good practice, approved for the public library before the results are
    # published, so the published years carry it.
    result.created.extend(demo_practices_load(landlords=landlords))
    # The cycles ready to publish are published (synthetic results, labelled on every page).
    result.created.extend(demo_publication_load())
    return result
