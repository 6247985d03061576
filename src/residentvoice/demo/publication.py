"""The demonstration's published results: each synthetic demo cycle waiting at "ready to publish"
is published, oldest first, so the 2023-24 results can be compared with 2022-23. Publishing goes
through the publication service like a council admin's, and the published copies carry the
demo flag, so every page that shows them says they are synthetic. Loading twice changes nothing.
"""

from __future__ import annotations

from residentvoice.accounts.models import Membership, Role
from residentvoice.assessment.models import AssessmentCycle, Stage
from residentvoice.assessment.selectors import cycle_list
from residentvoice.publication.services import cycle_publish


def demo_publication_load() -> list[str]:
    """Publish the demo cycles that are ready to publish; returns what was published."""
    admin = (
        Membership.objects.filter(role=Role.COUNCIL_ADMIN, user__is_demo=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    ready: list[AssessmentCycle] = [
        cycle
        for cycle in cycle_list()
        if cycle.is_demo and cycle.stage == Stage.READY_TO_PUBLISH  # type: ignore[attr-defined]
    ]
    published = []
    for cycle in sorted(ready, key=lambda c: c.reporting_year):
        cycle_publish(
            cycle=cycle,
            by=admin.user if admin else None,
            note="Published with the demonstration data",
        )
        published.append(f"published results {cycle.reporting_year}")
    return published
