"""Reporting years as landlords and the regulator use them: "2024-25" runs from 1 April 2024 to
31 March 2025. One definition for every app."""

from __future__ import annotations

import datetime
import re

YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def reporting_year_bounds(year: str) -> tuple[datetime.date, datetime.date]:
    """'2024-25' → (1 April 2024, 31 March 2025). Raises ValueError for anything else."""
    match = YEAR_PATTERN.match(year or "")
    if not match:
        raise ValueError(f"“{year}” is not a reporting year: write it like 2024-25")
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        raise ValueError(
            f"“{year}” is not a reporting year: the second part must be the year after the first"
        )
    return datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31)


def reporting_year_of(day: datetime.date) -> str:
    """The reporting year a day falls in."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
