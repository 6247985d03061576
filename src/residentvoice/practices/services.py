"""Every write to the best-practice library. Who may call each service is decided by the rules in
`rules.py` first; the services check what is written, including which landlords a person may
name: council staff any, landlord staff only their own.

A practice the council has approved stays public when council staff change it; when the landlord
that recorded it changes it, it leaves the public library until the council approves it again, so
nothing reaches the public that the council has not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from residentvoice.accounts.models import COUNCIL_ROLES, LANDLORD_STAFF_ROLES
from residentvoice.accounts.selectors import membership_of
from residentvoice.charter.models import Commitment
from residentvoice.organisations.models import Landlord

from .models import Practice

TEXT_FIELDS = ("title", "description", "evidence", "evidence_url", "how_residents_involved")
TITLE_MAX = Practice._meta.get_field("title").max_length or 200
URL_MAX = Practice._meta.get_field("evidence_url").max_length or 500


def _recording_landlord(by: Any) -> Landlord | None:
    """The landlord a person records for: None for council staff and for loads run without a
    person (the demonstration, commands); anyone else may not record."""
    if by is None:
        return None
    membership = membership_of(by)
    if membership is not None and membership.role in COUNCIL_ROLES:
        return None
    if membership is not None and membership.role in LANDLORD_STAFF_ROLES:
        return membership.landlord
    raise ValidationError("Only council staff and landlord staff can record practices.")


def _cleaned(
    *,
    by: Any,
    title: str,
    description: str,
    commitments: Iterable[Commitment],
    landlords: Iterable[Landlord],
    evidence: str,
    evidence_url: str,
    how_residents_involved: str,
    current: list[Landlord] | None = None,
) -> tuple[dict[str, str], list[Commitment], list[Landlord], Landlord | None]:
    """Check everything before anything is written; every problem is reported at once.

    Landlord staff name no landlords: a new practice is their own landlord's, and a practice
    being changed keeps the landlords it names (only the council changes those)."""
    recorder = _recording_landlord(by)
    text = {
        "title": title.strip(),
        "description": description.strip(),
        "evidence": evidence.strip(),
        "evidence_url": evidence_url.strip(),
        "how_residents_involved": how_residents_involved.strip(),
    }
    commitments = list(commitments)
    landlords = list(landlords)
    if recorder is not None and not landlords:
        landlords = [recorder] if current is None else current
    errors: dict[str, str] = {}
    if not text["title"]:
        errors["title"] = "Give the practice a title."
    elif len(text["title"]) > TITLE_MAX:
        errors["title"] = f"The title must be {TITLE_MAX} characters or fewer."
    if not text["description"]:
        errors["description"] = "Describe the practice: what is done, by whom and how often."
    if not commitments:
        errors["commitments"] = "Choose at least one commitment the practice helps to meet."
    if not landlords:
        errors["landlords"] = "Choose at least one landlord that does this."
    elif recorder is not None and current is not None:
        if {landlord.pk for landlord in landlords} != {landlord.pk for landlord in current}:
            errors["landlords"] = "Only the council can change which landlords do this."
    elif recorder is not None and any(landlord.pk != recorder.pk for landlord in landlords):
        errors["landlords"] = (
            f"You can record practices for {recorder.name} only. Ask the council to record a "
            "practice other landlords share."
        )
    if text["evidence_url"]:
        if len(text["evidence_url"]) > URL_MAX:
            errors["evidence_url"] = f"The web address must be {URL_MAX} characters or fewer."
        else:
            try:
                URLValidator(schemes=["http", "https"])(text["evidence_url"])
            except ValidationError:
                errors["evidence_url"] = (
                    "Enter a full web address starting with https://, or leave it empty."
                )
    if errors:
        raise ValidationError(errors)
    return text, commitments, landlords, recorder


def practice_create(
    *,
    by: Any,
    title: str,
    description: str,
    commitments: Iterable[Commitment],
    landlords: Iterable[Landlord] = (),
    evidence: str = "",
    evidence_url: str = "",
    how_residents_involved: str = "",
    is_demo: bool = False,
) -> Practice:
    """Record a practice. Landlord staff may leave `landlords` empty: it is then their own."""
    text, commitment_list, landlord_list, recorder = _cleaned(
        by=by,
        title=title,
        description=description,
        commitments=commitments,
        landlords=landlords,
        evidence=evidence,
        evidence_url=evidence_url,
        how_residents_involved=how_residents_involved,
    )
    with transaction.atomic():
        practice = Practice.objects.create(
            **text, recorded_by=by, recorded_by_landlord=recorder, is_demo=is_demo
        )
        practice.commitments.set(commitment_list)
        practice.landlords.set(landlord_list)
    return practice


def practice_update(
    *,
    practice: Practice,
    by: Any,
    title: str,
    description: str,
    commitments: Iterable[Commitment],
    landlords: Iterable[Landlord] = (),
    evidence: str = "",
    evidence_url: str = "",
    how_residents_involved: str = "",
) -> Practice:
    """Change a practice, writing only what changed. A change by landlord staff takes an approved
    practice out of the public library until the council approves it again."""
    text, commitment_list, landlord_list, recorder = _cleaned(
        by=by,
        title=title,
        description=description,
        commitments=commitments,
        landlords=landlords,
        evidence=evidence,
        evidence_url=evidence_url,
        how_residents_involved=how_residents_involved,
        current=list(practice.landlords.all()),
    )
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        changed = [name for name, value in text.items() if getattr(practice, name) != value]
        new_commitments = {c.pk for c in commitment_list}
        new_landlords = {landlord.pk for landlord in landlord_list}
        commitments_changed = new_commitments != set(
            practice.commitments.values_list("pk", flat=True)
        )
        landlords_changed = new_landlords != set(practice.landlords.values_list("pk", flat=True))
        if not (changed or commitments_changed or landlords_changed):
            return practice
        for name in changed:
            setattr(practice, name, text[name])
        if recorder is not None and practice.is_public:
            practice.is_public = False
            practice.approved_by = None
            practice.approved_at = None
            changed += ["is_public", "approved_by", "approved_at"]
        # Saved even when only the links changed, so the history shows who changed them and when.
        practice.save(update_fields=[*changed, "updated_at"])
        if commitments_changed:
            practice.commitments.set(commitment_list)
        if landlords_changed:
            practice.landlords.set(landlord_list)
    return practice


def practice_publish(*, practice: Practice, by: Any, public: bool) -> Practice:
    """Council staff approve a practice for the public library, or take it out again."""
    membership = membership_of(by)
    if by is not None and (membership is None or membership.role not in COUNCIL_ROLES):
        raise ValidationError("Only council staff can approve practices for the public library.")
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if practice.is_public == public:
            return practice
        practice.is_public = public
        practice.approved_by = by if public else None
        practice.approved_at = timezone.now() if public else None
        practice.save(update_fields=["is_public", "approved_by", "approved_at", "updated_at"])
    return practice
