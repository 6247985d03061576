"""Site-wide pages: home, accessibility statement, privacy notice and error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from residentvoice.core.permissions import permission_required
from residentvoice.organisations.selectors import borough_totals

from .selectors import HISTORY_SOURCES, history_recent


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
