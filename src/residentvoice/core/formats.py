"""How the site writes numbers, dates, closing times and page references: one way, on every page,
email and report.

Dates are in words ("31 March 2025"), times in the twelve-hour clock ("3:30pm", "10am",
"midday"), and a closing time is the last minute anything is accepted: a closing *date* closes at
11:59pm that day, and a moment at midnight is shown as 11:59pm the day before, so that nobody
wonders which midnight is meant. Template filters of the same names are in every template.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

DATE_IN_WORDS = "j F Y"  # Django's date format for "31 March 2025"


def number(value: Any) -> str:
    """A count or amount with thousands separators: 6300 -> "6,300"; 1234.5 -> "1,234.5".

    Anything that is not a number (None, text) is returned as text, unchanged."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        if value == int(value):
            return f"{int(value):,}"
        return f"{value:,}"
    return str(value)


def _from_text(value: Any) -> Any:
    """A date ("2025-03-31") or moment kept as ISO text, read back; anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) == 10:  # a date, not a moment
        return moment.date()
    return moment


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def long_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """ "31 March 2025"; a moment is given as its day in the site's time zone. Dates kept as
    ISO text (the annual report's data, frozen results) are read first; other text is returned
    as it is."""
    value = _from_text(value)
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value.day} {value:%B %Y}"


def time_of_day(value: datetime.time) -> str:
    """ "10am", "3:30pm", "midday", "11:59pm" (GOV.UK style: no "12pm", no leading zero)."""
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def date_and_time(value: datetime.datetime | None) -> str:
    """ "3:30pm on 31 March 2025", in the site's time zone."""
    if value is None:
        return ""
    local = _local(value)
    return f"{time_of_day(local.time())} on {long_date(local.date())}"


def closing_moment(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """The last moment something that closes on `value` is open: the end of a closing date (in
    the site's time zone), or the moment itself."""
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(
        datetime.datetime.combine(value, datetime.time(23, 59, 59)),
        timezone.get_current_timezone(),
    )


def closing_time(value: datetime.date | datetime.datetime | str | None) -> str:
    """ "11:59pm on 31 March 2025": when a stage, consultation or vote closes."""
    value = _from_text(value)
    if value is None or isinstance(value, str):
        return value or ""
    if not isinstance(value, datetime.datetime):
        return f"11:59pm on {long_date(value)}"
    local = _local(value)
    if (local.hour, local.minute) == (0, 0):
        return f"11:59pm on {long_date(local.date() - datetime.timedelta(days=1))}"
    return date_and_time(local)


_PAGE_WORD = re.compile(r"^(?:pages?\b|pp?\.|pp?(?=\d))\s*(?=\S)", re.IGNORECASE)
_PAGE_RANGE = re.compile(r"^(\w+)\s*(?:-|–|—|to)\s*(\w+)$")


def page_reference(value: str | None) -> str:
    """Where in a document, written one way whatever was typed: "p. 12", "P12", "page 12" and
    "12" all give "page 12"; "pp. 3-5" gives "pages 3 to 5"; anything else ("section 4",
    "Appendix B") is kept as it was written."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    bare = _PAGE_WORD.sub("", text)
    found = _PAGE_RANGE.match(bare)
    if found and any(part.isdigit() for part in found.groups()):
        return f"pages {found.group(1)} to {found.group(2)}"
    if bare.isdigit() or (bare != text and " " not in bare):
        return f"page {bare}"
    return text
