"""Assessment fixtures: the default charter, a 2024-25 cycle with both test landlords taking part,
and a helper to move the cycle to a stage."""

from __future__ import annotations

from typing import Any

import pytest

from residentvoice.assessment.models import STAGE_ORDER, AssessmentCycle, AssessmentItem, Stage
from residentvoice.assessment.services import cycle_open, cycle_stage, cycle_stage_move
from residentvoice.charter.models import RatingOption
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

YEAR = "2024-25"


@pytest.fixture
def charter(db):
    return charter_load(path=DEFAULT_CHARTER_PATH).charter


@pytest.fixture
def cycle(charter, people, landlord, other_landlord) -> AssessmentCycle:
    return cycle_open(reporting_year=YEAR, landlords=[landlord, other_landlord], charter=charter)


def move_to(cycle: AssessmentCycle, stage: str, by: Any = None) -> None:
    """Move forward one stage at a time until `stage` (the way council admins do)."""
    while STAGE_ORDER.index(cycle_stage(cycle)) < STAGE_ORDER.index(stage):
        following = STAGE_ORDER[STAGE_ORDER.index(cycle_stage(cycle)) + 1]
        if following == Stage.READY_TO_PUBLISH:
            moderate_all(cycle)
        cycle_stage_move(cycle=cycle, to_stage=following, by=by)


def rating(code: str) -> RatingOption:
    return RatingOption.objects.get(code=code)


def item_of(cycle: AssessmentCycle, landlord: Any, number: int) -> AssessmentItem:
    return AssessmentItem.objects.get(
        participation__cycle=cycle, landlord=landlord, commitment__number=number
    )


def moderate_all(cycle: AssessmentCycle) -> None:
    """Give every item a final result directly (test set-up only, not a user's path)."""
    from django.utils import timezone

    AssessmentItem.objects.filter(participation__cycle=cycle, moderated_at__isnull=True).update(
        final_rating=rating("met"), final_rationale="Set for the test", moderated_at=timezone.now()
    )
