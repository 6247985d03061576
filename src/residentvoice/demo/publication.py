"""The demonstration's published results: each synthetic demo cycle waiting at "ready to publish"
is published, oldest first, on the day its "ready to publish" stage was planned to close (on the
demonstration's clock), so each year can be compared with the one before. Publishing goes through
the publication service like a council admin's, and the published copies carry the demo flag, so
every page that shows them says they are synthetic.

A few days later the council admin writes the year's foreword and next steps for the annual
report (data/report.yaml, filled in with the year's own figures and labelled synthetic), through
the same service as the report page. Then, today, the annual report of each year published by
this load is asked for, to be listed on the public reports page once the background worker has
built it (a minute or two after `make run` starts). Loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml

from residentvoice.accounts.models import Membership, Role
from residentvoice.assessment.models import AssessmentCycle, Stage
from residentvoice.assessment.selectors import cycle_list
from residentvoice.publication.models import Publication, ReportText
from residentvoice.publication.services import (
    cycle_publish,
    report_build_request,
    report_text_update,
)
from residentvoice.publication.tables import change_text, share_text

from .clock import demo_clock, moment, real_now

REPORT_TEXT = Path(__file__).parent / "data" / "report.yaml"


def _publication_day(cycle: AssessmentCycle) -> datetime.date | None:
    dates = {row.stage: row for row in cycle.stage_dates.all()}
    planned = dates.get(Stage.READY_TO_PUBLISH)
    if planned is None:
        return None
    return planned.closes_on or planned.opens_on


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


def _commitment(row: dict[str, Any]) -> str:
    return (
        f"commitment {row['number']}, “{row['title']}” (met or exceeded by "
        f"{share_text(row['share_met'])} of the landlords assessed on it)"
    )


def report_words(publication: Publication, text: dict[str, str]) -> dict[str, str]:
    """The foreword and next steps for a published demo year, with its own figures."""
    headline, method = publication.headline, publication.methodology
    previous = headline.get("previous_median_share_met")
    most = headline.get("most_improved", [])
    if most:
        names = " and ".join(f"{row['name']} ({change_text(row['change'])})" for row in most)
        most_improved = f"Most improved since last year: {names}."
    else:
        most_improved = ""
    rated = [row for row in headline.get("per_commitment", []) if row["share_met"] is not None]
    weakest = min(rated, key=lambda row: (row["share_met"], row["number"]), default=None)
    strongest = max(rated, key=lambda row: (row["share_met"], -row["number"]), default=None)
    values = {
        "year": publication.reporting_year,
        "previous_year": publication.previous_year or "",
        "landlords": str(headline.get("landlords", 0)),
        "median": share_text(headline.get("median_share_met")),
        "median_then": share_text(previous),
        "compared": (
            f", against {share_text(previous)} in {publication.previous_year}"
            if previous is not None
            else " (these are the first published results, so there is no earlier year to "
            "compare with)"
        ),
        "most_improved": most_improved,
        "answers": _count(int(method.get("reality_answers") or 0), "answer"),
        "sessions": _count(int(method.get("sessions") or 0), "reality-check meeting"),
        "weakest": _commitment(weakest) if weakest else "none",
        "strongest": _commitment(strongest) if strongest else "none",
    }
    return {name: text[name].format(**values).strip() for name in ("foreword", "next_steps")}


def demo_publication_load(*, path: Path = REPORT_TEXT) -> list[str]:
    """Publish the demo cycles that are ready to publish; returns what was published."""
    admin = (
        Membership.objects.filter(role=Role.COUNCIL_ADMIN, user__is_demo=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    ready: list[AssessmentCycle] = [
        cycle
        for cycle in cycle_list()
        if cycle.is_demo and cycle.stage == Stage.READY_TO_PUBLISH  # type: ignore[attr-defined]
    ]
    text = yaml.safe_load(path.read_text(encoding="utf-8"))
    published: list[str] = []
    years: list[str] = []
    for cycle in sorted(ready, key=lambda c: c.reporting_year):
        day = _publication_day(cycle)
        when = moment(day) if day is not None else real_now()
        with demo_clock(min(when, real_now())):
            publication = cycle_publish(
                cycle=cycle,
                by=admin.user if admin else None,
                note="Published with the demonstration data",
            )
        published.append(f"published results {cycle.reporting_year}")
        years.append(cycle.reporting_year)
        if not ReportText.objects.filter(reporting_year=cycle.reporting_year).exists():
            written = min(when + datetime.timedelta(days=3), real_now())
            with demo_clock(written):
                report_text_update(
                    reporting_year=cycle.reporting_year, **report_words(publication, text)
                )
    # Newest year first, so the worker builds the report a visitor most likely wants first.
    for year in reversed(years):
        report_build_request(reporting_year=year, by=admin.user if admin else None, public=True)
    return published
