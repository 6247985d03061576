"""The authorization matrix: every URL of the site, for every role, allowed or refused.

The test fails when a URL exists that the matrix does not list, so the matrix grows with the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from residentvoice.accounts.models import Membership, ResidentRegistration, Role, StaffInvitation
from residentvoice.accounts.services import invitation_token

from ..conftest import ROLES
from ..factories import StockFigureFactory, user_with_role
from ..matrix import EVERYONE_OK, LOGIN, OK, REDIRECT, only, signed_in_only


def _registration(ctx: dict[str, Any]) -> dict[str, Any]:
    user = user_with_role(None, email="applicant@example.org")
    registration = ResidentRegistration.objects.create(
        user=user, landlord=ctx["landlord"], tenure="tenant", tenancy_reference="T-1"
    )
    return {"pk": registration.pk}


def _landlord_membership(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": Membership.objects.get(user=ctx["people"]["landlord_officer"]).pk}


def _council_membership(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": Membership.objects.get(user=ctx["people"]["council_officer"]).pk}


def _landlord_with_stock(ctx: dict[str, Any]) -> dict[str, Any]:
    if not ctx["landlord"].stock_figures.exists():  # a borough built for a walk may have some
        StockFigureFactory(landlord=ctx["landlord"], homes=6300)
    return {"slug": ctx["landlord"].slug}


def _invitation(ctx: dict[str, Any]) -> StaffInvitation:
    return StaffInvitation.objects.create(
        email="new-officer@example.org",
        full_name="New Officer",
        role=Role.LANDLORD_OFFICER,
        landlord=ctx["landlord"],
        invited_by=ctx["people"]["landlord_admin"],
    )


# name -> (how to build its kwargs, HTTP method, expected result per role)
Entry = tuple[Callable[[dict[str, Any]], dict[str, Any]] | None, str, dict[str, Any]]
MATRIX: dict[str, Entry] = {
    "core:home": (None, "get", EVERYONE_OK),
    "core:accessibility": (None, "get", EVERYONE_OK),
    "core:privacy": (None, "get", EVERYONE_OK),
    "core:history": (None, "get", only("council_admin")),
    "organisations:landlord-list": (None, "get", EVERYONE_OK),
    "organisations:landlord-detail": (lambda c: {"slug": c["landlord"].slug}, "get", EVERYONE_OK),
    "organisations:manage-landlords": (None, "get", only("council_admin")),
    "organisations:landlord-add": (None, "get", only("council_admin")),
    "organisations:landlord-edit": (
        lambda c: {"slug": c["landlord"].slug},
        "get",
        only("council_admin"),
    ),
    "organisations:landlord-stock": (
        _landlord_with_stock,
        "get",
        only("council_admin"),
    ),
    "charter:overview": (None, "get", EVERYONE_OK),
    "charter:commitment": (lambda c: {"number": 1}, "get", EVERYONE_OK),
    "charter:standards": (None, "get", EVERYONE_OK),
    "accounts:home": (None, "get", signed_in_only()),
    "accounts:login": (
        None,
        "get",
        {role: OK if role == "public" else REDIRECT for role in ROLES},
    ),
    "accounts:logout": (None, "post", dict.fromkeys(ROLES, REDIRECT)),
    "accounts:register": (
        None,
        "get",
        {role: OK if role == "public" else REDIRECT for role in ROLES},
    ),
    "accounts:password-reset": (None, "get", EVERYONE_OK),
    "accounts:password-reset-sent": (None, "get", EVERYONE_OK),
    "accounts:password-reset-confirm": (
        lambda c: {"uidb64": "MQ", "token": "not-a-token"},
        "get",
        EVERYONE_OK,  # shows "this link does not work"
    ),
    "accounts:password-reset-complete": (None, "get", EVERYONE_OK),
    "accounts:invitation-accept": (
        lambda c: {"token": invitation_token(_invitation(c))},
        "get",
        EVERYONE_OK,
    ),
    "accounts:registration-queue": (
        None,
        "get",
        only("landlord_officer", "landlord_admin", "other_landlord_admin"),
    ),
    "accounts:registration-decide": (
        _registration,
        "get",
        only("landlord_officer", "landlord_admin"),
    ),
    "accounts:staff-list": (
        None,
        "get",
        only("landlord_admin", "other_landlord_admin", "council_admin"),
    ),
    "accounts:staff-invite": (
        None,
        "get",
        only("landlord_admin", "other_landlord_admin", "council_admin"),
    ),
    "accounts:membership-edit": (
        _landlord_membership,
        "get",
        only("landlord_admin", "council_admin"),
    ),
    "accounts:invitation-withdraw": (
        lambda c: {"pk": _invitation(c).pk},
        "post",
        {
            **only("landlord_admin", "council_admin"),
            "landlord_admin": REDIRECT,
            "council_admin": REDIRECT,
        },
    ),
    "admin:index": (
        None,
        "get",
        {role: OK if role == "council_admin" else REDIRECT for role in ROLES},
    ),
}


def _app_matrices() -> None:
    """Apps may list their own URLs in tests/<app>/authorization.py as MATRIX (same shape)."""
    import importlib
    import pkgutil

    import tests

    for module in pkgutil.iter_modules(tests.__path__):
        try:
            extra = importlib.import_module(f"tests.{module.name}.authorization")
        except ModuleNotFoundError:
            continue
        MATRIX.update(extra.MATRIX)


_app_matrices()

# A second case for URLs whose answer depends on whose object it is.
EXTRA_CASES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], str, dict[str, Any]]] = [
    ("accounts:membership-edit", _council_membership, "get", only("council_admin")),
]


def _named_urls(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_url_is_in_the_matrix():
    site_urls = set(_named_urls(get_resolver().url_patterns))
    # The Django admin's own pages are guarded by Django itself; the matrix checks its front door.
    site_urls = {name for name in site_urls if not name.startswith("admin:")} | {"admin:index"}
    missing = sorted(site_urls - set(MATRIX))
    assert not missing, f"Add these URLs to the authorization matrix: {missing}"


def _check(client, ctx, role, kwargs_builder, method, expected):
    kwargs = kwargs_builder(ctx) if kwargs_builder else {}
    user = ctx["people"][role]
    if user is not None:
        client.force_login(user)
    name = ctx["name"]
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url)
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {role}: {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{name} as {role}: expected {expected}, got {response.status_code}"
        )


@pytest.fixture
def ctx(people, landlord, other_landlord):
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

    charter_load(path=DEFAULT_CHARTER_PATH)
    return {"people": people, "landlord": landlord, "other_landlord": other_landlord}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, ctx, name, role):
    builder, method, expected = MATRIX[name]
    _check(client, {**ctx, "name": name}, role, builder, method, expected[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", range(len(EXTRA_CASES)))
def test_matrix_extra_cases(client, ctx, case, role):
    name, builder, method, expected = EXTRA_CASES[case]
    _check(client, {**ctx, "name": name}, role, builder, method, expected[role])
