"""Writes to the "you said, we did" register. One entry per source; recording again updates it.

`register_entry_record` is the contract other apps use (the assessment app records reality-check
outcomes through it).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import RegisterEntry, RegisterStatus, SourceKind


def _title_from(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= 120 else first_line[:119].rstrip() + "…"


@transaction.atomic
def register_entry_record(
    *,
    landlord: Any,
    source_kind: str,
    source_id: Any,
    residents_said: str,
    decision: str,
    reason: str,
    action_taken: str,
    status: str,
    is_public: bool,
    date: datetime.date,
    title: str = "",
    url: str = "",
    is_synthetic: bool = False,
) -> RegisterEntry:
    """Create or update the register entry for one source (kind + id), writing only what changed.

    `landlord` may be None for the council's own entries. `status` is one of RegisterStatus.
    """
    if source_kind not in SourceKind.values:
        raise ValidationError({"source_kind": f"Unknown source kind “{source_kind}”."})
    if status not in RegisterStatus.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    if not residents_said.strip():
        raise ValidationError({"residents_said": "Say what residents said."})
    if str(source_id).strip() == "":
        raise ValidationError({"source_id": "An entry needs the id of its source."})
    if not isinstance(date, datetime.date):
        raise ValidationError({"date": "Give the entry's date."})
    if isinstance(date, datetime.datetime):
        date = date.date()
    fields = {
        "landlord_id": getattr(landlord, "pk", landlord),
        "title": (title.strip() or _title_from(residents_said))[:300],
        "residents_said": residents_said.strip(),
        "decision": decision.strip(),
        "reason": reason.strip(),
        "action_taken": action_taken.strip(),
        "status": status,
        "is_public": bool(is_public),
        "date": date,
        "url": url,
        "is_synthetic": is_synthetic,
    }
    entry = (
        RegisterEntry.objects.select_for_update()
        .filter(source_kind=source_kind, source_id=str(source_id))
        .first()
    )
    if entry is None:
        return RegisterEntry.objects.create(
            source_kind=source_kind, source_id=str(source_id), **fields
        )
    changed = [name for name, value in fields.items() if getattr(entry, name) != value]
    if changed:
        for name in changed:
            setattr(entry, name, fields[name])
        entry.save()
    return entry
