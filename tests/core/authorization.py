"""The failed background tasks page in the site-wide authorization matrix: council admins only."""

from __future__ import annotations

import uuid
from typing import Any

from ..matrix import DENIED, LOGIN, REDIRECT, only


def _task(ctx: dict[str, Any]) -> dict[str, Any]:
    # Any task id: the permission is checked before the task is looked for.
    return {"task_id": uuid.uuid4()}


MATRIX: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "core:tasks-failed": (None, "get", only("council_admin")),
    "core:task-retry": (
        _task,
        "post",
        {
            role: REDIRECT if role == "council_admin" else (LOGIN if role == "public" else DENIED)
            for role in only("council_admin")
        },
    ),
}
