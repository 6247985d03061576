"""No page scrolls sideways, on a desktop (1280 px) or a phone (390 px): only a wide table may, and
then inside its own scroll region that is labelled and takes keyboard focus (the Design System's
pattern for wide tables). Every page also writes dates, times, numbers and page references the
site's one way.

The pages are every URL of the authorization matrix that some role may see as a page (downloads
and the API left out), each visited as the most senior role allowed, with its kwargs built by the
matrix's own builder. Beneath them lies a published borough with many landlords and years, so
the tables are full. Each page is built inside a savepoint that is rolled back afterwards (the
builders make overlapping years and landlords): Django's test client renders the page in the
savepoint and Chromium is handed that answer (and the static files), so no server is needed.
"""

from __future__ import annotations

import datetime
import mimetypes
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from bench.publication import publish_synthetic_borough
from django.contrib.staticfiles import finders
from django.db import transaction
from django.test import Client
from django.urls import reverse

from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

from ..core.test_authorization import MATRIX
from ..factories import StockFigureFactory
from ..matrix import OK

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ORIGIN = "http://testserver"
WIDTHS = (1280, 390)
# The role that sees the most of a page comes first: it is the widest version of that page.
SENIORITY = (
    "council_admin",
    "council_officer",
    "landlord_admin",
    "landlord_officer",
    "other_landlord_admin",
    "resident",
    "other_resident",
    "signed_in",
    "public",
)
BOROUGH_YEARS = ["2036-37", "2037-38"]

# What scrolls sideways on the page, measured in the browser: the page itself, and any box that
# scrolls but is not a labelled, focusable region around a table.
MEASURE = """() => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string'
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const root = document.documentElement;
  const problems = [];
  const scrolls = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
  const sticksOut = (el) => el.getBoundingClientRect().right > root.clientWidth + 0.5;
  if (root.scrollWidth > root.clientWidth) {
    // Name the outermost boxes that stick out, outside any box that scrolls, to say what to fix.
    const culprits = [...document.body.querySelectorAll('*')].filter((el) => {
      if (!sticksOut(el)) return false;
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (scrolls(up) || sticksOut(up)) return false;
      }
      return true;
    }).slice(0, 3).map(describe);
    problems.push(
      `the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window: ${culprits}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (['TEXTAREA', 'INPUT', 'SELECT'].includes(el.tagName)) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (!['auto', 'scroll'].includes(overflow) || el.scrollWidth <= el.clientWidth) continue;
    const region = el.getAttribute('role') === 'region'
      && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))
      && el.getAttribute('tabindex') === '0'
      && el.querySelector('table');
    if (!region) {
      problems.push(`${describe(el)} scrolls sideways outside a labelled, focusable table region`);
    }
  }
  // Each region is named by its table's caption, and no two regions share a name.
  const names = new Set();
  for (const region of document.querySelectorAll('.rv-table-scroll')) {
    const caption = document.getElementById(region.getAttribute('aria-labelledby'));
    const name = caption && caption.textContent.trim();
    if (!name) problems.push(`${describe(region)} has no caption to name it`);
    else if (names.has(name)) problems.push(`two table regions are both named "${name}"`);
    names.add(name);
  }
  return problems;
}"""


# Things the site says one way (core/formats.py), and the other ways they were once written.
OTHER_WAYS = {
    "a short month": re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"),
    "an ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a 24-hour time": re.compile(r"\b\d{1,2}:\d{2}\b(?!\s*[ap]m)"),
    "page p.": re.compile(r"\bpages? p{1,2}\.", re.IGNORECASE),
    "a number without thousands separated": re.compile(
        r"\b\d{4,}\s+(?:homes|residents|responses|answers|landlords|commitments|ratings|votes)\b"
    ),
}


def _written_another_way(text: str) -> list[str]:
    return [
        f"{what}: {found.group(0)!r}"
        for what, pattern in OTHER_WAYS.items()
        for found in [pattern.search(text)]
        if found
    ]


def _pages() -> list[tuple[str, Any, str]]:
    """(URL name, kwargs builder, role) for every URL some role may GET."""
    pages = []
    for name, (builder, method, expected) in sorted(MATRIX.items()):
        if method != "get" or name.startswith(("api:", "admin:")):
            continue
        role = next((role for role in SENIORITY if expected.get(role) == OK), None)
        if role is not None:
            pages.append((name, builder, role))
    return pages


def _answer(pages: dict[str, Any], route: Any) -> None:
    """Answer one of Chromium's requests: the page rendered for it, or a static file."""
    address = urlsplit(route.request.url)
    path = address.path + (f"?{address.query}" if address.query else "")
    if f"{address.scheme}://{address.netloc}" != ORIGIN:
        route.abort()
    elif path in pages:
        response = pages[path]
        headers = {key.lower(): value for key, value in response.items()}
        route.fulfill(status=response.status_code, headers=headers, body=response.content)
    elif found := address.path.startswith("/static/") and finders.find(address.path[8:]):
        with open(found, "rb") as file:
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            route.fulfill(status=200, body=file.read(), headers={"content-type": kind})
    else:
        route.fulfill(status=404, body="")


@pytest.fixture
def borough(people, landlord, other_landlord):
    """The matrix's people and landlords, the charter, and a published borough of landlords."""
    charter = charter_load(path=DEFAULT_CHARTER_PATH).charter
    StockFigureFactory(landlord=landlord, homes=6300)
    StockFigureFactory(landlord=other_landlord, homes=12450)
    publish_synthetic_borough(landlords=16, years=BOROUGH_YEARS, prefix="wide", charter=charter)
    return {"people": people, "landlord": landlord, "other_landlord": other_landlord}


def test_no_page_scrolls_sideways_at_1280_or_390_px(browser, borough):
    """Every page at both widths; on the way, each page's words are read for dates, times,
    numbers and page references written another way than the site's (core/formats.py)."""
    client = Client()
    rendered: dict[str, Any] = {}
    tabs = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = context.new_page()
        tab.route("**/*", lambda route: _answer(rendered, route))
        tabs[width] = tab
    problems: dict[str, list[str]] = {}
    wording: dict[str, list[str]] = {}
    seen = 0
    extra = [
        (reverse("publication:overview", args=[year]), None, "public") for year in BOROUGH_YEARS
    ] + [
        (reverse("publication:landlord", args=[BOROUGH_YEARS[-1], "wide-1"]), None, "public"),
        (reverse("publication:commitment", args=[BOROUGH_YEARS[-1], 1]), None, "public"),
    ]
    for name, builder, role in _pages() + extra:
        with transaction.atomic():
            ctx = {**borough, "name": name}
            url = (
                name
                if name.startswith("/")
                else reverse(name, kwargs=builder(ctx) if builder else {})
            )
            client.logout()
            user = borough["people"][role]
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            is_page = response.status_code == OK and response["Content-Type"].startswith(
                "text/html"
            )
            if is_page and not response.has_header("Content-Disposition"):
                seen += 1
                rendered.clear()
                rendered[url] = response
                for width, tab in tabs.items():
                    tab.goto(ORIGIN + url)
                    found = tab.evaluate(MEASURE)
                    if found:
                        problems[f"{url} ({name} as {role}) at {width} px"] = found
                said = _written_another_way(tab.evaluate("document.body.innerText"))
                if said:
                    wording[f"{url} ({name} as {role})"] = said
            transaction.set_rollback(True)
    for tab in tabs.values():
        tab.context.close()
    assert seen > 100, f"only {seen} pages were measured"
    assert not wording, "\n".join(f"{page}: {found}" for page, found in wording.items())
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())


# The grids of landlords against commitments: how wide they are, and whether the figure above
# them is in the site's own font.
GRIDS = """() => {
  const grid = document.querySelector('.rv-matrix').closest('.rv-table-scroll');
  const figure = document.querySelector('.rv-headline__figure');
  return {
    scrolls: grid.scrollWidth > grid.clientWidth,
    columns: [...document.querySelectorAll('.rv-matrix thead th')].map((th) => {
      const seen = th.cloneNode(true);  // what is on screen: the hidden words left out
      seen.querySelectorAll('.govuk-visually-hidden').forEach((hidden) => hidden.remove());
      return seen.textContent.trim();
    }),
    figureFont: figure && getComputedStyle(figure).fontFamily,
    bodyFont: getComputedStyle(document.querySelector('p.govuk-body')).fontFamily,
  };
}"""


def test_the_grids_show_every_commitment_at_1280_px(browser, borough):
    from residentvoice.assessment.models import STAGE_ORDER, Participation, Stage
    from residentvoice.assessment.services import cycle_open, cycle_stage_move
    from residentvoice.organisations.models import Landlord

    cycle = cycle_open(
        reporting_year="2038-39", landlords=list(Landlord.objects.filter(slug__startswith="wide"))
    )
    for stage in STAGE_ORDER[1 : STAGE_ORDER.index(Stage.COUNCIL_REVIEW) + 1]:
        cycle_stage_move(cycle=cycle, to_stage=stage)
    assert Participation.objects.filter(cycle=cycle).count() == 16
    client = Client()
    client.force_login(borough["people"]["council_admin"])
    rendered: dict[str, Any] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.route("**/*", lambda route: _answer(rendered, route))
    numbers = [str(n) for n in range(1, 19) if n != 17]  # 17 is the council's own commitment
    found = {}
    for url in (
        reverse("publication:overview", args=[BOROUGH_YEARS[-1]]),
        reverse("assessment:dashboard", args=["2038-39"]),
    ):
        rendered.clear()
        rendered[url] = client.get(url)
        tab.goto(ORIGIN + url)
        found[url] = tab.evaluate(GRIDS)
    context.close()
    for url, grid in found.items():
        assert not grid["scrolls"], f"{url}: the grid scrolls sideways at 1280 px"
        assert grid["columns"][1 : len(numbers) + 1] == numbers, (url, grid["columns"])
    overview = found[reverse("publication:overview", args=[BOROUGH_YEARS[-1]])]
    assert overview["figureFont"] == overview["bodyFont"], overview


# Each tag on the page against a plain Design System tag with the same words, put beside it.
TAG_SIZES = """() => [...document.querySelectorAll('main .govuk-tag')].map((tag) => {
  const plain = document.createElement('strong');
  plain.className = 'govuk-tag';
  plain.textContent = tag.textContent;
  document.querySelector('main').appendChild(plain);
  const sizes = {
    words: tag.textContent.trim(),
    height: Math.round(tag.getBoundingClientRect().height),
    font: getComputedStyle(tag).fontSize,
    plainHeight: Math.round(plain.getBoundingClientRect().height),
    plainFont: getComputedStyle(plain).fontSize,
  };
  plain.remove();
  return sizes;
})"""


def test_register_tags_are_the_design_systems_size(browser, people, landlord):
    from residentvoice.participation.services import register_entry_record

    for number, status in enumerate(("done", "in_progress", "not_taken_forward")):
        register_entry_record(
            landlord=landlord,
            source_kind="other",
            source_id=f"tag-{number}",
            title=f"Residents asked for evening repairs appointments ({number})",
            residents_said="Evening appointments, please.",
            decision="Agreed",
            reason="",
            action_taken="Evening appointments on Tuesdays",
            status=status,
            is_public=True,
            is_synthetic=True,
            date=datetime.date(2024, 6, 1),
        )
    client = Client()
    rendered: dict[str, Any] = {}
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = context.new_page()
        tab.route("**/*", lambda route: _answer(rendered, route))
        url = reverse("participation:register")
        rendered.clear()
        rendered[url] = client.get(url)
        tab.goto(ORIGIN + url)
        tags = tab.evaluate(TAG_SIZES)
        context.close()
        assert len(tags) >= 6, tags
        problems += [
            f"{tag['words']} at {width} px: {tag['height']} px high in {tag['font']} type, "
            f"where the Design System's is {tag['plainHeight']} px in {tag['plainFont']}"
            for tag in tags
            if tag["font"] != tag["plainFont"] or tag["height"] > tag["plainHeight"]
        ]
    assert not problems, problems
