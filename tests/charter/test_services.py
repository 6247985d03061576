"""Loading charter files: the default charter, reloading, new versions and refused changes."""

from __future__ import annotations

import datetime

import pytest

from residentvoice.charter.models import (
    Charter,
    Commitment,
    Criterion,
    RatingOption,
    RatingScale,
    StandardFramework,
    StandardItem,
)
from residentvoice.charter.services import (
    DEFAULT_CHARTER_PATH,
    CharterFileError,
    charter_load,
    standards_sync,
)

pytestmark = pytest.mark.django_db

HISTORY_MODELS = (
    Charter,
    Commitment,
    Criterion,
    RatingOption,
    RatingScale,
    StandardFramework,
    StandardItem,
)


def row_counts() -> dict[str, int]:
    """Rows and history rows of every charter model, to show that nothing at all changed."""
    counts = {model.__name__: model.objects.count() for model in HISTORY_MODELS}
    counts |= {f"history of {m.__name__}": m.history.count() for m in HISTORY_MODELS}  # type: ignore[attr-defined]
    return counts


def test_default_charter_loads_eighteen_commitments_each_mapped_to_a_standard():
    result = charter_load(path=DEFAULT_CHARTER_PATH)

    assert result.created
    charter = result.charter
    assert charter.is_default_text
    assert "default text" in charter.source_note
    assert charter.commitments.count() == 18
    assert list(charter.commitments.values_list("number", flat=True)) == list(range(1, 19))
    unmapped = charter.commitments.filter(standards__isnull=True)
    assert not unmapped.exists(), f"commitments with no standard: {list(unmapped)}"
    assert result.summary == (
        "Created Resident Participation Charter (resident-participation-charter), "
        "version 1 with 18 commitments."
    )


def test_default_charter_includes_the_two_named_commitments():
    charter = charter_load(path=DEFAULT_CHARTER_PATH).charter
    texts = [c.text.lower() for c in charter.commitments.all()]

    assert any("design" in t and "participation strategy" in t for t in texts)
    assert any("held to account" in t and "scrutiny" in t for t in texts)


def test_default_charter_rating_scale_runs_from_not_met_to_exceeded():
    charter = charter_load(path=DEFAULT_CHARTER_PATH).charter
    options = list(charter.rating_scale.options.values_list("label", "points", "meets_commitment"))

    assert options == [
        ("Not met", 0, False),
        ("Partly met", 1, False),
        ("Met", 2, True),
        ("Exceeded", 3, True),
    ]
    assert charter.rating_scale.allows_not_applicable
    # "Not applicable" is for the commitments that say so, not for every one.
    allowed = charter.commitments.filter(not_applicable_allowed=True).count()
    assert 0 < allowed < 18


def test_standards_cover_the_four_frameworks_and_mark_the_unverified_list():
    standards_sync()

    counts = {
        framework.code: framework.items.count() for framework in StandardFramework.objects.all()
    }
    assert counts == {"shwp-2020": 7, "tia-2024": 6, "twt": 6, "tpas-accreditation": 6}
    unverified = StandardItem.objects.filter(is_verified=False)
    assert {item.framework.code for item in unverified} == {"tpas-accreditation"}


def test_reloading_the_same_file_changes_nothing_not_even_history():
    charter_load(path=DEFAULT_CHARTER_PATH)
    before = row_counts()

    result = charter_load(path=DEFAULT_CHARTER_PATH)

    assert not result.created
    assert not result.standards.changed
    assert "already loaded, unchanged" in str(result)
    assert row_counts() == before


def test_syncing_standards_twice_is_idempotent():
    first = standards_sync()
    before = row_counts()

    second = standards_sync()

    assert first.items_created == 25
    assert not second.changed
    assert row_counts() == before


def test_standards_sync_restores_a_changed_title_from_the_bundled_file():
    standards_sync()
    StandardItem.objects.filter(code="TIA-3").update(title="Something else")

    result = standards_sync()

    assert result.items_updated == 1
    assert StandardItem.objects.get(code="TIA-3").title == "Engagement with tenants"


def test_a_new_version_creates_a_new_charter_and_leaves_the_old_one_alone(write_charter):
    old = charter_load(path=write_charter(commitments=3)).charter
    old_history = Commitment.history.filter(charter_id=old.pk).count()

    new = charter_load(
        path=write_charter(version=2, commitments=4, title_prefix="Promise", name="v2.yaml")
    ).charter

    assert new.pk != old.pk
    assert new.version == 2
    assert new.commitments.count() == 4
    old.refresh_from_db()
    assert old.version == 1
    assert list(old.commitments.values_list("title", flat=True)) == [
        "Commitment 1",
        "Commitment 2",
        "Commitment 3",
    ]
    assert Commitment.history.filter(charter_id=old.pk).count() == old_history


def test_a_changed_file_with_the_same_version_is_refused(write_charter):
    charter_load(path=write_charter(commitments=3))
    before = row_counts()
    changed = write_charter(commitments=3, title_prefix="Promise", name="changed.yaml")

    with pytest.raises(CharterFileError) as raised:
        charter_load(path=changed)

    [problem] = raised.value.errors
    assert problem.file == str(changed)
    assert problem.line == 6  # the `version:` line of the written file
    assert "already loaded with different content" in problem.reason
    assert "raise the version" in problem.reason
    assert "to 2" in problem.reason
    assert row_counts() == before


def test_layout_and_comments_do_not_count_as_a_change(write_charter):
    path = write_charter(commitments=2)
    charter_load(path=path)
    text = "# a comment the council added\n" + path.read_text().replace(
        "\nrating_scale:", "\n\n# How each commitment is rated\nrating_scale:  # a note\n"
    )
    reformatted = write_charter(text, name="reformatted.yaml")

    result = charter_load(path=reformatted)

    assert not result.created
    assert Charter.objects.count() == 1


def test_a_charter_file_can_add_the_councils_own_standards(write_charter):
    charter = charter_load(path=write_charter(commitments=2, extra_items=3)).charter

    framework = StandardFramework.objects.get(code="own-framework")
    assert framework.items.count() == 3
    assert set(charter.commitments.get(number=1).standards.values_list("code", flat=True)) >= {
        "OWN-1",
        "OWN-2",
        "OWN-3",
    }
    # The bundled frameworks still come first.
    assert StandardFramework.objects.order_by("order").last() == framework


def test_loaded_values_are_stored_as_written(write_charter):
    charter = charter_load(path=write_charter(commitments=2)).charter

    assert charter.approved_on == datetime.date(2021, 11, 23)
    assert charter.introduction_paragraphs == ["First paragraph.", "Second paragraph."]
    first = charter.commitments.get(number=1)
    assert first.commits_council
    assert first.commits_landlords
    assert first.who_commits == "The council and every landlord"
    second = charter.commitments.get(number=2)
    assert second.who_commits == "Every landlord"
    assert list(second.criteria.values_list("text", flat=True)) == [
        "Criterion 2.1",
        "Criterion 2.2",
    ]
