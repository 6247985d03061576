"""Reads shared by the whole site: the history of changes that matter, background tasks that
failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Q
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .background import task_description

# The models whose changes council admins can review, by the label shown on the history page.
HISTORY_SOURCES: dict[str, tuple[str, ...]] = {
    "organisations": (
        "organisations.Council",
        "organisations.Landlord",
        "organisations.StockFigure",
    ),
    "people": ("accounts.Membership", "accounts.StaffInvitation", "accounts.ResidentRegistration"),
    "charter": (
        "charter.Charter",
        "charter.Commitment",
        "charter.Criterion",
        "charter.RatingScale",
        "charter.RatingOption",
        "charter.StandardFramework",
        "charter.StandardItem",
    ),
    "practices": ("practices.Practice",),
    # Residents' reality checks are left out: their history names the resident who answered.
    # Stage moves are append-only rows, listed on each cycle's page and item timelines.
    "assessment": (
        "assessment.AssessmentCycle",
        "assessment.StageDates",
        "assessment.Participation",
        "assessment.AssessmentItem",
        "assessment.CriterionRating",
        "assessment.Evidence",
        "assessment.ImprovementAction",
        "assessment.EvidenceRequest",
        "assessment.RealityCheckSession",
        "assessment.ModerationPanelMember",
    ),
}
_CHANGE = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    what: str
    record: str
    change: str
    who: str
    fields: tuple[str, ...]


def _history_models(kind: str | None) -> list[Any]:
    labels = HISTORY_SOURCES.get(kind, ()) if kind else sum(HISTORY_SOURCES.values(), ())
    models = []
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        history = getattr(model, "history", None)
        if history is not None:
            models.append(model)
    return models


def history_recent(*, kind: str | None = None, limit: int = 100) -> list[HistoryEntry]:
    """The latest changes across the chosen models: one query per model, whatever the volume."""
    entries: list[HistoryEntry] = []
    for model in _history_models(kind):
        records = list(
            model.history.select_related("history_user").order_by("-history_date")[: limit + 1]
        )
        # Each record is compared with the one before it to name the fields that changed.
        previous_by_id = _previous_records(model, records)
        for record in records[:limit]:
            before = previous_by_id.get(record.history_id)
            changed: tuple[str, ...] = ()
            if record.history_type == "~" and before is not None:
                changed = tuple(change.field for change in record.diff_against(before).changes)
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    what=str(model._meta.verbose_name).capitalize(),
                    record=_label(record),
                    change=_CHANGE.get(record.history_type, record.history_type),
                    who=(record.history_user.email if record.history_user else "the system"),
                    fields=changed,
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _label(record: Any) -> str:
    """A name for the changed record from its own columns, so no further queries are needed."""
    for attribute in ("name", "title", "email", "code"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    return f"number {record.id}"


def _previous_records(model: Any, records: list[Any]) -> dict[int, Any]:
    """For each history record, the record just before it for the same object, in one query."""
    if not records:
        return {}
    ids = {record.id for record in records}
    oldest = min(record.history_date for record in records)
    earlier = model.history.filter(id__in=ids, history_date__lte=oldest).order_by("-history_date")
    pool = sorted([*records, *earlier], key=lambda r: (r.history_date, r.history_id))
    last_seen: dict[Any, Any] = {}
    result: dict[int, Any] = {}
    for record in pool:
        if record.id in last_seen and record.history_id not in result:
            result[record.history_id] = last_seen[record.id]
        last_seen[record.id] = record
    return result


@dataclass(frozen=True)
class FailedTask:
    """A background task that failed: given up (`will_retry` False) or waiting to try again."""

    id: str
    what: str
    will_retry: bool
    queued_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    attempts: int
    error: str
    traceback: str


def _error_line(traceback: str, exception_path: str) -> str:
    """The traceback's last line ("SMTPServerDisconnected: Connection unexpectedly closed")."""
    lines = [line.strip() for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else exception_path.rsplit(".", 1)[-1] or "Unknown error"


def tasks_failed(*, limit: int = 200) -> list[FailedTask]:
    """Failed tasks, newest failure first, in one query: those given up, and those that failed
    and wait for their next attempt (their last error is kept until a run succeeds)."""
    rows = (
        DBTaskResult.objects.filter(
            Q(status=TaskResultStatus.FAILED)
            | (Q(status=TaskResultStatus.READY) & ~Q(exception_class_path=""))
        )
        .order_by("-finished_at", "-enqueued_at")
        .only(
            "id",
            "status",
            "task_path",
            "args_kwargs",
            "enqueued_at",
            "finished_at",
            "run_after",
            "worker_ids",
            "exception_class_path",
            "traceback",
        )[:limit]
    )
    return [
        FailedTask(
            id=str(row.pk),
            what=task_description(
                row.task_path, row.args_kwargs.get("args", []), row.args_kwargs.get("kwargs", {})
            ),
            will_retry=row.status == TaskResultStatus.READY,
            queued_at=row.enqueued_at,
            last_attempt_at=row.finished_at,
            next_attempt_at=row.run_after if row.status == TaskResultStatus.READY else None,
            attempts=len(row.worker_ids),
            error=_error_line(row.traceback, row.exception_class_path),
            traceback=row.traceback,
        )
        for row in rows
    ]
