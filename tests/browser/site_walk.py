"""Walk every page of the site in a real Chromium, driven by the authorization matrix.

The matrix (tests/core/test_authorization.py and each app's tests/<app>/authorization.py) knows
every URL, how to build its arguments and which roles may open it, so a page added to the site is
walked as soon as it is added to the matrix (which a test already requires).

Chromium asks for pages at http://testserver; Playwright hands each request to Django's test client,
which answers it inside the test's own database transaction. Each page's objects are built by its
matrix builder inside a savepoint that is rolled back afterwards, on SQLite and PostgreSQL alike,
so builders that would collide (two panels of the same name, two cycles for one year) never meet,
and no server thread or database flush is needed between pages.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.staticfiles import finders
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from residentvoice.accounts.models import User
from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load
from residentvoice.organisations.models import Landlord

from ..core.test_authorization import MATRIX
from ..matrix import OK

ORIGIN = "http://testserver"

# One role from each side of the site is enough to meet every form a page can show: residents,
# landlord staff and council staff, each the first role of its side that may open the page. The
# public sees a page only when no one signed in may (sign-in, registration): elsewhere it sees
# what a signed-in person sees, or less.
SIDES = (
    ("resident", "other_resident", "signed_in"),
    ("landlord_admin", "landlord_officer", "other_landlord_admin"),
    ("council_admin", "council_officer"),
)

_STATIC: dict[str, tuple[bytes, str] | None] = {}


def _static_file(path: str) -> tuple[bytes, str] | None:
    if path not in _STATIC:
        found = finders.find(path)
        _STATIC[path] = (
            (Path(found).read_bytes(), mimetypes.guess_type(found)[0] or "text/plain")
            if found
            else None
        )
    return _STATIC[path]


@dataclass
class Visit:
    """One page opened by one role."""

    name: str
    role: str
    url: str

    def __str__(self) -> str:
        return f"{self.name} as {self.role} ({self.url})"


@dataclass
class DjangoInChromium:
    """A Chromium tab whose requests to the site are answered by Django's test client."""

    browser: Any
    client: Client = field(default_factory=lambda: Client(enforce_csrf_checks=True))
    documents: list[HttpResponse] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sessions: dict[int, str] = field(default_factory=dict)
    _prepared: HttpResponse | None = None

    def __post_init__(self) -> None:
        self.context = self.browser.new_context(base_url=ORIGIN, accept_downloads=False)
        self.page = self.context.new_page()
        # Playwright calls the handler on its own greenlet, which Django's connection handling
        # sees as another context: hand it the test's connection, as Django's live server does.
        self._connection = connections["default"]
        self.page.route(f"{ORIGIN}/**", self._answer)

    def close(self) -> None:
        self.context.close()

    def sign_in(self, user: User | None) -> None:
        """Sign in as `user` (None: nobody); each person's session is made once, outside the
        savepoints, so rolling a page back does not sign them out."""
        self.client.cookies.pop("sessionid", None)
        if user is None:
            return
        if user.pk not in self.sessions:
            self.client.force_login(user)
            self.sessions[user.pk] = self.client.cookies["sessionid"].value
        self.client.cookies["sessionid"] = self.sessions[user.pk]

    def fetch(self, url: str) -> HttpResponse:
        """Django's answer for `url`, without Chromium."""
        return self.client.get(url)

    def show(self, url: str, response: HttpResponse | None = None) -> HttpResponse:
        """Load the page in Chromium (answered with `response` if given, already fetched);
        return Django's response for it, with the context its templates saw."""
        self.documents.clear()
        self._prepared = response
        self.page.goto(ORIGIN + url)
        return self.documents[-1]

    @property
    def last_document(self) -> HttpResponse:
        return self.documents[-1]

    def _answer(self, route: Any) -> None:
        connections["default"] = self._connection
        request = route.request
        path = request.url[len(ORIGIN) :]
        if path.startswith("/static/"):
            found = _static_file(urlsplit(path).path[len("/static/") :])
            if found is None:
                route.fulfill(status=404, body="")
            else:
                route.fulfill(status=200, body=found[0], content_type=found[1])
            return
        navigation = request.is_navigation_request()
        try:
            if navigation and self._prepared is not None:
                response, self._prepared = self._prepared, None
            else:
                response = self._ask_django(request.method, path, request)
        except Exception as error:  # a server error is a finding, not a reason to hang Chromium
            self.errors.append(f"{request.method} {path}: {type(error).__name__}: {error}")
            route.fulfill(status=500, body="Server error", content_type="text/plain")
            return
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = dict(response.items())
        if navigation:
            self.documents.append(response)
            if not headers.get("Content-Type", "").startswith("text/html"):
                # A download: Chromium would save it and leave the page; show a stand-in instead.
                body, headers = b"<!doctype html><title>A file</title>", {}
                headers["Content-Type"] = "text/html"
        route.fulfill(status=response.status_code, headers=headers, body=body)

    def _ask_django(self, method: str, path: str, request: Any) -> HttpResponse:
        if method == "POST":
            response = self.client.generic(
                "POST",
                path,
                data=request.post_data_buffer or b"",
                content_type=request.headers.get("content-type", ""),
            )
        else:
            response = self.client.generic(method, path)
        # Chromium does not send a fulfilled redirect back through the route, so follow it here.
        for _ in range(10):
            location = response.get("Location") if 300 <= response.status_code < 400 else None
            if not location:
                break
            target = urlsplit(location)
            if target.netloc not in ("", "testserver"):
                break
            response = self.client.get(target.path + (f"?{target.query}" if target.query else ""))
        return response


def page_forms(response: HttpResponse) -> list[forms.BaseForm]:
    """Every form in the context the page's templates were rendered with."""
    found: dict[int, forms.BaseForm] = {}
    for context in response.context or []:
        for layer in context.dicts:
            for value in layer.values():
                if isinstance(value, forms.BaseForm):
                    found[id(value)] = value
    return list(found.values())


@dataclass
class PageGroup:
    """Pages whose arguments come from the same builder, built once in one savepoint."""

    builder: Callable[[dict[str, Any]], dict[str, Any]] | None
    visits: list[tuple[str, tuple[str, ...]]]


def page_groups() -> list[PageGroup]:
    groups: dict[int, PageGroup] = {}
    for name, (builder, method, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        roles = tuple(
            next(role for role in side if expected[role] == OK)
            for side in SIDES
            if any(expected[role] == OK for role in side)
        ) or (("public",) if expected["public"] == OK else ())
        if roles:
            group = groups.setdefault(id(builder), PageGroup(builder, []))
            group.visits.append((name, roles))
    return list(groups.values())


def matrix_context(
    people: dict[str, Any], landlord: Landlord, other_landlord: Landlord
) -> dict[str, Any]:
    """What the matrix's builders expect: the people of each role, two landlords, the charter."""
    charter_load(path=DEFAULT_CHARTER_PATH)
    return {"people": people, "landlord": landlord, "other_landlord": other_landlord}


def _fresh(ctx: dict[str, Any]) -> dict[str, Any]:
    """The matrix context read again, so one page's builder cannot leave edits on the next's."""
    return {
        "people": {
            role: None if user is None else User.objects.get(pk=user.pk)
            for role, user in ctx["people"].items()
        },
        "landlord": Landlord.objects.get(pk=ctx["landlord"].pk),
        "other_landlord": Landlord.objects.get(pk=ctx["other_landlord"].pk),
    }


def walk(
    tab: DjangoInChromium,
    ctx: dict[str, Any],
    visit: Callable[[Visit, HttpResponse], Iterator[str]],
) -> tuple[list[str], int]:
    """Open every page as each side's role and let `visit` look at it; return its problems.

    `visit` gets Django's answer (fetched without Chromium, so a page with nothing to look at
    costs no browser time) and shows it in `tab` when it wants; it yields a problem per thing it
    finds wrong. The count returned is of the pages opened, so a test can show that it walked
    the site.
    """
    problems: list[str] = []
    opened = 0
    for user in ctx["people"].values():
        tab.sign_in(user)
    for group in page_groups():
        with transaction.atomic():
            built = _fresh(ctx)
            kwargs = group.builder(built) if group.builder else {}
            for name, roles in group.visits:
                url = reverse(name, kwargs=kwargs)
                for role in roles:
                    here = Visit(name=name, role=role, url=url)
                    tab.sign_in(built["people"][role])
                    tab.errors.clear()
                    try:
                        response = tab.fetch(url)
                    except Exception as error:
                        problems.append(f"{here}: {type(error).__name__}: {error}")
                        continue
                    opened += 1
                    if response.status_code != 200:
                        problems.append(f"{here}: answered {response.status_code}")
                        continue
                    if not response.get("Content-Type", "").startswith("text/html"):
                        # A download: no form and no checkbox to look at. Read to its end, so the
                        # test client closes it (closing it here would close the connection).
                        if response.streaming:
                            b"".join(response.streaming_content)
                        continue
                    problems.extend(f"{here}: {problem}" for problem in visit(here, response))
                    problems.extend(f"{here}: {error}" for error in tab.errors)
            transaction.set_rollback(True)
    return problems, opened
