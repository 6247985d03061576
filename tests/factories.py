"""Factories shared by every app's tests."""

from __future__ import annotations

import datetime

import factory
from django.utils.text import slugify

from residentvoice.accounts.models import Membership, Role, User
from residentvoice.organisations.models import (
    CharterStatus,
    Council,
    Landlord,
    StockArea,
    StockFigure,
    Tenure,
)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = "London Borough of Testshire"
    short_name = "Testshire"
    area_name = "Testshire"


class LandlordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Landlord

    name = factory.Sequence(lambda n: f"Test Housing Association {n}")
    short_name = factory.Sequence(lambda n: f"THA{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.short_name))
    regulator_code = factory.Sequence(lambda n: f"T{n:05d}")  # never a real or test-release code
    charter_status = CharterStatus.SIGNED
    charter_status_date = datetime.date(2022, 1, 10)


class StockFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockFigure

    landlord = factory.SubFactory(LandlordFactory)
    area = StockArea.BOROUGH
    tenure = Tenure.SOCIAL_RENT
    homes = 500
    as_of = datetime.date(2024, 3, 31)
    source = "Test figures"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("a-long-test-password")


def user_with_role(role: str | None, landlord: Landlord | None = None, **kwargs: object) -> User:
    """A user holding `role` (None: signed in with no role), at `landlord` for landlord roles."""
    user = UserFactory(**kwargs)
    if role is not None:
        Membership.objects.create(
            user=user,
            role=role,
            landlord=None if role in (Role.COUNCIL_ADMIN, Role.COUNCIL_OFFICER) else landlord,
            resident_tenure="tenant" if role == Role.RESIDENT else "",
        )
        if role == Role.COUNCIL_ADMIN:
            user.is_staff = True
            user.save()
    return user
