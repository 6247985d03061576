"""TP06, TP07 and TP08 on the borough's landlord pages, beside the charter's commitments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residentvoice.tsm.selectors import participation_measures
from residentvoice.tsm.services import regulator_code_link, tsm_release_import

from ..factories import LandlordFactory
from .conftest import build_workbook, needs_real_file


def test_landlord_page_shows_listened_to_informed_and_respect(client, db, tmp_path):
    landlord = LandlordFactory(name="Borough First Homes", slug="first", regulator_code="L9001")
    tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050))
    page = client.get(reverse("organisations:landlord-detail", args=["first"])).content.decode()
    assert "Do tenants feel listened to?" in page
    for code in ("TP06", "TP07", "TP08"):
        assert f"({code})" in page
    # First Test Homes: 70% satisfied; the three landlords give 70, 30, 50: median 50.
    assert "70.0%" in page
    assert "50.0%" in page
    assert "Highest quarter of 3" in page
    assert "Open Government Licence v3.0" in page
    figures = participation_measures(landlord)
    assert figures is not None
    assert {f.measure for f in figures.figures} == {"TP06", "TP07", "TP08"}
    assert {f.population for f in figures.figures} == {"LCRA", "LCHO"}


def test_no_block_without_figures(client, db):
    LandlordFactory(slug="small", regulator_code="")
    page = client.get(reverse("organisations:landlord-detail", args=["small"])).content.decode()
    assert "Do tenants feel listened to?" not in page


def test_figures_follow_a_linked_code(db, tmp_path):
    """A landlord recorded under its new code still shows the year it reported under the old one."""
    landlord = LandlordFactory(regulator_code="L9999")
    tsm_release_import(path=build_workbook(tmp_path / "r.xlsx", year_start=2050))
    assert participation_measures(landlord) is None
    regulator_code_link(earlier_code="L9003", later_code="L9999", from_year="2051-52")
    figures = participation_measures(landlord)
    assert figures is not None
    assert figures.code == "L9003"
    assert figures.year == "2050-51"


@needs_real_file
def test_real_rhp_participation(real_release, db):
    landlord = LandlordFactory(regulator_code="L4279")
    figures = participation_measures(landlord)
    assert figures is not None
    lcra = {f.measure: f for f in figures.figures if f.population == "LCRA"}
    assert lcra["TP06"].value == pytest.approx(47.0)
    assert lcra["TP07"].value == pytest.approx(64.7)
    assert lcra["TP08"].value == pytest.approx(66.3)
    benchmark = lcra["TP06"].benchmark
    assert benchmark is not None
    assert benchmark.peers > 300


# --- beside the charter's commitments on residents' voice ---------------------------------------


def _publish_ratings(landlord, other_landlord, finals, *, year="2024-25", publish_at=None):
    """Open a cycle for `year` on the current charter, give `landlord` the final ratings in
    `finals` (commitment number → rating code, the rest "met") and publish it."""
    from django.utils import timezone

    from residentvoice.assessment.models import AssessmentItem, Stage
    from residentvoice.assessment.services import cycle_open
    from residentvoice.charter.selectors import charter_current
    from residentvoice.publication.services import cycle_publish

    from ..assessment.conftest import move_to, rating

    cycle = cycle_open(
        reporting_year=year, landlords=[landlord, other_landlord], charter=charter_current()
    )
    move_to(cycle, Stage.MODERATION)
    for number, code in finals.items():
        AssessmentItem.objects.filter(
            participation__cycle=cycle, landlord=landlord, commitment__number=number
        ).update(
            final_rating=rating(code), final_rationale="For the test", moderated_at=timezone.now()
        )
    move_to(cycle, Stage.READY_TO_PUBLISH)
    return cycle_publish(cycle=cycle, by=None, publish_at=publish_at)


@pytest.fixture
def charter_and_figures(council, landlord, other_landlord):
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

    from .authorization import with_figures

    charter_load(path=DEFAULT_CHARTER_PATH)
    with_figures({"landlord": landlord, "other_landlord": other_landlord})
    return landlord


def _block(client, landlord):
    page = client.get(reverse("organisations:landlord-detail", args=[landlord.slug]))
    text = page.content.decode()
    start = text.index('id="tsm-participation-heading"')
    return text[start : text.index("</section>", start)]


def test_voice_commitments_sit_beside_tp06_to_tp08_not_yet_assessed(client, charter_and_figures):
    block = _block(client, charter_and_figures)
    # Commitments mapped to the voice, engagement and scrutiny standards (default charter).
    for title in (
        "2. Residents help design the participation strategy",
        "3. Residents scrutinise housing services",
        "4. You said, we did",
        "11. A route from residents to the board",
        "13. Consulting residents before changes",
    ):
        assert title in block
    assert "Treating residents with respect" not in block  # about respect, not voice
    assert "The council speaks up for residents" not in block  # the council's own promise
    assert block.count("Not yet assessed") == 9
    assert "The council has not yet published charter results" in block
    for code in ("TP06", "TP07", "TP08"):
        assert f"({code})" in block
    assert "England median" in block


def test_voice_commitments_show_the_latest_published_rating(
    client, charter_and_figures, other_landlord
):
    landlord = charter_and_figures
    _publish_ratings(landlord, other_landlord, {2: "partly_met", 3: "not_met"}, year="2023-24")
    _publish_ratings(landlord, other_landlord, {2: "exceeded", 3: "not_met"})
    block = _block(client, landlord)
    assert "as rated in the 2024-25 results" in block
    row = block[block.index("2. Residents help design") :]
    assert row[: row.index("</tr>")].count("Exceeded") == 1  # the newer year's rating
    row = block[block.index("3. Residents scrutinise") :]
    assert "Not met" in row[: row.index("</tr>")]
    assert "Not yet assessed" not in block
    assert reverse("publication:landlord", args=["2024-25", landlord.slug]) in block


def test_synthetic_ratings_say_so(client, charter_and_figures, other_landlord):
    landlord = charter_and_figures
    publication = _publish_ratings(landlord, other_landlord, {2: "exceeded"})
    assert "synthetic demonstration ratings" not in _block(client, landlord)
    publication.is_demo = True
    publication.save(update_fields=["is_demo"])
    assert "synthetic demonstration ratings" in _block(client, landlord)


def test_results_under_embargo_are_not_shown(client, charter_and_figures, other_landlord):
    import datetime

    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=7)
    _publish_ratings(charter_and_figures, other_landlord, {2: "exceeded"}, publish_at=later)
    block = _block(client, charter_and_figures)
    assert "Exceeded" not in block
    assert block.count("Not yet assessed") == 9


def test_ratings_against_another_charter_do_not_count(
    client, charter_and_figures, other_landlord, tmp_path
):
    """Results published against the shipped default do not rate a council's own charter."""
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

    _publish_ratings(charter_and_figures, other_landlord, {2: "exceeded"})
    own = tmp_path / "own-charter.yaml"
    own.write_text(
        DEFAULT_CHARTER_PATH.read_text()
        .replace("slug: resident-participation-charter", "slug: our-own-charter")
        .replace("default_text: true", "default_text: false")
    )
    charter_load(path=own)
    block = _block(client, charter_and_figures)
    assert "Exceeded" not in block
    assert "Not yet assessed" in block


def test_a_landlord_without_figures_still_sees_its_commitments(client, council):
    from residentvoice.charter.services import DEFAULT_CHARTER_PATH, charter_load

    charter_load(path=DEFAULT_CHARTER_PATH)
    small = LandlordFactory(slug="tiny", regulator_code="")
    block = _block(client, small)
    assert "Not yet assessed" in block
    assert "no Tenant Satisfaction Measures from the regulator" in block


def test_the_block_reads_in_a_fixed_number_of_queries(
    charter_and_figures, other_landlord, django_assert_num_queries
):
    from residentvoice.tsm.selectors import residents_voice

    _publish_ratings(charter_and_figures, other_landlord, {2: "exceeded"})
    with django_assert_num_queries(9):
        voice = residents_voice(charter_and_figures)
    assert voice.ratings_year == "2024-25"
    assert len(voice.commitments) == 9
    assert voice.measures is not None
