"""Fixtures shared by every app's tests: a council, two landlords and a person for each role."""

from __future__ import annotations

import os

import pytest

from residentvoice.accounts.models import Role

from .factories import CouncilFactory, LandlordFactory, user_with_role

# Playwright's sync API runs an event loop in the test thread; Django's guard against database
# calls from async code would otherwise refuse the test's own queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLES = (
    "public",
    "signed_in",
    "resident",
    "other_resident",
    "landlord_officer",
    "landlord_admin",
    "other_landlord_admin",
    "council_officer",
    "council_admin",
)


@pytest.fixture
def council(db):
    return CouncilFactory()


@pytest.fixture
def landlord(db):
    return LandlordFactory(name="Riverside Homes", short_name="Riverside", slug="riverside")


@pytest.fixture
def other_landlord(db):
    return LandlordFactory(name="Hillside Housing", short_name="Hillside", slug="hillside")


@pytest.fixture
def people(council, landlord, other_landlord):
    """One person per role. 'other_*' belong to the other landlord; 'public' is nobody."""
    return {
        "public": None,
        "signed_in": user_with_role(None, email="no-role@example.org"),
        "resident": user_with_role(Role.RESIDENT, landlord, email="resident@example.org"),
        "other_resident": user_with_role(
            Role.RESIDENT, other_landlord, email="other-resident@example.org"
        ),
        "landlord_officer": user_with_role(
            Role.LANDLORD_OFFICER, landlord, email="officer@example.org"
        ),
        "landlord_admin": user_with_role(
            Role.LANDLORD_ADMIN, landlord, email="ll-admin@example.org"
        ),
        "other_landlord_admin": user_with_role(
            Role.LANDLORD_ADMIN, other_landlord, email="other-ll-admin@example.org"
        ),
        "council_officer": user_with_role(Role.COUNCIL_OFFICER, email="c-officer@example.org"),
        "council_admin": user_with_role(Role.COUNCIL_ADMIN, email="c-admin@example.org"),
    }
