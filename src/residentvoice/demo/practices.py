"""The demonstration's best-practice library: a handful of synthetic practices across the founding
landlords and the charter's commitments (data/practices.yaml), recorded by the demonstration's
council admin through the practices services, marked as demonstration data and approved for the
public library.

They are recorded on the date data/practices.yaml gives (on the demonstration's clock), before the
demonstration publishes its cycles, so the published results carry them: the practice library and
its coverage table, "practices that meet it" on each commitment's page and the annual report's
good-practice section. Loading twice changes nothing: a practice that is already there (by its
title) is updated only where its text differs.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml

from residentvoice.accounts.models import Membership, Role
from residentvoice.charter.selectors import charter_current
from residentvoice.organisations.models import Landlord
from residentvoice.practices.models import Practice
from residentvoice.practices.services import practice_create, practice_publish, practice_update

from .clock import demo_clock, moment

PRACTICES = Path(__file__).parent / "data" / "practices.yaml"


def _council_admin() -> Any:
    membership = (
        Membership.objects.filter(role=Role.COUNCIL_ADMIN, user__is_demo=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def demo_practices_load(*, landlords: dict[str, Landlord], path: Path = PRACTICES) -> list[str]:
    """Record and approve the synthetic practices; returns what was created."""
    charter = charter_current()
    if charter is None:
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    admin = _council_admin()
    commitments = {c.number: c for c in charter.commitments.all()}
    created: list[str] = []
    with demo_clock(moment(datetime.date.fromisoformat(str(data["recorded_on"])))):
        for entry in data["practices"]:
            fields = {
                "title": entry["title"],
                "description": " ".join(entry["description"].split()),
                "commitments": [commitments[number] for number in entry["commitments"]],
                "landlords": [landlords[short] for short in entry["landlords"]],
                "evidence": entry.get("evidence", ""),
                "evidence_url": entry.get("evidence_url", ""),
                "how_residents_involved": " ".join(entry.get("how_residents_involved", "").split()),
            }
            practice = Practice.objects.filter(title=entry["title"], is_demo=True).first()
            if practice is None:
                practice = practice_create(by=admin, is_demo=True, **fields)
                created.append(f"practice {practice.title}")
            else:
                practice = practice_update(practice=practice, by=admin, **fields)
            practice_publish(practice=practice, by=admin, public=True)
    return created
