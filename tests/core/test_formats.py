"""Numbers, dates, closing times and page references, written one way (core/formats.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from residentvoice.core import formats


def _moment(*parts: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*parts))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (6300, "6,300"),
        (999, "999"),
        (1234567, "1,234,567"),
        (1234.5, "1,234.5"),
        (Decimal("12000.0"), "12,000"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_numbers_have_thousands_separated(value, written):
    assert formats.number(value) == written


def test_dates_are_in_words_whatever_they_come_as():
    assert formats.long_date(datetime.date(2025, 3, 31)) == "31 March 2025"
    assert formats.long_date("2025-03-31") == "31 March 2025"  # frozen results, report data
    # A moment is its day where the council is: 11:30pm on 31 March in London, summer time.
    late = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC)
    assert formats.long_date(late) == "1 July 2025"
    assert formats.long_date(None) == ""


def test_one_closing_time_for_dates_and_moments():
    assert formats.closing_time(datetime.date(2025, 3, 31)) == "11:59pm on 31 March 2025"
    assert formats.closing_time("2025-03-31") == "11:59pm on 31 March 2025"
    # Midnight is the end of the day before, never "12am on" the day after.
    assert formats.closing_time(_moment(2025, 4, 1, 0, 0)) == "11:59pm on 31 March 2025"
    assert formats.closing_time(_moment(2025, 4, 1, 17, 0)) == "5pm on 1 April 2025"
    assert formats.closing_time(_moment(2025, 4, 1, 12, 0)) == "midday on 1 April 2025"
    assert formats.closing_time(_moment(2025, 4, 1, 9, 30)) == "9:30am on 1 April 2025"


def test_a_closing_date_is_open_until_the_end_of_that_day():
    moment = formats.closing_moment(datetime.date(2025, 3, 31))
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2025-03-31 23:59"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("p. 12", "page 12"),
        ("P12", "page 12"),
        ("12", "page 12"),
        ("page 12", "page 12"),
        ("pp. 3-5", "pages 3 to 5"),
        ("Pages 10 to 12", "pages 10 to 12"),
        ("section 4.2", "section 4.2"),
        ("Appendix B", "Appendix B"),
        ("", ""),
    ],
)
def test_page_references_never_say_page_p(typed, shown):
    assert formats.page_reference(typed) == shown


def test_every_template_has_the_filters():
    rendered = Template(
        "{{ n|number }} · {{ d|long_date }} · {{ d|closing_time }} · {{ p|page_reference }}"
    ).render(Context({"n": 12600, "d": datetime.date(2025, 3, 31), "p": "p. 4"}))
    assert rendered == "12,600 · 31 March 2025 · 11:59pm on 31 March 2025 · page 4"
