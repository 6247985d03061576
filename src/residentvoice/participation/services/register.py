"""Writes to the "you said, we did" register. One entry per source; recording again updates it.

`register_entry_record` is the contract other apps use (the assessment app records reality-check
outcomes through it). What the public sees is decided by three things: `is_public` (the source's
own state, written by its service), `public_from` (results under embargo) and `hidden_at` (a
moderator hid it after a report, which recording again never undoes).
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
    public_from: datetime.datetime | None = None,
) -> RegisterEntry:
    """Create or update the register entry for one source (kind + id), writing only what changed.

    `landlord` may be None for the council's own entries. `status` is one of RegisterStatus.
    A public entry with `public_from` in the future stays out of every public page until then.
    An entry hidden after a report stays hidden, whatever is recorded here.
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
    if public_from is not None and not isinstance(public_from, datetime.datetime):
        raise ValidationError({"public_from": "Give the moment the entry may be shown."})
    fields = {
        "landlord_id": getattr(landlord, "pk", landlord),
        "title": (title.strip() or _title_from(residents_said))[:300],
        "residents_said": residents_said.strip(),
        "decision": decision.strip(),
        "reason": reason.strip(),
        "action_taken": action_taken.strip(),
        "status": status,
        "is_public": bool(is_public),
        "public_from": public_from,
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
