"""Nothing unpublished ever reaches the public: draft ratings, private notes, private or removed
evidence, comments not approved, unapproved practices, anything from a cycle not yet published
or still under embargo, and personal data.

Every private field holds a sentinel string; every public page, download, report format and API
answer is gathered and searched for each of them.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from residentvoice.accounts.models import User
from residentvoice.assessment.models import (
    AssessmentItem,
    CriterionRating,
    Evidence,
    Stage,
)
from residentvoice.assessment.services import cycle_open
from residentvoice.charter.models import Charter, RatingOption, RatingScale
from residentvoice.practices.models import Practice
from residentvoice.publication import services
from residentvoice.publication.models import Publication
from residentvoice.publication.report import report_build

from .conftest import SENTINELS, YEAR, move_to

pytestmark = pytest.mark.django_db

MORE = {
    "na_reason": "SENTINEL-NOT-APPLICABLE-REASON",
    "criterion_note": "SENTINEL-CRITERION-NOTE",
    "unpublished_cycle": "SENTINEL-UNPUBLISHED-CYCLE",
}


def _seed_more_private_data(ready: Any, landlord: Any, other_landlord: Any, charter: Any) -> None:
    # A draft rating that exists on no published scale: a self and council rating only.
    other = Charter.objects.create(name="Draft scale", slug="draft-scale", area="Nowhere")
    scale = RatingScale.objects.create(charter=other, name="Draft")
    draft = RatingOption.objects.create(
        scale=scale, code="draft", label=SENTINELS["draft_rating"], points=9
    )
    AssessmentItem.objects.filter(participation__cycle=ready, landlord=other_landlord).update(
        self_rating=draft, council_rating=draft, not_applicable_reason=MORE["na_reason"]
    )
    CriterionRating.objects.filter(item__participation__cycle=ready).update(
        note=MORE["criterion_note"]
    )
    practice = Practice.objects.create(
        title=SENTINELS["private_practice"], description="Not yet approved", is_public=False
    )
    practice.landlords.add(landlord)
    practice.commitments.add(charter.commitments.get(number=1))
    # A later cycle, moderated but never published.
    later = cycle_open(reporting_year="2025-26", landlords=[landlord, other_landlord])
    move_to(later, Stage.MODERATION)
    AssessmentItem.objects.filter(participation__cycle=later).update(
        final_rating=RatingOption.objects.get(code="not_met", scale__charter=charter),
        final_rationale=MORE["unpublished_cycle"],
        moderated_at=timezone.now(),
    )


def _unzipped(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def _public_outputs(client: Any, publication: Any) -> dict[str, str]:
    """Every public page, download, report and API answer, as text."""
    outputs: dict[str, str] = {}
    year = publication.reporting_year
    slugs = list(publication.landlords.values_list("landlord_slug", flat=True))
    numbers = [c["number"] for c in publication.commitments]
    pages: list[tuple[str, list[Any]]] = [
        ("publication:index", []),
        ("publication:data", []),
        ("publication:versions", [year]),
    ]
    for version in (None, publication.version):
        suffix, prefix = ("", [year]) if version is None else ("-version", [year, version])
        pages += [
            (f"publication:overview{suffix}", prefix),
            (f"publication:practices{suffix}", prefix),
            (f"publication:methodology{suffix}", prefix),
        ]
        pages += [(f"publication:landlord{suffix}", [*prefix, slug]) for slug in slugs]
        pages += [(f"publication:commitment{suffix}", [*prefix, n]) for n in numbers]
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        outputs[f"{name} {args}"] = response.content.decode()
        if name.startswith("publication:index") or name in ("publication:data",):
            continue
        if name == "publication:versions":
            continue
        download = name.replace("publication:overview", "publication:overview-download")
        download = download.replace("publication:landlord", "publication:landlord-download")
        download = download.replace("publication:commitment", "publication:commitment-download")
        download = download.replace("publication:practices", "publication:practices-download")
        download = download.replace("publication:methodology", "publication:methodology-download")
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(download, args=[*args, fmt]))
            assert response.status_code == 200, download
            text = (
                response.content.decode("utf-8-sig")
                if fmt == "csv"
                else _unzipped(response.content)
            )
            outputs[f"{download} {args} {fmt}"] = text
    outputs["dataset.json"] = client.get(
        reverse("publication:dataset", args=["json"])
    ).content.decode()
    outputs["dataset.zip"] = _unzipped(
        client.get(reverse("publication:dataset", args=["zip"])).content
    )
    for path in ("cycles", "charter", "landlords", "results", "practices"):
        for query in ({}, {"year": year}):
            response = client.get(f"/api/v1/scorecards/{path}", query)
            outputs[f"api {path} {query}"] = response.content.decode()
    for fmt in ("html", "json"):
        outputs[f"report {fmt}"] = report_build(year, fmt).decode()
    outputs["report xlsx"] = _unzipped(report_build(year, "xlsx"))
    reader = PdfReader(io.BytesIO(report_build(year, "pdf")))
    outputs["report pdf"] = "\n".join(page.extract_text() for page in reader.pages) + str(
        reader.metadata
    )
    return outputs


def _leaks(outputs: dict[str, str], secrets: list[str]) -> dict[str, list[str]]:
    found = {}
    for name, text in outputs.items():
        hits = [secret for secret in secrets if secret in text]
        if hits:
            found[name] = hits
    return found


@pytest.mark.parametrize("viewer", ["public", "resident"])
def test_no_private_data_in_any_public_output(
    client, ready, people, landlord, other_landlord, charter, viewer, settings
):
    settings.RESIDENTVOICE_API_RATE = "100000/m"
    cache.clear()
    _seed_more_private_data(ready, landlord, other_landlord, charter)
    publication = services.cycle_publish(cycle=ready, by=people["council_admin"], note="Launch")
    if people[viewer] is not None:
        client.force_login(people[viewer])
    outputs = _public_outputs(client, publication)
    assert len(outputs) > 150
    # The public results are there (so the search below searched real pages).
    assert any("Panels are resident-led and meet monthly." in text for text in outputs.values())
    secrets = [*SENTINELS.values(), *MORE.values()]
    # Personal data: nobody's name or email address, residents' or staff's (the page header
    # shows a signed-in viewer their own address, which is theirs to see).
    for user in User.objects.exclude(pk=getattr(people[viewer], "pk", None)):
        secrets += [user.email, user.full_name]
    assert _leaks(outputs, secrets) == {}
    # Private evidence files cannot be fetched by guessing their numbers.
    for evidence in Evidence.objects.filter(is_public=False):
        url = reverse("publication:evidence", args=[YEAR, evidence.pk])
        assert client.get(url).status_code == 404


def test_nothing_under_embargo_in_any_public_output(client, ready, people, settings):
    settings.RESIDENTVOICE_API_RATE = "100000/m"
    cache.clear()
    services.cycle_publish(
        cycle=ready, by=people["council_admin"], publish_at=timezone.now() + datetime.timedelta(1)
    )
    public = Publication.objects.get(reporting_year="2023-24")  # still public
    outputs = _public_outputs(client, public)
    embargoed = ["Panels are resident-led and meet monthly.", "Panel terms of reference"]
    assert _leaks(outputs, embargoed) == {}
    assert client.get(reverse("publication:overview", args=[YEAR])).status_code == 404
    assert client.get("/api/v1/scorecards/results", {"year": YEAR}).status_code == 404


def test_withdrawn_evidence_and_comments_leave_every_version(client, published, people, settings):
    """A withdrawal takes the item out of every public output, earlier versions included."""
    settings.RESIDENTVOICE_API_RATE = "100000/m"
    cache.clear()
    first = published.results.get(landlord__landlord_slug="riverside", commitment_number=1)
    withdrawn = [
        "The panel listened to us.",
        "Panel terms of reference",
        "Residents chair every panel meeting.",
        "Annual panel report",
        "panel-report.pdf",
    ]
    outputs = _public_outputs(client, published)
    assert _leaks(outputs, withdrawn)  # published at first: the search below can find them
    services.publication_correct(
        publication=published,
        by=people["council_admin"],
        note="A resident was named.",
        withdraw_evidence=[e["id"] for e in first.evidence],
        withdraw_comments=[c["id"] for c in first.residents["comments"]],
    )
    outputs = _public_outputs(client, published)  # the newest version and version 1
    assert _leaks(outputs, withdrawn) == {}
    assert any("Withdrawn in version 2: A resident was named." in t for t in outputs.values())
