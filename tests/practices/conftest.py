"""Practices fixtures: the default charter and a helper to record a practice."""

from __future__ import annotations

from typing import Any

import pytest

from residentvoice.charter.models import Commitment
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
from residentvoice.practices.models import Practice
from residentvoice.practices.services import practice_create


@pytest.fixture
def charter(db):
    return charter_load(path=DEFAULT_CHARTER_PATH).charter


def commitment(number: int) -> Commitment:
    return Commitment.objects.get(number=number)


def record(
    by: Any, title: str = "Mystery shoppers", numbers: tuple[int, ...] = (3,), **kw: Any
) -> Practice:
    return practice_create(
        by=by,
        title=title,
        description=kw.pop("description", "Residents test the service and report back."),
        commitments=[commitment(n) for n in numbers],
        **kw,
    )
