"""Site-wide pages: home, accessibility statement, privacy notice and error pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from residentvoice.core.permissions import permission_required
from residentvoice.organisations.selectors import borough_totals

from . import services
from .selectors import HISTORY_SOURCES, history_recent, tasks_failed


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"totals": borough_totals()})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the context processors' database queries: the database may be the problem.
    from django.template import loader

    return HttpResponse(loader.get_template("core/500.html").render(), status=500)


@permission_required("accounts.view_history")
def history(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in HISTORY_SOURCES:
        kind = None
    return render(
        request,
        "core/history.html",
        {"entries": history_recent(kind=kind), "kind": kind, "kinds": list(HISTORY_SOURCES)},
    )


@permission_required("accounts.manage_background_tasks")
def tasks_failed_list(request: HttpRequest) -> HttpResponse:
    tasks = tasks_failed()
    return render(
        request,
        "core/tasks_failed.html",
        {
            "given_up": [task for task in tasks if not task.will_retry],
            "retrying": [task for task in tasks if task.will_retry],
        },
    )


@require_POST
@permission_required("accounts.manage_background_tasks")
def task_retry(request: HttpRequest, task_id: str) -> HttpResponse:
    try:
        services.task_retry(task_id=task_id)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "The task is queued again: the worker tries it within a minute.")
    return redirect("core:tasks-failed")
